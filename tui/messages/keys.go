package messages

import (
	"strings"

	"charm.land/bubbles/v2/key"

	"github.com/kpeek/kpeek/tui/common"
)

// keyMap is every binding the pane reacts to: the shared ones from common.KeyMap and
// the pane's own from common.MessagesKeys. A shared binding the frame left empty falls
// back to the product's default, so the pane never has a dead key.
type keyMap struct {
	Up, Down, Enter, Back, Filter    key.Binding
	PageUp, PageDown, Top, Bottom    key.Binding
	Mark, MarkRange, MarkAll, Export key.Binding
	Copy                             key.Binding
	Scan                             key.Binding // sensitive-data scan of the loaded (or filtered) records
	common.MessagesKeys
}

func newKeyMap(km *common.KeyMap) keyMap {
	var shared common.KeyMap
	if km != nil {
		shared = *km
	}
	own := shared.Messages
	if len(own.Submit.Keys()) == 0 {
		own = common.NewMessagesKeys()
	}
	return keyMap{
		Up:           orDefault(shared.Up, "k", "↑/k", "up", "up"),
		Down:         orDefault(shared.Down, "j", "↓/j", "down", "down"),
		PageUp:       orDefault(shared.PageUp, "pgup", "pgup", "page up"),
		PageDown:     orDefault(shared.PageDown, "pgdown", "pgdn", "page down"),
		Top:          without(orDefault(shared.Home, "home", "home", "first"), "g"), // g goes to a time here
		Bottom:       orDefault(shared.End, "G", "G/end", "last (follow)", "end"),
		Enter:        orDefault(shared.Enter, "enter", "enter", "open record"),
		Back:         orDefault(shared.Back, "esc", "esc", "back"),
		Filter:       orDefault(shared.Filter, "/", "/", "filter"),
		Mark:         orDefault(shared.Mark, "space", "space", "mark"),
		MarkRange:    orDefault(shared.MarkRange, "v", "v", "mark range"),
		MarkAll:      orDefault(shared.MarkAll, "A", "A", "mark all matching"),
		Export:       orDefault(shared.Export, "e", "e", "export"),
		Copy:         orDefault(shared.Copy, "y", "y", "copy"),
		Scan:         key.NewBinding(key.WithKeys("S"), key.WithHelp("S", "scan for sensitive data")),
		MessagesKeys: own,
	}
}

// orDefault returns b, or a binding to keys (the first help argument is the help key,
// the second its description; extra keys come first) when b has none.
func orDefault(b key.Binding, k string, rest ...string) key.Binding {
	if len(b.Keys()) > 0 {
		return b
	}
	keys := []string{k}
	help, desc := rest[0], rest[1]
	keys = append(keys, rest[2:]...)
	return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
}

// without is b minus one key, its help naming the keys left.
func without(b key.Binding, drop string) key.Binding {
	var keys []string
	for _, k := range b.Keys() {
		if k != drop {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return key.NewBinding(key.WithDisabled())
	}
	return key.NewBinding(key.WithKeys(keys...), key.WithHelp(strings.Join(keys, "/"), b.Help().Desc))
}

// ShortHelp lists the pane's main bindings for the footer, for what is open now,
// most useful first: a narrow footer cuts from the end.
func (m Model) ShortHelp() []key.Binding {
	k := m.keys
	switch {
	case m.scan.open:
		return []key.Binding{k.Up, k.Down, k.Scan, k.Back}
	case m.prompt.open:
		return []key.Binding{k.Submit, k.NextField, k.Toggle, k.Back}
	case m.export.open:
		if m.export.running {
			return []key.Binding{k.Cancel, k.Back}
		}
		return []key.Binding{k.Submit, k.NextField, k.Toggle, k.Back}
	case m.detail.open:
		return []key.Binding{k.Copy, k.Raw, k.NextRecord, k.PrevRecord, k.Back}
	case m.filter.typing, m.jump.open:
		return []key.Binding{k.Submit, k.Back}
	}
	return []key.Binding{k.Mark, k.Export, k.Filter, k.Enter, k.Copy, k.MarkRange, k.WidenBefore, k.Jump}
}

// FullHelp lists every binding that works in what is open now, for the ? screen.
func (m Model) FullHelp() [][]key.Binding {
	k := m.keys
	switch {
	case m.prompt.open:
		return [][]key.Binding{{k.Submit, k.NextField, k.PrevField, k.Toggle, k.Back}}
	case m.export.open:
		if m.export.running {
			return [][]key.Binding{{k.Cancel, k.Back}}
		}
		return [][]key.Binding{{k.Submit, k.NextField, k.PrevField, k.Toggle, k.Back}}
	case m.detail.open:
		return [][]key.Binding{
			{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
			{k.NextRecord, k.PrevRecord, k.Raw, k.Copy, k.Back},
		}
	case m.filter.typing, m.jump.open:
		return [][]key.Binding{{k.Submit, k.Back}}
	}
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
		{k.Enter, k.Filter, k.Start, k.WidenBefore, k.WidenAfter, k.Jump},
		{k.Mark, k.MarkRange, k.MarkAll, k.ClearMarks, k.Export, k.Copy},
		{k.Order, k.Zone, k.Columns, k.Scan, k.Back},
	}
}
