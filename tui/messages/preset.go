package messages

import (
	"time"

	tea "charm.land/bubbletea/v2"
)

// Preset fills the start prompt with the window [from, to] and applies filter expr, for
// a pane opened from elsewhere (a sweep hit): enter then reads exactly that window.
func (m Model) Preset(from, to time.Time, expr string) (Model, tea.Cmd) {
	m.prompt.inputs[fieldWindow].SetValue(from.UTC().Format(time.RFC3339Nano) + ".." + to.UTC().Format(time.RFC3339Nano))
	m.prompt.follow = false
	m.filter.input.SetValue(expr)
	return m.applyFilter(expr)
}
