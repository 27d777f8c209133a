// Package common holds what every pane of the explorer shares: size, styles, keys, logger.
// The messages pane keeps its own styles and keys in styles_messages.go.
package common

import (
	"log/slog"

	"charm.land/bubbles/v2/key"
)

// Common is handed to every pane. Width and Height are the whole terminal's size; each
// pane learns its own area through SetSize. Styles is replaced in place when the
// terminal reports its background, so panes must read it at View time, not copy it.
type Common struct {
	Width, Height int
	Styles        *Styles
	Keys          *KeyMap
	Logger        *slog.Logger
}

// New returns a Common with default dark styles and the default keymap.
func New(logger *slog.Logger) *Common {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Common{Styles: NewStyles(true, false), Keys: DefaultKeyMap(), Logger: logger}
}

// KeyMap declares every key binding once, with help text.
type KeyMap struct {
	Up, Down, Enter, Back, Tab, Filter, Help, Quit key.Binding
	Mark, MarkRange, MarkAll, Export, Copy         key.Binding
	Messages                                       MessagesKeys

	// Frame and table bindings.
	ShiftTab, PageUp, PageDown, Home, End key.Binding
	ToggleInternal, Readers, Refresh      key.Binding
	Yes, No                               key.Binding
}
