package tui

import (
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/kpeek/kpeek/kafka"
	"github.com/kpeek/kpeek/tui/sweep"
)

// presetter is a messages pane that can be opened on a window with a filter applied.
type presetter interface {
	Preset(from, to time.Time, filter string) (messagesPane, tea.Cmd)
}

// Preset passes through to messages.Model.
func (r realMessages) Preset(from, to time.Time, filter string) (messagesPane, tea.Cmd) {
	m, cmd := r.m.Preset(from, to, filter)
	return realMessages{m}, cmd
}

// openSweepHit opens the messages pane on a topic the sweep found hits in: the start
// prompt holds the sweep's window and the match is the pane's filter, so enter reads them.
func (a App) openSweepHit(msg sweep.OpenMsg) (tea.Model, tea.Cmd) {
	t := kafka.TopicInfo{Name: msg.Topic}
	for _, ti := range a.topics.Topics() {
		if ti.Name == msg.Topic {
			t = ti
		}
	}
	a = a.leaveMessages().forget(msg.Topic) // a hit opens afresh on its own window
	model, cmd := a.openTopic(t)
	a = model.(App)
	if p, ok := a.msgs.(presetter); ok && a.msgs != nil {
		var pcmd tea.Cmd
		a.msgs, pcmd = p.Preset(msg.From, msg.To, msg.Filter)
		cmd = tea.Batch(cmd, tagCmd(a.msgsID, pcmd))
	}
	return a, cmd
}
