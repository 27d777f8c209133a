package history

import (
	"github.com/twmb/franz-go/pkg/kmsg"
)

// EncodeOffsetCommit returns the key and value a group coordinator writes for a commit, in
// the versions Kafka 3 and 4 write (key type 1, value v3). The demo seeds its history with
// these so the same decoder reads the demo and a real cluster.
func EncodeOffsetCommit(group, topic string, partition int32, c OffsetCommit) (key, value []byte) {
	k := kmsg.NewOffsetCommitKey()
	k.Version, k.Group, k.Topic, k.Partition = typeOffsetCommitV1, group, topic, partition
	v := kmsg.NewOffsetCommitValue()
	v.Version, v.Offset, v.LeaderEpoch, v.Metadata = 3, c.Offset, c.LeaderEpoch, c.Metadata
	v.CommitTimestamp = c.CommitTime.UnixMilli()
	return k.AppendTo(nil), v.AppendTo(nil)
}

// EncodeGroupMetadata returns the key and value a classic group coordinator writes after a
// rebalance (value v3); a nil g gives the tombstone that deletes the group.
func EncodeGroupMetadata(group string, g *ClassicGroup) (key, value []byte) {
	k := kmsg.NewGroupMetadataKey()
	k.Version, k.Group = typeGroupMetadata, group
	if g == nil {
		return k.AppendTo(nil), nil
	}
	v := kmsg.NewGroupMetadataValue()
	v.Version, v.ProtocolType, v.Generation = 3, g.ProtocolType, g.Generation
	v.Protocol, v.Leader = kmsg.StringPtr(g.Protocol), kmsg.StringPtr(g.Leader)
	v.CurrentStateTimestamp = -1
	if !g.StateTime.IsZero() {
		v.CurrentStateTimestamp = g.StateTime.UnixMilli()
	}
	for _, m := range g.Members {
		mm := kmsg.NewGroupMetadataValueMember()
		mm.MemberID, mm.ClientID, mm.ClientHost = m.ID, m.ClientID, m.ClientHost
		if m.InstanceID != "" {
			mm.InstanceID = kmsg.StringPtr(m.InstanceID)
		}
		mm.SessionTimeoutMillis = int32(m.SessionTimeout.Milliseconds())
		mm.RebalanceTimeoutMillis = int32(m.RebalanceTimeout.Milliseconds())
		sub := kmsg.NewConsumerMemberMetadata()
		sub.Version, sub.Topics = 1, m.Topics
		mm.Subscription = sub.AppendTo(nil)
		asg := kmsg.NewConsumerMemberAssignment()
		asg.Version = 1
		byTopic := map[string]int{}
		for _, a := range m.Assigned {
			i, ok := byTopic[a.Topic]
			if !ok {
				i = len(asg.Topics)
				byTopic[a.Topic] = i
				t := kmsg.NewConsumerMemberAssignmentTopic()
				t.Topic = a.Topic
				asg.Topics = append(asg.Topics, t)
			}
			asg.Topics[i].Partitions = append(asg.Topics[i].Partitions, a.Partition)
		}
		mm.Assignment = asg.AppendTo(nil)
		v.Members = append(v.Members, mm)
	}
	return k.AppendTo(nil), v.AppendTo(nil)
}
