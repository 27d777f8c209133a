// Package groups is the consumer groups page: a table with state, members, total lag
// and the topics each group reads, and a detail view of one group.
package groups

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/kafka"
	"github.com/kpeek/kpeek/tui/common"
	"github.com/kpeek/kpeek/tui/table"
)

// Model is the consumer groups page.
type Model struct {
	c       *common.Common
	table   table.Model
	groups  kafka.Groups
	reading string // show only the groups that read this topic
	loaded  bool
	err     error
	detail  detail
	width   int
	height  int
	focused bool
	// the open group's history from __consumer_offsets
	histCtx    context.Context
	sources    Sources
	hist       groupHistory
	readers    topicReaders // of the topic the page is narrowed to
	readerView []string     // its lines, prepared for View
}

var columns = []table.Column{
	{Title: "GROUP", Width: 12, Flex: 1},
	{Title: "STATE", Width: 11},
	{Title: "MEMB", Width: 4, Right: true},
	{Title: "LAG", Width: 7, Right: true},
	{Title: "TOPICS", Width: 10, Flex: 3},
}

// New returns an empty groups page.
func New(c *common.Common) Model {
	return Model{c: c, table: table.New(c, columns, "loading consumer groups…")}
}

// SetGroups shows a fresh listing; an open detail follows its group.
func (m Model) SetGroups(gs kafka.Groups) Model {
	m.groups, m.loaded, m.err = gs, true, nil
	return m.refresh()
}

// SetError shows why the listing failed; the last good listing stays.
func (m Model) SetError(err error) Model { m.err = err; return m }

// Reset forgets everything, for a new cluster.
func (m Model) Reset() Model {
	return New(m.c).SetSize(m.width, m.height).SetSources(m.histCtx, Sources{})
}

// Groups is the last listing.
func (m Model) Groups() kafka.Groups { return m.groups }

// SetReading narrows the page to the groups reading topic ("" shows all) and closes the detail.
func (m Model) SetReading(topic string) Model {
	if topic != m.reading {
		m.readers = topicReaders{req: m.readers.req + 1}
	}
	m.reading = topic
	m.detail.open = false
	return m.refresh().relayout()
}

// Reading is the topic the page is narrowed to, or "".
func (m Model) Reading() string { return m.reading }

// Open shows the detail of the group with id and starts loading its history.
func (m Model) Open(id string) (Model, tea.Cmd) {
	m.table = m.table.Select(id)
	if m.table.SelectedID() != id {
		return m, nil
	}
	m.detail = detail{open: true, id: id, cursor: -1}
	return m.loadHistory()
}

// DetailOpen reports whether a group's detail is shown.
func (m Model) DetailOpen() bool { return m.detail.open }

func (m Model) refresh() Model {
	shown := m.groups
	if m.reading != "" {
		shown = shown.Reading(m.reading)
	}
	rows := make([]table.Row, 0, len(shown))
	for _, g := range shown {
		id := decode.Sanitize(g.ID)
		if g.Err != nil {
			id += " (!)"
		}
		rows = append(rows, table.Row{ID: g.ID, Filter: id, Cells: []string{
			id, decode.Sanitize(g.State), strconv.Itoa(len(g.Members)), lag(g),
			decode.Sanitize(strings.Join(g.Topics(), ", ")),
		}})
	}
	empty := "no consumer groups"
	switch {
	case !m.loaded:
		empty = "loading consumer groups…"
	case m.reading != "":
		empty = "no consumer group reads " + decode.Sanitize(m.reading)
	}
	m.table = m.table.SetEmpty(empty).SetRows(rows)
	return m
}

func lag(g kafka.GroupInfo) string {
	if len(g.Offsets) == 0 {
		return "-"
	}
	return strconv.FormatInt(g.TotalLag(), 10)
}

func (m Model) group(id string) (kafka.GroupInfo, bool) {
	for _, g := range m.groups {
		if g.ID == id {
			return g, true
		}
	}
	return kafka.GroupInfo{}, false
}

// SetSize sets the page's size.
func (m Model) SetSize(width, height int) Model {
	m.width, m.height = width, height
	return m.relayout()
}

// Focus gives the page the keyboard.
func (m Model) Focus() Model { m.focused = true; m.table = m.table.Focus(); return m }

// Blur takes the keyboard away.
func (m Model) Blur() Model { m.focused = false; m.table = m.table.Blur(); return m }

// CapturesInput is true while the filter input has the keyboard.
func (m Model) CapturesInput() bool { return !m.detail.open && m.table.CapturesInput() }

// AtRoot is true when esc has nothing to close or clear on this page.
func (m Model) AtRoot() bool { return !m.detail.open && m.table.AtRoot() }

// Update handles keys: enter opens a group's detail, esc closes it.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case historyMsg:
		return m.gotHistory(msg), nil
	case readersMsg:
		return m.gotReaders(msg), nil
	}
	k, isKey := msg.(tea.KeyPressMsg)
	if m.detail.open {
		if isKey {
			if key.Matches(k, m.c.Keys.Back) {
				m.detail.open = false
				return m, nil
			}
			lines, body := m.detailLines(), max(m.height-1, 1)
			if key.Matches(k, m.c.Keys.Enter) {
				if span, ok := m.detail.selected(lines, body); ok {
					return m, func() tea.Msg { return span }
				}
				return m, nil
			}
			m.detail = m.detail.update(k, m.c.Keys, lines, body)
		}
		return m, nil
	}
	if isKey && !m.table.CapturesInput() && key.Matches(k, m.c.Keys.Enter) {
		if id := m.table.SelectedID(); id != "" {
			return m.Open(id)
		}
		return m, nil
	}
	var cmd tea.Cmd
	m.table, cmd = m.table.Update(msg)
	return m, cmd
}

// View renders the title line and the table or the open group.
func (m Model) View() string {
	s := m.c.Styles
	title := s.Title(m.focused)
	if m.detail.open {
		return common.Box(m.detailView(title), m.width, m.height)
	}
	head := title.Render(fmt.Sprintf("Consumer groups %d", m.table.Len()))
	if m.reading != "" {
		head = title.Render(fmt.Sprintf("Groups reading %s: %d",
			decode.Sanitize(m.reading), m.table.Len())) + s.Dim.Render("  (esc: all topics)")
	}
	if m.err != nil {
		head += "  " + s.Error.Render(decode.Sanitize(m.err.Error()))
	}
	body := head + "\n"
	if len(m.readerView) > 0 {
		body += strings.Join(m.readerView, "\n") + "\n"
	}
	return common.Box(body+m.table.View(), m.width, m.height)
}

// ShortHelp lists the page's main bindings.
func (m Model) ShortHelp() []key.Binding {
	k := m.c.Keys
	switch {
	case m.detail.open:
		if len(spanLines(m.detailLines())) > 0 {
			return []key.Binding{k.Up, k.Down, openRecords(k), k.Back}
		}
		return []key.Binding{k.Up, k.Down, k.Back}
	case m.table.CapturesInput():
		return m.table.ShortHelp()
	}
	return []key.Binding{k.Up, k.Down, k.Enter, k.Filter}
}

// FullHelp lists all the page's bindings.
func (m Model) FullHelp() [][]key.Binding {
	if m.detail.open { // the group's detail scrolls; filter and open do nothing there
		return [][]key.Binding{m.ShortHelp()}
	}
	return append(m.table.FullHelp(), []key.Binding{m.c.Keys.Enter})
}
