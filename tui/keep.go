package tui

import (
	"fmt"
	"slices"

	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/tui/messages"
)

// keptPanes is how many messages panes the frame keeps after the analyst leaves them, so
// going back to a topic restores its window, filter, marks and cursor.
const keptPanes = 3

// keptPane is a messages pane the analyst left; it still receives its messages.
type keptPane struct {
	topic string
	pane  messages.Model
	id    int // see App.msgsID
}

// leaveMessages leaves the messages pane for another page. The pane is kept (reads
// and all) so coming back restores it; one whose export runs is parked instead.
func (a App) leaveMessages() App {
	if a.msgs == nil {
		return a
	}
	m := a.msgs.Blur()
	a.msgs = nil
	if a.page == pageMessages {
		a.page = pageTopics
	}
	if m.Busy() {
		m.Close() // stops the reads; the export goes on and reports back
		a.parked = append(a.parked, keptPane{topic: a.msgsTopic, pane: m, id: a.msgsID})
		return a
	}
	a.kept = slices.DeleteFunc(slices.Clone(a.kept), func(k keptPane) bool { return k.topic == a.msgsTopic })
	a.kept = append(a.kept, keptPane{topic: a.msgsTopic, pane: m, id: a.msgsID})
	if len(a.kept) > keptPanes {
		a.kept[0].pane.Close()
		a.forgotten = append(a.forgotten, a.kept[0].topic)
		a.kept = a.kept[1:]
	}
	return a
}

// restore takes the kept pane of topic out of the kept list; ok is false when there
// is none, and why then says why an earlier pane is not coming back ("" if none was open).
func (a App) restore(topic string) (App, *keptPane, string) {
	i := slices.IndexFunc(a.kept, func(k keptPane) bool { return k.topic == topic })
	if i >= 0 {
		p := a.kept[i]
		a.kept = slices.Delete(slices.Clone(a.kept), i, i+1)
		return a, &p, ""
	}
	name := decode.Sanitize(topic)
	switch {
	case slices.Contains(a.forgotten, topic):
		a.forgotten = slices.DeleteFunc(slices.Clone(a.forgotten), func(t string) bool { return t == topic })
		return a, nil, fmt.Sprintf("%s opens afresh (only the last %d topics are kept)", name, keptPanes)
	}
	return a, nil, ""
}

// forget closes the kept pane of topic, if any, so the topic opens afresh.
func (a App) forget(topic string) App {
	a.kept = slices.DeleteFunc(slices.Clone(a.kept), func(k keptPane) bool {
		if k.topic == topic {
			k.pane.Close()
			return true
		}
		return false
	})
	return a
}

// dropKept closes every kept pane (another cluster was opened).
func (a App) dropKept() App {
	for _, k := range a.kept {
		k.pane.Close()
	}
	a.kept, a.forgotten = nil, nil
	return a
}

// unexported counts the marked records in every pane, open or kept.
func (a App) unexported() int {
	n := 0
	if a.msgs != nil {
		n += a.msgs.Marks()
	}
	for _, k := range a.kept {
		n += k.pane.Marks()
	}
	return n
}
