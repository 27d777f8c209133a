package kafka

import "time"

// Header is one Kafka record header; keys may repeat, so headers stay an ordered list.
type Header struct {
	Key   string
	Value []byte
}

// TimestampType says whether a record's timestamp was set by the producer or the broker,
// or that it has none.
type TimestampType string

// Timestamp types as Kafka defines them, plus none: records in message format v0 (written
// before Kafka 0.10, or kept on a topic with message.format.version 0.9.0) carry no timestamp.
const (
	TimestampCreate    TimestampType = "create"
	TimestampLogAppend TimestampType = "log_append"
	TimestampNone      TimestampType = "none"
)

// Record is one Kafka record exactly as read: raw bytes, nothing decoded.
type Record struct {
	Topic         string
	Partition     int32
	Offset        int64
	Timestamp     time.Time // the zero time when TimestampType is TimestampNone
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
