package schemas

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"

	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/tui/common"
)

// View renders the current level: a title line, a hint or error line, then the body.
func (m Model) View() string {
	s := m.c.Styles
	title := s.Title(m.focused)
	var b strings.Builder
	switch {
	case m.src == nil:
		b.WriteString(title.Render("Schemas") + "\n")
		b.WriteString(s.Dim.Render(m.why))
		return common.Box(b.String(), m.width, m.height)
	case m.level == levelText:
		b.WriteString(title.Render(m.textTtl) + "\n")
		b.WriteString(s.Dim.Render(fmt.Sprintf("esc: back to the versions · ↑↓ pgup pgdn: scroll · %d%%", int(m.text.ScrollPercent()*100))) + "\n")
		b.WriteString(m.text.View())
		return common.Box(b.String(), m.width, m.height)
	case m.level == levelVersions:
		b.WriteString(title.Render("Schemas › "+decode.Sanitize(m.subject)) + "\n")
		b.WriteString(m.statusLine("enter: show the schema · esc: back to the subjects") + "\n")
		b.WriteString(m.verTbl.View())
	default:
		b.WriteString(title.Render("Schemas: the registry's subjects") + "\n")
		hint := "enter: versions · ctrl+r: refresh"
		if m.note != "" {
			hint += " · " + m.note
		}
		b.WriteString(m.statusLine(hint) + "\n")
		if !m.loaded && m.loading {
			b.WriteString(s.Dim.Render("loading subjects…"))
		} else if m.loaded {
			b.WriteString(m.subjTbl.View())
		}
	}
	return common.Box(b.String(), m.width, m.height)
}

// statusLine is the registry's last error when there is one, the busy note while a request
// runs, or hint.
func (m Model) statusLine(hint string) string {
	s := m.c.Styles
	switch {
	case m.err != "":
		return s.Error.Render(m.err)
	case m.loading:
		return s.StatusBusy.Render("reading the registry…")
	}
	return s.Dim.Render(hint)
}

// ShortHelp lists the view's main bindings.
func (m Model) ShortHelp() []key.Binding {
	k := m.c.Keys
	switch {
	case m.src == nil:
		return nil
	case m.level == levelText:
		return []key.Binding{k.Up, k.Down, k.PageDown, k.Back}
	case m.level == levelVersions:
		return []key.Binding{k.Up, k.Down, k.Enter, k.Back}
	}
	return []key.Binding{k.Up, k.Down, k.Enter, k.Filter, k.Refresh}
}

// FullHelp lists all the view's bindings.
func (m Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{m.ShortHelp(), m.c.Keys.TableHelp()}
}
