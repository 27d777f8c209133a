package messages

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/decode/scan"
	"github.com/kpeek/kpeek/tui/common"
)

// ScannedMsg tells the frame a topic was scanned in this session and which classes of
// regulated data it holds (none: nothing found), so the topics list can show a badge.
type ScannedMsg struct {
	Topic   string
	Classes []string
}

// scanState is the sensitive-data scan of the loaded records and its report panel.
type scanState struct {
	open    bool
	id      int // request id: a result for an older scan is dropped
	running bool
	scope   string // which records: all loaded, or those matching the filter
	count   int64  // how many
	report  scan.TopicReport
	done    bool
	top     int // first report line shown
	cancel  context.CancelFunc
}

// scanDoneMsg is the report of scan request id; a cancelled scan (started again, pane
// closed) carries a partial report that is dropped.
type scanDoneMsg struct {
	id        int
	report    scan.TopicReport
	cancelled bool
}

// startScan scans the records the table shows (the filter's matches when one is
// active) in a Cmd over a snapshot of the store; only masked values leave it.
func (m Model) startScan() (Model, tea.Cmd) {
	if m.scan.cancel != nil {
		m.scan.cancel()
	}
	ctx, cancel := context.WithCancel(m.ctx)
	s := scanState{open: true, id: m.scan.id + 1, running: true, cancel: cancel}
	var seqs []int64
	if m.filter.active() {
		seqs = slices.Clone(m.filter.matches)
		s.scope = fmt.Sprintf("the %s records matching the filter %s", thousands(int64(len(seqs))), oneLine(m.filter.expr))
		if m.filtering() {
			s.scope += " (filter still running: matches so far)"
		}
	} else {
		for seq := m.store.First(); seq < m.store.End(); seq++ {
			seqs = append(seqs, seq)
		}
		s.scope = fmt.Sprintf("all %s loaded records", thousands(int64(len(seqs))))
	}
	s.count = int64(len(seqs))
	m.scan = s
	id, dec, snap, topic := s.id, m.dec, m.store.Snapshot(), m.src.Topic.Name
	return m, func() tea.Msg {
		r := scanRecords(ctx, dec, snap, topic, seqs)
		return scanDoneMsg{id: id, report: r, cancelled: ctx.Err() != nil}
	}
}

// scanRecords decodes and scans the records seqs of snap.
func scanRecords(ctx context.Context, dec *decode.Decoder, snap snapshot, topic string, seqs []int64) scan.TopicReport {
	tally := scan.NewTally(scan.New(), topic)
	for i, seq := range seqs {
		if i&1023 == 0 && ctx.Err() != nil {
			break
		}
		r := snap.At(seq)
		if r == nil {
			continue // dropped by the cap since
		}
		e := dec.Decode(ctx, r)
		tally.Add(&e)
	}
	return tally.Report()
}

// updateScan takes a finished scan's report and tells the frame what the topic holds.
func (m Model) updateScan(msg scanDoneMsg) (Model, tea.Cmd) {
	if msg.id != m.scan.id || msg.cancelled {
		return m, nil
	}
	m.scan.running, m.scan.done, m.scan.report, m.scan.top = false, true, msg.report, 0
	classes := make([]string, len(msg.report.Classes))
	for i, c := range msg.report.Classes {
		classes[i] = string(c)
	}
	topic := m.src.Topic.Name
	return m, func() tea.Msg { return ScannedMsg{Topic: topic, Classes: classes} }
}

// scanKey handles keys while the report is open: scroll, run again, close.
func (m Model) scanKey(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	k := m.keys
	switch {
	case key.Matches(msg, k.Back):
		m.scan.open = false
	case key.Matches(msg, k.Scan):
		return m.startScan()
	case key.Matches(msg, k.Up):
		m.scan.top = max(0, m.scan.top-1)
	case key.Matches(msg, k.Down):
		m.scan.top = min(m.scan.top+1, max(0, len(m.scan.report.Fields)-1))
	}
	return m, nil
}

// scanView is the report panel: what was scanned, one line per field path and
// detector with a masked example, and the verdict. No detected value is shown whole.
func (m Model) scanView() string {
	st, s, w := m.st(), m.scan, m.width
	lines := []string{
		st.DialogTitle.Render(common.Truncate("Sensitive-data scan · "+decode.Sanitize(m.src.Topic.Name), w)),
		st.Muted.Render(common.Truncate("scope: "+s.scope, w)),
	}
	if !s.done {
		lines = append(lines, "", "scanning "+thousands(s.count)+" "+plural(s.count, "record")+"…")
		return common.Box(strings.Join(lines, "\n"), w, m.height)
	}
	r := s.report
	verdict := st.Notice.Render(common.Truncate(decode.Sanitize(r.Verdict()), w))
	foot := st.Muted.Render(common.Truncate("↑/↓ scroll · S scan again · esc back", w))
	rows := []string{}
	if len(r.Fields) > 0 {
		rows = append(rows, st.Label.Render(common.Truncate(scanRow("PATH", "DETECTOR", "CLASS", "RECORDS", "SHARE", "MASKED"), w)))
		for _, f := range r.Fields[min(s.top, len(r.Fields)):] {
			rows = append(rows, common.Truncate(scanRow(decode.Sanitize(f.Path), decode.Sanitize(f.Detector), string(f.Class),
				thousands(f.Records), fmt.Sprintf("%.1f%%", 100*f.Share), decode.Sanitize(f.Example)), w))
		}
	}
	room := max(0, m.height-len(lines)-3) // blank line, verdict, foot
	if len(rows) > room && room > 1 {
		hidden := len(rows) - room + 1
		rows = append(rows[:room-1], st.Muted.Render(common.Truncate(fmt.Sprintf("… %d more (↓ scrolls)", hidden), w)))
	}
	lines = append(lines, rows...)
	lines = append(lines, "", verdict, foot)
	return common.Box(strings.Join(lines, "\n"), w, m.height)
}

// scanRow lays out one report line in fixed columns; the example takes the rest.
func scanRow(path, detector, class, records, share, example string) string {
	return common.PadRight(common.Truncate(path, 21), 22) + common.PadRight(common.Truncate(detector, 12), 13) +
		common.PadRight(class, 7) + fmt.Sprintf("%7s %6s  ", records, share) + example
}

// detectedMax caps the findings the detail lists: a value with thousands of e-mail
// addresses must not push the value itself off the screen.
const detectedMax = 20

// detectedSection lists what the scanner finds in one record, masked, for the detail
// view: one line per finding with its path and detector. It also returns the value's
// detected texts, for markDetected.
func detectedSection(e *decode.Envelope, st common.MessagesStyles) (string, []string) {
	var b strings.Builder
	var found []string
	n := 0
	scan.New().Envelope(e, func(f scan.Finding) {
		if strings.HasPrefix(f.Path, "value") && !slices.Contains(found, f.Match) {
			found = append(found, f.Match)
		}
		label := ""
		if n == 0 {
			label = "detected"
		}
		n++
		if n > detectedMax {
			return
		}
		fmt.Fprintf(&b, "%s %s  %s  %s\n", st.Label.Render(common.PadRight(label, 10)),
			decode.Sanitize(f.Path), st.Notice.Render(string(f.Class)+" "+f.Detector), decode.Sanitize(f.Masked()))
	})
	switch {
	case n == 0:
		return fmt.Sprintf("%s %s\n", st.Label.Render(common.PadRight("detected", 10)), st.Muted.Render("no regulated data")), nil
	case n > detectedMax:
		fmt.Fprintf(&b, "%s %s\n", common.PadRight("", 10), st.Muted.Render(fmt.Sprintf("… %d more findings (S scans every loaded record)", n-detectedMax)))
	}
	return b.String(), found
}

// markDetected styles each detected text where it appears in the value as shown. It
// only wraps text already on screen: a match that the sanitizer would change, or that
// is too short to stand out on its own, is left as it is.
func markDetected(shown string, found []string, st common.MessagesStyles) string {
	for _, f := range found {
		if len(f) < 6 || decode.Sanitize(f) != f || strings.ContainsAny(f, "\n\"\\") {
			continue
		}
		shown = strings.ReplaceAll(shown, f, st.Notice.Render(f))
	}
	return shown
}
