// Package common holds what every pane of the explorer shares: size, styles, keys, logger.
// OWNER: tui frame helper. The messages pane may add its own fields in files named *_messages.go.
package common

import (
	"log/slog"

	"charm.land/bubbles/v2/key"
)

// Common is handed to every pane.
type Common struct {
	Width, Height int
	Styles        *Styles
	Keys          *KeyMap
	Logger        *slog.Logger
}

// Styles is every style the explorer uses, built for a dark or light background.
type Styles struct {
	// Frame helper fills these in (and adds more); see styles.go.
	Messages MessagesStyles
}

// KeyMap declares every key binding once, with help text.
type KeyMap struct {
	Up, Down, Enter, Back, Tab, Filter, Help, Quit key.Binding
	Mark, MarkRange, MarkAll, Export, Copy         key.Binding
	Messages                                       MessagesKeys
}
