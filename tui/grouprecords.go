package tui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/kpeek/kpeek/kafka"
	"github.com/kpeek/kpeek/tui/groups"
)

// openGroupRecords opens the messages pane on the records a group took between two of its
// commits: the start prompt holds that partition and those offsets, so enter reads exactly
// them, ready to mark and export.
func (a App) openGroupRecords(msg groups.OpenRecordsMsg) (tea.Model, tea.Cmd) {
	model, cmd := a.openTopic(a.topicInfo(msg.Topic))
	a = model.(App)
	if a.msgs != nil {
		a.msgs = new(a.msgs.PresetOffsets(msg.Partition, msg.From, msg.To))
	}
	return a, cmd
}

// topicInfo is the listed topic named name (its partitions let the prompt check a
// partition), or just its name when the listing does not have it yet.
func (a App) topicInfo(name string) kafka.TopicInfo {
	for _, t := range a.topics.Topics() {
		if t.Name == name {
			return t
		}
	}
	return kafka.TopicInfo{Name: name}
}
