package messages

import (
	"strconv"
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

// PresetOffsets fills the start prompt with partition's offsets from to to-1 (the records a
// consumer group took between two commits), for a pane opened from a group's history:
// enter then reads exactly those records. An empty span (to <= from) leaves the prompt as
// it was.
func (m Model) PresetOffsets(partition int32, from, to int64) Model {
	if to <= from || from < 0 || partition < 0 {
		return m
	}
	m.prompt.inputs[fieldWindow].SetValue(strconv.FormatInt(from, 10) + ".." + strconv.FormatInt(to-1, 10))
	m.prompt.inputs[fieldPartitions].SetValue(strconv.FormatInt(int64(partition), 10))
	m.prompt.follow = false
	return m
}
