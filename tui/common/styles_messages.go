package common

import (
	"os"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	"charm.land/lipgloss/v2"
)

// MessagesStyles are the messages pane's styles.
type MessagesStyles struct {
	Header      lipgloss.Style // the counter line above the timeline
	Muted       lipgloss.Style // secondary text: hints, axis labels, empty cells
	Error       lipgloss.Style // inline errors (bad filter, failed read)
	Notice      lipgloss.Style // warnings such as "oldest records dropped"
	ColumnTitle lipgloss.Style // the table's column header row
	Row         lipgloss.Style
	Cursor      lipgloss.Style // the selected row
	Marked      lipgloss.Style // a marked row
	MarkGlyph   lipgloss.Style // the mark column's glyph
	Timeline    lipgloss.Style // histogram bars
	FilterLabel lipgloss.Style
	DialogTitle lipgloss.Style
	Dialog      lipgloss.Style // the box around the start prompt and the export dialog
	Label       lipgloss.Style // field labels in dialogs and the detail view
	Focused     lipgloss.Style // the focused field's label
	Progress    lipgloss.Style
	Input       textinput.Styles // the filter, start prompt and export dialog inputs

	// Highlight turns chroma highlighting on in the detail view; off under NO_COLOR.
	Highlight bool
	// ChromaStyle names the chroma style for the background.
	ChromaStyle string
	// ProgressFrom and ProgressTo are the progress bar's gradient ends.
	ProgressFrom, ProgressTo string
}

// NewMessagesStyles builds the messages pane's styles for a dark or light background.
func NewMessagesStyles(dark bool) MessagesStyles {
	ld := lipgloss.LightDark(dark)
	fg := ld(lipgloss.Color("#1f2328"), lipgloss.Color("#e6edf3"))
	muted := ld(lipgloss.Color("#6e7781"), lipgloss.Color("#8b949e"))
	accent := ld(lipgloss.Color("#0969da"), lipgloss.Color("#58a6ff"))
	warn := ld(lipgloss.Color("#9a6700"), lipgloss.Color("#d29922"))
	bad := ld(lipgloss.Color("#cf222e"), lipgloss.Color("#f85149"))
	selBG := ld(lipgloss.Color("#ddf4ff"), lipgloss.Color("#1f3a5f"))
	markFG := ld(lipgloss.Color("#8250df"), lipgloss.Color("#d2a8ff"))

	s := MessagesStyles{
		Header:      lipgloss.NewStyle().Foreground(fg).Bold(true),
		Muted:       lipgloss.NewStyle().Foreground(muted),
		Error:       lipgloss.NewStyle().Foreground(bad),
		Notice:      lipgloss.NewStyle().Foreground(warn),
		ColumnTitle: lipgloss.NewStyle().Foreground(muted).Bold(true),
		Row:         lipgloss.NewStyle().Foreground(fg),
		Cursor:      lipgloss.NewStyle().Background(selBG).Foreground(fg).Bold(true),
		Marked:      lipgloss.NewStyle().Foreground(markFG),
		MarkGlyph:   lipgloss.NewStyle().Foreground(markFG).Bold(true),
		Timeline:    lipgloss.NewStyle().Foreground(accent),
		FilterLabel: lipgloss.NewStyle().Foreground(accent).Bold(true),
		DialogTitle: lipgloss.NewStyle().Foreground(accent).Bold(true),
		Dialog: lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).
			BorderForeground(accent).Padding(0, 1),
		Label:        lipgloss.NewStyle().Foreground(muted),
		Focused:      lipgloss.NewStyle().Foreground(accent).Bold(true),
		Progress:     lipgloss.NewStyle().Foreground(fg),
		Highlight:    os.Getenv("NO_COLOR") == "",
		ChromaStyle:  "github",
		ProgressFrom: "#0969da",
		ProgressTo:   "#8250df",
	}
	s.Input = textinput.DefaultStyles(dark)
	s.Input.Cursor.Blink = false // a steady cursor redraws nothing over a slow SSH link
	if dark {
		s.ChromaStyle = "github-dark"
		s.ProgressFrom, s.ProgressTo = "#58a6ff", "#d2a8ff"
	}
	if !s.Highlight { // NO_COLOR: the cursor row must still show
		s.Cursor = lipgloss.NewStyle().Reverse(true).Bold(true)
	}
	return s
}

// MessagesKeys are the messages pane's own bindings; the shared ones (up, down, page
// up/down, home, end, enter, esc, /, space, v, A, e, y) come from KeyMap.
type MessagesKeys struct {
	ClearMarks           key.Binding // unmark everything
	Start                key.Binding // reopen the "where to start" prompt
	Raw                  key.Binding // detail: decoded → hex → base64
	NextField, PrevField key.Binding // prompt and dialog fields
	Toggle               key.Binding // prompt/dialog: flip a choice
	Submit               key.Binding // prompt/dialog: run
	Cancel               key.Binding // dialog: cancel a running export
	Order                key.Binding // cycle the row order: time, partition, offset, size, key
	Zone                 key.Binding // show times in UTC or local time
	WidenBefore          key.Binding // load the hour before what is loaded
	WidenAfter           key.Binding // load the hour after what is loaded
	Jump                 key.Binding // go to a time
	NextRecord           key.Binding // detail: the next record without going back
	PrevRecord           key.Binding // detail: the previous record
	Columns              key.Binding // choose decoded fields as table columns
}

// NewMessagesKeys returns the messages pane's default bindings.
func NewMessagesKeys() MessagesKeys {
	return MessagesKeys{
		ClearMarks:  key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "clear marks")),
		Start:       key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "where to start")),
		Raw:         key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "raw hex/base64")),
		NextField:   key.NewBinding(key.WithKeys("tab", "down"), key.WithHelp("tab", "next field")),
		PrevField:   key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab", "previous field")),
		Toggle:      key.NewBinding(key.WithKeys("ctrl+t", "space"), key.WithHelp("space", "toggle")),
		Submit:      key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "run")),
		Cancel:      key.NewBinding(key.WithKeys("ctrl+x"), key.WithHelp("ctrl+x", "cancel export")),
		Order:       key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "order: time/partition/offset/size/key")),
		Zone:        key.NewBinding(key.WithKeys("z"), key.WithHelp("z", "UTC/local time")),
		WidenBefore: key.NewBinding(key.WithKeys("["), key.WithHelp("[", "load the hour before")),
		WidenAfter:  key.NewBinding(key.WithKeys("]"), key.WithHelp("]", "load the hour after")),
		Jump:        key.NewBinding(key.WithKeys("g"), key.WithHelp("g", "go to a time")),
		NextRecord:  key.NewBinding(key.WithKeys("n", "right"), key.WithHelp("n/→", "next record")),
		PrevRecord:  key.NewBinding(key.WithKeys("p", "left"), key.WithHelp("p/←", "previous record")),
		Columns:     key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "fields as columns")),
	}
}
