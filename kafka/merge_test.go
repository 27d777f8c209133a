package kafka

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"go.uber.org/goleak"
)

// timeOrdered reports the first index where recs break TimeOrderLess, or -1.
func timeOrdered(recs []Record) int {
	for i := 1; i < len(recs); i++ {
		if TimeOrderLess(&recs[i], &recs[i-1]) {
			return i
		}
	}
	return -1
}

// feed sends recs then done on a fresh channel, like a partition pump: in chunks of 1, 2
// and 3 records in turn, so merges cross chunk boundaries everywhere.
func feed(recs []Record) <-chan event {
	ch := make(chan event, 2)
	go func() {
		for n := 1; len(recs) > 0; n = n%3 + 1 {
			k := min(n, len(recs))
			ch <- event{recs: recs[:k:k]}
			recs = recs[k:]
		}
		ch <- event{done: true}
	}()
	return ch
}

// collect drains a merge's output until its done or error event.
func collect(t *testing.T, out <-chan event) ([]Record, error) {
	t.Helper()
	var recs []Record
	for ev := range out {
		switch {
		case ev.err != nil:
			return recs, ev.err
		case ev.done:
			return recs, nil
		}
		recs = append(recs, ev.recs...)
	}
	return recs, errors.New("merge output closed without done")
}

func TestMergeByTimeExact(t *testing.T) {
	at := func(s int) time.Time { return base.Add(time.Duration(s) * time.Second) }
	rec := func(p int32, o int64, s int) Record { return Record{Partition: p, Offset: o, Timestamp: at(s)} }
	tests := []struct {
		name  string
		parts [][]Record
		want  []Record
	}{
		{"interleaved", [][]Record{{rec(0, 0, 1), rec(0, 1, 4)}, {rec(1, 0, 2), rec(1, 1, 3)}},
			[]Record{rec(0, 0, 1), rec(1, 0, 2), rec(1, 1, 3), rec(0, 1, 4)}},
		{"ties by partition then offset", [][]Record{{rec(1, 5, 1), rec(1, 6, 1)}, {rec(0, 9, 1)}},
			[]Record{rec(0, 9, 1), rec(1, 5, 1), rec(1, 6, 1)}},
		{"one partition empty", [][]Record{{}, {rec(1, 0, 2), rec(1, 1, 1)}},
			// a partition out of time order itself stays in offset order: never reordered within
			[]Record{rec(1, 0, 2), rec(1, 1, 1)}},
		{"nothing", [][]Record{{}, {}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var chans []<-chan event
			for _, p := range tt.parts {
				chans = append(chans, feed(p))
			}
			out := make(chan event)
			go mergeByTime(context.Background(), chans, 0, out)
			got, err := collect(t, out)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.EqualFunc(got, tt.want, func(a, b Record) bool {
				return a.Partition == b.Partition && a.Offset == b.Offset
			}) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestMergeByTimeRandomLosesNothing(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var chans []<-chan event
	total := 0
	for p := range int32(7) {
		var recs []Record
		ts := base
		for o := range int64(rng.IntN(300)) {
			ts = ts.Add(time.Duration(rng.IntN(3)) * time.Second) // many ties
			recs = append(recs, Record{Partition: p, Offset: o, Timestamp: ts})
		}
		total += len(recs)
		chans = append(chans, feed(recs))
	}
	out := make(chan event)
	go mergeByTime(context.Background(), chans, 0, out)
	got, err := collect(t, out)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != total {
		t.Fatalf("merged %d records, want %d", len(got), total)
	}
	if i := timeOrdered(got); i >= 0 {
		t.Fatalf("record %d out of time order: %v after %v", i, got[i], got[i-1])
	}
}

func TestMergeByTimeForwardsError(t *testing.T) {
	bad := make(chan event, 1)
	bad <- event{err: errors.New("partition 1 denied")}
	out := make(chan event)
	go mergeByTime(context.Background(), []<-chan event{feed([]Record{{Timestamp: base}}), bad}, 0, out)
	if _, err := collect(t, out); err == nil || err.Error() != "partition 1 denied" {
		t.Fatalf("got %v, want the partition's error", err)
	}
}

func TestMergeByTimeStopsOnCancel(t *testing.T) {
	idle := make(chan event) // a partition that never answers
	ctx, cancel := context.WithCancel(context.Background())
	finished := make(chan struct{})
	go func() {
		mergeByTime(ctx, []<-chan event{idle, feed(nil)}, 0, make(chan event))
		close(finished)
	}()
	cancel()
	<-finished // a hang here fails the test by its timeout
}

func TestMergeByTimeHoldBackReleasesIdle(t *testing.T) {
	// Following: one partition idle forever must not hold the other's records back for good.
	idle := make(chan event)
	live := make(chan event, 1)
	live <- event{recs: []Record{{Partition: 1, Offset: 0, Timestamp: base}}}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := make(chan event)
	go mergeByTime(ctx, []<-chan event{idle, live}, time.Millisecond, out)
	ev := <-out
	if ev.err != nil || len(ev.recs) != 1 || ev.recs[0].Partition != 1 {
		t.Fatalf("got %+v, want partition 1's record released after the hold-back", ev)
	}
}

func TestParseOrder(t *testing.T) {
	for in, want := range map[string]Order{"": OrderAuto, "time": OrderTime, "Partition": OrderPartition} {
		if got, err := ParseOrder(in); err != nil || got != want {
			t.Errorf("ParseOrder(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := ParseOrder("offset"); err == nil {
		t.Error("ParseOrder(offset) accepted")
	}
}

// produceSkewed writes n records per partition whose timestamps interleave across
// partitions: partition p's record i is at base + (i*parts+p*7 mod ...) seconds, increasing.
func produceSkewed(t testing.TB, cl *kgo.Client, topic string, parts int32, n int) {
	t.Helper()
	var recs []*kgo.Record
	for p := range parts {
		ts := base.Add(time.Duration(p) * 1500 * time.Millisecond)
		for i := range n {
			ts = ts.Add(time.Duration(1+(i*int(p+3))%5) * time.Second)
			recs = append(recs, &kgo.Record{Topic: topic, Partition: p, Timestamp: ts,
				Value: []byte(fmt.Sprintf("p%d-%d", p, i))})
		}
	}
	if err := cl.ProduceSync(testCtx(t), recs...).FirstErr(); err != nil {
		t.Fatalf("produce: %v", err)
	}
}

func TestReadTimeOrder(t *testing.T) {
	c := newCluster(t, kfake.SeedTopics(4, "logins"))
	produceSkewed(t, producer(t, c), "logins", 4, 200)
	kc := connectTo(t, c)

	read := func(req ReadRequest) []Record {
		t.Helper()
		s, err := kc.Read(testCtx(t), req)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		return readAll(t, s)
	}
	t.Run("bounded read defaults to time order and loses nothing", func(t *testing.T) {
		got := read(ReadRequest{Topic: "logins"})
		if len(got) != 800 {
			t.Fatalf("read %d records, want 800", len(got))
		}
		if i := timeOrdered(got); i >= 0 {
			t.Fatalf("record %d out of time order: %s at %v after %s at %v", i,
				got[i].Value, got[i].Timestamp, got[i-1].Value, got[i-1].Timestamp)
		}
	})
	t.Run("partition order keeps each partition in offset order", func(t *testing.T) {
		got := read(ReadRequest{Topic: "logins", Order: OrderPartition})
		if len(got) != 800 || !perPartitionOrdered(got) {
			t.Fatalf("read %d records, per-partition ordered %v", len(got), perPartitionOrdered(got))
		}
	})
	t.Run("-n 5 is the first five in time order, every time", func(t *testing.T) {
		all := read(ReadRequest{Topic: "logins"})
		want := values(all[:5])
		for range 6 {
			got := values(read(ReadRequest{Topic: "logins", Max: 5, BatchSize: 2}))
			if !slices.Equal(got, want) {
				t.Fatalf("-n 5 gave %v, want %v", got, want)
			}
		}
	})
}

func TestReadFollowTimeOrderDoesNotWaitForIdlePartitions(t *testing.T) {
	c := newCluster(t, kfake.SeedTopics(3, "live"))
	pc := producer(t, c)
	ignore := goleak.IgnoreCurrent() // the cluster and producer stop at cleanup
	kc := connectTo(t, c)
	ctx, cancel := context.WithCancel(testCtx(t))
	s, err := kc.Read(ctx, ReadRequest{Topic: "live", From: Start{Kind: StartEnd}, Follow: true, Order: OrderTime})
	if err != nil {
		t.Fatal(err)
	}
	// Only partition 1 ever gets records; 0 and 2 stay idle for the whole read.
	produce(t, pc, "live", []int32{1}, 3, base)
	var got []Record
	for len(got) < 3 {
		b, ok := <-s.Batches()
		if !ok || b.Err != nil {
			t.Fatalf("stream ended early: ok=%v err=%v", ok, b.Err)
		}
		got = append(got, b.Records...)
	}
	if !slices.Equal(values(got), []string{"p1-0", "p1-1", "p1-2"}) {
		t.Errorf("followed %v", values(got))
	}
	cancel()
	for range s.Batches() {
	}
	s.Close()
	kc.Close()
	// The in-process cluster serves the producer's connections until cleanup.
	goleak.VerifyNone(t, append(leakOptions(), ignore,
		goleak.IgnoreAnyFunction("github.com/twmb/franz-go/pkg/kfake.(*clientConn).read"),
		goleak.IgnoreAnyFunction("github.com/twmb/franz-go/pkg/kfake.(*clientConn).write"),
		goleak.IgnoreAnyFunction("github.com/twmb/franz-go/pkg/kfake.(*clientConn).read.func1"))...)
}

// BenchmarkMergeByTime is the merge alone: k partitions of records with interleaved
// timestamps through per-partition channels into one ordered stream; ns/record is its
// cost on top of a partition-order read.
func BenchmarkMergeByTime(b *testing.B) {
	const perPartition = 10000
	for _, k := range []int{4, 32} {
		b.Run(fmt.Sprintf("partitions=%d", k), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				chans := make([]<-chan event, k)
				for p := range k {
					ch := make(chan event, partitionBuffer)
					chans[p] = ch
					go func() {
						chunk := make([]Record, 0, chunkRecords)
						for i := range perPartition {
							chunk = append(chunk, Record{Partition: int32(p), Offset: int64(i),
								Timestamp: base.Add(time.Duration(i*k+p*7%k) * time.Millisecond)})
							if len(chunk) == chunkRecords || i == perPartition-1 {
								ch <- event{recs: chunk}
								chunk = make([]Record, 0, chunkRecords)
							}
						}
						ch <- event{done: true}
					}()
				}
				out := make(chan event, pumpBuffer)
				go mergeByTime(context.Background(), chans, 0, out)
				for ev := range out {
					if ev.done || ev.err != nil {
						break
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*k*perPartition), "ns/record")
		})
	}
}

// TestBudgetHoldsAPartitionBack: a pump may hand the merge chunks only while they fit its
// budget (a chunk larger than the whole budget passes alone); a chunk that does not fit
// waits for the merge to take earlier ones. An ended context shows whether acquire would
// have waited.
func TestBudgetHoldsAPartitionBack(t *testing.T) {
	ended, cancel := context.WithCancel(context.Background())
	cancel()
	b := newBudget(100)
	if !b.acquire(ended, 60) || !b.acquire(ended, 40) {
		t.Fatal("chunks within the budget must pass without waiting")
	}
	if b.acquire(ended, 1) {
		t.Fatal("a chunk beyond the budget passed without waiting for the merge")
	}
	b.release(60)
	if !b.acquire(ended, 60) {
		t.Fatal("a chunk that fits again after a release had to wait")
	}
	b.release(100)
	if !b.acquire(ended, 500) {
		t.Fatal("a chunk larger than the budget must pass an empty budget")
	}
	if got, want := chunkCost([]Record{{Key: []byte("k"), Value: make([]byte, 99)}}), 100+recordOverhead; got != want {
		t.Errorf("chunkCost = %d, want %d", got, want)
	}
}
