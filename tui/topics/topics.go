// Package topics is the topics page: a table of the cluster's topics with partitions,
// records, a live rate, retention and cleanup policy, narrowed with "/".
package topics

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/kafka"
	"github.com/kpeek/kpeek/tui/common"
	"github.com/kpeek/kpeek/tui/table"
)

// OpenMsg asks the frame to open the messages pane on a topic.
type OpenMsg struct{ Topic kafka.TopicInfo }

// ReadersMsg asks the frame to show the consumer groups that read a topic.
type ReadersMsg struct{ Topic string }

// Model is the topics page.
type Model struct {
	c            *common.Common
	table        table.Model
	topics       kafka.Topics
	rates        rates
	showInternal bool
	loaded       bool
	err          error
	width        int
	height       int
	focused      bool
	findings     map[string][]string // topic → the classes scans in this session found, sanitized
}

var columns = []table.Column{
	{Title: "TOPIC", Width: 14, Flex: 1},
	{Title: "PARTS", Width: 5, Right: true},
	{Title: "RECORDS", Width: 8, Right: true},
	{Title: "REC/S", Width: 6, Right: true},
	{Title: "RETAIN", Width: 7, Right: true},
	{Title: "CLEANUP", Width: 7},
}

// New returns an empty topics page.
func New(c *common.Common) Model {
	return Model{c: c, table: table.New(c, columns, "loading topics…")}
}

// SetTopics shows a fresh listing taken at `at`; successive listings give the rate.
func (m Model) SetTopics(ts kafka.Topics, at time.Time) Model {
	m.topics, m.loaded, m.err = ts, true, nil
	m.rates = m.rates.observe(ts, at)
	return m.refresh()
}

// SetError shows why the listing failed; the last good listing stays.
func (m Model) SetError(err error) Model { m.err = err; return m }

// Reset forgets everything, for a new cluster.
func (m Model) Reset() Model {
	n := New(m.c)
	n.showInternal = m.showInternal
	return n.SetSize(m.width, m.height)
}

// SetFindings records what a scan in this session found in a topic; a topic with
// findings shows their classes as a badge ([PCI PII]) after its name. Classes add up
// over the session's scans: a later scan of fewer records (a filter, a narrower
// window) that found nothing does not hide what an earlier one found.
func (m Model) SetFindings(topic string, classes []string) Model {
	if len(classes) == 0 {
		return m
	}
	m.findings = maps.Clone(m.findings)
	if m.findings == nil {
		m.findings = map[string][]string{}
	}
	all := slices.Clone(m.findings[topic])
	for _, c := range classes {
		if c = decode.Sanitize(c); !slices.Contains(all, c) {
			all = append(all, c)
		}
	}
	m.findings[topic] = all
	return m.refresh()
}

// Topics is the last listing.
func (m Model) Topics() kafka.Topics { return m.topics }

func (m Model) refresh() Model {
	rows := make([]table.Row, 0, len(m.topics))
	for _, t := range m.topics {
		if t.Internal && !m.showInternal {
			continue
		}
		name := decode.Sanitize(t.Name)
		if t.Err != nil {
			name += " (!)"
		}
		if cs := m.findings[t.Name]; len(cs) > 0 {
			name += " [" + strings.Join(cs, " ") + "]"
		}
		rate, known := m.rates.of(t.Name)
		records := "?" // some partition's offsets did not answer: unknown, not 0
		if t.RecordsKnown() {
			records = Count(t.Records())
		}
		rows = append(rows, table.Row{ID: t.Name, Filter: name, Cells: []string{
			name, strconv.Itoa(len(t.Partitions)), records, Rate(rate, known),
			t.Retention(), decode.Sanitize(Cleanup(t.CleanupPolicy)),
		}})
	}
	empty := "no topics"
	if !m.loaded {
		empty = "loading topics…"
	}
	m.table = m.table.SetEmpty(empty).SetRows(rows)
	return m
}

// Selected is the topic under the cursor.
func (m Model) Selected() (kafka.TopicInfo, bool) {
	id := m.table.SelectedID()
	for _, t := range m.topics {
		if t.Name == id {
			return t, true
		}
	}
	return kafka.TopicInfo{}, false
}

// Select puts the cursor on a topic.
func (m Model) Select(name string) Model { m.table = m.table.Select(name); return m }

// SetSize sets the page's size.
func (m Model) SetSize(width, height int) Model {
	m.width, m.height = width, height
	m.table = m.table.SetSize(width, max(height-1, 0))
	return m
}

// Focus gives the page the keyboard.
func (m Model) Focus() Model { m.focused = true; m.table = m.table.Focus(); return m }

// Blur takes the keyboard away.
func (m Model) Blur() Model { m.focused = false; m.table = m.table.Blur(); return m }

// CapturesInput is true while the filter input has the keyboard.
func (m Model) CapturesInput() bool { return m.table.CapturesInput() }

// AtRoot is true when esc has nothing to undo on this page.
func (m Model) AtRoot() bool { return m.table.AtRoot() }

// Update handles keys: enter opens, r shows readers, i toggles internal topics.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok && !m.table.CapturesInput() {
		keys := m.c.Keys
		switch {
		case key.Matches(k, keys.Enter):
			if t, ok := m.Selected(); ok {
				return m, func() tea.Msg { return OpenMsg{Topic: t} }
			}
			return m, nil
		case key.Matches(k, keys.Readers):
			if t, ok := m.Selected(); ok {
				return m, func() tea.Msg { return ReadersMsg{Topic: t.Name} }
			}
			return m, nil
		case key.Matches(k, keys.ToggleInternal):
			m.showInternal = !m.showInternal
			return m.refresh(), nil
		}
	}
	var cmd tea.Cmd
	m.table, cmd = m.table.Update(msg)
	return m, cmd
}

// View renders the title line and the table.
func (m Model) View() string {
	s := m.c.Styles
	title := s.Title(m.focused)
	internal := 0
	for _, t := range m.topics {
		if t.Internal {
			internal++
		}
	}
	head := title.Render(fmt.Sprintf("Topics %d", m.table.Len()))
	switch {
	case internal > 0 && !m.showInternal:
		head += s.Dim.Render(fmt.Sprintf("  +%d internal hidden (i)", internal))
	case internal > 0:
		head += s.Dim.Render(fmt.Sprintf("  incl. %d internal (i hides)", internal))
	}
	if m.err != nil {
		head += "  " + s.Error.Render(decode.Sanitize(m.err.Error()))
	}
	return common.Box(head+"\n"+m.table.View(), m.width, m.height)
}

// ShortHelp lists the page's main bindings.
func (m Model) ShortHelp() []key.Binding {
	if m.table.CapturesInput() {
		return m.table.ShortHelp()
	}
	k := m.c.Keys
	return []key.Binding{k.Up, k.Down, k.Enter, k.Filter, k.Readers, k.ToggleInternal}
}

// FullHelp lists all the page's bindings.
func (m Model) FullHelp() [][]key.Binding {
	k := m.c.Keys
	return append(m.table.FullHelp(), []key.Binding{k.Enter, k.Readers, k.ToggleInternal})
}
