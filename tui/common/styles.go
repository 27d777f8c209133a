package common

import (
	"image/color"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/textinput"
	"charm.land/lipgloss/v2"
)

// Palette is the handful of colours the explorer's styles are built from.
type Palette struct {
	IsDark, NoColor               bool
	Accent, Subtle, Muted, Border color.Color
	Text, SelectedBg, Error, OK   color.Color
	Warn                          color.Color
}

// NewPalette picks colours readable on a dark or light background. With noColor (the
// NO_COLOR convention) every colour is the terminal's default and styles fall back on
// bold, faint and reverse video.
func NewPalette(isDark, noColor bool) Palette {
	ld := lipgloss.LightDark(isDark)
	p := Palette{
		IsDark: isDark, NoColor: noColor,
		Accent:     ld(lipgloss.Color("#5A3FC0"), lipgloss.Color("#A98BFF")),
		Subtle:     ld(lipgloss.Color("#6B6B6B"), lipgloss.Color("#9A9A9A")),
		Muted:      ld(lipgloss.Color("#9A9A9A"), lipgloss.Color("#5F5F5F")),
		Border:     ld(lipgloss.Color("#C8C8C8"), lipgloss.Color("#3C3C3C")),
		Text:       ld(lipgloss.Color("#1A1A1A"), lipgloss.Color("#E4E4E4")),
		SelectedBg: ld(lipgloss.Color("#DCD3FF"), lipgloss.Color("#3B2F6B")),
		Error:      ld(lipgloss.Color("#B00020"), lipgloss.Color("#FF6B6B")),
		OK:         ld(lipgloss.Color("#1B7F3B"), lipgloss.Color("#5FD787")),
		Warn:       ld(lipgloss.Color("#9A6700"), lipgloss.Color("#E3B341")),
	}
	if noColor {
		none := lipgloss.NoColor{}
		p.Accent, p.Subtle, p.Muted, p.Border = none, none, none, none
		p.Text, p.SelectedBg, p.Error, p.OK, p.Warn = none, none, none, none, none
	}
	return p
}

// Styles is every style the explorer uses, built for a dark or light background.
type Styles struct {
	Palette Palette

	Header, HeaderTitle, HeaderCrumb lipgloss.Style // the top line
	Status, StatusOK, StatusBusy     lipgloss.Style // the status line
	StatusError, StatusKey           lipgloss.Style
	Separator                        lipgloss.Style // the rule between navigation and main pane

	PaneTitle, PaneTitleFocused lipgloss.Style // the first line of each pane
	Section                     lipgloss.Style // headings inside a pane
	Label, Value, Dim, Error    lipgloss.Style // label: value pairs and quiet text
	OK, Warn                    lipgloss.Style

	NavItem, NavSelected, NavSelectedBlur, NavActive lipgloss.Style

	TableHeader, TableCell, TableSelected, TableSelectedBlur lipgloss.Style

	FilterPrompt lipgloss.Style
	Input        textinput.Styles

	Dialog, DialogTitle lipgloss.Style // the quit confirmation and the help overlay
	Help                help.Styles

	Messages MessagesStyles
}

// NewStyles builds the explorer's styles for a dark or light background.
func NewStyles(isDark, noColor bool) *Styles {
	p := NewPalette(isDark, noColor)
	base := lipgloss.NewStyle()
	s := &Styles{Palette: p}

	s.Header = base.Foreground(p.Subtle)
	s.HeaderTitle = base.Foreground(p.Accent).Bold(true)
	s.HeaderCrumb = base.Foreground(p.Text)
	s.Status = base.Foreground(p.Subtle)
	s.StatusOK = base.Foreground(p.OK)
	s.StatusBusy = base.Foreground(p.Warn)
	s.StatusError = base.Foreground(p.Error).Bold(true)
	s.StatusKey = base.Foreground(p.Text).Bold(true)
	s.Separator = base.Foreground(p.Border)

	s.PaneTitle = base.Foreground(p.Subtle).Bold(true)
	s.PaneTitleFocused = base.Foreground(p.Accent).Bold(true)
	s.Section = base.Foreground(p.Accent).Bold(true)
	s.Label = base.Foreground(p.Subtle)
	s.Value = base.Foreground(p.Text)
	s.Dim = base.Foreground(p.Muted)
	s.Error = base.Foreground(p.Error)
	s.OK = base.Foreground(p.OK)
	s.Warn = base.Foreground(p.Warn)

	s.NavItem = base.Foreground(p.Text)
	s.NavSelected = base.Foreground(p.Text).Background(p.SelectedBg).Bold(true)
	s.NavSelectedBlur = base.Foreground(p.Text).Underline(true)
	s.NavActive = base.Foreground(p.Accent).Bold(true)

	s.TableHeader = base.Foreground(p.Subtle).Bold(true)
	s.TableCell = base.Foreground(p.Text)
	s.TableSelected = base.Foreground(p.Text).Background(p.SelectedBg).Bold(true)
	s.TableSelectedBlur = base.Foreground(p.Text).Underline(true)

	s.FilterPrompt = base.Foreground(p.Accent).Bold(true)
	s.Input = textinput.DefaultStyles(isDark)
	s.Input.Focused.Prompt = s.FilterPrompt
	s.Input.Blurred.Prompt = s.Label
	s.Input.Cursor.Blink = false // a steady cursor redraws nothing over a slow SSH link

	s.Dialog = base.Border(lipgloss.RoundedBorder()).BorderForeground(p.Accent).Padding(0, 1)
	s.DialogTitle = base.Foreground(p.Accent).Bold(true)
	s.Help = help.DefaultStyles(isDark)
	s.Messages = NewMessagesStyles(isDark)

	if noColor {
		// Without colour the selection and the dialog frame must still show.
		s.NavSelected = base.Reverse(true).Bold(true)
		s.TableSelected = base.Reverse(true).Bold(true)
		s.StatusError = base.Bold(true)
		s.Help = help.Styles{ShortKey: base.Bold(true), FullKey: base.Bold(true),
			ShortDesc: base, FullDesc: base, ShortSeparator: base.Faint(true),
			FullSeparator: base.Faint(true), Ellipsis: base.Faint(true)}
		s.Input = textinput.Styles{Focused: textinput.StyleState{Prompt: base.Bold(true)},
			Blurred: textinput.StyleState{Prompt: base}, Cursor: s.Input.Cursor}
	}
	return s
}

// Title is the style of a pane's first line: the accent when the pane has the keyboard.
func (s *Styles) Title(focused bool) lipgloss.Style {
	if focused {
		return s.PaneTitleFocused
	}
	return s.PaneTitle
}
