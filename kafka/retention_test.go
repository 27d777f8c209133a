package kafka

import (
	"math/rand/v2"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kpeek/kpeek/config"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

func TestTopicOldestAndExpiry(t *testing.T) {
	c := newCluster(t, kfake.SeedTopics(2, "logins"), kfake.SeedTopics(1, "full"),
		kfake.SeedTopics(1, "kept"), kfake.SeedTopics(1, "compacted"), kfake.SeedTopics(1, "empty"),
		kfake.SeedTopics(3, "big"))
	pc := producer(t, c)
	old := time.Now().Add(-30 * time.Hour).Truncate(time.Millisecond)
	produce(t, pc, "logins", []int32{1}, 3, old)                  // partition 0 empty
	produce(t, pc, "logins", []int32{0}, 3, old.Add(2*time.Hour)) // newer head on p0
	produce(t, pc, "full", []int32{0}, 20, old)                   // bigger than retention.bytes
	produce(t, pc, "kept", []int32{0}, 2, old)                    // retention.ms -1
	produce(t, pc, "compacted", []int32{0}, 2, old)               // cleanup.policy compact
	for p := range int32(3) {                                     // first batches larger than the probe asks for
		rec := &kgo.Record{Topic: "big", Partition: p, Value: incompressible(8 << 10), Timestamp: old}
		if err := pc.ProduceSync(testCtx(t), rec).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	setTopicConfig(t, c, "logins", "retention.ms", "172800000") // 48 h
	setTopicConfig(t, c, "full", "retention.bytes", "100")
	setTopicConfig(t, c, "kept", "retention.ms", "-1")
	setTopicConfig(t, c, "compacted", "cleanup.policy", "compact")
	kc := connectTo(t, c)
	before := time.Now()
	topics, err := kc.Topics(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]TopicInfo{}
	for _, tp := range topics {
		by[tp.Name] = tp
	}

	logins := by["logins"]
	if !logins.OldestTimestamp.Equal(old) {
		t.Errorf("logins oldest = %v, want the head of partition 1 %v", logins.OldestTimestamp, old)
	}
	if want := old.Add(48 * time.Hour); !logins.ExpiresAt.Equal(want) || logins.ExpiresBy != ExpiryByTime {
		t.Errorf("logins expires %v by %q, want %v by retention.ms", logins.ExpiresAt, logins.ExpiresBy, want)
	}
	if !logins.ExpiresWithin(before, 24*time.Hour) {
		t.Error("logins (18 h left) not marked as expiring within 24 h")
	}

	if b := by["big"]; !b.OldestTimestamp.Equal(old) {
		t.Errorf("big: oldest %v, want %v", b.OldestTimestamp, old)
	}
	leaders, starts := map[TopicPartition]int32{}, map[TopicPartition]int64{}
	for _, p := range by["big"].Partitions {
		leaders[TopicPartition{"big", p.ID}], starts[TopicPartition{"big", p.ID}] = p.Leader, 0
	}
	if got := kc.fetchHeads(testCtx(t), leaders, starts); len(got) != 3 {
		t.Errorf("fetched the head of %d of big's 3 partitions: %v", len(got), got)
	}
	for tp, at := range kc.fetchHeads(testCtx(t), leaders, starts) {
		if !at.Equal(old) {
			t.Errorf("fetched head of %v: %v, want %v", tp, at, old)
		}
	}

	full := by["full"]
	if full.LogBytes <= 100 {
		t.Fatalf("full log bytes = %d, want the size DescribeLogDirs reports (> 100)", full.LogBytes)
	}
	if full.ExpiresBy != ExpiryByBytes || full.ExpiresAt.Before(before) || full.ExpiresAt.After(time.Now()) {
		t.Errorf("full expires %v by %q, want now by retention.bytes", full.ExpiresAt, full.ExpiresBy)
	}

	for _, name := range []string{"kept", "compacted"} {
		tp := by[name]
		if !tp.OldestTimestamp.Equal(old) || !tp.ExpiresAt.IsZero() || tp.ExpiresWithin(before, 1000*time.Hour) {
			t.Errorf("%s: oldest %v expires %v, want oldest %v and no expiry", name, tp.OldestTimestamp, tp.ExpiresAt, old)
		}
	}
	if e := by["empty"]; !e.OldestTimestamp.IsZero() || !e.ExpiresAt.IsZero() {
		t.Errorf("empty topic: oldest %v expires %v, want both unknown", e.OldestTimestamp, e.ExpiresAt)
	}
}

// incompressible returns n bytes a producer's compression cannot shrink.
func incompressible(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.NewChaCha8([32]byte{byte(n)}).Read(b)
	return b
}

func TestTopicsRefreshDoesNotFetchHeadsAgain(t *testing.T) {
	c := newCluster(t, kfake.SeedTopics(3, "logins"))
	pc := producer(t, c)
	produce(t, pc, "logins", []int32{0, 1, 2}, 3, time.Now().Add(-time.Hour))
	kc := connectTo(t, c)
	// The heads are probed with a ListOffsets by time (or, failing that, a Fetch).
	var fetches, logDirs atomic.Int64
	c.ControlKey(kmsg.Fetch.Int16(), func(kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		fetches.Add(1)
		return nil, nil, false
	})
	c.ControlKey(kmsg.ListOffsets.Int16(), func(r kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		if lo := r.(*kmsg.ListOffsetsRequest); len(lo.Topics) > 0 && len(lo.Topics[0].Partitions) > 0 &&
			lo.Topics[0].Partitions[0].Timestamp == 0 {
			fetches.Add(1)
		}
		return nil, nil, false
	})
	c.ControlKey(kmsg.DescribeLogDirs.Int16(), func(kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		logDirs.Add(1)
		return nil, nil, false
	})
	first, err := kc.Topic(testCtx(t), "logins")
	if err != nil || first.OldestTimestamp.IsZero() || fetches.Load() == 0 {
		t.Fatalf("first listing: oldest %v, %d head probes, err %v", first.OldestTimestamp, fetches.Load(), err)
	}
	probed := fetches.Load()
	again, err := kc.Topic(testCtx(t), "logins")
	if err != nil || !again.OldestTimestamp.Equal(first.OldestTimestamp) {
		t.Fatalf("second listing: oldest %v, err %v", again.OldestTimestamp, err)
	}
	if n := fetches.Load() - probed; n != 0 {
		t.Errorf("listing again probed the heads %d times: they did not move", n)
	}
	if n := logDirs.Load(); n != 1 || again.LogBytes != first.LogBytes || first.LogBytes <= 0 {
		t.Errorf("%d DescribeLogDirs for two listings in a row (sizes %d, %d), want one", n, first.LogBytes, again.LogBytes)
	}
}

// TestOldestRecordWithoutFetching: the oldest record of every partition comes from one
// ListOffsets by time per leader, with no record fetched, even where a partition's first
// batch is larger than a fetch probe would ask for (which costs a fetch per partition).
func TestOldestRecordWithoutFetching(t *testing.T) {
	c := newCluster(t, kfake.SeedTopics(3, "big"), kfake.SeedTopics(2, "small"))
	pc := producer(t, c)
	old := time.Now().Add(-5 * time.Hour).Truncate(time.Millisecond)
	for p := range int32(3) {
		for i := range 2 {
			rec := &kgo.Record{Topic: "big", Partition: p, Value: incompressible(8 << 10), Timestamp: old.Add(time.Duration(i+int(p)) * time.Minute)}
			if err := pc.ProduceSync(testCtx(t), rec).FirstErr(); err != nil {
				t.Fatal(err)
			}
		}
	}
	produce(t, pc, "small", []int32{0, 1}, 3, old.Add(time.Hour))
	kc := connectTo(t, c)
	var fetches, lists atomic.Int64
	for key, n := range map[int16]*atomic.Int64{kmsg.Fetch.Int16(): &fetches, kmsg.ListOffsets.Int16(): &lists} {
		c.ControlKey(key, func(kmsg.Request) (kmsg.Response, error, bool) {
			c.KeepControl()
			n.Add(1)
			return nil, nil, false
		})
	}
	topics, err := kc.Topics(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]time.Time{"big": old, "small": old.Add(time.Hour)}
	for _, tp := range topics {
		if !tp.OldestTimestamp.Equal(want[tp.Name]) || tp.Err != nil {
			t.Errorf("%s: oldest %v (err %v), want %v", tp.Name, tp.OldestTimestamp, tp.Err, want[tp.Name])
		}
	}
	if fetches.Load() != 0 || lists.Load() != 3 {
		t.Errorf("%d fetches and %d ListOffsets (one broker), want none and 3 (earliest, latest, by time)", fetches.Load(), lists.Load())
	}
}

// TestOldestRecordFallsBackToFetch: where the record a ListOffsets by time finds is not the
// one at the log start (records without a time), the head of the log is fetched.
func TestOldestRecordFallsBackToFetch(t *testing.T) {
	c := newCluster(t, kfake.SeedTopics(1, "t"))
	pc := producer(t, c)
	old := time.Now().Add(-5 * time.Hour).Truncate(time.Millisecond)
	produce(t, pc, "t", []int32{0}, 3, old)
	kc := connectTo(t, c)
	var fetches atomic.Int64
	c.ControlKey(kmsg.Fetch.Int16(), func(kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		fetches.Add(1)
		return nil, nil, false
	})
	c.ControlKey(kmsg.ListOffsets.Int16(), func(r kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		req := r.(*kmsg.ListOffsetsRequest)
		if req.Topics[0].Partitions[0].Timestamp != 0 {
			return nil, nil, false
		}
		// As a broker answers when the first records carry no time: a later offset.
		resp := req.ResponseKind().(*kmsg.ListOffsetsResponse)
		rt := kmsg.NewListOffsetsResponseTopic()
		rt.Topic = "t"
		rp := kmsg.NewListOffsetsResponseTopicPartition()
		rp.Offset, rp.Timestamp = 2, old.Add(2*time.Second).UnixMilli()
		rt.Partitions = append(rt.Partitions, rp)
		resp.Topics = append(resp.Topics, rt)
		return resp, nil, true
	})
	info, err := kc.Topic(testCtx(t), "t")
	if err != nil {
		t.Fatal(err)
	}
	if !info.OldestTimestamp.Equal(old) || fetches.Load() != 1 {
		t.Errorf("oldest %v after %d fetches, want %v from one fetch", info.OldestTimestamp, fetches.Load(), old)
	}
}

// TestTopicsAskForOldestWithoutWaiting: a first listing asks for each partition's oldest
// record at the same time as its watermarks, not after them: while one broker holds back
// its answer about log start offsets until another broker has been asked for the oldest
// records, the listing still completes, every partition known.
func TestTopicsAskForOldestWithoutWaiting(t *testing.T) {
	c := newCluster(t, kfake.NumBrokers(2), kfake.SeedTopics(4, "t"))
	pc := producer(t, c)
	produce(t, pc, "t", []int32{0, 1, 2, 3}, 2, time.Now().Add(-time.Hour))
	for p := range int32(4) {
		if err := c.MoveTopicPartition("t", p, p%2); err != nil {
			t.Fatal(err)
		}
	}
	// A short socket timeout only makes the failure quick: the client gives up on the
	// broker holding back, and those partitions are left unknown.
	kc, err := New(testCtx(t), config.Connection{Brokers: c.ListenAddrs(), SocketTimeoutMs: 2000}, WithLogger(testLogger(t)))
	if err != nil {
		t.Fatal(err)
	}
	defer kc.Close()
	asked, done := make(chan struct{}), make(chan struct{})
	var askedOnce, stalled atomic.Bool
	c.ControlKey(kmsg.ListOffsets.Int16(), func(r kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		switch ts := r.(*kmsg.ListOffsetsRequest).Topics[0].Partitions[0].Timestamp; {
		case ts == 0 && askedOnce.CompareAndSwap(false, true):
			close(asked)
		case ts == -2 && stalled.CompareAndSwap(false, true):
			c.SleepControl(func() {
				select {
				case <-asked:
				case <-done:
				}
			})
		}
		return nil, nil, false
	})
	topics, err := kc.Topics(testCtx(t))
	close(done)
	if err != nil {
		t.Fatal(err)
	}
	leaders := map[int32]bool{}
	for _, tp := range topics {
		if tp.Err != nil || !tp.RecordsKnown() || tp.OldestTimestamp.IsZero() {
			t.Errorf("%s: err %v, records known %v, oldest %v", tp.Name, tp.Err, tp.RecordsKnown(), tp.OldestTimestamp)
		}
		for _, p := range tp.Partitions {
			leaders[p.Leader] = true
		}
	}
	if len(leaders) != 2 {
		t.Fatalf("leaders %v: the test needs partitions led by both brokers", leaders)
	}
}
