package kafka

import (
	"errors"
	"net"
	"reflect"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
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

// metadataRequests counts the cluster's Metadata requests from now on: full ones (every
// topic) and those naming topics.
func metadataRequests(c *kfake.Cluster) (full, named *atomic.Int64) {
	full, named = new(atomic.Int64), new(atomic.Int64)
	c.ControlKey(kmsg.Metadata.Int16(), func(r kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		if r.(*kmsg.MetadataRequest).Topics == nil {
			full.Add(1)
		} else {
			named.Add(1)
		}
		return nil, nil, false
	})
	return full, named
}

// TestListingAsksForMetadataOnce: connecting and listing the topics (what `kpeek topics`
// does) sends one full Metadata request, not one to connect and one to list; the listing
// is the one a fresh request gives. The same holds for the cluster's description.
func TestListingAsksForMetadataOnce(t *testing.T) {
	c := newCluster(t, kfake.NumBrokers(2), kfake.SeedTopics(3, "orders"), kfake.SeedTopics(1, "audit"))
	produce(t, producer(t, c), "orders", []int32{0, 1, 2}, 4, time.Now().Add(-time.Hour))
	full, named := metadataRequests(c)
	kc := connectTo(t, c)
	first, err := kc.Topics(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	if n := full.Load(); n != 1 {
		t.Errorf("connect and list: %d full Metadata requests, want 1", n)
	}
	if n := named.Load(); n > 1 {
		t.Errorf("connect and list: %d Metadata requests naming topics, want at most 1", n)
	}
	again, err := kc.Topics(testCtx(t)) // asks the cluster again
	if err != nil {
		t.Fatal(err)
	}
	if full.Load() != 2 {
		t.Errorf("a second listing used the connect's metadata too (%d full requests)", full.Load())
	}
	if !reflect.DeepEqual(first, again) {
		t.Errorf("the listing from the connect's metadata differs from a fresh one:\n%+v\n%+v", first, again)
	}
	if len(first) != 2 || first[1].Name != "orders" || len(first[1].Partitions) != 3 || first[1].OldestTimestamp.IsZero() {
		t.Errorf("listing = %+v", first)
	}

	c2 := newCluster(t, kfake.SeedTopics(1, "t"))
	full, _ = metadataRequests(c2)
	kc2 := connectTo(t, c2)
	info, err := kc2.ClusterInfo(testCtx(t))
	if err != nil || info.ID != "kfake" || len(info.Brokers) != 1 {
		t.Fatalf("ClusterInfo = %+v, %v", info, err)
	}
	if n := full.Load(); n != 1 {
		t.Errorf("connect and describe the cluster: %d full Metadata requests, want 1", n)
	}
}

// TestConnectWhileTheListedTopicGoes: the topic whose refresh fills sarama's broker registry
// is deleted between the listing and the refresh; the connect still succeeds (the brokers
// came with the answer) and the topics can be listed.
func TestConnectWhileTheListedTopicGoes(t *testing.T) {
	c := newCluster(t, kfake.SeedTopics(1, "gone"))
	host, port, _ := net.SplitHostPort(c.ListenAddrs()[0])
	portN, _ := strconv.Atoi(port)
	c.ControlKey(kmsg.Metadata.Int16(), func(r kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		req := r.(*kmsg.MetadataRequest)
		if req.Topics == nil {
			return nil, nil, false
		}
		resp := req.ResponseKind().(*kmsg.MetadataResponse)
		resp.Version = req.Version
		b := kmsg.NewMetadataResponseBroker()
		b.NodeID, b.Host, b.Port = 0, host, int32(portN)
		resp.Brokers, resp.ControllerID = append(resp.Brokers, b), 0
		for _, rt := range req.Topics {
			mt := kmsg.NewMetadataResponseTopic()
			mt.Topic, mt.ErrorCode = rt.Topic, kerr.UnknownTopicOrPartition.Code
			resp.Topics = append(resp.Topics, mt)
		}
		return resp, nil, true
	})
	kc := connectTo(t, c)
	if _, err := kc.Topics(testCtx(t)); err != nil {
		t.Fatal(err)
	}
}
