package tui

import (
	"charm.land/bubbles/v2/key"

	"github.com/kpeek/kpeek/tui/nav"
)

// Sizes the frame lays out: the header, status and footer lines take three rows.
const (
	chromeRows = 3
	minWidth   = 40
	minHeight  = 8
)

// chrome is how many rows the frame takes: header, status, footer, and the demo's
// intro line while it shows.
func (a App) chrome() int {
	if a.introShown() {
		return chromeRows + 1
	}
	return chromeRows
}

// introShown reports whether the demo's one line on what to investigate is on screen.
func (a App) introShown() bool { return a.intro != "" && a.page != pageMessages }

// navWidth is the left column's width for a terminal width.
func navWidth(total int) int { return min(max(total/5, 20), 30) }

// wideEnough is the width from which the navigation stays beside the messages pane;
// below it the records get the whole width until tab brings the navigation back.
const wideEnough = 100

// navShown reports whether the navigation column is on screen.
func (a App) navShown() bool {
	return a.navFocused || a.page != pageMessages || a.c.Width >= wideEnough
}

// mainSize is the main pane's area.
func (a App) mainSize() (int, int) {
	w := a.c.Width
	if a.navShown() {
		w -= navWidth(a.c.Width) + 1 // one column for the separator
	}
	return max(w, 0), max(a.c.Height-a.chrome(), 0)
}

// layout hands every pane its area after a resize.
func (a App) layout() App {
	h := max(a.c.Height-a.chrome(), 0)
	a.nav = a.nav.SetSize(navWidth(a.c.Width), h)
	w, h := a.mainSize()
	a.overview = a.overview.SetSize(w, h)
	a.topics = a.topics.SetSize(w, h)
	a.groups = a.groups.SetSize(w, h)
	a.sweep = a.sweep.SetSize(w, h)
	a.schemas = a.schemas.SetSize(w, h)
	if a.msgs != nil {
		a.msgs = new(a.msgs.SetSize(w, h))
	}
	return a
}

// show puts a page in the main pane, keeping the focus where it is.
func (a App) show(p page) App {
	a.page = p
	switch p {
	case pageOverview:
		a.nav = a.nav.SetCurrent(nav.Overview)
	case pageTopics, pageMessages:
		a.nav = a.nav.SetCurrent(nav.Topics)
	case pageGroups:
		a.nav = a.nav.SetCurrent(nav.Groups)
	case pageSweep:
		a.nav = a.nav.SetCurrent(nav.Sweep)
	case pageSchemas:
		a.nav = a.nav.SetCurrent(nav.Schemas)
	}
	return a.applyFocus()
}

// showView opens a navigation view in the main pane and gives it the keyboard.
func (a App) showView(v nav.View) App {
	switch v {
	case nav.Topics:
		if a.msgs != nil {
			return a.show(pageMessages).focusMain()
		}
		return a.show(pageTopics).focusMain()
	case nav.Groups:
		a.groups = a.groups.SetReading("")
		return a.show(pageGroups).focusMain()
	case nav.Sweep:
		return a.show(pageSweep).focusMain()
	case nav.Schemas:
		return a.show(pageSchemas).focusMain()
	}
	return a.show(pageOverview).focusMain()
}

func (a App) focusMain() App { a.navFocused = false; return a.applyFocus() }

func (a App) focusNav() App { a.navFocused = true; return a.applyFocus() }

// applyFocus tells every pane whether it has the keyboard.
func (a App) applyFocus() App {
	a.nav = a.nav.Blur()
	a.overview, a.topics, a.groups, a.sweep = a.overview.Blur(), a.topics.Blur(), a.groups.Blur(), a.sweep.Blur()
	a.schemas = a.schemas.Blur()
	if a.msgs != nil {
		a.msgs = new(a.msgs.Blur())
	}
	a = a.layout() // the navigation may have appeared or gone
	if a.navFocused {
		a.nav = a.nav.Focus()
		return a
	}
	switch a.page {
	case pageOverview:
		a.overview = a.overview.Focus()
	case pageTopics:
		a.topics = a.topics.Focus()
	case pageGroups:
		a.groups = a.groups.Focus()
	case pageSweep:
		a.sweep = a.sweep.Focus()
	case pageSchemas:
		a.schemas = a.schemas.Focus()
	case pageMessages:
		if a.msgs != nil {
			a.msgs = new(a.msgs.Focus())
		}
	}
	return a
}

// pane is what the frame asks of whichever pane has the keyboard.
type pane interface {
	ShortHelp() []key.Binding
	FullHelp() [][]key.Binding
}

// focused returns the pane with the keyboard and its name for the help screen.
func (a App) focused() (pane, string) {
	if a.navFocused {
		return a.nav, "Navigation"
	}
	switch a.page {
	case pageTopics:
		return a.topics, "Topics"
	case pageGroups:
		return a.groups, "Consumer groups"
	case pageSweep:
		return a.sweep, "Sweep"
	case pageSchemas:
		return a.schemas, "Schemas"
	case pageMessages:
		if a.msgs != nil {
			return *a.msgs, "Messages"
		}
	}
	return a.overview, "Cluster"
}

// capturesInput reports whether a text input in the focused pane has the keyboard.
func (a App) capturesInput() bool {
	if a.navFocused {
		return false
	}
	switch a.page {
	case pageTopics:
		return a.topics.CapturesInput()
	case pageGroups:
		return a.groups.CapturesInput()
	case pageSweep:
		return a.sweep.CapturesInput()
	case pageSchemas:
		return a.schemas.CapturesInput()
	case pageMessages:
		return a.msgs != nil && a.msgs.CapturesInput()
	}
	return false
}

// atRoot reports whether esc should go back a level in the frame rather than to the pane.
func (a App) atRoot() bool {
	if a.navFocused {
		return true
	}
	switch a.page {
	case pageTopics:
		return a.topics.AtRoot()
	case pageGroups:
		return a.groups.AtRoot()
	case pageSweep:
		return a.sweep.AtRoot()
	case pageSchemas:
		return a.schemas.AtRoot()
	case pageMessages:
		return a.msgs == nil || a.msgs.AtRoot()
	}
	return true
}
