// Package table is the explorer's scrolling, filterable table: a cursor that stays on
// the same row across refreshes and a "/" filter that narrows the rows as you type.
package table

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/kpeek/kpeek/tui/common"
)

// Column describes one column. Columns with Flex share the width the fixed ones leave
// in proportion to it, never going below Width.
type Column struct {
	Title string
	Width int
	Flex  int
	Right bool // right-align, for numbers
}

// Row is one table row. ID keeps the cursor on the same row when rows are replaced;
// Filter is the text "/" matches (the first cell when empty). Cells must be sanitized.
type Row struct {
	ID     string
	Cells  []string
	Filter string
}

// Model is a table with a cursor and a filter.
type Model struct {
	c       *common.Common
	cols    []Column
	all     []Row
	rows    []Row
	cursor  int
	offset  int
	width   int
	height  int
	focused bool
	input   textinput.Model
	typing  bool
	query   string
	empty   string
}

// New returns an empty table with the given columns; empty is shown when no row matches.
func New(c *common.Common, cols []Column, empty string) Model {
	in := textinput.New()
	in.Prompt = "/"
	in.Placeholder = "type to filter"
	in.SetStyles(c.Styles.Input)
	return Model{c: c, cols: cols, input: in, empty: empty}
}

// SetRows replaces the rows, keeping the cursor on the row with the same ID.
func (m Model) SetRows(rows []Row) Model {
	id := m.SelectedID()
	m.all = rows
	return m.refilter(id)
}

// SetEmpty sets the text shown when there are no rows.
func (m Model) SetEmpty(s string) Model { m.empty = s; return m }

// SetSize sets the table's size including its header and filter line.
func (m Model) SetSize(width, height int) Model {
	m.width, m.height = width, height
	m.input.SetWidth(max(width-2, 1))
	return m.clamp()
}

// Focus gives the table the keyboard.
func (m Model) Focus() Model { m.focused = true; return m }

// Blur takes the keyboard away.
func (m Model) Blur() Model { m.focused = false; return m }

// Len is the number of rows the filter lets through.
func (m Model) Len() int { return len(m.rows) }

// Cursor is the index of the selected row among the visible ones.
func (m Model) Cursor() int { return m.cursor }

// Selected returns the selected row.
func (m Model) Selected() (Row, bool) {
	if m.cursor < 0 || m.cursor >= len(m.rows) {
		return Row{}, false
	}
	return m.rows[m.cursor], true
}

// SelectedID is the selected row's ID, or "".
func (m Model) SelectedID() string {
	r, _ := m.Selected()
	return r.ID
}

// Select moves the cursor to the row with id, if it is visible.
func (m Model) Select(id string) Model {
	for i, r := range m.rows {
		if r.ID == id {
			m.cursor = i
		}
	}
	return m.clamp()
}

// Query is the current filter text.
func (m Model) Query() string { return m.query }

// CapturesInput is true while the filter input has the keyboard.
func (m Model) CapturesInput() bool { return m.typing }

// AtRoot is true when esc has nothing to undo here (no filter typed or applied).
func (m Model) AtRoot() bool { return !m.typing && m.query == "" }

// Update moves the cursor and edits the filter.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		if m.typing {
			var cmd tea.Cmd
			m.input, cmd = m.input.Update(msg)
			return m, cmd
		}
		return m, nil
	}
	if m.typing {
		return m.updateInput(k)
	}
	keys := m.c.Keys
	page := max(m.bodyHeight()-1, 1)
	switch {
	case key.Matches(k, keys.Up):
		m.cursor--
	case key.Matches(k, keys.Down):
		m.cursor++
	case key.Matches(k, keys.PageUp):
		m.cursor -= page
	case key.Matches(k, keys.PageDown):
		m.cursor += page
	case key.Matches(k, keys.Home):
		m.cursor = 0
	case key.Matches(k, keys.End):
		m.cursor = len(m.rows) - 1
	case key.Matches(k, keys.Filter):
		// Like less and vim, "/" starts a new search rather than editing the last one.
		m.typing, m.query = true, ""
		m.input.SetValue("")
		cmd := m.input.Focus()
		return m.refilter(m.SelectedID()), cmd
	case key.Matches(k, keys.Back) && m.query != "":
		m.query = ""
		return m.refilter(m.SelectedID()), nil
	}
	return m.clamp(), nil
}

func (m Model) updateInput(k tea.KeyPressMsg) (Model, tea.Cmd) {
	switch {
	case key.Matches(k, m.c.Keys.Enter):
		m.typing = false
		m.input.Blur()
		return m, nil
	case key.Matches(k, m.c.Keys.Back):
		m.typing = false
		m.input.Blur()
		m.query = ""
		return m.refilter(m.SelectedID()), nil
	case key.Matches(k, m.c.Keys.Up, m.c.Keys.Down) && k.Text == "":
		// Arrow keys move through the narrowed list without leaving the filter.
		if key.Matches(k, m.c.Keys.Up) {
			m.cursor--
		} else {
			m.cursor++
		}
		return m.clamp(), nil
	}
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(k)
	if q := m.input.Value(); q != m.query {
		m.query = q
		m = m.refilter(m.SelectedID())
	}
	return m, cmd
}

func (m Model) refilter(keepID string) Model {
	q := strings.ToLower(m.query)
	m.rows = m.rows[:0:0]
	for _, r := range m.all {
		text := r.Filter
		if text == "" && len(r.Cells) > 0 {
			text = r.Cells[0]
		}
		if q == "" || strings.Contains(strings.ToLower(text), q) {
			m.rows = append(m.rows, r)
		}
	}
	if keepID != "" {
		for i, r := range m.rows {
			if r.ID == keepID {
				m.cursor = i
			}
		}
	}
	return m.clamp()
}

// bodyHeight is the number of lines for rows: the height minus header and filter line.
func (m Model) bodyHeight() int {
	h := m.height - 1
	if m.typing || m.query != "" {
		h--
	}
	return max(h, 0)
}

func (m Model) clamp() Model {
	m.cursor = min(max(m.cursor, 0), max(len(m.rows)-1, 0))
	body := max(m.bodyHeight(), 1)
	if m.cursor < m.offset {
		m.offset = m.cursor
	}
	if m.cursor >= m.offset+body {
		m.offset = m.cursor - body + 1
	}
	m.offset = min(max(m.offset, 0), max(len(m.rows)-body, 0))
	return m
}
