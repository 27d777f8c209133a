//go:build integration

package kafka_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/kpeek/kpeek/kafka"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/twmb/franz-go/pkg/kversion"
)

// TestIntegrationClusterInfo reports the id up.sh formatted the cluster with and its broker.
func TestIntegrationClusterInfo(t *testing.T) {
	e := env(t)
	cl := connect(t, plaintextConfig(e, t))
	info, err := cl.ClusterInfo(ctxFor(t))
	if err != nil {
		t.Fatalf("ClusterInfo: %v", err)
	}
	if info.ID != e.get(t, "KPEEK_IT_CLUSTER_ID") {
		t.Errorf("cluster id %q, want %q", info.ID, e.get(t, "KPEEK_IT_CLUSTER_ID"))
	}
	if len(info.Brokers) != 1 || info.Brokers[0].ID != 1 || info.Brokers[0].Addr != e.get(t, "KPEEK_IT_PLAINTEXT") {
		t.Errorf("brokers %+v, want node 1 at %s", info.Brokers, e.get(t, "KPEEK_IT_PLAINTEXT"))
	}
	if info.Controller != 1 {
		t.Errorf("controller %d, want 1", info.Controller)
	}
}

// TestIntegrationTopics lists and describes topics with partitions, watermarks and configs.
func TestIntegrationTopics(t *testing.T) {
	e := env(t)
	admin := adminClient(t, e)
	plain := topicName(itAllowedPrefix, "topics")
	compacted := topicName(itAllowedPrefix, "topics-compacted")
	createTopic(t, admin, plain, 3, map[string]string{"retention.ms": "3600000"})
	createTopic(t, admin, compacted, 1, map[string]string{"cleanup.policy": "compact,delete", "retention.ms": "-1"})
	for p := int32(0); p < 3; p++ {
		for i := int32(0); i <= p; i++ { // partition p gets p+1 records
			produce(t, admin, &kgo.Record{Topic: plain, Partition: p, Value: []byte("x")})
		}
	}
	// A group makes __consumer_offsets exist, so Internal can be checked.
	commitOffsets(t, admin, uniq("it-topics"), plain, map[int32]int64{0: 1})

	cl := connect(t, plaintextConfig(e, t))
	ctx := ctxFor(t)
	all, err := cl.Topics(ctx)
	if err != nil {
		t.Fatalf("Topics: %v", err)
	}
	if !slices.IsSortedFunc(all, func(a, b kafka.TopicInfo) int { return strings.Compare(a.Name, b.Name) }) {
		t.Errorf("Topics not sorted by name")
	}
	find := func(ts kafka.Topics, name string) *kafka.TopicInfo {
		for i := range ts {
			if ts[i].Name == name {
				return &ts[i]
			}
		}
		return nil
	}
	co := find(all, "__consumer_offsets")
	if co == nil || !co.Internal {
		t.Errorf("__consumer_offsets missing or not internal: %+v", co)
	}
	if find(all.WithoutInternal(), "__consumer_offsets") != nil {
		t.Errorf("WithoutInternal kept __consumer_offsets")
	}
	p := find(all, plain)
	if p == nil {
		t.Fatalf("Topics did not list %s", plain)
	}
	if p.Err != nil {
		t.Errorf("%s: Err %v", plain, p.Err)
	}
	if p.ReplicationFactor != 1 || len(p.Partitions) != 3 || p.CleanupPolicy != "delete" || p.RetentionMs != 3600000 {
		t.Errorf("%s: rf %d, %d partitions, cleanup %q, retention %d; want 1, 3, delete, 3600000",
			plain, p.ReplicationFactor, len(p.Partitions), p.CleanupPolicy, p.RetentionMs)
	}
	for _, pi := range p.Partitions {
		if pi.Earliest != 0 || pi.Latest != int64(pi.ID)+1 || pi.Leader != 1 ||
			!slices.Equal(pi.Replicas, []int32{1}) || !slices.Equal(pi.ISR, []int32{1}) {
			t.Errorf("%s partition %+v, want leader 1, replicas/isr [1], offsets 0..%d", plain, pi, pi.ID+1)
		}
	}
	if p.Records() != 6 {
		t.Errorf("%s: Records() = %d, want 6", plain, p.Records())
	}

	one, err := cl.Topic(ctx, compacted)
	if err != nil {
		t.Fatalf("Topic(%s): %v", compacted, err)
	}
	if one.Name != compacted || one.CleanupPolicy != "compact,delete" || one.RetentionMs != -1 || len(one.Partitions) != 1 {
		t.Errorf("Topic(%s) = %+v, want compact,delete, retention -1, 1 partition", compacted, one)
	}

	missing := topicName(itAllowedPrefix, "does-not-exist")
	_, err = cl.Topic(ctx, missing)
	if nf := asType[*kafka.TopicNotFoundError](t, err); nf.Topic != missing {
		t.Errorf("TopicNotFoundError names %q, want %q", nf.Topic, missing)
	}
	assertOneLine(t, err, missing)
	_, err = cl.Read(ctx, kafka.ReadRequest{Topic: missing})
	asType[*kafka.TopicNotFoundError](t, err)
	assertOneLine(t, err, missing)
	// The broker would auto-create topics (auto.create.topics.enable=true): kpeek must not.
	if topicExists(t, admin, missing) {
		t.Errorf("asking kpeek about %s created it", missing)
	}
}

// topicExists asks the broker (without auto-creation) whether a topic exists.
func topicExists(t *testing.T, admin *kgo.Client, name string) bool {
	t.Helper()
	req := kmsg.NewPtrMetadataRequest()
	mt := kmsg.NewMetadataRequestTopic()
	mt.Topic = kmsg.StringPtr(name)
	req.Topics = append(req.Topics, mt)
	req.AllowAutoTopicCreation = false
	resp, err := req.RequestWith(ctxFor(t), admin)
	if err != nil {
		t.Fatalf("metadata: %v", err)
	}
	return len(resp.Topics) == 1 && resp.Topics[0].ErrorCode == 0
}

// commitOffsets commits offsets for a group with no members (an "Empty" group), as tools do.
func commitOffsets(t *testing.T, admin *kgo.Client, group, topic string, offsets map[int32]int64) {
	t.Helper()
	req := kmsg.NewPtrOffsetCommitRequest()
	req.Group = group
	req.Generation = -1
	rt := kmsg.NewOffsetCommitRequestTopic()
	rt.Topic = topic
	for p, o := range offsets {
		rp := kmsg.NewOffsetCommitRequestTopicPartition()
		rp.Partition, rp.Offset = p, o
		rt.Partitions = append(rt.Partitions, rp)
	}
	req.Topics = append(req.Topics, rt)
	resp, err := req.RequestWith(ctxFor(t), admin)
	if err != nil {
		t.Fatalf("commit offsets for %s: %v", group, err)
	}
	for _, rt := range resp.Topics {
		for _, rp := range rt.Partitions {
			if err := kerrOf(rp.ErrorCode, nil); err != nil {
				t.Fatalf("commit offsets for %s: %v", group, err)
			}
		}
	}
}

// liveMember runs a real franz-go group consumer: it joins group, consumes topic until it has
// seen want records, commits the given offsets, and stays a member until the test ends.
func liveMember(t *testing.T, e itEnv, group, clientID, topic string, want int, commit map[int32]int64, opts ...kgo.Opt) {
	t.Helper()
	member := adminClient(t, e, append([]kgo.Opt{
		kgo.ClientID(clientID),
		kgo.ConsumerGroup(group),
		kgo.ConsumeTopics(topic),
		kgo.DisableAutoCommit(),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
	}, opts...)...)
	ctx := ctxFor(t)
	seen := 0
	for seen < want {
		fs := member.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			t.Fatalf("group member saw %d of %d records: %v", seen, want, err)
		}
		fs.EachError(func(topic string, p int32, err error) { t.Fatalf("group member fetch %s/%d: %v", topic, p, err) })
		seen += fs.NumRecords()
	}
	offs := map[string]map[int32]kgo.EpochOffset{topic: {}}
	for p, o := range commit {
		offs[topic][p] = kgo.EpochOffset{Epoch: -1, Offset: o}
	}
	var cerr error
	member.CommitOffsetsSync(ctx, offs, func(_ *kgo.Client, _ *kmsg.OffsetCommitRequest, resp *kmsg.OffsetCommitResponse, err error) {
		cerr = err
		if err == nil {
			for _, rt := range resp.Topics {
				for _, rp := range rt.Partitions {
					if e := kerrOf(rp.ErrorCode, nil); e != nil && cerr == nil {
						cerr = e
					}
				}
			}
		}
	})
	if cerr != nil {
		t.Fatalf("group member commit: %v", cerr)
	}
}

// TestIntegrationGroups sees a real live member (client id, host, assignment), an empty
// group, committed offsets and lag.
func TestIntegrationGroups(t *testing.T) {
	e := env(t)
	admin := adminClient(t, e)
	topic := topicName(itAllowedPrefix, "grouped")
	createTopic(t, admin, topic, 3, nil)
	for p := int32(0); p < 3; p++ {
		for i := 0; i < 10; i++ {
			produce(t, admin, &kgo.Record{Topic: topic, Partition: p, Value: []byte(fmt.Sprint(i))})
		}
	}
	live, idle := uniq("it-live"), uniq("it-idle")
	liveMember(t, e, live, "kpeek-it-member", topic, 30, map[int32]int64{0: 4, 1: 10, 2: 7})
	commitOffsets(t, admin, idle, topic, map[int32]int64{1: 2})

	cl := connect(t, plaintextConfig(e, t))
	gs, err := cl.Groups(ctxFor(t))
	if err != nil {
		t.Fatalf("Groups: %v", err)
	}
	if !slices.IsSortedFunc(gs, func(a, b kafka.GroupInfo) int { return strings.Compare(a.ID, b.ID) }) {
		t.Errorf("Groups not sorted by id")
	}
	get := func(id string) *kafka.GroupInfo {
		for i := range gs {
			if gs[i].ID == id {
				return &gs[i]
			}
		}
		t.Fatalf("Groups did not list %s (got %d groups)", id, len(gs))
		return nil
	}

	g := get(live)
	if g.Err != nil {
		t.Errorf("%s: Err %v", live, g.Err)
	}
	if g.State != "Stable" || g.ProtocolType != "consumer" {
		t.Errorf("%s: state %q protocol type %q, want Stable consumer", live, g.State, g.ProtocolType)
	}
	if len(g.Members) != 1 {
		t.Fatalf("%s: %d members, want 1: %+v", live, len(g.Members), g.Members)
	}
	m := g.Members[0]
	if m.ClientID != "kpeek-it-member" || !strings.Contains(m.ClientHost, "127.0.0.1") || m.ID == "" {
		t.Errorf("member %+v: want client id kpeek-it-member from host 127.0.0.1", m)
	}
	wantAssigned := []kafka.TopicPartition{{Topic: topic, Partition: 0}, {Topic: topic, Partition: 1}, {Topic: topic, Partition: 2}}
	if !slices.Equal(m.Assigned, wantAssigned) {
		t.Errorf("member assigned %v, want %v", m.Assigned, wantAssigned)
	}
	wantOffsets := []kafka.GroupOffset{
		{Topic: topic, Partition: 0, Committed: 4, End: 10, Lag: 6},
		{Topic: topic, Partition: 1, Committed: 10, End: 10, Lag: 0},
		{Topic: topic, Partition: 2, Committed: 7, End: 10, Lag: 3},
	}
	if !slices.Equal(g.Offsets, wantOffsets) {
		t.Errorf("%s offsets %+v, want %+v", live, g.Offsets, wantOffsets)
	}
	if g.TotalLag() != 9 {
		t.Errorf("%s TotalLag %d, want 9", live, g.TotalLag())
	}

	i := get(idle)
	if i.State != "Empty" || len(i.Members) != 0 {
		t.Errorf("%s: state %q with %d members, want Empty, none", idle, i.State, len(i.Members))
	}
	if !slices.Contains(i.Offsets, kafka.GroupOffset{Topic: topic, Partition: 1, Committed: 2, End: 10, Lag: 8}) {
		t.Errorf("%s offsets %+v, want partition 1 committed 2, lag 8", idle, i.Offsets)
	}

	var readers []string
	for _, r := range gs.Reading(topic) {
		readers = append(readers, r.ID)
	}
	if !slices.Contains(readers, live) || !slices.Contains(readers, idle) {
		t.Errorf("Reading(%s) = %v, want both %s and %s", topic, readers, live, idle)
	}
}

// TestIntegrationGroupsNextGen sees a Kafka 4 "consumer" protocol group (KIP-848, the
// broker assigns partitions) like a classic one: member, host, assignment, offsets, lag.
func TestIntegrationGroupsNextGen(t *testing.T) {
	e := env(t)
	if v := e.get(t, "KPEEK_IT_KAFKA_VERSION"); strings.HasPrefix(v, "3.") {
		t.Skipf("Kafka %s: next-gen consumer groups (KIP-848) are generally available from 4.0", v)
	}
	admin := adminClient(t, e)
	topic := topicName(itAllowedPrefix, "nextgen")
	createTopic(t, admin, topic, 2, nil)
	for i := 0; i < 10; i++ {
		produce(t, admin, &kgo.Record{Topic: topic, Partition: int32(i % 2), Value: []byte("n")})
	}
	group := uniq("it-nextgen")
	liveMember(t, e, group, "kpeek-it-nextgen", topic, 10, map[int32]int64{0: 2, 1: 5},
		kgo.ServerSideBalancer(), kgo.Balancers(kgo.RangeBalancer()), kgo.MaxVersions(kversion.V4_4_0()))

	cl := connect(t, plaintextConfig(e, t))
	gs, err := cl.Groups(ctxFor(t))
	if err != nil {
		t.Fatalf("Groups: %v", err)
	}
	i := slices.IndexFunc(gs, func(g kafka.GroupInfo) bool { return g.ID == group })
	if i < 0 {
		t.Fatalf("Groups did not list the next-gen group %s", group)
	}
	g := gs[i]
	t.Logf("kpeek sees %+v", g)
	if g.Err != nil {
		t.Errorf("%s: %v", group, g.Err)
	}
	if len(g.Members) != 1 || g.Members[0].ClientID != "kpeek-it-nextgen" || !strings.Contains(g.Members[0].ClientHost, "127.0.0.1") {
		t.Errorf("%s members %+v, want one kpeek-it-nextgen from 127.0.0.1", group, g.Members)
	}
	want := []kafka.GroupOffset{
		{Topic: topic, Partition: 0, Committed: 2, End: 5, Lag: 3},
		{Topic: topic, Partition: 1, Committed: 5, End: 5, Lag: 0},
	}
	if !slices.Equal(g.Offsets, want) {
		t.Errorf("%s offsets %+v, want %+v", group, g.Offsets, want)
	}
}
