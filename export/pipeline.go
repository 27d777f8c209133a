package export

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/kafka"
)

// progressInterval is the shortest gap between two progress callbacks.
const progressInterval = 250 * time.Millisecond

// meter counts an export's progress; counters are atomic because HEC workers update
// them while the export goroutine reports.
type meter struct {
	read     atomic.Int64 // records taken from the stream, before the filter
	selected atomic.Int64
	written  atomic.Int64
	acked    atomic.Int64
	failed   atomic.Int64
	total    int64
	start    time.Time
	last     time.Time
	fn       func(Progress)
}

func newMeter(total int64, fn func(Progress)) *meter {
	now := time.Now()
	return &meter{total: total, start: now, last: now, fn: fn}
}

func (m *meter) snapshot() Progress {
	return Progress{
		Selected: m.selected.Load(), Written: m.written.Load(), Acked: m.acked.Load(),
		Failed: m.failed.Load(), Total: m.total, Elapsed: time.Since(m.start),
	}
}

// tick reports progress if the last report is old enough; call it from the export goroutine only.
func (m *meter) tick() {
	if m.fn == nil {
		return
	}
	if now := time.Now(); now.Sub(m.last) >= progressInterval {
		m.last = now
		m.fn(m.snapshot())
	}
}

// done reports the final figures once.
func (m *meter) done() Progress {
	p := m.snapshot()
	if m.fn != nil {
		m.fn(p)
	}
	return p
}

// selector turns the request's raw batches into the records to export: decoded,
// filtered and redacted, in stream order.
type selector struct {
	req    Request
	redact *redactor
	meter  *meter
	batch  []kafka.Record
	i      int
	env    decode.Envelope
	// first and last selected records' positions, per partition, for manifests.
	seen map[int32]*partitionSeen
	// next offset to read per partition and records read, selected or not, for the
	// journal; last is the partition and offset of the record next returned.
	read     map[int32]int64
	count    int64
	lastPart int32
	lastOff  int64
	finished bool
}

type partitionSeen struct {
	first, last int64
	count       int64
}

func newSelector(req Request, m *meter) (*selector, error) {
	rd, err := newRedactor(req.Redact)
	if err != nil {
		return nil, err
	}
	if req.Decoder == nil {
		req.Decoder = decode.New()
	}
	return &selector{req: req, redact: rd, meter: m, seen: map[int32]*partitionSeen{}, read: map[int32]int64{}}, nil
}

// next returns the next selected record and its envelope (valid until the next call);
// ok false with a nil error means the stream ended.
func (s *selector) next(ctx context.Context) (*kafka.Record, *decode.Envelope, bool, error) {
	for {
		for s.i < len(s.batch) {
			rec := &s.batch[s.i]
			s.i++
			s.meter.read.Add(1)
			s.count++
			s.read[rec.Partition] = rec.Offset + 1
			s.env = s.req.Decoder.Decode(ctx, rec)
			if s.req.Filter != nil && !s.req.Filter.Match(&s.env) {
				continue
			}
			s.meter.selected.Add(1)
			s.redact.apply(&s.env)
			s.note(rec)
			s.lastPart, s.lastOff = rec.Partition, rec.Offset
			return rec, &s.env, true, nil
		}
		s.meter.tick()
		select {
		case <-ctx.Done():
			return nil, nil, false, fmt.Errorf("export interrupted: %w", ctx.Err())
		case b, open := <-s.req.Records:
			if !open {
				if err := ctx.Err(); err != nil {
					// The reader closes its stream when cancelled: that is an interrupt, not the end.
					return nil, nil, false, fmt.Errorf("export interrupted: %w", err)
				}
				s.finished = true
				return nil, nil, false, nil
			}
			if b.Err != nil {
				return nil, nil, false, fmt.Errorf("read records of %s: %w", s.req.Capture.Topic, b.Err)
			}
			s.batch, s.i = b.Records, 0
		}
	}
}

func (s *selector) note(rec *kafka.Record) {
	p := s.seen[rec.Partition]
	if p == nil {
		p = &partitionSeen{first: rec.Offset}
		s.seen[rec.Partition] = p
	}
	p.last = rec.Offset
	p.count++
}

// mark is the read position for the journal. pending leaves out the record next
// returned last (it is in no batch yet). After the stream's end every range is read.
func (s *selector) mark(pending bool) *readMark {
	mk := &readMark{read: make(map[int32]int64, len(s.read)), count: s.count}
	for p, o := range s.read {
		mk.read[p] = o
	}
	if s.finished {
		for _, r := range s.req.Capture.Ranges {
			if r.End >= 0 {
				mk.read[r.Partition] = max(mk.read[r.Partition], r.End)
			}
		}
	}
	if pending && s.count > 0 {
		mk.read[s.lastPart] = s.lastOff
		mk.count--
	}
	return mk
}
