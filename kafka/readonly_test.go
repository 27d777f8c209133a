package kafka

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// readOnlyKeys are the requests a read-only tool may send: look, never touch.
var readOnlyKeys = []int16{
	kmsg.ApiVersions.Int16(), kmsg.Metadata.Int16(), kmsg.ListOffsets.Int16(), kmsg.Fetch.Int16(),
	kmsg.DescribeConfigs.Int16(), kmsg.ListGroups.Int16(), kmsg.DescribeGroups.Int16(),
	kmsg.OffsetFetch.Int16(), kmsg.FindCoordinator.Int16(), kmsg.DescribeCluster.Int16(),
	kmsg.SASLHandshake.Int16(), kmsg.SASLAuthenticate.Int16(), kmsg.DescribeACLs.Int16(),
	kmsg.ConsumerGroupDescribe.Int16(), kmsg.DescribeLogDirs.Int16(), kmsg.DescribeTopicPartitions.Int16(),
}

// requestWatcher records the key of every request that reaches a kfake cluster.
type requestWatcher struct {
	mu   sync.Mutex
	seen map[int16]int
}

// watch hooks every request key on c; the hook only observes, the cluster still answers.
func watch(c *kfake.Cluster) *requestWatcher {
	w := &requestWatcher{seen: map[int16]int{}}
	for key := int16(0); key <= kmsg.MaxKey; key++ {
		c.ControlKey(key, func(req kmsg.Request) (kmsg.Response, error, bool) {
			w.mu.Lock()
			w.seen[req.Key()]++
			w.mu.Unlock()
			c.KeepControl()
			return nil, nil, false
		})
	}
	return w
}

// forbidden lists the keys seen that are not on the read-only allowlist.
func (w *requestWatcher) forbidden() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []string
	for key, n := range w.seen {
		if !slices.Contains(readOnlyKeys, key) && n > 0 {
			out = append(out, kmsg.NameForKey(key))
		}
	}
	slices.Sort(out)
	return out
}

func (w *requestWatcher) count(key kmsg.Key) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.seen[key.Int16()]
}

// TestReadOnly runs every kpeek operation against a watched cluster and fails on any request
// that could change it: Produce, OffsetCommit, JoinGroup, CreateTopics, AlterConfigs, ...
func TestReadOnly(t *testing.T) {
	c := newCluster(t, kfake.SeedTopics(3, "orders"), kfake.SeedTopics(1, "audit"))
	pc := producer(t, c)
	produce(t, pc, "orders", []int32{0, 1, 2}, 20, base)
	commit(t, c, "analytics", "orders", map[int32]int64{0: 5})
	pc.Close()    // franz-go asks for telemetry subscriptions in the background
	w := watch(c) // after seeding: only kpeek's requests count

	kc := connectTo(t, c)
	ctx := testCtx(t)
	if _, err := kc.ClusterInfo(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := kc.Topics(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := kc.Topic(ctx, "orders"); err != nil {
		t.Fatal(err)
	}
	if _, err := kc.Groups(ctx); err != nil {
		t.Fatal(err)
	}
	for _, req := range []ReadRequest{
		{Topic: "orders"},
		{Topic: "orders", From: Start{Kind: StartLast, N: 3}},
		{Topic: "orders", From: Start{Kind: StartTime, Time: base.Add(5 * time.Second)}, To: Stop{Kind: StopTime, Time: base.Add(9 * time.Second)}},
		{Topic: "orders", Partitions: []int32{1}, From: Start{Kind: StartOffset, Offset: 4}, To: Stop{Kind: StopOffset, Offset: 8}},
		{Topic: "orders", Max: 7},
	} {
		s, err := kc.Read(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		readAll(t, s)
		s.Close()
	}
	fctx, cancel := context.WithCancel(ctx)
	s, err := kc.Read(fctx, ReadRequest{Topic: "orders", From: Start{Kind: StartLast, N: 1}, Follow: true})
	if err != nil {
		t.Fatal(err)
	}
	<-s.Batches()
	cancel()
	s.Close()

	if w.count(kmsg.Fetch) == 0 || w.count(kmsg.Metadata) == 0 || w.count(kmsg.OffsetFetch) == 0 {
		t.Fatalf("the watcher saw too little to prove anything: %v", w.seen)
	}
	t.Logf("requests seen by key: %v", w.seen)
	if bad := w.forbidden(); len(bad) > 0 {
		t.Errorf("kpeek sent requests that are not read-only: %v", bad)
	}
}

// TestReadOnlyWatcherCatchesCommit proves the check can fail: one OffsetCommit sent through
// sarama, as a careless change to the reader might, must be flagged.
func TestReadOnlyWatcherCatchesCommit(t *testing.T) {
	c := newCluster(t, kfake.SeedTopics(1, "orders"))
	produce(t, producer(t, c), "orders", []int32{0}, 3, base)
	w := watch(c)

	kc := connectTo(t, c)
	coordinator, err := kc.client.Coordinator("sneaky")
	if err != nil {
		t.Fatal(err)
	}
	req := &sarama.OffsetCommitRequest{Version: 2, ConsumerGroup: "sneaky", ConsumerGroupGeneration: -1}
	req.AddBlock("orders", 0, 2, 0, "")
	if _, err := coordinator.CommitOffset(req); err != nil {
		t.Fatal(err)
	}
	if bad := w.forbidden(); !slices.Contains(bad, "OffsetCommit") {
		t.Errorf("watcher flagged %v, want OffsetCommit among them", bad)
	}
}
