package kafka

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

func TestTopicsAndClusterInfo(t *testing.T) {
	c := newCluster(t, kfake.NumBrokers(2), kfake.SeedTopics(3, "orders"), kfake.SeedTopics(1, "audit"))
	produce(t, producer(t, c), "orders", []int32{0, 1, 2}, 4, time.Now())
	kc := connectTo(t, c)
	ctx := testCtx(t)

	info, err := kc.ClusterInfo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.ID != "kfake" || len(info.Brokers) != 2 {
		t.Errorf("ClusterInfo = %+v, want id kfake and 2 brokers", info)
	}

	topics, err := kc.Topics(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tp := range topics {
		names = append(names, tp.Name)
	}
	if !slices.IsSorted(names) || !slices.Contains(names, "orders") || !slices.Contains(names, "audit") {
		t.Fatalf("topics = %v, want sorted and containing orders, audit", names)
	}
	orders, err := kc.Topic(ctx, "orders")
	if err != nil {
		t.Fatal(err)
	}
	if orders.Err != nil || len(orders.Partitions) != 3 || orders.Records() != 12 {
		t.Errorf("orders = %+v (records %d), want 3 partitions, 12 records", orders, orders.Records())
	}
	for _, p := range orders.Partitions {
		if p.Earliest != 0 || p.Latest != 4 {
			t.Errorf("partition %d watermarks = %d..%d, want 0..4", p.ID, p.Earliest, p.Latest)
		}
	}
	if orders.CleanupPolicy != "delete" || orders.ReplicationFactor < 1 {
		t.Errorf("orders configs = cleanup %q rf %d", orders.CleanupPolicy, orders.ReplicationFactor)
	}

	_, err = kc.Topic(ctx, "nope")
	var nf *TopicNotFoundError
	if !errors.As(err, &nf) || nf.Topic != "nope" {
		t.Errorf("Topic(nope) err = %v, want *TopicNotFoundError naming nope", err)
	}
}

func TestGroups(t *testing.T) {
	c := newCluster(t, kfake.SeedTopics(2, "orders"), kfake.SeedTopics(1, "audit"))
	pc := producer(t, c)
	produce(t, pc, "orders", []int32{0, 1}, 10, time.Now())
	commit(t, c, "analytics", "orders", map[int32]int64{0: 3, 1: 10})
	commit(t, c, "erp-sync", "orders", map[int32]int64{0: 10, 1: 10})

	// A live member, so state, members and decoded assignments have something to show.
	member := producer(t, c, kgo.ConsumerGroup("live"), kgo.ConsumeTopics("audit"), kgo.ClientID("reader-1"))
	waitJoined(t, member)
	ctx := testCtx(t)

	kc := connectTo(t, c)
	groups, err := kc.Groups(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]GroupInfo{}
	var ids []string
	for _, g := range groups {
		byID[g.ID] = g
		ids = append(ids, g.ID)
		if g.Err != nil {
			t.Errorf("group %s: %v", g.ID, g.Err)
		}
	}
	if !slices.IsSorted(ids) {
		t.Errorf("groups not sorted: %v", ids)
	}
	a := byID["analytics"]
	if a.TotalLag() != 7 || len(a.Offsets) != 2 || a.Offsets[0].Committed != 3 || a.Offsets[0].End != 10 {
		t.Errorf("analytics = %+v, want lag 7 on orders/0", a)
	}
	if es := byID["erp-sync"]; es.TotalLag() != 0 {
		t.Errorf("erp-sync lag = %d, want 0", es.TotalLag())
	}
	live := byID["live"]
	if live.State != "Stable" || live.ProtocolType != "consumer" || len(live.Members) != 1 {
		t.Fatalf("live = %+v, want one stable consumer member", live)
	}
	m := live.Members[0]
	if m.ClientID != "reader-1" || m.ClientHost == "" || len(m.Assigned) != 1 || m.Assigned[0].Topic != "audit" {
		t.Errorf("member = %+v, want reader-1 assigned audit/0", m)
	}
	if got := groups.Reading("orders"); len(got) != 2 {
		t.Errorf("groups reading orders = %d, want 2", len(got))
	}
}
