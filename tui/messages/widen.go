package messages

import (
	"fmt"
	"sort"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/kpeek/kpeek/kafka"
	"github.com/kpeek/kpeek/tui/common"
)

// widenStep is how much one press of the widen keys adds to the window.
const widenStep = time.Hour

// offsetSpan is the offsets of one partition already loaded; a widening read skips
// them, so the edge records that both reads see are not loaded twice.
type offsetSpan struct{ lo, hi int64 }

// noteOffsets records the offsets of recs as loaded.
func noteOffsets(spans map[int32]offsetSpan, recs []kafka.Record) map[int32]offsetSpan {
	if spans == nil {
		spans = map[int32]offsetSpan{}
	}
	for i := range recs {
		p, o := recs[i].Partition, recs[i].Offset
		s, ok := spans[p]
		if !ok {
			s = offsetSpan{o, o}
		}
		spans[p] = offsetSpan{min(s.lo, o), max(s.hi, o)}
	}
	return spans
}

// withoutLoaded drops the records whose offsets are already loaded.
func withoutLoaded(spans map[int32]offsetSpan, recs []kafka.Record) []kafka.Record {
	out := recs[:0:0]
	for _, r := range recs {
		if s, ok := spans[r.Partition]; ok && r.Offset >= s.lo && r.Offset <= s.hi {
			continue
		}
		out = append(out, r)
	}
	return out
}

// loadedTimes is the earliest and latest timestamp loaded; ok is false when no
// loaded record has one.
func (m Model) loadedTimes() (lo, hi time.Time, ok bool) {
	first := true
	var a, b int64
	for seq := m.store.First(); seq < m.store.End(); seq++ {
		t := m.store.Time(seq)
		if t == noTime {
			continue
		}
		if first || t < a {
			a = t
		}
		if first || t > b {
			b = t
		}
		first = false
	}
	if first {
		return time.Time{}, time.Time{}, false
	}
	return time.Unix(0, a), time.Unix(0, b), true
}

// bounds is the window loaded: the times the read was asked for where it was asked
// by time, else the loaded records' times.
func (m Model) bounds() (lo, hi time.Time, ok bool) {
	lo, hi, ok = m.loadedTimes()
	if m.win.from.Kind == kafka.StartTime {
		lo, ok = m.win.from.Time, true
	}
	if m.win.to.Kind == kafka.StopTime {
		hi = m.win.to.Time
	} else if !ok {
		return lo, hi, false
	}
	return lo, hi, !lo.IsZero() && !hi.IsZero()
}

// widen loads the hour before (or after) what is loaded, keeping records, marks,
// filter and cursor.
func (m Model) widen(before bool) (Model, tea.Cmd) {
	now := m.prompt.now()
	switch {
	case m.rd.id == 0:
		m.notice = "read a window first (" + m.keys.Start.Help().Key + ")"
		return m, nil
	case m.rd.live || m.rd.starting:
		if m.rd.req.Follow {
			m.notice = "following live: the window cannot be widened until you choose a bounded one (" + m.keys.Start.Help().Key + ")"
		} else {
			m.notice = "still reading: widen when this read is done"
		}
		return m, nil
	}
	lo, hi, ok := m.bounds()
	if !ok {
		m.notice = "nothing with a timestamp is loaded to widen from"
		return m, nil
	}
	req := kafka.ReadRequest{Topic: m.rd.req.Topic, Partitions: m.rd.req.Partitions}
	win := m.win
	if before {
		req.From = kafka.Start{Kind: kafka.StartTime, Time: lo.Add(-widenStep)}
		req.To = kafka.Stop{Kind: kafka.StopTime, Time: lo}
		win.from = req.From
		if win.to.Kind != kafka.StopTime {
			win.to = kafka.Stop{Kind: kafka.StopTime, Time: hi}
		}
	} else {
		if !hi.Before(now) {
			m.notice = "the window already reaches now; follow (" + m.keys.Start.Help().Key + ") to see new records"
			return m, nil
		}
		end := hi.Add(widenStep)
		if end.After(now) {
			end = now
		}
		req.From = kafka.Start{Kind: kafka.StartTime, Time: hi}
		req.To = kafka.Stop{Kind: kafka.StopTime, Time: end}
		win.to = req.To
		if win.from.Kind != kafka.StartTime {
			win.from = kafka.Start{Kind: kafka.StartTime, Time: lo}
		}
	}
	win.resolved = sideText("", true, win.from.Time, false) + ".." + sideText("", true, win.to.Time, true)
	m.win = win
	m.notice = "widening to " + WindowLabel(win.resolved)
	m, cmd := m.extendRead(req, selectionFlags(win, false, partitionsFlag(req.Partitions)))
	return m, tea.Batch(cmd, windowChosen(win.resolved), m.auditRead(req, win))
}

// partitionsFlag is -p's value for partitions ("" for all).
func partitionsFlag(ps []int32) string {
	s := ""
	for i, p := range ps {
		if i > 0 {
			s += ","
		}
		s += fmt.Sprint(p)
	}
	return s
}

// extendRead reads req into the store beside what is loaded: unlike startRead it
// keeps records, marks, the filter and the cursor.
func (m Model) extendRead(req kafka.ReadRequest, selection string) (Model, tea.Cmd) {
	earlier := max(m.rd.inRange(), 0)
	id := m.rd.id + 1
	m.rd = readState{id: id, req: req, selection: selection, lastTick: time.Now(), earlier: earlier, extending: true}
	return m.beginRead()
}

// jumpState is the "go to a time" input.
type jumpState struct {
	open  bool
	input textinput.Model
	err   string
}

func (m Model) openJump() (Model, tea.Cmd) {
	in := newInput(64)
	in.Prompt = "go to "
	in.Placeholder = "02:14 · -30m · 2026-11-26T02:14:00Z"
	in.SetWidth(max(10, m.width-10))
	m.jump = jumpState{open: true, input: in}
	return m, m.jump.input.Focus()
}

func (m Model) jumpKey(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	k := m.keys
	switch {
	case key.Matches(msg, k.Back):
		m.jump = jumpState{}
		return m, nil
	case key.Matches(msg, k.Submit):
		w, err := parseWindow(m.jump.input.Value()+"..end", m.prompt.now(), m.zone())
		if err == nil && w.from.Kind != kafka.StartTime {
			err = fmt.Errorf("%q is not a time: want 02:14, -30m or 2026-11-26T02:14:00Z", m.jump.input.Value())
		}
		if err != nil {
			m.jump.err = oneLine(err.Error())
			return m, nil
		}
		m.jump = jumpState{}
		return m.jumpTo(w.from.Time), nil
	}
	var cmd tea.Cmd
	m.jump.input, cmd = m.jump.input.Update(msg)
	m.jump.err = ""
	return m, cmd
}

// jumpTo puts the cursor on the first record at or after t, in time order.
func (m Model) jumpTo(t time.Time) Model {
	if m.ord.by != byTime {
		m = m.setOrder(byTime)
	}
	lo, hi, ok := m.loadedTimes()
	label := t.UTC().Format("2006-01-02 15:04:05 UTC")
	switch {
	case !ok:
		m.notice = "nothing with a timestamp is loaded"
		return m
	case t.Before(lo) || t.After(hi):
		m.notice = fmt.Sprintf("%s is outside what is loaded (%s): %s and %s widen the window", label,
			WindowLabel(lo.UTC().Format(time.RFC3339)+".."+hi.UTC().Format(time.RFC3339)),
			m.keys.WidenBefore.Help().Key, m.keys.WidenAfter.Help().Key)
		return m
	}
	want := t.UnixNano()
	n := m.rowCount()
	i := sort.Search(n, func(i int) bool { return m.store.Time(m.rowSeq(i)) >= want })
	if i == n {
		m.notice = "no row at or after " + label + " (the filter hides them)"
		return m
	}
	m.cursor, m.tail = i, false
	m.top = max(0, i-max(1, m.tableHeight())/2)
	m.notice = "at " + label
	return m
}

// jumpLines is the jump input while it is open.
func (m Model) jumpLines() []string {
	if !m.jump.open {
		return nil
	}
	return m.inputLines(m.jump.input, m.jump.err)
}

// inputLines is a one-line input and, under it, why its value was refused.
func (m Model) inputLines(in textinput.Model, err string) []string {
	st := m.st()
	lines := []string{common.Truncate(inputView(in, st), m.width)}
	if err != "" {
		lines = append(lines, st.Error.Render(common.Truncate("✗ "+err, m.width)))
	}
	return lines
}
