// Package nav is the explorer's left column: the clusters, then the views of the
// connected cluster (overview, topics, consumer groups).
package nav

import (
	"fmt"
	"maps"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/tui/common"
)

// View names a page of the connected cluster.
type View int

// The views the navigation offers.
const (
	Overview View = iota
	Topics
	Groups
	Sweep
	Schemas
)

// ConnState is how far a cluster's connection got.
type ConnState int

// Connection states, shown as a glyph beside the cluster.
const (
	Idle ConnState = iota
	Connecting
	Connected
	Failed
)

// OpenClusterMsg asks the frame to connect to a cluster.
type OpenClusterMsg struct{ Name string }

// OpenViewMsg asks the frame to show a view in the main pane.
type OpenViewMsg struct{ View View }

type item struct {
	cluster string // set for cluster rows
	view    View
}

// Model is the navigation column.
type Model struct {
	c        *common.Common
	clusters []string
	states   map[string]ConnState
	active   string // the connected (or connecting) cluster
	current  View   // the view the main pane shows
	counts   map[View]string
	cursor   int
	width    int
	height   int
	focused  bool
}

// New lists the clusters by name, in order.
func New(c *common.Common, clusters []string) Model {
	return Model{c: c, clusters: clusters, states: map[string]ConnState{}, counts: map[View]string{}}
}

// SetCluster records a cluster's connection state; Connecting or Connected makes it the active one.
func (m Model) SetCluster(name string, st ConnState) Model {
	m.states = maps.Clone(m.states)
	m.states[name] = st
	if st == Connecting || st == Connected {
		for n, s := range m.states {
			if n != name && (s == Connecting || s == Connected) {
				m.states[n] = Idle
			}
		}
		m.active = name
	}
	return m
}

// SetCount shows a count beside a view ("" hides it).
func (m Model) SetCount(v View, count string) Model {
	m.counts = maps.Clone(m.counts)
	m.counts[v] = count
	return m
}

// SetCurrent marks the view the main pane shows.
func (m Model) SetCurrent(v View) Model { m.current = v; return m }

// SelectView moves the cursor onto a view.
func (m Model) SelectView(v View) Model {
	for i, it := range m.items() {
		if it.cluster == "" && it.view == v {
			m.cursor = i
		}
	}
	return m
}

// SetSize sets the column's size.
func (m Model) SetSize(width, height int) Model { m.width, m.height = width, height; return m }

// Focus gives the column the keyboard.
func (m Model) Focus() Model { m.focused = true; return m }

// Blur takes the keyboard away.
func (m Model) Blur() Model { m.focused = false; return m }

// Focused reports whether the column has the keyboard.
func (m Model) Focused() bool { return m.focused }

func (m Model) items() []item {
	out := make([]item, 0, len(m.clusters)+3)
	for _, c := range m.clusters {
		out = append(out, item{cluster: c})
	}
	if m.active != "" && m.states[m.active] == Connected {
		out = append(out, item{view: Overview}, item{view: Topics}, item{view: Groups}, item{view: Sweep}, item{view: Schemas})
	}
	return out
}

// Update moves the cursor; enter opens the selected cluster or view.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return m, nil
	}
	items := m.items()
	m.cursor = min(m.cursor, len(items)-1) // the views go when a connection fails
	switch {
	case key.Matches(k, m.c.Keys.Up):
		m.cursor = max(m.cursor-1, 0)
	case key.Matches(k, m.c.Keys.Down):
		m.cursor = min(m.cursor+1, len(items)-1)
	case key.Matches(k, m.c.Keys.Enter):
		if m.cursor < 0 || m.cursor >= len(items) {
			return m, nil
		}
		it := items[m.cursor]
		if it.cluster != "" {
			return m, func() tea.Msg { return OpenClusterMsg{Name: it.cluster} }
		}
		return m, func() tea.Msg { return OpenViewMsg{View: it.view} }
	}
	return m, nil
}

var viewNames = map[View]string{Overview: "Overview", Topics: "Topics", Groups: "Consumer groups", Sweep: "Sweep", Schemas: "Schemas"}

// View renders the column, scrolled so the cursor stays on screen when there are
// more clusters than lines.
func (m Model) View() string {
	st := m.c.Styles
	title := st.Title(m.focused)
	lines := []string{title.Render(common.Truncate("Clusters", m.width))}
	cursorLine := 0
	section := false
	for i, it := range m.items() {
		var glyph, label, count string
		if it.cluster != "" {
			glyph = stateGlyph(m.states[it.cluster])
			label = decode.Sanitize(it.cluster)
		} else {
			if !section {
				lines = append(lines, "", title.Render(common.Truncate(decode.Sanitize(m.active), m.width)))
				section = true
			}
			glyph = " "
			if it.view == m.current {
				glyph = "›"
			}
			label, count = viewNames[it.view], m.counts[it.view]
		}
		text := fmt.Sprintf("%s %s", glyph, label)
		if count != "" {
			text = common.PadRight(text, max(m.width-len(count)-1, 0)) + " " + count
		}
		text = common.PadRight(text, m.width)
		style := st.NavItem
		switch {
		case i == m.cursor && m.focused:
			style = st.NavSelected
		case i == m.cursor:
			style = st.NavSelectedBlur
		case it.cluster != "" && it.cluster == m.active, it.cluster == "" && it.view == m.current:
			style = st.NavActive
		}
		if i == m.cursor {
			cursorLine = len(lines)
		}
		lines = append(lines, style.Render(text))
	}
	if start := cursorLine - m.height + 1; start > 0 {
		lines = lines[start:]
	}
	return common.Box(strings.Join(lines, "\n"), m.width, m.height)
}

func stateGlyph(s ConnState) string {
	switch s {
	case Connecting:
		return "◌"
	case Connected:
		return "●"
	case Failed:
		return "✗"
	}
	return "○"
}

// ShortHelp lists the column's main bindings.
func (m Model) ShortHelp() []key.Binding {
	return []key.Binding{m.c.Keys.Up, m.c.Keys.Down, m.c.Keys.Enter}
}

// FullHelp lists all the column's bindings.
func (m Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{{m.c.Keys.Up, m.c.Keys.Down, m.c.Keys.Enter}}
}
