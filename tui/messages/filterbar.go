package messages

import (
	"context"
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/decode/filter"
	"github.com/kpeek/kpeek/tui/common"
)

// filterState is the filter input and the applied filter with its matches so far.
// Matching runs in Cmds over a snapshot of the store, a slice of it at a time; each
// result carries the filter generation it belongs to, so a result for an older
// expression never lands in a newer one's matches.
type filterState struct {
	input    textinput.Model
	typing   bool
	debounce int // generation of the last keystroke

	expr string         // the applied (last good) expression
	f    *filter.Filter // nil: no filter
	err  string         // why the expression being typed does not compile
	// check learns the loaded records' fields as the filter scans them, and missing
	// says which fields the filter names that none of them has (a typo matches nothing)
	check   *filter.FieldCheck
	missing string

	id      int     // generation of the applied filter
	matches []int64 // store seqs that pass, ascending
	scanned int64   // every seq below this has been checked
	running bool
	ctx     context.Context // cancelled when the filter or the read changes
	cancel  context.CancelFunc
}

// filterDebounceMsg fires a moment after a keystroke; only the latest one applies.
type filterDebounceMsg struct{ n int }

// filterResultMsg is the matches of filter id among seqs [from, to), and the
// classes of the records it decoded for the first time.
type filterResultMsg struct {
	id       int
	from, to int64
	matches  []int64
	classes  []uint8
}

const (
	filterDebounce = 150 * time.Millisecond
	filterJob      = 1 << 18 // records per Cmd, so matches show while a big store is scanned
)

func newFilterState() filterState {
	in := newInput(2000)
	in.Prompt = "/ "
	in.Placeholder = `text, /regex/ or CEL: value.amount > 10000 && headers.source == "erp"`
	return filterState{input: in}
}

// active is true when a filter narrows the table.
func (f filterState) active() bool { return f.f != nil && f.expr != "" }

// filtering is true while some loaded records are not checked against the applied
// filter yet (a job runs, or waits for the job slot).
func (m Model) filtering() bool {
	return m.filter.active() && (m.filter.running || m.filter.scanned < m.store.End())
}

// restart drops the matches (a new read) and rescans from the store's first record.
func (f filterState) restart(parent context.Context, s *store) filterState {
	if f.cancel != nil {
		f.cancel()
	}
	f.ctx, f.cancel = context.WithCancel(parent)
	f.id++
	f.matches, f.scanned, f.running = nil, s.First(), false
	return f
}

// trim forgets matches below first (dropped by the cap) and returns how many went.
func (f *filterState) trim(first int64) int {
	i := sort.Search(len(f.matches), func(i int) bool { return f.matches[i] >= first })
	f.matches = f.matches[i:]
	f.scanned = max(f.scanned, first)
	return i
}

func (m Model) openFilter() (Model, tea.Cmd) {
	m.filter.typing = true
	m.filter.input.SetValue(m.filter.expr)
	m.filter.input.CursorEnd()
	return m, m.filter.input.Focus()
}

func (m Model) filterKey(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	switch {
	case key.Matches(msg, m.keys.Back):
		return m.dropFilter()
	case key.Matches(msg, m.keys.Submit):
		m.filter.typing = false
		m.filter.input.Blur()
		return m.applyFilter(m.filter.input.Value())
	}
	return m.filterInput(msg)
}

// filterInput lets the input handle msg and, when that changed the text, applies it
// a moment later unless more typing follows.
func (m Model) filterInput(msg tea.Msg) (Model, tea.Cmd) {
	before := m.filter.input.Value()
	var cmd tea.Cmd
	m.filter.input, cmd = m.filter.input.Update(msg)
	if m.filter.input.Value() == before {
		return m, cmd
	}
	m.filter.debounce++
	n := m.filter.debounce
	return m, tea.Batch(cmd, m.after(filterDebounce, func(time.Time) tea.Msg { return filterDebounceMsg{n: n} }))
}

// clearFilter removes the filter and closes the input.
func (m Model) clearFilter() Model {
	m.filter.typing = false
	m.filter.input.Blur()
	m.filter.input.Reset()
	m.filter.err = ""
	m, _ = m.applyFilter("")
	return m
}

// dropFilter is clearFilter for the analyst's esc: removing an applied filter is logged.
func (m Model) dropFilter() (Model, tea.Cmd) {
	had := m.filter.expr != ""
	m = m.clearFilter()
	if !had {
		return m, nil
	}
	return m, m.auditFilter("")
}

func (m Model) updateFilter(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case filterDebounceMsg:
		if msg.n != m.filter.debounce || !m.filter.typing {
			return m, nil
		}
		return m.applyFilter(m.filter.input.Value())
	case filterResultMsg:
		if msg.id != m.filter.id {
			return m, nil
		}
		m.filter.running = false
		m.store.SetClasses(msg.from, msg.classes)
		first := m.store.First()
		for _, seq := range msg.matches {
			if seq >= first {
				m.filter.matches = append(m.filter.matches, seq)
			}
		}
		m.filter.scanned = max(m.filter.scanned, msg.to)
		m.filter.missing = missingText(m.filter.check)
		if m.tail {
			m.cursor = m.rowCount() - 1
		}
		m.tl = m.tl.markDirty()
		var cmd tea.Cmd
		m, cmd = m.background()
		if !m.filter.running || m.rowCount() < 100_000 {
			m.tl = m.tl.refresh(m.store, m.filter)
		}
		return m, cmd
	}
	return m, nil
}

// applyFilter compiles expr; a bad expression leaves the last good filter applied and
// shows why. A good one replaces the matches and starts scanning.
func (m Model) applyFilter(expr string) (Model, tea.Cmd) {
	if expr == m.filter.expr && (m.filter.f != nil || expr == "") {
		m.filter.err = ""
		return m, nil
	}
	f, err := filter.Compile(expr)
	if err != nil {
		m.filter.err = oneLine(err.Error())
		return m, nil
	}
	m.filter.err = ""
	m.filter = m.filter.restart(m.ctx, m.store)
	m.filter.expr, m.filter.f = expr, f
	m.filter.check, m.filter.missing = f.CheckFields(), ""
	if expr == "" {
		m.filter.f = nil
	}
	m.cursor, m.top = 0, 0
	if m.tail {
		m.cursor = m.rowCount() - 1
	}
	m.tl = m.tl.refresh(m.store, m.filter)
	m, cmd := m.background()
	return m, tea.Batch(cmd, m.auditFilter(expr))
}

// missingText says which fields the filter names that no loaded record has.
func missingText(c *filter.FieldCheck) string {
	var out []string
	for _, f := range c.Missing() {
		out = append(out, f.String())
	}
	return strings.Join(out, "; ")
}

// filterMore starts matching the next slice of unchecked records, if any.
func (m Model) filterMore() (Model, tea.Cmd) {
	fs := &m.filter
	if !fs.active() || fs.running || m.warm.running || fs.scanned >= m.store.End() {
		return m, nil
	}
	fs.running = true
	from := max(fs.scanned, m.store.First())
	to := min(m.store.End(), from+filterJob)
	id, f, dec, snap, ctx := fs.id, fs.f, m.dec, m.store.Snapshot(), fs.ctx
	return m, func() tea.Msg {
		matches, classes := matchRange(ctx, f, dec, snap, from, to)
		return filterResultMsg{id: id, from: from, to: to, matches: matches, classes: classes}
	}
}

// matchRange returns the seqs in [from, to) of snap that pass f, in order, and the
// classes of records it decoded in full for the first time; with a nil f it only
// classifies.
// It uses every core: decoding dominates the cost, so only the parts f reads are
// decoded, and the decoder's fast path skips decoding for records already classified.
func matchRange(ctx context.Context, f *filter.Filter, dec *decode.Decoder, snap snapshot, from, to int64) ([]int64, []uint8) {
	need := f.Needs()
	if f.Kind() == filter.KindAll {
		need = filter.PartAll // only classifying: that takes a full decode
	}
	n := to - from
	workers := int64(runtime.GOMAXPROCS(0))
	if n < 4096 {
		workers = 1
	}
	step := (n + workers - 1) / workers
	parts := make([][]int64, workers)
	classes := make([]uint8, n) // each worker writes its own part
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := from+w*step, min(to, from+(w+1)*step)
		wg.Go(func() {
			var out []int64
			var sc scratch
			for seq := lo; seq < hi; seq++ {
				if seq&1023 == 0 && ctx.Err() != nil {
					return
				}
				known := snap.Class(seq)
				if f == nil && known != classUnknown {
					continue
				}
				snap.Fill(seq, &sc.rec, sc.hbuf)
				if sc.rec.Headers != nil {
					sc.hbuf = sc.rec.Headers
				}
				e, class := dec.DecodeParts(ctx, &sc.rec, decode.Class(known), need, &sc.dec)
				classes[seq-from] = uint8(class)
				if f != nil && f.Match(e) {
					out = append(out, seq)
				}
			}
			parts[w] = out
		})
	}
	wg.Wait()
	var all []int64
	for _, p := range parts {
		all = append(all, p...)
	}
	return all, classes
}

// filterLines are the input while typing, else the applied filter, with its match
// count and progress; then the compile error on a line of its own, if any.
func (m Model) filterLines() []string {
	st := m.st()
	fs := m.filter
	var s string
	switch {
	case fs.typing:
		s = inputView(fs.input, st)
	case fs.active():
		s = st.FilterLabel.Render("filter ") + oneLine(fs.expr)
	}
	if fs.active() {
		info := fmt.Sprintf("  %s match", thousands(int64(len(fs.matches))))
		if total := m.store.End() - m.store.First(); m.filtering() && total > 0 {
			done := fs.scanned - m.store.First()
			info += fmt.Sprintf(" · scanning %d%%", 100*done/total)
		}
		s += st.Muted.Render(info)
	}
	lines := append(m.jumpLines(), m.columnsLines()...)
	if s != "" {
		lines = append(lines, common.Truncate(s, m.width))
	}
	if fs.err != "" {
		lines = append(lines, st.Error.Render(common.Truncate("✗ "+fs.err+" (the last good filter stays)", m.width)))
	}
	if fs.active() && fs.missing != "" {
		lines = append(lines, st.Notice.Render(common.Truncate("⚠ "+fs.missing, m.width)))
	}
	return lines
}
