package messages

import (
	"github.com/kpeek/kpeek/kafka"
)

// DefaultCap is how many records the pane holds before it drops the oldest.
const DefaultCap = 1_000_000

const (
	chunkSize = 4096    // records per chunk; the store drops memory a chunk at a time
	slabSize  = 1 << 20 // bytes per arena slab that keys, values and header bytes are copied into
	bigValue  = slabSize / 4
)

// chunk holds up to chunkSize records in arrival order, with their timestamps in a
// dense array so the timeline scans 8 bytes per record instead of a whole Record.
// A chunk's elements are written once and never changed, so a snapshot holding a
// shorter slice header of the same arrays can be read from another goroutine.
type chunk struct {
	recs []kafka.Record
	ts   []int64 // unix nanoseconds
	// classes says which records can skip the decoder (fastpath.go). It is replaced,
	// never written in place, so snapshots read it without racing Update.
	classes []uint8
}

// store holds raw records by sequence number (0 for the first record ever appended).
// Records are copied into large byte slabs so a million small records cost few
// allocations; decoding happens later, only for what is shown or filtered.
type store struct {
	chunks  []chunk
	start   int   // index in chunks[0] of the oldest live record
	first   int64 // sequence number of the oldest live record
	n       int   // live records
	cap     int
	dropped int64 // records dropped because of the cap, over the store's life

	slab    []byte
	headers []kafka.Header    // arena for header slices
	names   map[string]string // topic and header names, stored once
}

func newStore(capacity int) *store {
	if capacity <= 0 {
		capacity = DefaultCap
	}
	return &store{cap: capacity}
}

// Len is the number of live records.
func (s *store) Len() int { return s.n }

// First is the sequence number of the oldest live record.
func (s *store) First() int64 { return s.first }

// End is one past the sequence number of the newest record.
func (s *store) End() int64 { return s.first + int64(s.n) }

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
			recs: make([]kafka.Record, 0, chunkSize),
			ts:   make([]int64, 0, chunkSize),
		})
	}
	c := &s.chunks[len(s.chunks)-1]
	rec := *r
	rec.Topic = s.intern(r.Topic)
	rec.Key = s.copyBytes(r.Key)
	rec.Value = s.copyBytes(r.Value)
	if len(r.Headers) > 0 {
		rec.Headers = s.copyHeaders(r.Headers)
	}
	c.recs = append(c.recs, rec)
	c.ts = append(c.ts, r.Timestamp.UnixNano())
	s.n++
}

// copyBytes copies b into the current slab; nil stays nil (a tombstone or null key).
func (s *store) copyBytes(b []byte) []byte {
	if b == nil {
		return nil
	}
	if len(b) > bigValue {
		return append([]byte(nil), b...)
	}
	if cap(s.slab)-len(s.slab) < len(b) {
		s.slab = make([]byte, 0, slabSize)
	}
	at := len(s.slab)
	s.slab = append(s.slab, b...)
	return s.slab[at:len(s.slab):len(s.slab)]
}

func (s *store) copyHeaders(hs []kafka.Header) []kafka.Header {
	if cap(s.headers)-len(s.headers) < len(hs) {
		s.headers = make([]kafka.Header, 0, max(1024, len(hs)))
	}
	at := len(s.headers)
	for _, h := range hs {
		s.headers = append(s.headers, kafka.Header{Key: s.intern(h.Key), Value: s.copyBytes(h.Value)})
	}
	return s.headers[at:len(s.headers):len(s.headers)]
}

// intern returns the stored copy of a name: readers allocate each record's header
// keys anew, and a million copies of "trace_id" would otherwise stay alive.
func (s *store) intern(name string) string {
	if v, ok := s.names[name]; ok {
		return v
	}
	if s.names == nil {
		s.names = map[string]string{}
	}
	if len(s.names) < 4096 { // keys that never repeat are not worth a map entry
		s.names[name] = name
	}
	return name
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
	*s = store{cap: s.cap, first: s.End()}
}

// Snapshot is an immutable view of the store as it is now, safe to read from a Cmd.
func (s *store) Snapshot() snapshot {
	cs := make([]chunk, len(s.chunks))
	copy(cs, s.chunks) // copies slice headers: later appends do not show through
	return snapshot{chunks: cs, start: s.start, first: s.first, n: s.n}
}

// At returns the record with sequence number seq, or nil when it is not live.
func (s *store) At(seq int64) *kafka.Record {
	if seq < s.first || seq >= s.End() {
		return nil
	}
	p := int(seq-s.first) + s.start
	return &s.chunks[p/chunkSize].recs[p%chunkSize]
}

// Time returns the timestamp (unix nanoseconds) of a live seq.
func (s *store) Time(seq int64) int64 {
	p := int(seq-s.first) + s.start
	return s.chunks[p/chunkSize].ts[p%chunkSize]
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
		p := int(from-s.first) + s.start
		c := &s.chunks[p/chunkSize]
		at := p % chunkSize
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

// snapshot is a frozen view of a store; it shares the store's arrays, read-only.
type snapshot struct {
	chunks []chunk
	start  int
	first  int64
	n      int
}

// End is one past the last seq in the snapshot.
func (s snapshot) End() int64 { return s.first + int64(s.n) }

// At returns the record at seq, which must be within [first, End()).
func (s snapshot) At(seq int64) *kafka.Record {
	p := int(seq-s.first) + s.start
	return &s.chunks[p/chunkSize].recs[p%chunkSize]
}

// Time returns the timestamp (unix nanoseconds) at seq.
func (s snapshot) Time(seq int64) int64 {
	p := int(seq-s.first) + s.start
	return s.chunks[p/chunkSize].ts[p%chunkSize]
}

// Class is what fastpath.go knows about the record at seq.
func (s snapshot) Class(seq int64) uint8 {
	p := int(seq-s.first) + s.start
	c := s.chunks[p/chunkSize].classes
	if c == nil {
		return classUnknown
	}
	return c[p%chunkSize]
}
