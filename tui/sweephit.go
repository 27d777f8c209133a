package tui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/kpeek/kpeek/kafka"
	"github.com/kpeek/kpeek/tui/sweep"
)

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
	if a.msgs != nil {
		m, pcmd := a.msgs.Preset(msg.From, msg.To, msg.Filter)
		a.msgs = &m
		cmd = tea.Batch(cmd, tagCmd(a.msgsID, pcmd))
	}
	return a, cmd
}
