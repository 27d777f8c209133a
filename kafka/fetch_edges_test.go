package kafka

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/kpeek/kpeek/config"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"go.uber.org/goleak"
)

// dropFetches makes the cluster close the client's connection instead of answering fetches
// from+1 to from+k (counted from 1), as a broker restarting does; dropped counts them.
func dropFetches(c *kfake.Cluster, from, k int64) (dropped *atomic.Int64) {
	var seen atomic.Int64
	dropped = new(atomic.Int64)
	c.ControlKey(kmsg.Fetch.Int16(), func(kmsg.Request) (kmsg.Response, error, bool) {
		n := seen.Add(1)
		if n <= from {
			return nil, nil, false // answered normally; the control function stays
		}
		dropped.Add(1)
		if n < from+k {
			c.KeepControl()
		} else {
			c.DropControl() // kfake keeps a function once kept
		}
		return nil, errors.New("broker restarting"), true // closes the connection
	})
	return dropped
}

// readEachOnce checks that recs hold offsets 0..n-1 of each listed partition exactly once,
// each partition in offset order.
func readEachOnce(t *testing.T, recs []Record, parts []int32, n int64) {
	t.Helper()
	next := map[int32]int64{}
	for _, r := range recs {
		if r.Offset != next[r.Partition] {
			t.Fatalf("partition %d: offset %d where %d was due (lost, repeated or out of order)", r.Partition, r.Offset, next[r.Partition])
		}
		if want := fmt.Sprintf("p%d-%d", r.Partition, r.Offset); string(r.Value) != want {
			t.Fatalf("partition %d offset %d holds %q, want %q", r.Partition, r.Offset, r.Value, want)
		}
		next[r.Partition]++
	}
	for _, p := range parts {
		if next[p] != n {
			t.Errorf("partition %d: read %d records, want %d", p, next[p], n)
		}
	}
}

// TestReadRidesOutDroppedConnections: the broker drops the connection of a fetch in the
// middle of a read (once, and then for several fetches in a row, as a broker restarting
// refuses for a while); the read reconnects and delivers every record exactly once, in
// order, and leaves nothing running.
func TestReadRidesOutDroppedConnections(t *testing.T) {
	const n = 400
	parts := []int32{0, 1}
	for _, tt := range []struct {
		name string
		k    int64 // fetches in a row whose connection is dropped
	}{{"once", 1}, {"for a while", 4}} {
		t.Run(tt.name, func(t *testing.T) {
			c := newCluster(t, kfake.SeedTopics(2, "cut"))
			// Small batches and small fetches: the read takes many fetches.
			pc := producer(t, c, kgo.ProducerBatchMaxBytes(1<<10))
			produce(t, pc, "cut", parts, n, base)
			pc.Close()
			ignore := goleak.IgnoreCurrent()
			kc := connectTo(t, c)
			dropped := dropFetches(c, 3, tt.k)
			s, err := kc.Read(testCtx(t), ReadRequest{Topic: "cut", Order: OrderPartition, MaxBytes: 4 << 10})
			if err != nil {
				t.Fatal(err)
			}
			got := readAll(t, s)
			s.Close()
			if dropped.Load() != tt.k {
				t.Fatalf("%d fetches dropped, want %d: the test proves nothing", dropped.Load(), tt.k)
			}
			readEachOnce(t, got, parts, n)
			kc.Close()
			goleak.VerifyNone(t, append(brokerLeakOptions(), ignore)...)
		})
	}
}

// deleteBeforeFetch makes the cluster, on the nth fetch (counted from 1), first delete the
// partition's records below `to` (DeleteRecords, as retention would) and then answer the
// fetch as usual; deleted is closed once that happened.
func deleteBeforeFetch(t *testing.T, c *kfake.Cluster, admin *kgo.Client, topic string, partition int32, nth, to int64) (deleted <-chan struct{}) {
	t.Helper()
	done := make(chan struct{})
	var seen atomic.Int64
	c.ControlKey(kmsg.Fetch.Int16(), func(kmsg.Request) (kmsg.Response, error, bool) {
		if seen.Add(1) != nth {
			return nil, nil, false
		}
		c.DropControl()
		go func() {
			defer close(done)
			req := kmsg.NewPtrDeleteRecordsRequest()
			rt := kmsg.NewDeleteRecordsRequestTopic()
			rt.Topic = topic
			rp := kmsg.NewDeleteRecordsRequestTopicPartition()
			rp.Partition, rp.Offset = partition, to
			rt.Partitions = append(rt.Partitions, rp)
			req.Topics = append(req.Topics, rt)
			resp, err := req.RequestWith(testCtx(t), admin)
			if err == nil {
				err = kerr.ErrorForCode(resp.Topics[0].Partitions[0].ErrorCode)
			}
			if err != nil {
				t.Errorf("delete records: %v", err)
			}
		}()
		// The fetch waits (other connections are served) until the records are gone.
		c.SleepControl(func() { <-done })
		return nil, nil, false
	})
	return done
}

// produceApart writes n records to partition 0 of topic, each in a batch of its own.
func produceApart(t *testing.T, pc *kgo.Client, topic string, n int) {
	t.Helper()
	for i := range n {
		r := &kgo.Record{Topic: topic, Partition: 0, Value: []byte(fmt.Sprintf("p0-%d", i)), Timestamp: base}
		if err := pc.ProduceSync(testCtx(t), r).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestReadStartsAtTheLogStartRetentionLeft: retention removes the start of the range after
// the read resolved it and before its first fetch; the read begins at what is left and
// reports no loss: the read never had those records.
func TestReadStartsAtTheLogStartRetentionLeft(t *testing.T) {
	c := newCluster(t, kfake.SeedTopics(1, "aged"))
	pc := producer(t, c)
	produceApart(t, pc, "aged", 10)
	deleted := deleteBeforeFetch(t, c, pc, "aged", 0, 1, 4)
	s, err := connectTo(t, c).Read(testCtx(t), ReadRequest{Topic: "aged"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if r := s.Ranges(); r[0].Start != 0 || r[0].End != 10 {
		t.Fatalf("ranges %+v: want 0..10 resolved before the deletion", r)
	}
	got := readAll(t, s) // fails on a stream error
	<-deleted
	if want := seq(0, 4, 10, -1, 0, 0); !slices.Equal(values(got), want) {
		t.Errorf("read %v, want %v", values(got), want)
	}
}

// TestReadFailsWhenRetentionOvertakesIt: retention removes records the read has not reached
// after it has begun reading; that is not the start moving: the read ends with the error
// saying the next records were deleted while reading, naming the partition, having
// delivered what it read before.
func TestReadFailsWhenRetentionOvertakesIt(t *testing.T) {
	c := newCluster(t, kfake.SeedTopics(1, "overtaken"))
	pc := producer(t, c)
	produceApart(t, pc, "overtaken", 10)
	deleteBeforeFetch(t, c, pc, "overtaken", 0, 2, 6)
	// Fetches so small that each takes one batch: the first fetch reads offset 0 only.
	s, err := connectTo(t, c).Read(testCtx(t), ReadRequest{Topic: "overtaken", MaxBytes: 64})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var (
		got  []Record
		last error
	)
	for b := range s.Batches() {
		got = append(got, b.Records...)
		if b.Err != nil {
			last = b.Err
		}
	}
	if !slices.Equal(offsets(got), []int64{0}) {
		t.Errorf("read offsets %v, want [0]: what the first fetch read, and nothing skipped after it", offsets(got))
	}
	if !errors.Is(last, sarama.ErrOffsetOutOfRange) || !strings.Contains(last.Error(), `read topic "overtaken" partition 0: the next records were deleted while reading`) {
		t.Errorf("stream ended with %v, want the deletion named for the partition", last)
	}
}

func offsets(recs []Record) []int64 {
	out := make([]int64, len(recs))
	for i, r := range recs {
		out[i] = r.Offset
	}
	return out
}

// silenceFetches makes the cluster take fetches from the nth on (counted from 1) and not
// answer them until the returned wake is called (or the test ends); silent counts them.
func silenceFetches(t *testing.T, c *kfake.Cluster, nth int64) (silent *atomic.Int64, wake func()) {
	t.Helper()
	var seen atomic.Int64
	silent = new(atomic.Int64)
	woken := make(chan struct{})
	var once sync.Once
	wake = func() { once.Do(func() { close(woken) }) }
	t.Cleanup(wake)
	c.ControlKey(kmsg.Fetch.Int16(), func(kmsg.Request) (kmsg.Response, error, bool) {
		if seen.Add(1) < nth {
			return nil, nil, false
		}
		select {
		case <-woken:
			return nil, nil, false
		default:
		}
		silent.Add(1)
		c.SleepControl(func() { <-woken })
		return nil, nil, false // answered after waking, on a connection the client gave up
	})
	return silent, wake
}

// connectWithTimeout opens a kpeek client on the cluster with socket.timeout.ms set.
func connectWithTimeout(t *testing.T, c *kfake.Cluster, ms int) *Client {
	t.Helper()
	kc, err := New(testCtx(t), config.Connection{Name: "test", Brokers: c.ListenAddrs(), SocketTimeoutMs: ms},
		WithLogger(testLogger(t)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { kc.Close() })
	return kc
}

// TestReadNamesABrokerThatFallsSilent: the broker answers the first fetches of a bounded
// read, then takes one and never answers. The read fails after that one fetch (not after
// retrying it for minutes) with an error naming the partition and the silent broker, having
// delivered what came before, and leaves nothing running.
func TestReadNamesABrokerThatFallsSilent(t *testing.T) {
	c := newCluster(t, kfake.SeedTopics(1, "quiet"))
	pc := producer(t, c)
	produceApart(t, pc, "quiet", 10)
	pc.Close()
	ignore := goleak.IgnoreCurrent()
	kc := connectWithTimeout(t, c, 300)
	silent, _ := silenceFetches(t, c, 3)
	// Fetches so small that each takes one batch: fetches 1 and 2 read offsets 0 and 1.
	s, err := kc.Read(testCtx(t), ReadRequest{Topic: "quiet", MaxBytes: 64})
	if err != nil {
		t.Fatal(err)
	}
	var (
		got  []Record
		last error
	)
	for b := range s.Batches() {
		got = append(got, b.Records...)
		if b.Err != nil {
			last = b.Err
		}
	}
	s.Close()
	addr := c.ListenAddrs()[0]
	if !slices.Equal(offsets(got), []int64{0, 1}) {
		t.Errorf("read offsets %v, want [0 1]", offsets(got))
	}
	if last == nil || !strings.Contains(last.Error(), `read topic "quiet" partition 0: broker `+addr+` stopped answering: no answer to a fetch within 300ms (socket.timeout.ms)`) {
		t.Errorf("stream ended with %v, want the silent broker named", last)
	}
	if n := silent.Load(); n != 1 {
		t.Errorf("%d fetches went to the silent broker, want 1: a bounded read names it at the first silence", n)
	}
	kc.Close()
	goleak.VerifyNone(t, append(brokerLeakOptions(), ignore)...)
}

// TestFollowSaysWhileABrokerIsSilent: a followed read whose broker stops answering goes on
// (a broker may come back) and says so through Stalled, naming the broker; once the broker
// answers again, new records arrive and Stalled is nil. Nothing is left running.
func TestFollowSaysWhileABrokerIsSilent(t *testing.T) {
	c := newCluster(t, kfake.SeedTopics(1, "hush"))
	pc := producer(t, c)
	produceApart(t, pc, "hush", 3)
	ignore := goleak.IgnoreCurrent()
	// The timeout must exceed the follow's long poll, or idle polls would count as silence.
	kc := connectWithTimeout(t, c, 1000)
	silent, wake := silenceFetches(t, c, 2)
	ctx, cancel := context.WithCancel(testCtx(t))
	defer cancel()
	s, err := kc.Read(ctx, ReadRequest{Topic: "hush", Follow: true})
	if err != nil {
		t.Fatal(err)
	}
	var got []Record
	for len(got) < 3 {
		got = append(got, nextRecords(t, s)...)
	}
	// Guard, not a timing: wait until the read says it is stalled (the test's deadline
	// fails it if it never does).
	for s.Stalled() == nil {
		if err := sleep(testCtx(t), 10*time.Millisecond); err != nil {
			t.Fatalf("the read never said it was stalled (%d silent fetches)", silent.Load())
		}
	}
	addr := c.ListenAddrs()[0]
	if msg := s.Stalled().Error(); !strings.Contains(msg, "broker "+addr+" stopped answering") {
		t.Errorf("Stalled() = %q, want the broker named", msg)
	}
	wake()
	produceApart(t, pc, "hush", 4) // offsets 3..6 hold p0-0..p0-3
	for len(got) < 7 {
		got = append(got, nextRecords(t, s)...)
	}
	if err := s.Stalled(); err != nil {
		t.Errorf("Stalled() = %v after the broker answered again", err)
	}
	if offs := offsets(got); !slices.Equal(offs, []int64{0, 1, 2, 3, 4, 5, 6}) {
		t.Errorf("read offsets %v, want 0..6 once each", offs)
	}
	cancel()
	for range s.Batches() {
	}
	s.Close()
	kc.Close()
	pc.Close()
	goleak.VerifyNone(t, append(brokerLeakOptions(), ignore)...)
}

// TestReadTimeOrderOfLargeRecords: two partitions of large records, one far ahead in time,
// each far more than a partition's budget; the merge gives the budget back as it takes
// chunks, so the read goes through in time order instead of stalling at the budget.
func TestReadTimeOrderOfLargeRecords(t *testing.T) {
	const n, size = 40, 512 << 10
	c := newCluster(t, kfake.SeedTopics(2, "big"))
	pc := producer(t, c, kgo.ProducerBatchMaxBytes(2<<20))
	value := make([]byte, size)
	late := time.UnixMilli(1_700_000_000_000)
	for i := range n {
		recs := []*kgo.Record{
			{Topic: "big", Partition: 0, Key: []byte(fmt.Sprintf("late-%d", i)), Value: value, Timestamp: late.Add(time.Hour + time.Duration(i)*time.Second)},
			{Topic: "big", Partition: 1, Key: []byte(fmt.Sprintf("early-%d", i)), Value: value, Timestamp: late.Add(time.Duration(i) * time.Second)},
		}
		if err := pc.ProduceSync(testCtx(t), recs...).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	if n*(size+recordOverhead) < 2*partitionBudget {
		t.Fatal("the records do not exceed the budget: the test proves nothing")
	}
	s, err := connectTo(t, c).Read(testCtx(t), ReadRequest{Topic: "big", Order: OrderTime})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	earlyThenLate(t, readAll(t, s), n, func(r Record) []byte { return r.Key })
}

// TestCloseEndsASilentFetch: Ctrl-C (the read's context ending) or Close while a followed
// read's fetch waits on a broker that stopped answering ends the read at once, not at the
// socket timeout (an hour here); the reading client goes back to the pool in working order,
// so the next read on the same Client gets its records once the broker answers again.
func TestCloseEndsASilentFetch(t *testing.T) {
	c := newCluster(t, kfake.SeedTopics(1, "hush"))
	pc := producer(t, c)
	produceApart(t, pc, "hush", 3)
	pc.Close()
	ignore := goleak.IgnoreCurrent()
	kc := connectWithTimeout(t, c, 3_600_000)
	silent, wake := silenceFetches(t, c, 2)
	ctx, cancel := context.WithCancel(testCtx(t))
	defer cancel()
	s, err := kc.Read(ctx, ReadRequest{Topic: "hush", Follow: true})
	if err != nil {
		t.Fatal(err)
	}
	for got := 0; got < 3; {
		got += len(nextRecords(t, s))
	}
	for silent.Load() == 0 { // guard, not a timing: the test's deadline fails it
		if err := sleep(testCtx(t), 10*time.Millisecond); err != nil {
			t.Fatal("no fetch was held")
		}
	}
	cancel()
	closed := make(chan struct{})
	go func() { s.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(20 * time.Second): // guard only: before the fix Close waited for the hour
		t.Fatal("Close waited on the silent fetch")
	}
	wake()
	s2, err := kc.Read(testCtx(t), ReadRequest{Topic: "hush", From: Start{Kind: StartBeginning}})
	if err != nil {
		t.Fatal(err)
	}
	if offs := offsets(readAll(t, s2)); !slices.Equal(offs, []int64{0, 1, 2}) {
		t.Errorf("the next read got offsets %v, want 0..2", offs)
	}
	s2.Close()
	kc.Close()
	goleak.VerifyNone(t, append(brokerLeakOptions(), ignore)...)
}

// nextRecords is the next batch of a read that must still be running.
func nextRecords(t *testing.T, s *Stream) []Record {
	t.Helper()
	b, ok := <-s.Batches()
	if !ok || b.Err != nil {
		t.Fatalf("stream ended: open %v, err %v", ok, b.Err)
	}
	return b.Records
}
