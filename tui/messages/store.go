package messages

import (
	"math"
	"time"

	"github.com/kpeek/kpeek/kafka"
)

// DefaultCap is how many records the pane holds before it drops the oldest.
const DefaultCap = 1_000_000

const (
	chunkSize = 4096     // records per chunk; the store drops memory a chunk at a time
	slabSize  = 64 << 10 // bytes per slab that a chunk's keys, values and header values are copied into
	bigValue  = slabSize / 4
	noTime    = math.MinInt64 // a record without a timestamp
)

// span locates bytes in a chunk's slabs; n < 0 means nil (a null key, a tombstone).
type span struct {
	slab uint32
	off  uint32
	n    int32
}

// rec is one stored record: no pointers, 56 bytes, where a kafka.Record is 144
// plus the allocations it points to. Names (topic, timestamp type, header keys)
// are indexes into the store's name table.
type rec struct {
	offset     int64
	key, value span
	hdrAt      uint32 // first header in the chunk's hdrs
	hdrN       uint32
	partition  int32
	topic      uint32
	tsType     uint32
}

// hdr is one stored header.
type hdr struct {
	name  uint32
	value span
}

// chunk holds up to chunkSize records in arrival order with their bytes, and their
// timestamps in a dense array so the timeline scans 8 bytes per record. Elements are
// written once and never changed (slabs are allocated at full length and filled
// behind used), so a snapshot holding shorter slice headers of the same arrays can be
// read from another goroutine while Update appends.
type chunk struct {
	recs  []rec
	ts    []int64 // unix nanoseconds, noTime when unset
	hdrs  []hdr
	slabs [][]byte
	fill  int // 1 + the index of the slab being filled; 0 before the first
	used  int // bytes used in that slab
	// classes says which records can skip the decoder (decode.Classify; classified in the background by warm.go). It is replaced,
	// never written in place.
	classes []uint8
}

// view is the readable part of the store; a snapshot is a copy of it.
type view struct {
	chunks []chunk
	start  int   // index in chunks[0] of the oldest live record
	first  int64 // sequence number of the oldest live record
	n      int   // live records
	names  []string
}

// snapshot is a frozen view of a store, safe to read from a Cmd.
type snapshot = view

// store holds raw records by sequence number (0 for the first record ever appended).
// Bytes are copied into large slabs so a million small records cost few allocations
// and give the garbage collector nothing to scan; decoding happens later, only for
// what is shown or filtered.
type store struct {
	view
	cap     int
	dropped int64             // records dropped because of the cap, over the store's life
	nameIdx map[string]uint32 // the name table's index
}

func newStore(capacity int) *store {
	if capacity <= 0 {
		capacity = DefaultCap
	}
	return &store{cap: capacity}
}

// Len is the number of live records.
func (v *view) Len() int { return v.n }

// First is the sequence number of the oldest live record.
func (v *view) First() int64 { return v.first }

// End is one past the sequence number of the newest record.
func (v *view) End() int64 { return v.first + int64(v.n) }

// Append copies recs into the store and drops the oldest records beyond the cap;
// it returns how many were dropped.
func (s *store) Append(recs []kafka.Record) int {
	for i := range recs {
		s.appendOne(&recs[i])
	}
	over := s.n - s.cap
	if over <= 0 {
		return 0
	}
	s.drop(over)
	return over
}

func (s *store) appendOne(r *kafka.Record) {
	if len(s.chunks) == 0 || len(s.chunks[len(s.chunks)-1].recs) == chunkSize {
		s.chunks = append(s.chunks, chunk{
			recs: make([]rec, 0, chunkSize),
			ts:   make([]int64, 0, chunkSize),
			hdrs: make([]hdr, 0, chunkSize),
		})
	}
	c := &s.chunks[len(s.chunks)-1]
	stored := rec{
		offset: r.Offset, partition: r.Partition,
		topic: s.name(r.Topic), tsType: s.name(string(r.TimestampType)),
		key: c.copyBytes(r.Key), value: c.copyBytes(r.Value),
		hdrAt: uint32(len(c.hdrs)), hdrN: uint32(len(r.Headers)),
	}
	for _, h := range r.Headers {
		c.hdrs = append(c.hdrs, hdr{name: s.name(h.Key), value: c.copyBytes(h.Value)})
	}
	ts := int64(noTime)
	if !r.Timestamp.IsZero() {
		ts = r.Timestamp.UnixNano()
	}
	c.recs = append(c.recs, stored)
	c.ts = append(c.ts, ts)
	s.n++
}

// copyBytes copies b into the chunk's current slab, or a slab of its own when big.
func (c *chunk) copyBytes(b []byte) span {
	switch {
	case b == nil:
		return span{n: -1}
	case len(b) > bigValue:
		c.slabs = append(c.slabs, append([]byte(nil), b...))
		return span{slab: uint32(len(c.slabs) - 1), n: int32(len(b))}
	case c.fill == 0 || slabSize-c.used < len(b):
		c.slabs = append(c.slabs, make([]byte, slabSize))
		c.fill, c.used = len(c.slabs), 0
	}
	at := c.used
	copy(c.slabs[c.fill-1][at:], b)
	c.used += len(b)
	return span{slab: uint32(c.fill - 1), off: uint32(at), n: int32(len(b))}
}

// name returns the index of a name in the table, adding it once.
func (s *store) name(n string) uint32 {
	if i, ok := s.nameIdx[n]; ok {
		return i
	}
	if s.nameIdx == nil {
		s.nameIdx = map[string]uint32{}
	}
	i := uint32(len(s.names))
	s.names = append(s.names, n)
	s.nameIdx[n] = i
	return i
}

// drop forgets the k oldest records. Whole chunks are released only once every record
// in them is gone; records are never overwritten, so snapshots stay valid.
func (s *store) drop(k int) {
	k = min(k, s.n)
	s.start += k
	s.first += int64(k)
	s.n -= k
	s.dropped += int64(k)
	for len(s.chunks) > 0 && s.start >= len(s.chunks[0].recs) && len(s.chunks[0].recs) == chunkSize {
		s.start -= chunkSize
		s.chunks[0] = chunk{}
		s.chunks = s.chunks[1:]
	}
}

// Reset forgets every record (a new read).
func (s *store) Reset() {
	*s = store{cap: s.cap, view: view{first: s.End()}}
}

// Snapshot is an immutable view of the store as it is now, safe to read from a Cmd.
func (s *store) Snapshot() snapshot {
	v := s.view
	v.chunks = append([]chunk(nil), s.chunks...) // later appends do not show through
	return v
}

// SetClasses records the classes of seqs [from, from+len(classes)); zero entries
// (not found out) and seqs no longer live are skipped.
func (s *store) SetClasses(from int64, classes []uint8) {
	for len(classes) > 0 {
		if from >= s.End() {
			return
		}
		if from < s.first {
			skip := min(int64(len(classes)), s.first-from)
			classes, from = classes[skip:], from+skip
			continue
		}
		c, at := s.locate(from)
		n := min(len(classes), chunkSize-at, int(s.End()-from))
		next := make([]uint8, chunkSize)
		copy(next, c.classes)
		for i, v := range classes[:n] {
			if v != classUnknown {
				next[at+i] = v
			}
		}
		c.classes = next
		classes, from = classes[n:], from+int64(n)
	}
}

// locate finds a live seq's chunk and index.
func (v *view) locate(seq int64) (*chunk, int) {
	p := int(seq-v.first) + v.start
	return &v.chunks[p/chunkSize], p % chunkSize
}

func (v *view) live(seq int64) bool { return seq >= v.first && seq < v.End() }

// At returns a copy of the record with sequence number seq, or nil when it is not
// live. Its byte slices point into the store: read them, never write.
func (v *view) At(seq int64) *kafka.Record {
	if !v.live(seq) {
		return nil
	}
	r := new(kafka.Record)
	v.Fill(seq, r, nil)
	return r
}

// Fill sets *r to the record at live seq, reusing headers' array for its headers.
func (v *view) Fill(seq int64, r *kafka.Record, headers []kafka.Header) {
	c, i := v.locate(seq)
	s := &c.recs[i]
	*r = kafka.Record{
		Topic: v.names[s.topic], Partition: s.partition, Offset: s.offset,
		TimestampType: kafka.TimestampType(v.names[s.tsType]),
		Key:           c.bytes(s.key), Value: c.bytes(s.value),
	}
	if ts := c.ts[i]; ts != noTime {
		r.Timestamp = time.Unix(0, ts)
	}
	if s.hdrN > 0 {
		headers = headers[:0]
		for _, h := range c.hdrs[s.hdrAt : s.hdrAt+s.hdrN] {
			headers = append(headers, kafka.Header{Key: v.names[h.name], Value: c.bytes(h.value)})
		}
		r.Headers = headers
	}
}

func (c *chunk) bytes(sp span) []byte {
	if sp.n < 0 {
		return nil
	}
	end := sp.off + uint32(sp.n)
	return c.slabs[sp.slab][sp.off:end:end]
}

// Time returns the timestamp (unix nanoseconds, or noTime) of a live seq.
func (v *view) Time(seq int64) int64 {
	c, i := v.locate(seq)
	return c.ts[i]
}

// Partition and Offset of a live seq, without building the record.
func (v *view) Partition(seq int64) int32 {
	c, i := v.locate(seq)
	return c.recs[i].partition
}

// Offset is the Kafka offset of a live seq.
func (v *view) Offset(seq int64) int64 {
	c, i := v.locate(seq)
	return c.recs[i].offset
}

// Class is what the background classification (warm.go) knows about the record at seq.
func (v *view) Class(seq int64) uint8 {
	c, i := v.locate(seq)
	if c.classes == nil {
		return classUnknown
	}
	return c.classes[i]
}

// Size is the record's size as kafka.Record.Size counts it, without building the record.
func (v *view) Size(seq int64) int {
	c, i := v.locate(seq)
	s := &c.recs[i]
	n := max(0, int(s.key.n)) + max(0, int(s.value.n))
	for _, h := range c.hdrs[s.hdrAt : s.hdrAt+s.hdrN] {
		n += len(v.names[h.name]) + max(0, int(h.value.n))
	}
	return n
}

// Key is the record's key bytes (nil for a null key); read them, never write.
func (v *view) Key(seq int64) []byte {
	c, i := v.locate(seq)
	return c.bytes(c.recs[i].key)
}

// TimestampType is the record's timestamp type name.
func (v *view) TimestampType(seq int64) kafka.TimestampType {
	c, i := v.locate(seq)
	return kafka.TimestampType(v.names[c.recs[i].tsType])
}
