package messages

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"github.com/alecthomas/chroma/v2/formatters"
	"github.com/charmbracelet/x/ansi"

	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/kafka"
	"github.com/kpeek/kpeek/tui/common"
)

// Value views the detail cycles through with the raw key.
const (
	viewDecoded = iota
	viewHex
	viewBase64
	viewModes
)

var modeNames = [viewModes]string{"decoded", "hex", "base64"}

// detailMax caps how much of a value the detail renders: a 2 MB payload must not
// stall the frame. The copy key still copies up to copyMax.
const (
	detailMax = 64 << 10
	copyMax   = 1 << 20
)

// detailState is the record detail: a viewport over the prepared text.
type detailState struct {
	open   bool
	id     int // request id: a slow decode for a record no longer open is dropped
	seq    int64
	loaded bool
	meta   string            // metadata, headers and key, already sanitized
	bodies [viewModes]string // the value as decoded (highlighted), hex and base64
	mode   int
	copies [viewModes]string // what y copies in each mode: the text on screen, uncut
	notice string
	vp     viewport.Model
	title  string
	w, h   int
}

// detailLoadedMsg carries a decoded and rendered record for request id.
type detailLoadedMsg struct {
	id     int
	meta   string
	bodies [viewModes]string
	copies [viewModes]string
	title  string
}

func (d detailState) setSize(w, h int) detailState {
	resized := w != d.w
	d.w, d.h = w, h
	d.vp.SetWidth(w)
	d.vp.SetHeight(max(1, h-2))
	if resized && d.loaded {
		d = d.refill()
	}
	return d
}

// refill wraps the current body to the width once, here, so a frame never re-wraps
// a 64 KiB line; the scroll position stays where it was.
func (d detailState) refill() detailState {
	y := d.vp.YOffset()
	d.vp.SetContent(ansi.Hardwrap(d.meta+"\n"+d.bodies[d.mode], max(1, d.w), true))
	d.vp.SetYOffset(y)
	return d
}

func (m Model) openDetail() (Model, tea.Cmd) {
	if m.rowCount() == 0 {
		return m, nil
	}
	seq := m.rowSeq(m.cursor)
	r := m.store.At(seq)
	if r == nil {
		return m, nil
	}
	d := detailState{open: true, id: m.detail.id + 1, seq: seq, mode: m.detail.mode, vp: viewport.New()}
	d = d.setSize(m.width, m.height)
	d.vp.SetContent("decoding…")
	m.detail = d
	id, dec, ctx, st := d.id, m.dec, m.ctx, m.st()
	return m, func() tea.Msg {
		e := dec.Decode(ctx, r)
		return renderDetail(id, &e, st)
	}
}

func (m Model) updateDetail(msg detailLoadedMsg) Model {
	if msg.id != m.detail.id || !m.detail.open {
		return m
	}
	m.detail = m.detail.fill(msg)
	return m
}

// fill shows a decoded record.
func (d detailState) fill(msg detailLoadedMsg) detailState {
	d.loaded, d.meta, d.bodies, d.copies, d.title = true, msg.meta, msg.bodies, msg.copies, msg.title
	return d.refill()
}

func (m Model) detailKey(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	k, d := m.keys, &m.detail
	switch {
	case key.Matches(msg, k.Back):
		d.open = false
	case key.Matches(msg, k.Up):
		d.vp.ScrollUp(1)
	case key.Matches(msg, k.Down):
		d.vp.ScrollDown(1)
	case key.Matches(msg, k.PageUp):
		d.vp.PageUp()
	case key.Matches(msg, k.PageDown):
		d.vp.PageDown()
	case key.Matches(msg, k.Top):
		d.vp.GotoTop()
	case key.Matches(msg, k.Bottom):
		d.vp.GotoBottom()
	case key.Matches(msg, k.NextRecord, k.PrevRecord):
		step := 1
		if key.Matches(msg, k.PrevRecord) {
			step = -1
		}
		next := m.cursor + step
		if next < 0 || next >= m.rowCount() {
			d.notice = "no more records this way"
			return m, nil
		}
		m.cursor, m.tail = next, false
		return m.openDetail()
	case key.Matches(msg, k.Raw):
		d.mode = (d.mode + 1) % viewModes
		if d.loaded {
			*d = d.refill()
		}
	case key.Matches(msg, k.Copy):
		if !d.loaded {
			return m, nil
		}
		text := d.copies[d.mode]
		d.notice = fmt.Sprintf("copied %s of the value (%s) to the clipboard (OSC 52)", bytesize(len(text)), modeNames[d.mode])
		return m, tea.Batch(copyCmd(text), m.auditCopy(m.store.At(d.seq), "detail "+modeNames[d.mode]))
	}
	return m, nil
}

func (d detailState) view(st common.MessagesStyles, w int) string {
	title := st.DialogTitle.Render(common.Truncate(d.title, w))
	foot := fmt.Sprintf("value: %s · n/p next/previous record · r raw hex/base64 · y copy · esc back · %d%%", modeNames[d.mode],
		int(d.vp.ScrollPercent()*100))
	if d.notice != "" {
		foot = d.notice
	}
	lines := []string{title}
	lines = append(lines, strings.Split(d.vp.View(), "\n")...)
	lines = append(lines, st.Muted.Render(common.Truncate(foot, w)))
	return common.Box(strings.Join(lines, "\n"), w, d.h)
}

// renderDetail prepares everything the detail shows; it runs in a Cmd because
// pretty-printing and highlighting a large value takes a while.
func renderDetail(id int, e *decode.Envelope, st common.MessagesStyles) detailLoadedMsg {
	msg := detailLoadedMsg{id: id}
	msg.title = fmt.Sprintf("%s · partition %d · offset %d", decode.Sanitize(e.Topic), e.Partition, e.Offset)
	var b strings.Builder
	row := func(label, value string) {
		fmt.Fprintf(&b, "%s %s\n", st.Label.Render(common.PadRight(label, 10)), value)
	}
	row("time", fmt.Sprintf("%s (%s)", timeOf(e.Timestamp, "2006-01-02T15:04:05.000Z07:00"), timestampKind(e.TimestampType)))
	row("size", fmt.Sprintf("%d bytes", e.Size))
	row("key", fmt.Sprintf("%s  (%s)", common.Truncate(oneLine(decode.DisplayValue(&e.Key)), 200), describe(&e.Key)))
	row("value", describe(&e.Value))
	if e.Value.Error != "" {
		row("", st.Error.Render("decode error: "+oneLine(e.Value.Error)))
	}
	if len(e.Headers) == 0 {
		row("headers", st.Muted.Render("none"))
	}
	for i, h := range e.Headers {
		label := ""
		if i == 0 {
			label = "headers"
		}
		row(label, oneLine(h.Key)+" = "+common.Truncate(oneLine(decode.DisplayValue(&h.Value)), 200))
	}
	section, found := detectedSection(e, st)
	b.WriteString(section)
	msg.meta = b.String()

	raw := e.Value.Raw
	more := ""
	if len(raw) > detailMax {
		more = st.Notice.Render(fmt.Sprintf("… %s more not shown; y copies up to %s", bytesize(len(raw)-detailMax), bytesize(copyMax)))
		raw = raw[:detailMax]
	}
	rule := func(mode int) string {
		return st.Muted.Render("── value ("+modeNames[mode]+") ──") + "\n"
	}
	text, isJSON := prettyValue(&e.Value)
	msg.copies[viewDecoded] = sanitizeLines(cutUTF8(text, copyMax))
	if craw := e.Value.Raw; craw != nil {
		craw = craw[:min(len(craw), copyMax/4)] // a hex dump is about four times the bytes
		msg.copies[viewHex] = hex.Dump(craw)
		msg.copies[viewBase64] = wrap(base64.StdEncoding.EncodeToString(craw), 76)
	}
	shown := text
	shown = cutUTF8(shown, detailMax)
	shown = sanitizeLines(shown)
	if isJSON && st.Highlight {
		shown = highlight(shown, st.ChromaStyle)
	}
	shown = markDetected(shown, found, st)
	msg.bodies[viewDecoded] = rule(viewDecoded) + shown + "\n" + more
	msg.bodies[viewHex] = rule(viewHex) + hex.Dump(raw) + more
	msg.bodies[viewBase64] = rule(viewBase64) + wrap(base64.StdEncoding.EncodeToString(raw), 76) + "\n" + more
	if e.Value.Raw == nil {
		msg.bodies[viewHex] = rule(viewHex) + "∅ tombstone (no value)"
		msg.bodies[viewBase64] = rule(viewBase64) + "∅ tombstone (no value)"
	}
	return msg
}

// timestampKind names a timestamp type as Kafka's tools do, saying whose clock it is.
func timestampKind(t string) string {
	switch t {
	case string(kafka.TimestampCreate):
		return "CreateTime, set by the producer"
	case string(kafka.TimestampLogAppend):
		return "LogAppendTime, set by the broker"
	}
	return oneLine(t)
}

// describe is "json · schema 12 · subject orders-value · version 3".
func describe(d *decode.Decoded) string {
	parts := []string{string(d.Encoding)}
	if d.SchemaID != nil {
		parts = append(parts, fmt.Sprintf("schema id %d", *d.SchemaID))
	}
	if d.Subject != "" {
		parts = append(parts, "subject "+oneLine(d.Subject))
	}
	if d.Version != 0 {
		parts = append(parts, fmt.Sprintf("version %d", d.Version))
	}
	return strings.Join(parts, " · ")
}

// prettyValue is the value as text: indented JSON (digits kept) for structured
// values, the text itself for strings. It is not sanitized yet.
func prettyValue(d *decode.Decoded) (string, bool) {
	switch {
	case d.JSON == nil:
		return "null", false
	case d.Encoding == decode.EncodingString:
		return string(d.Raw), false
	case len(d.JSON) <= 4*detailMax:
		var buf bytes.Buffer
		if json.Indent(&buf, d.JSON, "", "  ") == nil {
			return buf.String(), true
		}
	}
	return string(d.JSON), false
}

// sanitizeLines makes each line terminal-safe while keeping the line breaks.
func sanitizeLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = decode.Sanitize(l)
	}
	return strings.Join(lines, "\n")
}

// highlight colours sanitized JSON with chroma; on any failure the text stays plain.
// The input holds no control characters, so the output holds only chroma's SGR codes.
func highlight(s, style string) string {
	lexer, err := chromaJSON()
	st := chromaStyle(style)
	if err != nil || st == nil {
		return s
	}
	it, err := lexer.Tokenise(nil, s)
	if err != nil {
		return s
	}
	var buf bytes.Buffer
	if err := formatters.TTY256.Format(&buf, st, it); err != nil {
		return s
	}
	return buf.String()
}

// cutUTF8 cuts s to at most n bytes without splitting a rune.
func cutUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// wrap breaks s into lines of n characters.
func wrap(s string, n int) string {
	var b strings.Builder
	for len(s) > n {
		b.WriteString(s[:n])
		b.WriteByte('\n')
		s = s[n:]
	}
	b.WriteString(s)
	return b.String()
}
