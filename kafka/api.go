package kafka

import (
	"slices"
	"time"
)

// ClusterInfo describes the cluster as the brokers report it.
type ClusterInfo struct {
	ID         string
	Controller int32
	Brokers    []Broker
}

// Broker is one broker in the cluster metadata.
type Broker struct {
	ID   int32
	Addr string
	Rack string
}

// Topics is the result of listing topics, sorted by name.
type Topics []TopicInfo

// TopicInfo is one topic with its partitions' offsets and its main configs.
type TopicInfo struct {
	Name              string
	Internal          bool
	ReplicationFactor int
	Partitions        []PartitionInfo
	CleanupPolicy     string // e.g. "delete", "compact", "compact,delete"; "" when unknown
	RetentionMs       int64  // -1 means infinite; meaningless when ConfigErr is set (see Retention)
	RetentionBytes    int64  // per partition; -1 means unlimited; 0 when unknown (see ConfigErr)
	// OldestTimestamp is the time of the record at the head of the log, the first retention
	// deletes (earliest over partitions); zero when unknown or the topic is empty.
	OldestTimestamp time.Time
	// ExpiresAt is the earliest time retention may delete that record; zero when unknown or
	// never (compacted, infinite retention). ExpiresBy names the config that sets it.
	ExpiresAt time.Time
	ExpiresBy string
	LogBytes  int64 // size of the log on the leaders; -1 when unknown (DescribeLogDirs denied)
	Err       error // set when this topic could not be fully described
	// ConfigErr is set when the configs could not be read, typically because the account
	// lacks DESCRIBE_CONFIGS; Err then holds it too unless something worse happened.
	ConfigErr error
}

// PartitionInfo is one partition's leader, replicas and watermarks.
type PartitionInfo struct {
	ID       int32
	Leader   int32
	Replicas []int32
	ISR      []int32
	Earliest int64 // log start offset
	Latest   int64 // high watermark (next offset to be written)
}

// Groups is the result of listing consumer groups, sorted by id.
type Groups []GroupInfo

// GroupInfo is one consumer group with its members and committed offsets.
type GroupInfo struct {
	ID           string
	State        string
	ProtocolType string
	Protocol     string
	Members      []MemberInfo
	Offsets      []GroupOffset // sorted by topic, partition
	Err          error
}

// MemberInfo is one member of a group.
type MemberInfo struct {
	ID         string
	ClientID   string
	ClientHost string
	Assigned   []TopicPartition
}

// TopicPartition names one partition of one topic.
type TopicPartition struct {
	Topic     string
	Partition int32
}

// GroupOffset is a group's committed offset on one partition and the lag behind its end.
type GroupOffset struct {
	Topic     string
	Partition int32
	Committed int64 // -1 when nothing is committed
	End       int64 // high watermark; -1 when it could not be listed
	Lag       int64 // End - Committed; -1 when either is unknown
}

// StartKind says where a read starts.
type StartKind int

// Where a read can start.
const (
	StartBeginning StartKind = iota
	StartEnd
	StartOffset // absolute offset
	StartLast   // last N per partition
	StartTime   // first record at or after a time
)

// Start is a parsed --from.
type Start struct {
	Kind   StartKind
	Offset int64     // StartOffset
	N      int64     // StartLast
	Time   time.Time // StartTime
}

// StopKind says where a read stops.
type StopKind int

// Where a read can stop.
const (
	StopEnd    StopKind = iota // the high watermark as of the read's start
	StopOffset                 // inclusive absolute offset
	StopTime                   // records strictly after this time are not returned
	StopNever                  // follow live
)

// Stop is a parsed --to.
type Stop struct {
	Kind   StopKind
	Offset int64
	Time   time.Time
}

// ReadRequest selects records to read.
type ReadRequest struct {
	Topic      string
	Partitions []int32 // empty means all (or PartitionSpec)
	// PartitionSpec is -p as typed ("0,2", "1-3"), for callers that do not know the topic's
	// partition count: the read expands it against the count. Used when Partitions is empty.
	PartitionSpec string
	From          Start
	To            Stop  // Follow overrides To with StopNever
	Max           int64 // stop after this many records in total; 0 means no limit
	Follow        bool
	Order         Order // how partitions interleave; OrderAuto is time order unless following
	BatchSize     int   // records per batch; 0 means a default
	MaxBytes      int32 // largest fetch response the reader will accept; 0 means a default
}

// PartitionRange is what a read covers on one partition, resolved when the read starts.
type PartitionRange struct {
	Partition int32
	Start     int64 // first offset to read
	End       int64 // offset to stop before (exclusive); -1 while following
	Earliest  int64 // watermarks at the read's start
	Latest    int64
}

// Batch is a group of records from the reader; Err set means the stream failed and ends.
type Batch struct {
	Records []Record
	Err     error
}

// Records estimates the records in the topic: the sum of latest minus earliest offsets
// (compaction and transaction markers make the true count lower).
func (t *TopicInfo) Records() int64 {
	var n int64
	for _, p := range t.Partitions {
		n += p.Latest - p.Earliest
	}
	return n
}

// WithoutInternal drops internal topics.
func (ts Topics) WithoutInternal() Topics {
	out := make(Topics, 0, len(ts))
	for _, t := range ts {
		if !t.Internal {
			out = append(out, t)
		}
	}
	return out
}

// TotalLag is the sum of the group's per-partition lag.
func (g *GroupInfo) TotalLag() int64 {
	var n int64
	for _, o := range g.Offsets {
		if o.Lag > 0 {
			n += o.Lag
		}
	}
	return n
}

// Topics lists the topics the group has committed offsets on or is assigned, sorted.
func (g *GroupInfo) Topics() []string {
	seen := map[string]bool{}
	var out []string
	add := func(t string) {
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	for _, o := range g.Offsets {
		add(o.Topic)
	}
	for _, m := range g.Members {
		for _, a := range m.Assigned {
			add(a.Topic)
		}
	}
	slices.Sort(out)
	return out
}

// Reading keeps the groups that read topic: the reverse view, topic to groups.
func (gs Groups) Reading(topic string) Groups {
	var out Groups
	for _, g := range gs {
		if slices.Contains(g.Topics(), topic) {
			out = append(out, g)
		}
	}
	return out
}
