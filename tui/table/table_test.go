package table

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/kpeek/kpeek/tui/common"
)

func keyMsg(s string) tea.KeyPressMsg {
	switch s {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	}
	r := []rune(s)[0]
	return tea.KeyPressMsg{Code: r, Text: s}
}

func press(m Model, keys ...string) Model {
	for _, k := range keys {
		m, _ = m.Update(keyMsg(k))
	}
	return m
}

func typeText(m Model, text string) Model {
	for _, r := range text {
		m, _ = m.Update(keyMsg(string(r)))
	}
	return m
}

func rows(names ...string) []Row {
	out := make([]Row, len(names))
	for i, n := range names {
		out[i] = Row{ID: n, Cells: []string{n, "1"}}
	}
	return out
}

func newTable() Model {
	c := common.New(nil)
	cols := []Column{{Title: "NAME", Width: 8, Flex: 1}, {Title: "N", Width: 3, Right: true}}
	return New(c, cols, "nothing").SetSize(30, 6).Focus().SetRows(rows("alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf"))
}

func TestMoveAndScroll(t *testing.T) {
	m := newTable()
	m = press(m, "j", "j")
	if m.SelectedID() != "charlie" {
		t.Fatalf("j j: %q", m.SelectedID())
	}
	m = press(m, "G")
	if m.SelectedID() != "golf" {
		t.Fatalf("G: %q", m.SelectedID())
	}
	if v := ansi.Strip(m.View()); !strings.Contains(v, "golf") || strings.Contains(v, "alpha") {
		t.Fatalf("the view did not scroll to the cursor:\n%s", v)
	}
	m = press(m, "g", "k")
	if m.SelectedID() != "alpha" {
		t.Fatalf("g k: %q", m.SelectedID())
	}
}

func TestFilterNarrowsAsYouType(t *testing.T) {
	m := newTable()
	m = press(m, "/")
	if !m.CapturesInput() {
		t.Fatal("/ did not open the filter")
	}
	m = typeText(m, "ha")
	if m.Len() != 2 { // alpha, charlie
		t.Fatalf("'ha' kept %d rows", m.Len())
	}
	m = typeText(m, "r")
	if m.Len() != 1 || m.SelectedID() != "charlie" {
		t.Fatalf("'har' kept %d rows, selected %q", m.Len(), m.SelectedID())
	}
	m = press(m, "enter")
	if m.CapturesInput() || m.Query() != "har" || m.AtRoot() {
		t.Fatalf("enter should keep the filter and free the keys (query %q)", m.Query())
	}
	if v := ansi.Strip(m.View()); !strings.Contains(v, "/har") {
		t.Fatalf("the kept filter is not shown:\n%s", v)
	}
	m = press(m, "esc")
	if m.Len() != 7 || m.Query() != "" || !m.AtRoot() || m.SelectedID() != "charlie" {
		t.Fatalf("esc: %d rows, query %q, selected %q", m.Len(), m.Query(), m.SelectedID())
	}
}

func TestTypingKeysGoToTheFilter(t *testing.T) {
	m := press(newTable(), "/")
	m = typeText(m, "jk")
	if m.Query() != "jk" {
		t.Fatalf("j and k moved instead of typing: %q", m.Query())
	}
	m = press(m, "esc")
	if m.CapturesInput() || m.Query() != "" {
		t.Fatal("esc did not close and clear the filter")
	}
}

func TestCursorFollowsItsRowAcrossRefreshes(t *testing.T) {
	m := press(newTable(), "j", "j", "j") // delta
	m = m.SetRows(rows("aardvark", "alpha", "bravo", "charlie", "delta", "echo"))
	if m.SelectedID() != "delta" {
		t.Fatalf("after refresh: %q", m.SelectedID())
	}
	m = m.SetRows(rows("alpha"))
	if m.SelectedID() != "alpha" {
		t.Fatalf("after the row vanished: %q", m.SelectedID())
	}
	m = m.SetRows(nil)
	if _, ok := m.Selected(); ok || !strings.Contains(m.View(), "nothing") {
		t.Fatal("an empty table must select nothing and say so")
	}
}

func TestNarrowWidthDropsColumnsNotTheFrame(t *testing.T) {
	m := newTable().SetSize(6, 4)
	for _, l := range strings.Split(m.View(), "\n") {
		if w := ansi.StringWidth(l); w != 6 {
			t.Fatalf("line %q is %d wide", ansi.Strip(l), w)
		}
	}
}
