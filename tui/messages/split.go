package messages

import (
	"strings"

	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/kpeek/kpeek/tui/common"
)

// splitWidth is the pane width from which the record under the cursor shows beside
// the table, so reading records needs no enter and esc.
const splitWidth = 150

// previewLoadedMsg is a decoded record for the side preview.
type previewLoadedMsg struct{ detailLoadedMsg }

// split reports whether the table and a preview of the cursor record share the pane.
func (m Model) split() bool {
	return m.width >= splitWidth && !m.detail.open && !m.prompt.open && !m.export.open
}

// splitWidths are the table's and the preview's widths (one column between).
func (m Model) splitWidths() (int, int) {
	left := m.width * 11 / 20
	return left, m.width - left - 1
}

// syncPreview asks for the cursor record's preview when it changed.
func (m Model) syncPreview() (Model, tea.Cmd) {
	if !m.split() || m.rowCount() == 0 {
		return m, nil
	}
	seq := m.rowSeq(min(max(m.cursor, 0), m.rowCount()-1))
	if m.preview.open && m.preview.seq == seq {
		return m, nil
	}
	r := m.store.At(seq)
	if r == nil {
		return m, nil
	}
	_, w := m.splitWidths()
	p := detailState{open: true, id: m.preview.id + 1, seq: seq, vp: viewport.New()}
	p = p.setSize(w, m.height)
	p.vp.SetContent("decoding…")
	m.preview = p
	id, dec, ctx, st := p.id, m.dec, m.ctx, m.st()
	return m, func() tea.Msg {
		e := dec.Decode(ctx, r)
		return previewLoadedMsg{renderDetail(id, &e, st)}
	}
}

func (m Model) updatePreview(msg previewLoadedMsg) Model {
	if msg.id != m.preview.id || !m.preview.open {
		return m
	}
	m.preview = m.preview.fill(msg.detailLoadedMsg)
	return m
}

// splitView is the table on the left and the cursor record on the right.
func (m Model) splitView() string {
	lw, rw := m.splitWidths()
	left := m
	left.width = lw
	sep := m.st().Muted.Render(strings.TrimSuffix(strings.Repeat("│\n", m.height), "\n"))
	right := common.Box(strings.Join(m.preview.previewLines(m.st(), rw), "\n"), rw, m.height)
	return lipgloss.JoinHorizontal(lipgloss.Top, left.mainView(), sep, right)
}

// previewLines is the record's title and as much of it as fits.
func (d detailState) previewLines(st common.MessagesStyles, w int) []string {
	if !d.open {
		return nil
	}
	lines := []string{st.DialogTitle.Render(common.Truncate(d.title, w))}
	return append(lines, strings.Split(d.vp.View(), "\n")...)
}
