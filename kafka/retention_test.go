package kafka

import (
	"math/rand/v2"
	"sync/atomic"
	"testing"
	"time"

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
	if got := kc.oldestTimestamps(testCtx(t), leaders, starts); len(got) != 3 {
		t.Errorf("probed the head of %d of big's 3 partitions: %v", len(got), got)
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
	var fetches, logDirs atomic.Int64
	c.ControlKey(kmsg.Fetch.Int16(), func(kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		fetches.Add(1)
		return nil, nil, false
	})
	c.ControlKey(kmsg.DescribeLogDirs.Int16(), func(kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		logDirs.Add(1)
		return nil, nil, false
	})
	first, err := kc.Topic(testCtx(t), "logins")
	if err != nil || first.OldestTimestamp.IsZero() || fetches.Load() == 0 {
		t.Fatalf("first listing: oldest %v, %d fetches, err %v", first.OldestTimestamp, fetches.Load(), err)
	}
	probed := fetches.Load()
	again, err := kc.Topic(testCtx(t), "logins")
	if err != nil || !again.OldestTimestamp.Equal(first.OldestTimestamp) {
		t.Fatalf("second listing: oldest %v, err %v", again.OldestTimestamp, err)
	}
	if n := fetches.Load() - probed; n != 0 {
		t.Errorf("listing again fetched %d times: the heads did not move", n)
	}
	if n := logDirs.Load(); n != 1 || again.LogBytes != first.LogBytes || first.LogBytes <= 0 {
		t.Errorf("%d DescribeLogDirs for two listings in a row (sizes %d, %d), want one", n, first.LogBytes, again.LogBytes)
	}
}
