package kafka

import "time"

// Header is one Kafka record header; keys may repeat, so headers stay an ordered list.
type Header struct {
	Key   string
	Value []byte
}

// TimestampType says whether a record's timestamp was set by the producer or the broker.
type TimestampType string

// Timestamp types as Kafka defines them.
const (
	TimestampCreate    TimestampType = "create"
	TimestampLogAppend TimestampType = "log_append"
)

// Record is one Kafka record exactly as read: raw bytes, nothing decoded.
type Record struct {
	Topic         string
	Partition     int32
	Offset        int64
	Timestamp     time.Time
	TimestampType TimestampType
	Key           []byte // nil for a null key
	Value         []byte // nil for a tombstone
	Headers       []Header
}

// Size is the record's payload size in bytes: key, value and headers.
func (r *Record) Size() int {
	n := len(r.Key) + len(r.Value)
	for _, h := range r.Headers {
		n += len(h.Key) + len(h.Value)
	}
	return n
}
