package history

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kpeek/kpeek/kafka"
)

var t0 = time.Date(2026, 11, 26, 2, 10, 0, 0, time.UTC)

func offsetKey(version int16, group, topic string, p int32) []byte {
	k := kmsg.NewOffsetCommitKey()
	k.Version, k.Group, k.Topic, k.Partition = version, group, topic, p
	return k.AppendTo(nil)
}

func offsetValue(version int16, offset int64) []byte {
	v := kmsg.NewOffsetCommitValue()
	v.Version, v.Offset, v.LeaderEpoch, v.Metadata = version, offset, 7, "meta"
	v.CommitTimestamp, v.ExpireTimestamp = t0.UnixMilli(), t0.Add(24*time.Hour).UnixMilli()
	return v.AppendTo(nil)
}

// TestDecodeOffsetCommitEveryVersion decodes every key and value version Kafka writes.
func TestDecodeOffsetCommitEveryVersion(t *testing.T) {
	for _, kv := range []int16{0, 1} {
		for vv := int16(0); vv <= 4; vv++ {
			e, err := Decode(offsetKey(kv, "erp-sync", "erp.audit", 3), offsetValue(vv, 4242))
			if err != nil {
				t.Fatalf("key v%d value v%d: %v", kv, vv, err)
			}
			want := &OffsetCommit{Offset: 4242, LeaderEpoch: -1, Metadata: "meta", CommitTime: t0}
			if vv >= 3 {
				want.LeaderEpoch = 7
			}
			if vv == 1 {
				want.ExpireTime = t0.Add(24 * time.Hour)
			}
			if e.Kind != KindOffsetCommit || e.Group != "erp-sync" || e.Topic != "erp.audit" || e.Partition != 3 ||
				e.Type != kv || !reflect.DeepEqual(e.Commit, want) {
				t.Errorf("key v%d value v%d: got %+v commit %+v, want %+v", kv, vv, e, e.Commit, want)
			}
		}
	}
}

func TestDecodeTombstones(t *testing.T) {
	gk, _ := EncodeGroupMetadata("gone", nil)
	for _, tc := range []struct {
		name string
		key  []byte
		want Entry
	}{
		{"offset expired", offsetKey(1, "g", "t", 2), Entry{Kind: KindOffsetDeleted, Type: 1, Group: "g", Topic: "t", Partition: 2}},
		{"classic group deleted", gk, Entry{Kind: KindGroupDeleted, Type: 2, Group: "gone"}},
		{"consumer group deleted", key848(3, "cg"), Entry{Kind: KindGroupDeleted, Type: 3, Group: "cg"}},
		{"member left", key848(5, "cg", "m-1"), Entry{Kind: KindMemberLeft, Type: 5, Group: "cg", MemberID: "m-1"}},
	} {
		e, err := Decode(tc.key, nil)
		if err != nil || !reflect.DeepEqual(e, tc.want) {
			t.Errorf("%s: got %+v, %v; want %+v", tc.name, e, err, tc.want)
		}
	}
}

// TestDecodeGroupMetadataEveryVersion decodes classic group records v0 to v4 with the
// consumer protocol's subscription and assignment inside.
func TestDecodeGroupMetadataEveryVersion(t *testing.T) {
	sub := kmsg.NewConsumerMemberMetadata()
	sub.Version, sub.Topics = 3, []string{"erp.purchasing.orders", "erp.supply.shipments"}
	asg := kmsg.NewConsumerMemberAssignment()
	at := kmsg.NewConsumerMemberAssignmentTopic()
	at.Topic, at.Partitions = "erp.purchasing.orders", []int32{0, 2}
	asg.Topics = append(asg.Topics, at)
	for vv := int16(0); vv <= 4; vv++ {
		v := kmsg.NewGroupMetadataValue()
		v.Version, v.ProtocolType, v.Generation = vv, "consumer", 5
		v.Protocol, v.Leader = kmsg.StringPtr("cooperative-sticky"), kmsg.StringPtr("m-1")
		v.CurrentStateTimestamp = t0.UnixMilli()
		m := kmsg.NewGroupMetadataValueMember()
		m.MemberID, m.InstanceID, m.ClientID, m.ClientHost = "m-1", kmsg.StringPtr("static-1"), "backup-agent-7f3c", "/198.51.100.23"
		m.RebalanceTimeoutMillis, m.SessionTimeoutMillis = 60000, 45000
		m.Subscription, m.Assignment = sub.AppendTo(nil), asg.AppendTo(nil)
		v.Members = []kmsg.GroupMetadataValueMember{m}
		gk, _ := EncodeGroupMetadata("backup-agent", nil)
		e, err := Decode(gk, v.AppendTo(nil))
		if err != nil {
			t.Fatalf("v%d: %v", vv, err)
		}
		want := Member{ID: "m-1", ClientID: "backup-agent-7f3c", ClientHost: "/198.51.100.23", SessionTimeout: 45 * time.Second,
			Topics:   []string{"erp.purchasing.orders", "erp.supply.shipments"},
			Assigned: []kafka.TopicPartition{{Topic: "erp.purchasing.orders", Partition: 0}, {Topic: "erp.purchasing.orders", Partition: 2}}}
		if vv >= 1 {
			want.RebalanceTimeout = time.Minute
		}
		if vv >= 3 {
			want.InstanceID = "static-1"
		}
		g := e.Classic
		if e.Kind != KindGroupMetadata || g == nil || g.Generation != 5 || g.Protocol != "cooperative-sticky" ||
			g.Leader != "m-1" || g.ProtocolType != "consumer" || len(g.Members) != 1 || !reflect.DeepEqual(g.Members[0], want) {
			t.Errorf("v%d: got %+v %+v, want member %+v", vv, e, g, want)
		}
		if wantTime := vv >= 2; wantTime != (g != nil && g.StateTime.Equal(t0)) {
			t.Errorf("v%d: state time %v", vv, g.StateTime)
		}
	}
}

// TestEncodeRoundTrip decodes what the demo's encoders write.
func TestEncodeRoundTrip(t *testing.T) {
	k, v := EncodeOffsetCommit("g", "t", 1, OffsetCommit{Offset: 10, LeaderEpoch: 2, CommitTime: t0})
	e, err := Decode(k, v)
	if err != nil || e.Commit == nil || e.Commit.Offset != 10 || !e.Commit.CommitTime.Equal(t0) {
		t.Errorf("offset commit round trip: %+v, %v", e, err)
	}
	in := &ClassicGroup{ProtocolType: "consumer", Protocol: "range", Generation: 3, Leader: "m",
		Members: []Member{{ID: "m", ClientID: "c", ClientHost: "/10.0.0.1", Topics: []string{"a"},
			Assigned: []kafka.TopicPartition{{Topic: "a", Partition: 0}}, SessionTimeout: time.Second, RebalanceTimeout: time.Second}}}
	k, v = EncodeGroupMetadata("g", in)
	e, err = Decode(k, v)
	if err != nil || !reflect.DeepEqual(e.Classic, in) {
		t.Errorf("group round trip: %+v, %v; want %+v", e.Classic, err, in)
	}
}

// TestDecodeConsumerProtocol decodes the KIP-848 group, member and assignment records.
func TestDecodeConsumerProtocol(t *testing.T) {
	regex := "erp\\..*"
	e, err := Decode(key848(5, "cg", "m-9"), memberValue848(nil, nil, "loader-2", "/10.1.2.3",
		[]string{"erp.audit"}, &regex, 30000, kmsg.StringPtr("uniform")))
	want := &Member{ID: "m-9", ClientID: "loader-2", ClientHost: "/10.1.2.3", Topics: []string{"erp.audit"},
		TopicRegex: regex, RebalanceTimeout: 30 * time.Second}
	if err != nil || e.Kind != KindMemberMetadata || e.Group != "cg" || e.MemberID != "m-9" || !reflect.DeepEqual(e.Member, want) {
		t.Errorf("member metadata: %+v %+v, %v; want %+v", e, e.Member, err, want)
	}
	e, err = Decode(key848(3, "cg"), epochValue848(12))
	if err != nil || e.Kind != KindGroupEpoch || e.Epoch != 12 {
		t.Errorf("group epoch: %+v, %v", e, err)
	}
	parts := []TopicIDPartitions{{TopicID: [16]byte{1, 2}, Partitions: []int32{0, 1}}}
	e, err = Decode(key848(8, "cg", "m-9"), assignmentValue848(12, parts))
	if err != nil || e.Kind != KindMemberAssignment || e.Assignment.MemberEpoch != 12 || !reflect.DeepEqual(e.Assignment.Partitions, parts) {
		t.Errorf("assignment: %+v, %v", e, err)
	}
	// Types history does not interpret still name their group.
	e, err = Decode(key848(11, "share-g", "x"), []byte{0, 0})
	if err != nil || e.Kind != KindOther || e.Group != "share-g" {
		t.Errorf("share group record: %+v, %v", e, err)
	}
}

// TestDecodeMalformed: truncated or lying bytes are an error naming the record, never a panic.
func TestDecodeMalformed(t *testing.T) {
	good := memberValue848(nil, nil, "c", "h", []string{"t"}, nil, 1, nil)
	for _, tc := range []struct {
		name       string
		key, value []byte
	}{
		{"empty key", nil, nil},
		{"one-byte key", []byte{0}, nil},
		{"truncated offset key", offsetKey(1, "group", "topic", 0)[:6], offsetValue(3, 1)},
		{"truncated offset value", offsetKey(1, "g", "t", 0), offsetValue(3, 1)[:9]},
		{"truncated member", key848(5, "g", "m"), good[:len(good)-3]},
		{"huge topic count", key848(5, "g", "m"), append(kmsgHead(), 0xff, 0xff, 0xff, 0xff, 0x0f)},
		{"truncated key 848", key848(5, "g", "m")[:5], good},
	} {
		_, err := Decode(tc.key, tc.value)
		if !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: err = %v, want ErrMalformed", tc.name, err)
		}
	}
}

// kmsgHead is a member value cut right before its subscribed topics array.
func kmsgHead() []byte {
	b := []byte{0, 0, 0, 0, 2, 'c', 2, 'h'}
	return b
}
