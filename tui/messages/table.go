package messages

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/kafka"
	"github.com/kpeek/kpeek/tui/common"
)

// rowText is one record's decoded key and value, already sanitized, cut for a row.
type rowText struct {
	key, value string
	fields     []string // the chosen columns' cells
}

// rowCache holds the decoded text of rows that were on screen. It is small on
// purpose: the store keeps raw bytes and only what is shown is ever decoded here.
type rowCache struct {
	gen     int
	text    map[int64]rowText
	pending map[int64]bool
}

// rowsDecodedMsg answers a decode of visible rows for cache generation gen.
type rowsDecodedMsg struct {
	gen  int
	rows map[int64]rowText
}

const (
	rowCacheMax   = 8192
	previewRunes  = 400 // the widest value preview a row ever shows
	previewSource = 4096
)

func newRowCache() rowCache {
	return rowCache{text: map[int64]rowText{}, pending: map[int64]bool{}}
}

// reset forgets every row and makes answers to earlier decodes stale.
func (c *rowCache) reset() {
	gen := c.gen + 1
	*c = newRowCache()
	c.gen = gen
}

func (c *rowCache) add(msg rowsDecodedMsg) {
	if msg.gen != c.gen {
		return
	}
	if len(c.text)+len(msg.rows) > rowCacheMax {
		c.text = make(map[int64]rowText, len(msg.rows))
	}
	for seq, t := range msg.rows {
		c.text[seq] = t
		delete(c.pending, seq)
	}
}

// decodeVisible asks for the rows on screen (and a page either side) that are not
// decoded yet. Decoding may reach the schema registry, so it runs in a Cmd.
func (m Model) decodeVisible() tea.Cmd {
	if m.store.Len() == 0 || m.prompt.open {
		return nil
	}
	h := max(1, m.tableHeight())
	from := max(0, m.top-h)
	to := min(m.rowCount(), m.top+2*h)
	var seqs []int64
	var recs []*kafka.Record
	for i := from; i < to; i++ {
		seq := m.rowSeq(i)
		if _, ok := m.rows.text[seq]; ok || m.rows.pending[seq] {
			continue
		}
		r := m.store.At(seq)
		if r == nil {
			continue
		}
		m.rows.pending[seq] = true
		seqs = append(seqs, seq)
		recs = append(recs, r) // records in the store are never changed: safe to share
	}
	if len(seqs) == 0 {
		return nil
	}
	gen, dec, ctx, cols := m.rows.gen, m.dec, m.ctx, m.cols
	return func() tea.Msg {
		out := make(map[int64]rowText, len(seqs))
		for i, r := range recs {
			out[seqs[i]] = previewRecord(ctx, dec, r, cols)
		}
		return rowsDecodedMsg{gen: gen, rows: out}
	}
}

// previewRecord decodes r and cuts its key and value to one sanitized line each.
func previewRecord(ctx context.Context, dec *decode.Decoder, r *kafka.Record, cols []string) rowText {
	e := dec.Decode(ctx, r)
	t := rowText{key: preview(&e.Key, 64), value: preview(&e.Value, previewRunes)}
	for _, c := range cols {
		t.fields = append(t.fields, oneLine(cutUTF8(fieldText(&e, c), previewSource)))
	}
	switch {
	case e.Value.Encoding == decode.EncodingNull:
		t.value = "∅ tombstone"
	case e.Value.Error != "":
		t.value = "⚠ " + t.value
	}
	if e.Key.Encoding == decode.EncodingNull {
		t.key = "∅"
	}
	return t
}

// preview renders at most the first few KiB of d, so a 2 MB value costs no more than a small one.
func preview(d *decode.Decoded, width int) string {
	c := *d
	if len(c.JSON) > previewSource {
		c.JSON = c.JSON[:previewSource]
	}
	if len(c.Raw) > previewSource {
		c.Raw = c.Raw[:previewSource]
	}
	return decode.Preview(&c, width)
}

// rowCount is how many rows the table has: the filter's matches, or every record.
func (m Model) rowCount() int {
	if m.filter.active() {
		return len(m.ord.rows)
	}
	return len(m.ord.all)
}

// rowSeq is the store sequence number shown at row i, in the chosen order.
func (m Model) rowSeq(i int) int64 {
	if m.filter.active() {
		return m.ord.rows[i]
	}
	return m.ord.all[i]
}

// clampCursor keeps the cursor on a row and the cursor row on screen.
func (m Model) clampCursor() Model {
	n := m.rowCount()
	m.cursor = min(max(0, m.cursor), max(0, n-1))
	h := max(1, m.tableHeight())
	if m.cursor < m.top {
		m.top = m.cursor
	}
	if m.cursor >= m.top+h {
		m.top = m.cursor - h + 1
	}
	m.top = max(0, min(m.top, n-h))
	return m
}

func (m Model) tableKey(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	k := m.keys
	h := max(1, m.tableHeight())
	last := m.rowCount() - 1
	switch {
	case key.Matches(msg, k.Up):
		m.cursor--
		m.tail = false
	case key.Matches(msg, k.Down):
		m.cursor++
		m.tail = m.cursor >= last
	case key.Matches(msg, k.PageUp):
		m.cursor -= h
		m.top -= h
		m.tail = false
	case key.Matches(msg, k.PageDown):
		m.cursor += h
		m.top += h
		m.tail = m.cursor >= last
	case key.Matches(msg, k.Top):
		m.cursor, m.tail = 0, false
	case key.Matches(msg, k.Bottom):
		m.cursor, m.tail = last, true
	case key.Matches(msg, k.Enter):
		return m.openDetail()
	case key.Matches(msg, k.Filter):
		return m.openFilter()
	case key.Matches(msg, k.Mark, k.MarkRange, k.MarkAll, k.ClearMarks):
		return m.markKey(msg), nil
	case key.Matches(msg, k.Export):
		return m.openExport()
	case key.Matches(msg, k.Copy):
		return m.copyRecord()
	case key.Matches(msg, k.WidenBefore):
		return m.widen(true)
	case key.Matches(msg, k.WidenAfter):
		return m.widen(false)
	case key.Matches(msg, k.Jump):
		return m.openJump()
	case key.Matches(msg, k.Columns):
		return m.openColumns()
	case key.Matches(msg, k.Order):
		m = m.setOrder((m.ord.by + 1) % sortModes)
		m.notice = "rows in " + sortNames[m.ord.by] + " order"
	case key.Matches(msg, k.Zone):
		m.local = !m.local
		m.notice = "times in UTC"
		if m.local {
			m.notice = "times in local time (" + oneLine(time.Now().Format("MST, -07:00")) + ")"
		}
	case key.Matches(msg, k.Start):
		return m.openPrompt()
	case key.Matches(msg, k.Scan):
		return m.startScan()
	case key.Matches(msg, k.Back):
		switch {
		case m.marks.anchoring:
			m.marks.anchoring, m.notice = false, ""
		case m.filter.active() || m.filter.err != "":
			return m.dropFilter()
		}
	}
	return m, nil
}

// timelineHeight is how many lines the histogram takes at this pane height.
func (m Model) timelineHeight() int {
	switch {
	case m.height >= 30:
		return 3
	case m.height >= 16:
		return 2
	case m.height >= 10:
		return 1
	}
	return 0
}

// tableHeight is how many record rows fit under the counter, timeline and filter lines.
func (m Model) tableHeight() int {
	used := 1 + m.timelineHeight() + 1 + len(m.filterLines()) // counter, timeline, column titles, filter
	if m.noticeLine() != "" {
		used++
	}
	return max(0, m.height-used)
}

// columns are the table's column widths for a pane width.
type columns struct {
	time, part, offset, key, size, value int
	timeLayout                           string
}

func layout(width, fields int) columns {
	c := columns{time: 14, part: 3, offset: 9, key: 14, size: 6, timeLayout: "01-02 15:04:05"}
	if width >= 110 {
		c.time, c.timeLayout, c.key = 23, "2006-01-02 15:04:05.000", 22
	} else if fields > 0 {
		c.key, c.offset = 0, 7 // the chosen fields need the room more than the key
	}
	// mark glyph, cursor pointer and a space, then a space between each column.
	fixed := 3 + c.time + 1 + c.part + 1 + c.offset + 1 + c.key + 1 + c.size + 1
	if c.key == 0 {
		fixed--
	}
	c.value = max(8, width-fixed)
	return c
}

// tableView renders the column titles and the h visible rows.
func (m Model) tableView(h int) []string {
	st := m.st()
	c := layout(m.width, len(m.cols))
	value := common.PadRight("VALUE", c.value)
	if len(m.cols) > 0 {
		titles := make([]string, len(m.cols))
		for i, f := range m.cols {
			titles[i] = oneLine(columnTitle(f))
		}
		value = fieldCells(titles, c.value)
	}
	title := "   " + common.PadRight("TIME "+m.zoneName(), c.time) + " " + common.PadLeft("P", c.part) + " " + common.PadLeft("OFFSET", c.offset) +
		" " + keyCell("KEY", c.key) + value + " " + common.PadLeft("SIZE", c.size)
	lines := []string{st.ColumnTitle.Render(common.Truncate(title, m.width))}
	n := m.rowCount()
	if n == 0 {
		lines = append(lines, st.Muted.Render(common.Truncate("  "+m.emptyText(), m.width)))
		return lines
	}
	for i := m.top; i < min(n, m.top+h); i++ {
		lines = append(lines, m.rowLine(i, c))
	}
	return lines
}

// emptyText explains an empty table.
func (m Model) emptyText() string {
	switch {
	case m.rd.err != nil:
		return "" // the notice line shows the error
	case m.rd.id == 0:
		return fmt.Sprintf("nothing read yet — press %s to choose where to start", m.keys.Start.Help().Key)
	case m.filtering():
		return "filtering…"
	case m.filter.active():
		return "no record matches the filter"
	case m.rd.live || m.rd.starting:
		return "waiting for records…"
	}
	return "no records in this range"
}

func (m Model) rowLine(i int, c columns) string {
	st := m.st()
	seq := m.rowSeq(i)
	r := m.store.At(seq)
	if r == nil {
		return ""
	}
	t, ok := m.rows.text[seq]
	if !ok {
		t = rowText{key: "…", value: "…"}
	}
	glyph := " "
	if m.marks.has(seq) {
		glyph = "●"
	} else if m.marks.anchoring && m.marks.anchor == seq {
		glyph = "▸"
	}
	pointer := " "
	if i == m.cursor {
		pointer = "▸" // visible without colour too
	}
	value := common.PadRight(t.value, c.value)
	if len(m.cols) > 0 {
		cells := t.fields
		if !ok || len(cells) != len(m.cols) {
			cells = make([]string, len(m.cols))
			for i := range cells {
				cells[i] = "…"
			}
		}
		value = fieldCells(cells, c.value)
	}
	line := glyph + pointer + " " + common.PadRight(m.timeOf(r.Timestamp, c.timeLayout), c.time) + " " +
		common.PadLeft(fmt.Sprint(r.Partition), c.part) + " " + common.PadLeft(fmt.Sprint(r.Offset), c.offset) + " " +
		keyCell(t.key, c.key) + value + " " + common.PadLeft(bytesize(r.Size()), c.size)
	line = common.PadRight(line, m.width)
	switch {
	case i == m.cursor && m.focused:
		return st.Cursor.Render(line)
	case glyph == "●":
		return st.Marked.Render(line)
	}
	return st.Row.Render(line)
}

// keyCell is the KEY column and the space after it; nothing when the column is hidden.
func keyCell(s string, w int) string {
	if w == 0 {
		return ""
	}
	return common.PadRight(s, w) + " "
}

// counterLine is "topic  loaded / in range · rate · state".
func (m Model) counterLine() string {
	st := m.st()
	loaded := thousands(int64(m.store.Len()))
	total := "?"
	if n := m.rd.inRange(); n >= 0 {
		total = thousands(n)
	} else if m.rd.req.Follow {
		total = "live"
	}
	s := fmt.Sprintf("%s  %s / %s in range", m.src.Topic.Name, loaded, total)
	if m.rd.live { // a finished read has no rate worth showing
		s += fmt.Sprintf(" · %s/s", thousands(int64(m.rd.rate+0.5)))
	}
	switch {
	case m.rd.live && m.connLost != nil:
		s += " · stalled: connection lost, retrying"
	case m.rd.live && m.rd.stalled != nil:
		// The cluster answers the frame's probe, but a broker stopped answering this read.
		s += " · stalled: " + decode.Sanitize(m.rd.stalled.Error()) + ", retrying"
	default:
		s += " · " + m.rd.state()
		if m.tail && m.rd.live {
			s += " ↓"
		}
	}
	s += " · by " + sortNames[m.ord.by]
	switch {
	case m.tsLogAppend && m.tsCreate:
		s += " · times: mixed CreateTime/LogAppendTime"
	case m.tsLogAppend:
		s += " · times: LogAppendTime (broker)"
	}
	return st.Header.Render(common.Truncate(s, m.width))
}

// noticeLine shows an error or a notice under the table, errors first.
func (m Model) noticeLine() string {
	switch {
	case m.rd.err != nil:
		return m.st().Error.Render(common.Truncate("✗ "+oneLine(m.rd.err.Error()), m.width))
	case m.notice != "":
		return m.st().Notice.Render(common.Truncate(m.notice, m.width))
	}
	return ""
}

// timeOf is a record's time for display; a record without one (the zero time) shows "none".
func timeOf(t time.Time, layout string) string {
	if t.IsZero() { // a record without a timestamp (message format v0)
		return decode.NoTimestamp
	}
	return t.UTC().Format(layout)
}

// timeOf is a record's time in the zone the table shows.
func (m Model) timeOf(t time.Time, layout string) string {
	if m.local && !t.IsZero() {
		return t.Local().Format(layout)
	}
	return timeOf(t, layout)
}

// zoneName labels the TIME column: "UTC" or "local".
func (m Model) zoneName() string {
	if m.local {
		return "local"
	}
	return "UTC"
}

// oneLine sanitizes s and keeps it on one line.
func oneLine(s string) string {
	return strings.ReplaceAll(decode.Sanitize(s), `\n`, " ")
}
