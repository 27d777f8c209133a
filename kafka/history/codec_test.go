package history

import (
	"github.com/twmb/franz-go/pkg/kbin"
)

// Test encoders for the consumer protocol's records (KIP-848), laid out field by field as
// Apache Kafka's group-coordinator message definitions describe them: keys non-flexible,
// values flexible (compact strings and arrays, a tagged-field section per struct).

func key848(typ int16, group string, member ...string) []byte {
	b := kbin.AppendInt16(nil, typ)
	b = kbin.AppendString(b, group)
	for _, m := range member {
		b = kbin.AppendString(b, m)
	}
	return b
}

func appendCompactNullable(b []byte, s *string) []byte { return kbin.AppendCompactNullableString(b, s) }

// memberValue848 encodes ConsumerGroupMemberMetadataValue v0.
func memberValue848(instance, rack *string, clientID, host string, topics []string, regex *string, rebalanceMs int32, assignor *string) []byte {
	b := kbin.AppendInt16(nil, 0)
	b = appendCompactNullable(b, instance)
	b = appendCompactNullable(b, rack)
	b = kbin.AppendCompactString(b, clientID)
	b = kbin.AppendCompactString(b, host)
	b = kbin.AppendCompactArrayLen(b, len(topics))
	for _, t := range topics {
		b = kbin.AppendCompactString(b, t)
	}
	b = appendCompactNullable(b, regex)
	b = kbin.AppendInt32(b, rebalanceMs)
	b = appendCompactNullable(b, assignor)
	// One tagged field (tag 0, ClassicMemberMetadata) that the decoder must skip.
	tag := kbin.AppendInt32(nil, 45000) // session timeout
	tag = kbin.AppendCompactArrayLen(tag, 0)
	tag = kbin.AppendUvarint(tag, 0)
	b = kbin.AppendUvarint(b, 1)
	b = kbin.AppendUvarint(b, 0)
	b = kbin.AppendUvarint(b, uint32(len(tag)))
	return append(b, tag...)
}

// epochValue848 encodes ConsumerGroupMetadataValue v0 with its MetadataHash tag.
func epochValue848(epoch int32) []byte {
	b := kbin.AppendInt16(nil, 0)
	b = kbin.AppendInt32(b, epoch)
	b = kbin.AppendUvarint(b, 1)
	b = kbin.AppendUvarint(b, 0)
	b = kbin.AppendUvarint(b, 8)
	return kbin.AppendInt64(b, 0x1234)
}

// assignmentValue848 encodes ConsumerGroupCurrentMemberAssignmentValue v0.
func assignmentValue848(epoch int32, parts []TopicIDPartitions) []byte {
	b := kbin.AppendInt16(nil, 0)
	b = kbin.AppendInt32(b, epoch)
	b = kbin.AppendInt32(b, epoch-1)
	b = kbin.AppendInt8(b, 0)
	for _, list := range [][]TopicIDPartitions{parts, nil} {
		b = kbin.AppendCompactArrayLen(b, len(list))
		for _, tp := range list {
			b = kbin.AppendUuid(b, tp.TopicID)
			b = kbin.AppendCompactArrayLen(b, len(tp.Partitions))
			for _, p := range tp.Partitions {
				b = kbin.AppendInt32(b, p)
			}
			b = kbin.AppendUvarint(b, 0)
		}
	}
	return kbin.AppendUvarint(b, 0)
}
