// Package history turns the records Kafka keeps in __consumer_offsets into who-read-what
// evidence: every offset commit with its commit time, and every consumer group's membership
// (client id, client host, subscribed topics, generation) over time. It decodes the classic
// group coordinator's records and those of Kafka 4's consumer protocol (KIP-848), builds a
// timeline and per group and topic summaries, and reads the topic through kafka.Client
// without joining a group or committing anything.
package history

import (
	"errors"
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kbin"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kpeek/kpeek/kafka"
)

// OffsetsTopic is the internal topic where group coordinators keep commits and membership.
const OffsetsTopic = "__consumer_offsets"

// Record types: the int16 that starts every key of __consumer_offsets. Types 0 to 2 are the
// classic coordinator's; 3 to 8 are the consumer protocol's (KIP-848); higher ones belong to
// share and streams groups, which history recognises but does not decode.
const (
	typeOffsetCommitV0              = 0
	typeOffsetCommitV1              = 1
	typeGroupMetadata               = 2
	typeConsumerGroupMetadata       = 3
	typeConsumerGroupPartitionMeta  = 4
	typeConsumerGroupMemberMetadata = 5
	typeConsumerGroupTargetMeta     = 6
	typeConsumerGroupTargetMember   = 7
	typeConsumerGroupCurrentMember  = 8
)

// Kind says what one record of __consumer_offsets records.
type Kind string

// Kinds of records.
const (
	KindOffsetCommit     Kind = "offset_commit"     // a group committed an offset
	KindOffsetDeleted    Kind = "offset_deleted"    // tombstone: offset expired or deleted
	KindGroupMetadata    Kind = "group_metadata"    // classic group: generation and members
	KindGroupDeleted     Kind = "group_deleted"     // tombstone of a group's metadata
	KindGroupEpoch       Kind = "group_epoch"       // consumer-protocol group's epoch
	KindMemberMetadata   Kind = "member_metadata"   // consumer-protocol member joined or changed
	KindMemberLeft       Kind = "member_left"       // tombstone of a consumer-protocol member
	KindMemberAssignment Kind = "member_assignment" // consumer-protocol member's current partitions
	KindOther            Kind = "other"             // a record history does not interpret
)

// Entry is one decoded record of __consumer_offsets. Which fields are set depends on Kind.
type Entry struct {
	Kind  Kind
	Type  int16 // the record type from the key
	Group string
	// Offset commits and their tombstones.
	Topic     string
	Partition int32
	Commit    *OffsetCommit
	// Classic groups.
	Classic *ClassicGroup
	// Consumer-protocol groups.
	MemberID   string
	Epoch      int32       // KindGroupEpoch
	Member     *Member     // KindMemberMetadata
	Assignment *Assignment // KindMemberAssignment
}

// OffsetCommit is the value of an offset commit.
type OffsetCommit struct {
	Offset      int64
	LeaderEpoch int32 // -1 when unknown
	Metadata    string
	CommitTime  time.Time
	ExpireTime  time.Time // zero unless the committer asked for a retention (value v1)
}

// ClassicGroup is the state a classic group coordinator stores after each rebalance.
type ClassicGroup struct {
	ProtocolType string // "consumer", "connect", ...
	Protocol     string // the assignor, e.g. "range"
	Generation   int32
	Leader       string
	StateTime    time.Time // zero before value v2
	Members      []Member
}

// Member is one group member as the coordinator recorded it.
type Member struct {
	ID               string
	InstanceID       string // static membership's group.instance.id
	ClientID         string
	ClientHost       string
	RackID           string
	SessionTimeout   time.Duration
	RebalanceTimeout time.Duration
	Topics           []string // subscribed topics
	TopicRegex       string   // consumer protocol: the subscribed pattern
	Assigned         []kafka.TopicPartition
}

// Assignment is a consumer-protocol member's current partitions, by topic id.
type Assignment struct {
	MemberEpoch int32
	State       int8
	Partitions  []TopicIDPartitions
}

// TopicIDPartitions is one topic's partitions named by the topic's id.
type TopicIDPartitions struct {
	TopicID    [16]byte
	Partitions []int32
}

// ErrMalformed marks a record whose bytes do not decode as the type its key names.
var ErrMalformed = errors.New("malformed __consumer_offsets record")

// Decode decodes one record of __consumer_offsets. A nil value is a tombstone. Record types
// it does not interpret come back as KindOther with the group id when it can be read.
func Decode(key, value []byte) (Entry, error) {
	if len(key) < 2 {
		return Entry{}, fmt.Errorf("%w: key of %d bytes", ErrMalformed, len(key))
	}
	typ := int16(key[0])<<8 | int16(key[1])
	var (
		e   Entry
		err error
	)
	switch typ {
	case typeOffsetCommitV0, typeOffsetCommitV1:
		e, err = decodeOffsetCommit(key, value)
	case typeGroupMetadata:
		e, err = decodeGroupMetadata(key, value)
	case typeConsumerGroupMetadata:
		e, err = decodeGroupEpoch(key, value)
	case typeConsumerGroupMemberMetadata:
		e, err = decodeMemberMetadata(key, value)
	case typeConsumerGroupCurrentMember:
		e, err = decodeCurrentAssignment(key, value)
	default:
		e = Entry{Kind: KindOther}
		if typ >= typeConsumerGroupMetadata {
			// Every newer key starts with the group id.
			r := kbin.Reader{Src: key[2:]}
			if g := r.String(); r.Ok() {
				e.Group = g
			}
		}
	}
	if err != nil {
		return Entry{}, fmt.Errorf("%w (type %d): %w", ErrMalformed, typ, err)
	}
	e.Type = typ
	return e, nil
}

func decodeOffsetCommit(key, value []byte) (Entry, error) {
	k := kmsg.NewOffsetCommitKey()
	if err := k.ReadFrom(key); err != nil {
		return Entry{}, fmt.Errorf("offset commit key: %w", err)
	}
	e := Entry{Kind: KindOffsetDeleted, Group: k.Group, Topic: k.Topic, Partition: k.Partition}
	if value == nil {
		return e, nil
	}
	v := kmsg.NewOffsetCommitValue()
	if err := v.ReadFrom(value); err != nil {
		return Entry{}, fmt.Errorf("offset commit value v%d: %w", v.Version, err)
	}
	e.Kind = KindOffsetCommit
	e.Commit = &OffsetCommit{Offset: v.Offset, LeaderEpoch: -1, Metadata: v.Metadata,
		CommitTime: millis(v.CommitTimestamp)}
	if v.Version >= 3 {
		e.Commit.LeaderEpoch = v.LeaderEpoch
	}
	if v.Version == 1 && v.ExpireTimestamp > 0 {
		e.Commit.ExpireTime = millis(v.ExpireTimestamp)
	}
	return e, nil
}

func decodeGroupMetadata(key, value []byte) (Entry, error) {
	k := kmsg.NewGroupMetadataKey()
	if err := k.ReadFrom(key); err != nil {
		return Entry{}, fmt.Errorf("group metadata key: %w", err)
	}
	e := Entry{Kind: KindGroupDeleted, Group: k.Group}
	if value == nil {
		return e, nil
	}
	v := kmsg.NewGroupMetadataValue()
	if err := v.ReadFrom(value); err != nil {
		return Entry{}, fmt.Errorf("group metadata value v%d: %w", v.Version, err)
	}
	g := &ClassicGroup{ProtocolType: v.ProtocolType, Generation: v.Generation,
		Protocol: deref(v.Protocol), Leader: deref(v.Leader)}
	if v.Version >= 2 && v.CurrentStateTimestamp > 0 {
		g.StateTime = millis(v.CurrentStateTimestamp)
	}
	for _, m := range v.Members {
		mem := Member{ID: m.MemberID, InstanceID: deref(m.InstanceID), ClientID: m.ClientID,
			ClientHost: m.ClientHost, SessionTimeout: msDuration(m.SessionTimeoutMillis)}
		if v.Version >= 1 {
			mem.RebalanceTimeout = msDuration(m.RebalanceTimeoutMillis)
		}
		if v.ProtocolType == "consumer" {
			// The consumer protocol's subscription and assignment; other protocols
			// (connect) carry their own formats, which are left alone.
			var sub kmsg.ConsumerMemberMetadata
			if sub.ReadFrom(m.Subscription) == nil {
				mem.Topics = sub.Topics
			}
			var asg kmsg.ConsumerMemberAssignment
			if asg.ReadFrom(m.Assignment) == nil {
				for _, t := range asg.Topics {
					for _, p := range t.Partitions {
						mem.Assigned = append(mem.Assigned, kafka.TopicPartition{Topic: t.Topic, Partition: p})
					}
				}
			}
		}
		g.Members = append(g.Members, mem)
	}
	e.Kind, e.Classic = KindGroupMetadata, g
	return e, nil
}

// flexReader reads the flexible (compact, tagged) encoding of the consumer protocol's values.
type flexReader struct{ kbin.Reader }

func (r *flexReader) str() string {
	if s := r.CompactNullableString(); s != nil {
		return *s
	}
	return ""
}

// strings reads a compact array of strings.
func (r *flexReader) strings() []string {
	n := r.CompactArrayLen()
	if n < -1 {
		r.fail()
		return nil
	}
	var out []string
	for i := int32(0); i < n && r.Ok(); i++ {
		out = append(out, r.CompactString())
	}
	return out
}

func (r *flexReader) int32s() []int32 {
	n := r.CompactArrayLen()
	if n < -1 {
		r.fail()
		return nil
	}
	var out []int32
	for i := int32(0); i < n && r.Ok(); i++ {
		out = append(out, r.Int32())
	}
	return out
}

// skipTags skips a tagged-field section; history needs none of the optional fields.
func (r *flexReader) skipTags() {
	n := r.Uvarint()
	for i := uint32(0); i < n && r.Ok(); i++ {
		r.Uvarint() // tag
		size := r.Uvarint()
		if size > uint32(len(r.Src)) {
			r.fail()
			return
		}
		r.Span(int(size))
	}
}

func (r *flexReader) fail() { r.Span(-1) }

func (r *flexReader) done() error {
	if !r.Ok() {
		return kbin.ErrNotEnoughData
	}
	return nil
}

// readKey reads a consumer-protocol key: the group id, then the member id when withMember.
func readKey(key []byte, withMember bool) (group, member string, err error) {
	r := kbin.Reader{Src: key[2:]}
	group = r.String()
	if withMember {
		member = r.String()
	}
	if err := r.Complete(); err != nil {
		return "", "", fmt.Errorf("key: %w", err)
	}
	return group, member, nil
}

// value starts reading a flexible value and returns its version.
func value(b []byte) (*flexReader, int16) {
	r := &flexReader{kbin.Reader{Src: b}}
	return r, r.Int16()
}

func decodeGroupEpoch(key, val []byte) (Entry, error) {
	group, _, err := readKey(key, false)
	if err != nil {
		return Entry{}, err
	}
	e := Entry{Kind: KindGroupDeleted, Group: group}
	if val == nil {
		return e, nil
	}
	r, _ := value(val)
	e.Kind, e.Epoch = KindGroupEpoch, r.Int32()
	r.skipTags()
	return e, r.done()
}

func decodeMemberMetadata(key, val []byte) (Entry, error) {
	group, member, err := readKey(key, true)
	if err != nil {
		return Entry{}, err
	}
	e := Entry{Kind: KindMemberLeft, Group: group, MemberID: member}
	if val == nil {
		return e, nil
	}
	r, _ := value(val)
	m := &Member{ID: member}
	m.InstanceID = r.str()
	m.RackID = r.str()
	m.ClientID = r.CompactString()
	m.ClientHost = r.CompactString()
	m.Topics = r.strings()
	m.TopicRegex = r.str()
	m.RebalanceTimeout = msDuration(r.Int32())
	r.str() // server assignor
	r.skipTags()
	if err := r.done(); err != nil {
		return Entry{}, fmt.Errorf("member metadata value: %w", err)
	}
	e.Kind, e.Member = KindMemberMetadata, m
	return e, nil
}

func decodeCurrentAssignment(key, val []byte) (Entry, error) {
	group, member, err := readKey(key, true)
	if err != nil {
		return Entry{}, err
	}
	e := Entry{Kind: KindOther, Group: group, MemberID: member}
	if val == nil {
		return e, nil
	}
	r, _ := value(val)
	a := &Assignment{MemberEpoch: r.Int32()}
	r.Int32() // previous member epoch
	a.State = r.Int8()
	n := r.CompactArrayLen()
	if n < -1 {
		r.fail()
	}
	for i := int32(0); i < n && r.Ok(); i++ {
		tp := TopicIDPartitions{TopicID: r.Uuid(), Partitions: r.int32s()}
		r.skipTags()
		a.Partitions = append(a.Partitions, tp)
	}
	// Partitions pending revocation follow; what the member holds now is what matters.
	if err := r.done(); err != nil {
		return Entry{}, fmt.Errorf("member assignment value: %w", err)
	}
	e.Kind, e.Assignment = KindMemberAssignment, a
	return e, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func millis(ms int64) time.Time {
	if ms <= 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

func msDuration(ms int32) time.Duration {
	if ms < 0 {
		return 0
	}
	return time.Duration(ms) * time.Millisecond
}
