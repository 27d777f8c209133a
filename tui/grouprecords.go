package tui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/kpeek/kpeek/kafka"
	"github.com/kpeek/kpeek/tui/groups"
)

// offsetPresetter is a messages pane whose start prompt can be filled with one
// partition's offsets.
type offsetPresetter interface {
	PresetOffsets(partition int32, from, to int64) messagesPane
}

// PresetOffsets passes through to messages.Model.
func (r realMessages) PresetOffsets(partition int32, from, to int64) messagesPane {
	return realMessages{r.m.PresetOffsets(partition, from, to)}
}

// openGroupRecords opens the messages pane on the records a group took between two of its
// commits: the start prompt holds that partition and those offsets, so enter reads exactly
// them, ready to mark and export.
func (a App) openGroupRecords(msg groups.OpenRecordsMsg) (tea.Model, tea.Cmd) {
	model, cmd := a.openTopic(a.topicInfo(msg.Topic))
	a = model.(App)
	if p, ok := a.msgs.(offsetPresetter); ok && a.msgs != nil {
		a.msgs = p.PresetOffsets(msg.Partition, msg.From, msg.To)
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
