package tui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// forceQuit is the one key that reaches the frame before any text input.
var forceQuit = key.NewBinding(key.WithKeys("ctrl+c"))

// handleKey routes a key: an open text input first, then dialogs, then the pane,
// then the frame's own keys, so a q typed into a filter never quits. The frame's own overlays (the quit
// question, the help screen) come before inputs only because they cover them.
func (a App) handleKey(k tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	keys := a.c.Keys
	a.hint = ""
	if key.Matches(k, forceQuit) {
		if a.confirmQuit || !a.mustAskToQuit() {
			return a.quit()
		}
		a.confirmQuit, a.confirmLeave = true, false
		return a, nil
	}
	if a.confirmLeave {
		switch {
		case key.Matches(k, keys.Yes):
			a.confirmLeave = false
			return a.back(), nil
		case key.Matches(k, keys.No):
			a.confirmLeave = false
		}
		return a, nil
	}
	if a.confirmQuit {
		switch {
		case key.Matches(k, keys.Yes):
			return a.quit()
		case key.Matches(k, keys.No):
			a.confirmQuit = false
		}
		return a, nil
	}
	if a.showHelp {
		// The overlay hides the panes, so no key may reach an input behind it.
		switch {
		case key.Matches(k, keys.Quit):
			return a.askQuit()
		case key.Matches(k, keys.Help, keys.Back):
			a.showHelp = false
		}
		return a, nil
	}
	if a.capturesInput() {
		return a.toPane(k)
	}
	switch {
	case key.Matches(k, keys.Back):
		if a.atRoot() {
			if a.page == pageMessages && !a.navFocused && a.msgs != nil && a.msgs.Marks() > 0 {
				a.confirmLeave = true
				return a, nil
			}
			return a.back(), nil
		}
		return a.toPane(k)
	case key.Matches(k, keys.Quit):
		return a.askQuit()
	case key.Matches(k, keys.Help):
		a.showHelp = true
		return a, nil
	case key.Matches(k, keys.Tab, keys.ShiftTab):
		if a.navFocused {
			return a.focusMain(), nil
		}
		return a.focusNav(), nil
	case key.Matches(k, keys.Refresh) && a.page == pageSchemas:
		var cmd tea.Cmd // the registry is what this view shows
		a.schemas, cmd = a.schemas.Update(k)
		return a, cmd
	case key.Matches(k, keys.Refresh) && a.conn.cluster != nil:
		return a.fetch()
	}
	return a.toPane(k)
}

// toPane hands a key to the pane with the keyboard.
func (a App) toPane(k tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	if a.navFocused {
		a.nav, cmd = a.nav.Update(k)
		return a, cmd
	}
	switch a.page {
	case pageOverview:
		a.overview, cmd = a.overview.Update(k)
	case pageTopics:
		a.topics, cmd = a.topics.Update(k)
	case pageGroups:
		a.groups, cmd = a.groups.Update(k)
	case pageSweep:
		a.sweep, cmd = a.sweep.Update(k)
	case pageSchemas:
		a.schemas, cmd = a.schemas.Update(k)
	case pageMessages:
		if a.msgs != nil {
			m, mcmd := a.msgs.Update(k)
			a.msgs, cmd = &m, tagCmd(a.msgsID, mcmd)
		}
	}
	return a, cmd
}

// back goes up one level: messages → topics, readers → topics, main pane → navigation.
func (a App) back() App {
	switch {
	case a.navFocused:
		return a
	case a.page == pageMessages:
		topic := a.msgsTopic
		a = a.leaveMessages()
		a.topics = a.topics.Select(topic)
		return a.show(pageTopics)
	case a.page == pageGroups && a.groups.Reading() != "":
		topic := a.groups.Reading()
		a.groups = a.groups.SetReading("")
		a.topics = a.topics.Select(topic)
		return a.show(pageTopics)
	}
	return a.focusNav()
}

// mustAskToQuit reports whether quitting now would lose work: an export running or
// marked records not exported.
func (a App) mustAskToQuit() bool { return a.busy() || a.unexported() > 0 }

// askQuit quits, or asks first when quitting would lose work.
func (a App) askQuit() (tea.Model, tea.Cmd) {
	if a.mustAskToQuit() {
		a.confirmQuit = true
		return a, nil
	}
	return a.quit()
}

func (a App) quit() (tea.Model, tea.Cmd) {
	return a, tea.Quit
}
