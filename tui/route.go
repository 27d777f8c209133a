package tui

import (
	"reflect"
	"slices"

	tea "charm.land/bubbletea/v2"

	"github.com/kpeek/kpeek/tui/messages"
)

// paneMsg is a message from a Cmd of messages pane id. Every pane numbers its reads,
// decodes and filters from 1, so without the pane's id a kept pane would take another
// pane's read as a stale one of its own (and close its stream).
type paneMsg struct {
	id  int
	msg tea.Msg
}

// messagesPkg is the package whose messages are a pane's own.
var messagesPkg = reflect.TypeFor[messages.WindowMsg]().PkgPath()

// tagCmd makes the messages pane's messages that cmd produces come back as paneMsgs
// of pane id. Batches are tagged inside; Bubble Tea's own messages (clipboard,
// quit, ...) and the widgets' pass as they are.
func tagCmd(id int, cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	return func() tea.Msg {
		msg := cmd()
		if b, ok := msg.(tea.BatchMsg); ok {
			out := make(tea.BatchMsg, len(b))
			for i, c := range b {
				out[i] = tagCmd(id, c)
			}
			return out
		}
		if t := reflect.TypeOf(msg); t != nil {
			if t.Kind() == reflect.Pointer {
				t = t.Elem()
			}
			if t.PkgPath() == messagesPkg {
				return paneMsg{id: id, msg: msg}
			}
		}
		return msg
	}
}

// route delivers a pane's message to that pane alone; a pane already closed drops it.
// What a pane tells the frame (its window) is taken from the open pane only; a scan's
// findings from any pane.
func (a App) route(pm paneMsg) (tea.Model, tea.Cmd) {
	if s, ok := pm.msg.(messages.ScannedMsg); ok { // any pane's scan, open or kept, badges its topic
		a.topics = a.topics.SetFindings(s.Topic, s.Classes)
		return a, nil
	}
	if a.msgs != nil && pm.id == a.msgsID {
		if w, ok := pm.msg.(messages.WindowMsg); ok {
			a.window = w.Window
			a.sweep = a.sweep.OfferWindow(a.window)
			return a, nil
		}
		m, cmd := a.msgs.Update(pm.msg)
		a.msgs = &m
		return a, tagCmd(pm.id, cmd)
	}
	for _, list := range []*[]keptPane{&a.kept, &a.parked} {
		for i := range *list {
			if (*list)[i].id != pm.id {
				continue
			}
			*list = slices.Clone(*list)
			var cmd tea.Cmd
			(*list)[i].pane, cmd = (*list)[i].pane.Update(pm.msg)
			if list == &a.parked && !(*list)[i].pane.Busy() {
				*list = slices.Delete(*list, i, i+1) // its export is over
			}
			return a, tagCmd(pm.id, cmd)
		}
	}
	return a, nil
}
