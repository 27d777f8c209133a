package messages

import (
	"context"
	"errors"
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/kpeek/kpeek/kafka"
)

// readState is the running read: its id (results of older reads are dropped), its
// stream and what it covers.
type readState struct {
	id        int
	req       kafka.ReadRequest
	selection string // the selection as the user typed it, for export manifests
	cancel    context.CancelFunc
	stream    Stream
	ranges    []kafka.PartitionRange
	starting  bool
	live      bool // the stream is open
	err       error
	stalled   error // a broker the read waits on stopped answering (checked each tick)

	received  int64 // records received by this read, dropped ones included
	lastTotal int64
	lastTick  time.Time
	rate      float64 // records per second, smoothed

	earlier   int64 // records in range of the reads this one widens
	skipped   int64 // records this widening read skipped as already loaded
	extending bool  // a widening read: records already loaded are skipped
}

// readStartedMsg answers the Cmd that opened a read.
type readStartedMsg struct {
	id     int
	stream Stream
	err    error
}

// batchMsg carries the batches of read id that arrived together (batch, then more);
// closed means the stream ended after them.
type batchMsg struct {
	id     int
	batch  kafka.Batch
	more   []kafka.Batch
	closed bool
}

// tickMsg drives the rate meter and the timeline refresh while a read is live.
type tickMsg struct {
	id int
	at time.Time
}

const tickEvery = time.Second

// stop cancels the read's context and closes its stream in the background.
func (r *readState) stop() {
	if r.cancel != nil {
		r.cancel()
	}
	if s := r.stream; s != nil {
		go func() { _ = s.Close() }()
	}
	r.stream, r.live, r.starting = nil, false, false
}

// startRead replaces whatever the pane shows with a new read of req.
func (m Model) startRead(req kafka.ReadRequest, selection string) (Model, tea.Cmd) {
	m.rd.stop()
	id := m.rd.id + 1
	m.rd = readState{id: id, req: req, selection: selection, lastTick: time.Now()}
	m.store.Reset()
	m.spans = nil
	m.ord = viewOrder{by: m.ord.by}
	m.tsCreate, m.tsLogAppend = false, false
	m.rows.reset()
	m.marks = marks{}
	m.tl = timeline{}
	m.cursor, m.top, m.tail = 0, 0, req.Follow
	m.notice = ""
	m.filter = m.filter.restart(m.ctx, m.store)
	m.warm = warmState{}
	return m.beginRead()
}

// beginRead opens the read m.rd describes, under a context the pane cancels.
func (m Model) beginRead() (Model, tea.Cmd) {
	id, req := m.rd.id, m.rd.req
	if m.read == nil {
		m.rd.err = errors.New("no connection to read from")
		return m, nil
	}
	ctx, cancel := context.WithCancel(m.ctx)
	m.rd.cancel = cancel
	m.rd.starting = true
	read := m.read
	open := func() tea.Msg {
		s, err := read(ctx, req)
		if err == nil && s == nil {
			err = errors.New("the reader returned no stream")
		}
		return readStartedMsg{id: id, stream: s, err: err}
	}
	return m, tea.Batch(open, m.tick(id))
}

func (m Model) tick(id int) tea.Cmd {
	return m.after(tickEvery, func(t time.Time) tea.Msg { return tickMsg{id: id, at: t} })
}

// Gathering: Bubble Tea renders a frame after every message, so while records stream
// in, batches that arrive within gatherFor of the first join it in one message (up to
// gatherMax records or gatherBytes of payload, so big records are not held back in
// bulk). The first wait of a read does not gather: its records go on screen at once.
const (
	gatherFor   = time.Second / 30
	gatherMax   = 1 << 16
	gatherBytes = 16 << 20
)

// waitBatch waits for one batch and, given a gather time, takes what else arrives
// within it; the pane re-arms it after each message.
func waitBatch(id int, ch <-chan kafka.Batch, gather time.Duration) tea.Cmd {
	return func() tea.Msg {
		b, ok := <-ch
		msg := batchMsg{id: id, batch: b, closed: !ok}
		if !ok || b.Err != nil || gather <= 0 {
			return msg
		}
		timer := time.NewTimer(gather)
		defer timer.Stop()
		n, size := len(b.Records), payload(b.Records)
		for n < gatherMax && size < gatherBytes {
			select {
			case more, ok := <-ch:
				if !ok {
					msg.closed = true
					return msg
				}
				msg.more = append(msg.more, more)
				n, size = n+len(more.Records), size+payload(more.Records)
				if more.Err != nil {
					return msg
				}
			case <-timer.C:
				return msg
			}
		}
		return msg
	}
}

// payload is the bytes of keys, values and headers in recs.
func payload(recs []kafka.Record) int {
	n := 0
	for i := range recs {
		n += recs[i].Size()
	}
	return n
}

func (m Model) updateRead(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case readStartedMsg:
		if msg.id != m.rd.id {
			if msg.stream != nil {
				go func() { _ = msg.stream.Close() }()
			}
			return m, nil
		}
		m.rd.starting = false
		if msg.err != nil {
			m.rd.err = fmt.Errorf("read %s: %w", m.src.Topic.Name, msg.err)
			return m, nil
		}
		m.rd.stream, m.rd.live = msg.stream, true
		m.rd.ranges = msg.stream.Ranges()
		return m, m.wait(msg.id, msg.stream.Batches(), 0)
	case batchMsg:
		if msg.id != m.rd.id || m.rd.stream == nil {
			return m, nil
		}
		var cmd tea.Cmd
		for _, b := range append([]kafka.Batch{msg.batch}, msg.more...) {
			if b.Err != nil {
				m.rd.err = b.Err
			}
			m = m.storeRecords(b.Records)
		}
		if msg.closed {
			m.rd.live = false
			m, cmd = m.afterAppend()
			m.tl = m.tl.refresh(m.store, m.filter)
			return m, cmd
		}
		m, cmd = m.afterAppend()
		return m, tea.Batch(cmd, m.wait(msg.id, m.rd.stream.Batches(), gatherFor))
	case tickMsg:
		if msg.id != m.rd.id {
			return m, nil
		}
		m.rd = m.rd.measure(msg.at)
		if m.rd.live && m.rd.stream != nil {
			m.rd.stalled = m.rd.stream.Stalled()
		}
		if m.tl.dirty {
			m.tl = m.tl.refresh(m.store, m.filter)
		}
		if m.rd.live || m.rd.starting {
			return m, m.tick(msg.id)
		}
	}
	return m, nil
}

// storeRecords adds records to the store (however they arrived: a read, a widening read
// that skips offsets already loaded) and moves what the cap dropped out of the cursor,
// marks and filter. afterAppend brings the timeline and background work in step.
func (m Model) storeRecords(recs []kafka.Record) Model {
	if m.rd.extending {
		n := len(recs)
		recs = withoutLoaded(m.spans, recs)
		m.rd.skipped += int64(n - len(recs))
	}
	if len(recs) == 0 {
		return m
	}
	m.spans = noteOffsets(m.spans, recs)
	m.rd.received += int64(len(recs))
	for i := range recs {
		switch recs[i].TimestampType {
		case kafka.TimestampLogAppend:
			m.tsLogAppend = true
		case kafka.TimestampCreate:
			m.tsCreate = true
		}
	}
	if dropped := m.store.Append(recs); dropped > 0 {
		m.notice = fmt.Sprintf("cap of %s reached: %s oldest records dropped",
			thousands(int64(m.store.cap)), thousands(m.store.dropped))
		if m.marks.count > 0 {
			m.marks.trim(m.store.First())
			m.marks.summary = m.marks.describe(m.store)
		}
		removed := dropped // rows lost off the front of the view
		if m.filter.active() {
			removed = m.filter.trim(m.store.First())
		}
		m.cursor = max(0, m.cursor-removed)
		m.top = max(0, m.top-removed)
	}
	return m
}

// afterAppend keeps the timeline, background work and tail cursor in step with new
// records; once per message, however many batches it carried.
func (m Model) afterAppend() (Model, tea.Cmd) {
	m.tl = m.tl.markDirty()
	if m.store.Len() < 100_000 {
		m.tl = m.tl.refresh(m.store, m.filter)
	}
	var cmd tea.Cmd
	m, cmd = m.background()
	if m.tail {
		m.cursor = m.rowCount() - 1
	}
	return m, cmd
}

// measure updates the smoothed rate at a tick.
func (r readState) measure(now time.Time) readState {
	dt := now.Sub(r.lastTick).Seconds()
	if dt <= 0 {
		return r
	}
	inst := float64(r.received-r.lastTotal) / dt
	if r.rate == 0 {
		r.rate = inst
	} else {
		r.rate = 0.5*r.rate + 0.5*inst
	}
	r.lastTotal, r.lastTick = r.received, now
	return r
}

// inRange is how many records the read covers, or -1 while it follows live.
func (r readState) inRange() int64 {
	if len(r.ranges) == 0 {
		return -1
	}
	var n int64
	for _, p := range r.ranges {
		if p.End < 0 {
			return -1
		}
		n += max(0, p.End-p.Start)
	}
	if r.req.Max > 0 {
		n = min(n, r.req.Max)
	}
	return n + r.earlier - r.skipped
}

// state is one word for the counter line.
func (r readState) state() string {
	switch {
	case r.starting:
		return "starting"
	case r.live && r.req.Follow:
		return "following"
	case r.live:
		return "loading"
	case r.err != nil:
		return "failed"
	case r.id == 0:
		return "not started"
	}
	return "done"
}
