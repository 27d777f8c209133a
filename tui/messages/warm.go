package messages

import (
	tea "charm.land/bubbletea/v2"

	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/kafka"
)

// The fast path itself (rebuilding an envelope instead of decoding it) is the decoder's:
// decode.Decoder.DecodeParts. The pane keeps each record's decode.Class in its store and
// classifies records in the background as they arrive, so the first filter is fast.

// Record classes as the store keeps them, one byte per record.
const (
	classUnknown = uint8(decode.ClassUnknown)
	classRebuild = uint8(decode.ClassRebuild)
	classDecode  = uint8(decode.ClassDecode)
)

// warmJob is how many records a background classification pass takes at once; small,
// so a filter typed meanwhile waits little for the job slot.
const warmJob = 1 << 14

// warmState is the background pass that classifies records as they arrive, so the
// first filter over them is already fast.
type warmState struct {
	running bool
	upTo    int64 // every seq below was classified (or dropped)
	off     bool  // the records here need the decoder anyway: stop spending CPU
}

// warmResultMsg carries the classes of seqs [from, from+len(classes)) of read id.
type warmResultMsg struct {
	read    int
	from    int64
	classes []uint8
}

// scratch is one worker's reusable memory for matching records, so the fast path
// allocates nothing per record.
type scratch struct {
	rec  kafka.Record   // the record being matched
	hbuf []kafka.Header // its headers' array, reused
	dec  decode.Scratch
}

// warmMore starts classifying the next records in the background when nothing else
// is running. A bounded read is left the cores while it loads; a followed one never
// ends, so its records are classified as they come.
func (m Model) warmMore() (Model, tea.Cmd) {
	w := &m.warm
	w.upTo = max(w.upTo, m.store.First())
	loading := (m.rd.live || m.rd.starting) && !m.rd.req.Follow
	if w.off || w.running || loading || m.filter.running || w.upTo >= m.store.End() {
		return m, nil
	}
	w.running = true
	from, to := w.upTo, min(m.store.End(), w.upTo+warmJob)
	read, dec, snap, ctx := m.rd.id, m.dec, m.store.Snapshot(), m.ctx
	return m, func() tea.Msg {
		_, classes := matchRange(ctx, nil, dec, snap, from, to)
		return warmResultMsg{read: read, from: from, classes: classes}
	}
}

func (m Model) updateWarm(msg warmResultMsg) (Model, tea.Cmd) {
	if msg.read != m.rd.id {
		return m, nil
	}
	m.warm.running = false
	m.store.SetClasses(msg.from, msg.classes)
	m.warm.upTo = max(m.warm.upTo, msg.from+int64(len(msg.classes)))
	slow := 0
	for _, c := range msg.classes {
		if c == classDecode {
			slow++
		}
	}
	if len(msg.classes) >= 1024 && slow*10 >= len(msg.classes)*9 {
		m.warm.off = true
	}
	return m.background()
}

// background starts the next filter slice, else the next warm-up slice.
func (m Model) background() (Model, tea.Cmd) {
	m, cmd := m.filterMore()
	if cmd != nil {
		return m, cmd
	}
	return m.warmMore()
}
