package messages

import (
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/kpeek/kpeek/decode"
)

// copyCmd puts s on the clipboard (OSC 52). Every copy goes through here: whatever a
// caller prepared, the text is made inert first, so a payload can never smuggle ESC,
// other C0/C1 controls or bidi overrides into a shell it is pasted into (a bracketed
// paste end "\x1b[201~" would otherwise turn the rest of the paste into a command).
// Line feeds stay; everything else unsafe becomes visible escapes, as on screen.
func copyCmd(s string) tea.Cmd {
	return tea.SetClipboard(clipboardText(s))
}

// clipboardText is s as the clipboard receives it.
func clipboardText(s string) string { return decode.SanitizeMultiline(s) }

// copyRecord copies the record under the cursor as one envelope line, as consume
// prints it; it decodes in a Cmd because decoding may reach the schema registry.
func (m Model) copyRecord() (Model, tea.Cmd) {
	if m.rowCount() == 0 {
		return m, nil
	}
	r := m.store.At(m.rowSeq(m.cursor))
	if r == nil {
		return m, nil
	}
	dec, ctx := m.dec, m.ctx
	m.notice = fmt.Sprintf("copied partition %d offset %d as an envelope line (OSC 52)", r.Partition, r.Offset)
	return m, tea.Batch(m.auditCopy(r, "envelope line"), func() tea.Msg {
		e := dec.Decode(ctx, r)
		line := e.AppendJSON(nil, decode.JSONOptions{})
		if len(line) > copyMax {
			line = line[:copyMax]
		}
		return copyCmd(string(line))()
	})
}
