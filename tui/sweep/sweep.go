// Package sweep is the explorer's Sweep view: a time window and indicators (or a filter)
// searched across every topic, then the topics with hits; enter on one asks the root to
// open that topic's messages on the same window with the match applied.
package sweep

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/decode/filter"
	"github.com/kpeek/kpeek/kafka"
	ksweep "github.com/kpeek/kpeek/sweep"
	"github.com/kpeek/kpeek/tui/common"
	"github.com/kpeek/kpeek/tui/table"
)

// OpenMsg asks the root to open Topic's messages on the window [From, To] with Filter
// (an ordinary filter expression) applied.
type OpenMsg struct {
	Topic    string
	From, To time.Time
	Filter   string
}

// Form fields.
const (
	fieldFrom = iota
	fieldTo
	fieldIndicators
	fieldMatch
	fields
)

var labels = [fields]string{"from", "to", "indicators", "or match"}

var hints = [fields]string{
	"-1h · 2026-11-26T02:00:00Z",
	"now · -30m · 2026-11-26T03:00:00Z",
	"203.0.113.7, evil.example, user:slyon (comma separated)",
	"a filter instead: text, /regex/ or CEL",
}

// Model is the Sweep view.
type Model struct {
	c       *common.Common
	src     ksweep.Source
	dec     *decode.Decoder
	now     func() time.Time
	inputs  [fields]textinput.Model
	focus   int
	err     string
	running bool
	run     int // the sweep the pane waits for; results of older ones are dropped
	cancel  context.CancelFunc
	updates chan tea.Msg
	prog    ksweep.Progress
	req     ksweep.Request
	filter  string // what OpenMsg applies in the messages pane
	result  *ksweep.Summary
	table   table.Model
	width   int
	height  int
	focused bool
	offered [2]string // the window last offered by the explorer (from, to): replaced while untouched
}

var columns = []table.Column{
	{Title: "TOPIC", Width: 14, Flex: 1},
	{Title: "HITS", Width: 6, Right: true},
	{Title: "SCANNED", Width: 8, Right: true},
	{Title: "FIRST HIT", Width: 9},
	{Title: "LAST HIT", Width: 8},
	{Title: "NOTE", Width: 10, Flex: 1},
}

// New returns the view with an empty form (window: the last hour).
func New(c *common.Common) Model {
	m := Model{c: c, now: time.Now, table: table.New(c, columns, "no topic has a hit in this window"),
		offered: [2]string{"-1h", "now"}}
	defaults := [fields]string{"-1h", "now", "", ""}
	for i := range m.inputs {
		in := textinput.New()
		in.Prompt = ""
		in.CharLimit = 4096
		in.SetWidth(48)
		in.SetValue(defaults[i])
		m.inputs[i] = in
	}
	return m.focusField(fieldIndicators)
}

// OfferWindow proposes the explorer's current window ("FROM..TO", as the messages pane
// reports it) as the sweep's, so that a sweep searches the hour being investigated. It
// replaces the form's window only while the analyst has not typed one; windows a sweep
// cannot take (offsets, "beginning") are ignored.
func (m Model) OfferWindow(window string) Model {
	from, to, ok := strings.Cut(window, "..")
	if !ok || from == "" || to == "" {
		return m
	}
	now := m.now()
	if _, err := windowEnd("from", from, now); err != nil {
		return m
	}
	if _, err := windowEnd("to", to, now); err != nil {
		return m
	}
	if m.inputs[fieldFrom].Value() != m.offered[0] || m.inputs[fieldTo].Value() != m.offered[1] {
		return m // the analyst's own window stays
	}
	m.inputs[fieldFrom].SetValue(from)
	m.inputs[fieldTo].SetValue(to)
	m.offered = [2]string{from, to}
	return m
}

// SetSource is the cluster to sweep and the decoder to use; nil while not connected.
func (m Model) SetSource(src ksweep.Source, dec *decode.Decoder) Model {
	m = m.stop()
	m.src, m.dec, m.result = src, dec, nil
	return m
}

// Close stops a running sweep.
func (m Model) Close() Model { return m.stop() }

func (m Model) stop() Model {
	if m.cancel != nil {
		m.cancel()
		m.cancel = nil
	}
	m.running = false
	return m
}

func (m Model) focusField(i int) Model {
	for j := range m.inputs {
		m.inputs[j].Blur()
	}
	m.focus = i
	m.inputs[i].Focus()
	m.inputs[i].CursorEnd()
	return m
}

// SetSize sets the view's size.
func (m Model) SetSize(width, height int) Model {
	m.width, m.height = width, height
	m.table = m.table.SetSize(width, max(height-3, 0))
	return m
}

// Focus gives the view the keyboard.
func (m Model) Focus() Model { m.focused = true; m.table = m.table.Focus(); return m }

// Blur takes the keyboard away.
func (m Model) Blur() Model { m.focused = false; m.table = m.table.Blur(); return m }

// CapturesInput is true while the form has the keyboard, so typed letters never quit.
func (m Model) CapturesInput() bool { return m.result == nil || m.table.CapturesInput() }

// AtRoot is true when esc has nothing to close on this view.
func (m Model) AtRoot() bool { return m.result == nil && !m.running }

// Init starts nothing: the sweep runs when the form is submitted.
func (m Model) Init() tea.Cmd { return nil }

// progressMsg and doneMsg report a running sweep, tagged with its run.
type progressMsg struct {
	run int
	p   ksweep.Progress
}

type doneMsg struct {
	run int
	sum ksweep.Summary
	err error
}

// Update handles the form, the running sweep's reports and the result table.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case progressMsg:
		if msg.run != m.run || !m.running {
			return m, nil
		}
		m.prog = msg.p
		return m, wait(m.updates)
	case doneMsg:
		if msg.run != m.run || !m.running {
			return m, nil
		}
		m = m.stop()
		if msg.err != nil && len(msg.sum.Topics) == 0 {
			m.err = decode.Sanitize(msg.err.Error())
			return m, nil
		}
		m.result = &msg.sum
		return m.fillTable(), nil
	case tea.KeyPressMsg:
		return m.key(msg)
	}
	return m, nil
}

func (m Model) key(k tea.KeyPressMsg) (Model, tea.Cmd) {
	keys := m.c.Keys
	switch {
	case m.running:
		if key.Matches(k, keys.Back) {
			m = m.stop()
		}
		return m, nil
	case m.result != nil:
		if !m.table.CapturesInput() {
			switch {
			case key.Matches(k, keys.Back) && m.table.AtRoot():
				m.result = nil
				return m, nil
			case key.Matches(k, keys.Enter):
				return m, m.open()
			}
		}
		var cmd tea.Cmd
		m.table, cmd = m.table.Update(k)
		return m, cmd
	}
	switch {
	case key.Matches(k, keys.Enter):
		return m.start()
	case key.Matches(k, keys.Tab), k.String() == "down":
		return m.focusField((m.focus + 1) % fields), nil
	case key.Matches(k, keys.ShiftTab), k.String() == "up":
		return m.focusField((m.focus + fields - 1) % fields), nil
	}
	var cmd tea.Cmd
	m.inputs[m.focus], cmd = m.inputs[m.focus].Update(k)
	return m, cmd
}

// open asks for the selected topic's messages; unreadable topics have nothing to open.
func (m Model) open() tea.Cmd {
	row, ok := m.table.Selected()
	if !ok {
		return nil
	}
	for _, t := range m.result.Topics {
		if t.Topic == row.ID && t.Err == nil {
			msg := OpenMsg{Topic: t.Topic, From: m.req.From, To: m.req.To, Filter: m.filter}
			return func() tea.Msg { return msg }
		}
	}
	return nil
}

// start checks the form and runs the sweep in a Cmd built from copied values.
func (m Model) start() (Model, tea.Cmd) {
	m.err = ""
	req, flt, err := m.request()
	if err != nil {
		m.err = decode.Sanitize(err.Error())
		return m, nil
	}
	if m.src == nil {
		m.err = "not connected to a cluster"
		return m, nil
	}
	m = m.stop()
	ctx, cancel := context.WithCancel(context.Background())
	m.run++
	m.running, m.cancel, m.req, m.filter, m.prog = true, cancel, req, flt, ksweep.Progress{}
	m.updates = make(chan tea.Msg, 1)
	run, updates, src := m.run, m.updates, m.src
	req.Decoder = m.dec
	req.Progress = func(p ksweep.Progress) {
		select { // a report nobody waits for is dropped; the final result is not
		case updates <- progressMsg{run: run, p: p}:
		default:
		}
	}
	go func() {
		sum, err := ksweep.Run(ctx, src, req, func(*ksweep.Hit) error { return nil })
		select {
		case <-updates: // make room: the result must arrive
		default:
		}
		updates <- doneMsg{run: run, sum: sum, err: err}
	}()
	return m, wait(updates)
}

// wait delivers the next report of a sweep; it is re-armed after each progress report.
func wait(updates <-chan tea.Msg) tea.Cmd {
	return func() tea.Msg { return <-updates }
}

// request turns the form into a sweep request and the filter expression that finds the
// same records in the messages pane.
func (m Model) request() (ksweep.Request, string, error) {
	var req ksweep.Request
	now := m.now()
	var err error
	if req.From, err = windowEnd("from", m.inputs[fieldFrom].Value(), now); err != nil {
		return req, "", err
	}
	if req.To, err = windowEnd("to", m.inputs[fieldTo].Value(), now); err != nil {
		return req, "", err
	}
	if !req.To.After(req.From) {
		return req, "", fmt.Errorf("the window ends before it starts")
	}
	iocs := strings.TrimSpace(m.inputs[fieldIndicators].Value())
	match := strings.TrimSpace(m.inputs[fieldMatch].Value())
	switch {
	case (iocs == "") == (match == ""):
		return req, "", fmt.Errorf("give indicators or a match, not both")
	case match != "":
		if req.Filter, err = filter.Compile(match); err != nil {
			return req, "", fmt.Errorf("match: %w", err)
		}
		return req, match, nil
	}
	var lines []string
	for _, f := range strings.Split(iocs, ",") {
		if f = strings.TrimSpace(f); f != "" {
			lines = append(lines, f)
		}
	}
	if req.IOCs, err = filter.ParseIOCs(strings.NewReader(strings.Join(lines, "\n"))); err != nil {
		return req, "", fmt.Errorf("indicators: %w", err)
	}
	// The messages pane's filter has no indicator semantics: a regex of the indicators
	// finds the same records (and perhaps a few more, as substrings).
	var quoted []string
	for _, i := range req.IOCs.Indicators() {
		quoted = append(quoted, regexp.QuoteMeta(i.Text))
	}
	return req, "/" + strings.Join(quoted, "|") + "/i", nil
}

// windowEnd parses one end of the window: a time, not an offset.
func windowEnd(name, s string, now time.Time) (time.Time, error) {
	stop, err := kafka.ParseStop(s, now)
	if err == nil && stop.Kind != kafka.StopTime {
		err = fmt.Errorf("%q is not a time", s)
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("%s: %w", name, err)
	}
	return stop.Time, nil
}

// fillTable lists the topics with hits first (most hits on top), then unreadable ones.
func (m Model) fillTable() Model {
	var rows, failed []table.Row
	for _, t := range m.result.Topics {
		name := decode.Sanitize(t.Topic)
		switch {
		case t.Err != nil:
			failed = append(failed, table.Row{ID: t.Topic, Filter: name, Cells: []string{name, "-",
				strconv.FormatInt(t.Scanned, 10), "-", "-", "not read: " + decode.Sanitize(t.Err.Error())}})
		case t.Hits > 0:
			rows = append(rows, table.Row{ID: t.Topic, Filter: name, Cells: []string{name,
				strconv.FormatInt(t.Hits, 10), strconv.FormatInt(t.Scanned, 10),
				t.FirstHit.UTC().Format("15:04:05"), t.LastHit.UTC().Format("15:04:05"), ""}})
		}
	}
	m.table = m.table.SetRows(append(rows, failed...))
	return m
}

// View renders the form, the progress or the result.
func (m Model) View() string {
	s := m.c.Styles
	title := s.Title(m.focused)
	var b strings.Builder
	switch {
	case m.running:
		b.WriteString(title.Render("Sweep") + "  " + s.StatusBusy.Render(ksweep.ProgressLine(m.prog)) + "\n")
		b.WriteString(s.Dim.Render("esc: stop"))
	case m.result != nil:
		r := m.result
		b.WriteString(title.Render(fmt.Sprintf("Sweep %s .. %s: %d hits in %d records", m.req.From.UTC().Format("01-02 15:04"),
			m.req.To.UTC().Format("01-02 15:04"), r.Hits(), r.Scanned())) + "\n")
		b.WriteString(s.Dim.Render("enter: open the topic on this window with the match · esc: new sweep") + "\n")
		b.WriteString(m.table.View())
	default:
		b.WriteString(title.Render("Sweep: one window across every topic") + "\n")
		for i, in := range m.inputs {
			label := s.Label.Render(common.PadRight(labels[i], 11))
			b.WriteString(label + in.View() + "  " + s.Dim.Render(hints[i]) + "\n")
		}
		if m.err != "" {
			b.WriteString(s.Error.Render(m.err) + "\n")
		}
		b.WriteString(s.Dim.Render("enter: sweep · tab: next field"))
	}
	return common.Box(b.String(), m.width, m.height)
}

// ShortHelp lists the view's main bindings.
func (m Model) ShortHelp() []key.Binding {
	k := m.c.Keys
	switch {
	case m.running:
		return []key.Binding{k.Back}
	case m.result != nil:
		return []key.Binding{k.Up, k.Down, k.Enter, k.Back}
	}
	return []key.Binding{k.Enter, k.Tab, k.ShiftTab}
}

// FullHelp lists all the view's bindings.
func (m Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{m.ShortHelp(), m.c.Keys.TableHelp()}
}
