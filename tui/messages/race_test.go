package messages

import (
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/kpeek/kpeek/kafka"
)

// Filter, warm-up and decode Cmds read a snapshot while Update keeps appending,
// dropping (the cap) and recording classes. Run with -race.
func TestBackgroundWorkRacesNothing(t *testing.T) {
	m := newTest(t, 80, 24, newFake(true, logins(6000)), WithCap(8000))
	m = keys(t, m, "enter")
	m = keys(t, m, "/")
	m = typeText(t, m, "slyon")
	m, cmd := m.Update(press("enter"))
	if cmd == nil {
		t.Fatal("applying a filter started no work")
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- collect(cmd) }()
	for range 10 {
		var c tea.Cmd
		m, c = m.Update(batchMsg{id: m.rd.id, batch: kafka.Batch{Records: logins(500)}})
		go collect(c) // warm-ups and row decodes, concurrently with the next appends
		_ = m.View()
	}
	for _, msg := range flatten(<-done) {
		m, _ = m.Update(msg)
	}
	if m.store.Len() != 8000 || m.store.First() != 3000 {
		t.Errorf("store %d from %d, want 8000 from 3000", m.store.Len(), m.store.First())
	}
}

// collect runs a Cmd and any Cmds in a batch it returns.
func collect(c tea.Cmd) tea.Msg {
	if c == nil {
		return nil
	}
	msg := c()
	if b, ok := msg.(tea.BatchMsg); ok {
		var out []tea.Msg
		for _, c := range b {
			out = append(out, collect(c))
		}
		return out
	}
	return msg
}

func flatten(msg tea.Msg) []tea.Msg {
	if list, ok := msg.([]tea.Msg); ok {
		var out []tea.Msg
		for _, m := range list {
			out = append(out, flatten(m)...)
		}
		return out
	}
	if msg == nil {
		return nil
	}
	return []tea.Msg{msg}
}
