package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/tui/common"
	"github.com/kpeek/kpeek/tui/messages"
	"github.com/kpeek/kpeek/tui/nav"
)

// View draws the frame: header, navigation | main pane, status line, help footer.
func (a App) View() tea.View {
	v := tea.NewView(a.render())
	v.AltScreen = true
	v.WindowTitle = "kpeek"
	return v
}

// render is the screen as a string, for View and the golden tests.
func (a App) render() string {
	w, h := a.c.Width, a.c.Height
	if w <= 0 || h <= 0 {
		return ""
	}
	if w < minWidth || h < minHeight {
		return common.Box(fmt.Sprintf("kpeek needs at least %d×%d (now %d×%d)", minWidth, minHeight, w, h), w, h)
	}
	bodyH := h - a.chrome()
	var body string
	switch {
	case a.confirmQuit:
		body = a.overlay(a.quitDialog(), bodyH)
	case a.confirmLeave:
		body = a.overlay(a.leaveDialog(), bodyH)
	case a.showHelp:
		body = a.overlay(a.helpDialog(), bodyH)
	default:
		body = a.panes(bodyH)
	}
	rows := []string{a.header(), body}
	if a.introShown() {
		rows = append(rows, common.PadRight(" "+a.c.Styles.StatusOK.Render(a.intro), w))
	}
	return strings.Join(append(rows, a.statusLine(), a.footer()), "\n")
}

func (a App) panes(height int) string {
	mw, mh := a.mainSize()
	var main string
	switch a.page {
	case pageOverview:
		main = a.overview.View()
	case pageTopics:
		main = a.topics.View()
	case pageGroups:
		main = a.groups.View()
	case pageSweep:
		main = a.sweep.View()
	case pageSchemas:
		main = a.schemas.View()
	case pageMessages:
		if a.msgs != nil {
			main = a.msgs.View()
		}
	}
	if !a.navShown() {
		return common.Box(main, mw, mh)
	}
	sep := a.c.Styles.Separator.Render(strings.TrimSuffix(strings.Repeat("│\n", height), "\n"))
	return lipgloss.JoinHorizontal(lipgloss.Top,
		common.Box(a.nav.View(), navWidth(a.c.Width), height), sep, common.Box(main, mw, mh))
}

// overlay centres a dialog over the panes.
func (a App) overlay(dialog string, height int) string {
	base := a.panes(height)
	dw, dh := lipgloss.Size(dialog)
	x, y := max((a.c.Width-dw)/2, 0), max((height-dh)/2, 0)
	return lipgloss.NewCompositor(lipgloss.NewLayer(base),
		lipgloss.NewLayer(dialog).X(x).Y(y).Z(1)).Render()
}

func (a App) header() string {
	s := a.c.Styles
	parts := []string{s.HeaderTitle.Render("kpeek")}
	if a.conn.cfg.Name != "" {
		parts = append(parts, s.HeaderCrumb.Render(decode.Sanitize(a.conn.cfg.Name)))
	}
	switch a.page {
	case pageTopics:
		parts = append(parts, s.HeaderCrumb.Render("topics"))
	case pageGroups:
		parts = append(parts, s.HeaderCrumb.Render("consumer groups"))
		if r := a.groups.Reading(); r != "" {
			parts = append(parts, s.HeaderCrumb.Render("reading "+decode.Sanitize(r)))
		}
	case pageMessages:
		parts = append(parts, s.HeaderCrumb.Render("topics"), s.HeaderCrumb.Render(decode.Sanitize(a.msgsTopic)))
	}
	left := strings.Join(parts, s.Header.Render(" › "))
	right := s.Header.Render("read-only " + decode.Sanitize(a.opts.Version))
	gap := a.c.Width - lipgloss.Width(left) - lipgloss.Width(right)
	if gap < 1 {
		return common.PadRight(left, a.c.Width)
	}
	return left + strings.Repeat(" ", gap) + right
}

func (a App) statusLine() string {
	s := a.c.Styles
	var parts []string
	if name := a.conn.cfg.Name; name != "" {
		state := ""
		switch st := a.conn.state; {
		case st == nav.Connecting:
			state = s.StatusBusy.Render("connecting…")
		case st == nav.Connected && a.conn.lost != nil:
			state = s.StatusError.Render("connection lost " + a.conn.lostAt.Format("15:04:05") + " · retrying: " +
				strings.Join(strings.Fields(decode.Sanitize(a.conn.lost.Error())), " "))
		case st == nav.Connected:
			state = s.StatusOK.Render("connected · " + plural(len(a.conn.info.Brokers), "broker"))
		case st == nav.Failed:
			state = s.StatusError.Render("not connected")
		}
		parts = append(parts, s.StatusKey.Render(decode.Sanitize(name))+" "+state)
	}
	if a.page == pageMessages && a.msgs != nil {
		if st := a.msgs.Status(); st != "" {
			parts = append(parts, st)
		}
	}
	if a.window != "" {
		parts = append(parts, s.StatusKey.Render("window")+" "+messages.WindowLabel(a.window))
	}
	if a.hint != "" {
		parts = append(parts, s.StatusOK.Render(a.hint))
	}
	if len(a.parked) > 0 {
		parts = append(parts, s.StatusBusy.Render(fmt.Sprintf("%d export(s) running", len(a.parked))))
	}
	for _, w := range a.conn.warnings {
		parts = append(parts, s.StatusBusy.Render("⚠ "+strings.Join(strings.Fields(decode.Sanitize(w)), " ")))
	}
	if a.conn.denied != "" {
		parts = append(parts, s.StatusBusy.Render(a.conn.denied))
	}
	problems := []string{a.notice}
	for _, err := range []error{a.conn.topicsErr, a.conn.groupsErr} {
		if err != nil {
			problems = append(problems, err.Error())
		}
	}
	for _, p := range problems {
		if p != "" {
			parts = append(parts, s.StatusError.Render(strings.Join(strings.Fields(decode.Sanitize(p)), " ")))
		}
	}
	return common.PadRight(" "+strings.Join(parts, s.Status.Render(" │ ")), a.c.Width)
}

// footer is the focused pane's short help followed by the global keys, which always
// fit: the pane's bindings are cut first on a narrow terminal.
func (a App) footer() string {
	p, _ := a.focused()
	own := enabled(p.ShortHelp())
	var global []key.Binding
	switch {
	case a.confirmQuit, a.confirmLeave:
		own = []key.Binding{a.c.Keys.Yes, a.c.Keys.No}
	case a.showHelp:
		own = []key.Binding{a.c.Keys.Back, a.c.Keys.Quit}
	case !a.capturesInput():
		global = a.c.Keys.Global()
	}
	h := a.help
	h.Styles = a.c.Styles.Help
	tail := ""
	if len(global) > 0 {
		tail = h.ShortHelpView(global)
	}
	room := a.c.Width - 1 // the footer starts with a space
	if tail != "" {
		room -= lipgloss.Width(tail) + lipgloss.Width(h.ShortSeparator)
	}
	line := fitShortHelp(h, own, room)
	switch {
	case line == "":
		line = tail
	case tail != "":
		line += h.Styles.ShortSeparator.Render(h.ShortSeparator) + tail
	}
	return common.PadRight(" "+line, a.c.Width)
}

// fitShortHelp is the short help of as many of bs, in order, as fit in width cells.
// help.Model's own cut adds an item anyway when its ellipsis does not fit, which
// pushed the frame's keys (? help, q quit) off a narrow footer.
func fitShortHelp(h help.Model, bs []key.Binding, width int) string {
	h.SetWidth(0)
	line := ""
	for i := range bs {
		next := h.ShortHelpView(bs[:i+1])
		if lipgloss.Width(next) > width {
			break
		}
		line = next
	}
	return line
}

func enabled(bs []key.Binding) []key.Binding {
	out := make([]key.Binding, 0, len(bs))
	for _, b := range bs {
		if b.Enabled() && b.Help().Key != "" {
			out = append(out, b)
		}
	}
	return out
}

func (a App) helpDialog() string {
	s := a.c.Styles
	p, name := a.focused()
	k := a.c.Keys
	groups := distinctBindings(append(p.FullHelp(), []key.Binding{k.Tab, k.Back, k.Refresh, k.Help, k.Quit}))
	h := a.help
	h.Styles = s.Help
	body := s.DialogTitle.Render("Keys · "+name) + "\n\n" + fullHelpRows(h, groups, a.c.Width-4) +
		"\n\n" + s.Dim.Render("kpeek only reads: it never commits offsets, joins groups or produces.")
	return s.Dialog.MaxWidth(a.c.Width).Render(body)
}

func (a App) quitDialog() string {
	s := a.c.Styles
	var title, text, stay string
	switch {
	case a.busy():
		title, stay = "An export is still running", "keep running"
		text = "Quit now and abandon it? What was not confirmed\nstays in the spool file and can be resumed."
	default:
		title, stay = plural(a.unexported(), "marked record")+" not exported", "stay"
		text = "Quit and lose the marks?"
	}
	body := s.DialogTitle.Render(title) + "\n\n" + text + "\n\n" +
		s.StatusKey.Render("y") + " quit   " + s.StatusKey.Render("n") + " " + stay
	return s.Dialog.Render(body)
}

func (a App) leaveDialog() string {
	s := a.c.Styles
	n := 0
	if a.msgs != nil {
		n = a.msgs.Marks()
	}
	body := s.DialogTitle.Render("Leave "+decode.Sanitize(a.msgsTopic)+" with "+plural(n, "marked record")+"?") + "\n\n" +
		fmt.Sprintf("The pane is kept: opening the topic again brings back\nits window, filter, marks and cursor (the last %d topics).", keptPanes) + "\n\n" +
		s.StatusKey.Render("y") + " leave   " + s.StatusKey.Render("n") + " stay"
	return s.Dialog.Render(body)
}

// distinctBindings keeps each key once, where it first appears (the pane's own
// description wins over the frame's), and drops disabled bindings and empty groups,
// so the help screen lists exactly what the keys do now.
func distinctBindings(groups [][]key.Binding) [][]key.Binding {
	seen := map[string]bool{}
	var out [][]key.Binding
	for _, g := range groups {
		var kept []key.Binding
		for _, b := range g {
			if !b.Enabled() || b.Help().Key == "" || seen[b.Help().Key] {
				continue
			}
			dup := false
			for _, k := range b.Keys() {
				dup = dup || seen[k]
			}
			if dup {
				continue
			}
			seen[b.Help().Key] = true
			for _, k := range b.Keys() {
				seen[k] = true
			}
			kept = append(kept, b)
		}
		if len(kept) > 0 {
			out = append(out, kept)
		}
	}
	return out
}

// plural renders a count with its noun: "1 broker", "3 brokers".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// fullHelpRows lays the help columns out in as many rows as the width needs.
func fullHelpRows(h help.Model, groups [][]key.Binding, width int) string {
	var rows []string
	var row [][]key.Binding
	for _, g := range groups {
		if len(row) > 0 && lipgloss.Width(h.FullHelpView(append(row, g))) > width {
			rows = append(rows, h.FullHelpView(row))
			row = nil
		}
		row = append(row, g)
	}
	if len(row) > 0 {
		rows = append(rows, h.FullHelpView(row))
	}
	return strings.Join(rows, "\n\n")
}
