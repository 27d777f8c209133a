package table

import (
	"strings"

	"charm.land/bubbles/v2/key"

	"github.com/kpeek/kpeek/tui/common"
)

// View renders the header, the visible rows and, while filtering, the filter line.
func (m Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	st := m.c.Styles
	widths := m.widths()
	lines := make([]string, 0, m.height)
	header := make([]string, len(m.cols))
	for i, col := range m.cols {
		header[i] = align(col, col.Title, widths[i])
	}
	lines = append(lines, st.TableHeader.Render(common.PadRight(strings.Join(header, " "), m.width)))

	body := m.bodyHeight()
	if len(m.rows) == 0 && body > 0 {
		lines = append(lines, st.Dim.Render(common.PadRight(" "+m.empty, m.width)))
	}
	for i := m.offset; i < len(m.rows) && i < m.offset+body; i++ {
		cells := make([]string, len(m.cols))
		for j, col := range m.cols {
			v := ""
			if j < len(m.rows[i].Cells) {
				v = m.rows[i].Cells[j]
			}
			cells[j] = align(col, v, widths[j])
		}
		line := common.PadRight(strings.Join(cells, " "), m.width)
		style := st.TableCell
		if i == m.cursor {
			style = st.TableSelectedBlur
			if m.focused {
				style = st.TableSelected
			}
		}
		lines = append(lines, style.Render(line))
	}
	for len(lines) < m.height-1 {
		lines = append(lines, "")
	}
	if m.typing {
		in := m.input
		in.SetStyles(st.Input) // the styles may have changed with the background
		lines = append(lines, in.View())
	} else if m.query != "" {
		lines = append(lines, st.FilterPrompt.Render("/")+st.Value.Render(m.query)+
			st.Dim.Render("  (esc clears)"))
	} else if len(lines) < m.height {
		lines = append(lines, "")
	}
	return common.Box(strings.Join(lines, "\n"), m.width, m.height)
}

func align(col Column, s string, width int) string {
	if col.Right {
		return common.PadLeft(s, width)
	}
	return common.PadRight(s, width)
}

// widths lays the columns out in the table's width: fixed columns get their width,
// flex columns share the rest; columns that do not fit at all get zero.
func (m Model) widths() []int {
	w := make([]int, len(m.cols))
	fixed, flex := 0, 0
	for i, c := range m.cols {
		w[i] = c.Width
		fixed += c.Width
		flex += c.Flex
	}
	fixed += len(m.cols) - 1 // one space between columns
	spare := m.width - fixed
	if spare > 0 && flex > 0 {
		for i, c := range m.cols {
			w[i] += spare * c.Flex / flex
		}
		return w
	}
	if spare < 0 {
		// Too narrow: shrink flex columns first (to a third), then drop columns from the right.
		for i, c := range m.cols {
			if c.Flex > 0 && spare < 0 {
				cut := min(-spare, w[i]-max(w[i]/3, 4))
				if cut > 0 {
					w[i] -= cut
					spare += cut
				}
			}
		}
		for i := len(w) - 1; i > 0 && spare < 0; i-- {
			spare += w[i] + 1
			w[i] = 0
		}
	}
	return w
}

// ShortHelp lists the table's main bindings.
func (m Model) ShortHelp() []key.Binding {
	k := m.c.Keys
	if m.typing {
		return []key.Binding{
			key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep filter")),
			key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter")),
		}
	}
	return []key.Binding{k.Up, k.Down, k.Filter}
}

// FullHelp lists all the table's bindings.
func (m Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{m.c.Keys.TableHelp(), {m.c.Keys.Filter}}
}
