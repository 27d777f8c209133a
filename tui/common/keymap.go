package common

import "charm.land/bubbles/v2/key"

// DefaultKeyMap returns the explorer's bindings, the README's "Explorer keys" (lazygit, k9s
// and less habits).
func DefaultKeyMap() *KeyMap {
	b := func(keys []string, help, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return &KeyMap{
		Up:        b([]string{"up", "k"}, "↑/k", "up"),
		Down:      b([]string{"down", "j"}, "↓/j", "down"),
		Enter:     b([]string{"enter"}, "enter", "open"),
		Back:      b([]string{"esc"}, "esc", "back"),
		Tab:       b([]string{"tab"}, "tab", "next pane"),
		Filter:    b([]string{"/"}, "/", "filter"),
		Help:      b([]string{"?"}, "?", "help"),
		Quit:      b([]string{"q", "ctrl+c"}, "q", "quit"),
		Mark:      b([]string{"space"}, "space", "mark"),
		MarkRange: b([]string{"v"}, "v", "mark range"),
		MarkAll:   b([]string{"A"}, "A", "mark all matching"),
		Export:    b([]string{"e"}, "e", "export"),
		Copy:      b([]string{"y"}, "y", "copy"),
		Messages:  NewMessagesKeys(),

		ShiftTab:       b([]string{"shift+tab"}, "shift+tab", "previous pane"),
		PageUp:         b([]string{"pgup", "ctrl+u"}, "pgup", "page up"),
		PageDown:       b([]string{"pgdown", "ctrl+d"}, "pgdn", "page down"),
		Home:           b([]string{"home", "g"}, "g/home", "first"),
		End:            b([]string{"end", "G"}, "G/end", "last"),
		ToggleInternal: b([]string{"i"}, "i", "internal topics"),
		Readers:        b([]string{"r"}, "r", "groups reading"),
		Refresh:        b([]string{"ctrl+r"}, "ctrl+r", "refresh"),
		Yes:            b([]string{"y", "Y"}, "y", "yes"),
		No:             b([]string{"n", "N", "esc"}, "n", "no"),
	}
}

// Global are the bindings that work everywhere, for the footer's tail.
func (k *KeyMap) Global() []key.Binding {
	return []key.Binding{k.Tab, k.Help, k.Quit}
}

// TableHelp lists the movement bindings every table shares.
func (k *KeyMap) TableHelp() []key.Binding {
	return []key.Binding{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End}
}
