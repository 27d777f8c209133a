package kafka

import (
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/twmb/franz-go/pkg/kversion"
)

// TestGroupsNextGen: a KIP-848 consumer-protocol group (the broker assigns partitions) shows
// its state, member and assignment like a classic group.
func TestGroupsNextGen(t *testing.T) {
	c := newCluster(t, kfake.SeedTopics(2, "audit"))
	produce(t, producer(t, c), "audit", []int32{0, 1}, 3, time.Now())
	member := producer(t, c, kgo.ConsumerGroup("nextgen"), kgo.ConsumeTopics("audit"),
		kgo.ClientID("reader-ng"), kgo.ServerSideBalancer())
	waitJoined(t, member)
	ctx := testCtx(t)
	groups, err := connectTo(t, c).Groups(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var g *GroupInfo
	for i := range groups {
		if groups[i].ID == "nextgen" {
			g = &groups[i]
		}
	}
	if g == nil {
		t.Fatalf("groups %+v, want nextgen", groups)
	}
	if g.Err != nil || g.State == "Dead" || len(g.Members) != 1 {
		t.Fatalf("nextgen = %+v, want a live group with one member and no error", *g)
	}
	if m := g.Members[0]; m.ClientID != "reader-ng" || len(m.Assigned) != 2 {
		t.Errorf("member = %+v, want reader-ng assigned both audit partitions", m)
	}
}

// TestGroupsNextGenUnsupported: DescribeGroups calls a group Dead and the broker lacks
// ConsumerGroupDescribe; the group carries a one-line error instead of a silent Dead.
func TestGroupsNextGenUnsupported(t *testing.T) {
	c := newCluster(t, kfake.SeedTopics(1, "orders"), kfake.MaxVersions(kversion.V3_6_0()))
	commit(t, c, "hidden", "orders", map[int32]int64{0: 1})
	c.ControlKey(kmsg.DescribeGroups.Int16(), func(req kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		dreq := req.(*kmsg.DescribeGroupsRequest)
		resp := dreq.ResponseKind().(*kmsg.DescribeGroupsResponse)
		resp.Version = dreq.Version
		for _, id := range dreq.Groups {
			g := kmsg.NewDescribeGroupsResponseGroup()
			g.Group, g.State = id, "Dead"
			resp.Groups = append(resp.Groups, g)
		}
		return resp, nil, true
	})
	groups, err := connectTo(t, c).Groups(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(groups) != 1 || groups[0].Err == nil {
		t.Fatalf("groups = %+v, want hidden with an error", groups)
	}
	msg := groups[0].Err.Error()
	t.Logf("kpeek says: %s", msg)
	if !strings.Contains(msg, `"hidden"`) || !strings.Contains(msg, "ConsumerGroupDescribe") || strings.Contains(msg, "\n") {
		t.Errorf("error %q, want one line naming the group and the missing API", msg)
	}
}
