package messages

import (
	"encoding/base64"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/kpeek/kpeek/kafka"
)

// clipboardPayload runs cmd and returns what the terminal would receive in the OSC 52
// sequence, decoded; ok is false when cmd sets no clipboard.
func clipboardPayload(t testing.TB, cmd tea.Cmd) (string, bool) {
	t.Helper()
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		msg := c()
		if b, ok := msg.(tea.BatchMsg); ok {
			queue = append(queue, b...)
			continue
		}
		if msg == nil || !strings.Contains(reflect.TypeOf(msg).String(), "Clipboard") {
			continue
		}
		v := reflect.ValueOf(msg)
		if v.Kind() != reflect.String {
			t.Fatalf("clipboard message %T is not a string", msg)
		}
		seq := ansi.SetSystemClipboard(v.String()) // what Bubble Tea writes
		_, b64, ok := strings.Cut(strings.TrimSuffix(seq, "\x07"), "52;c;")
		if !ok {
			t.Fatalf("not an OSC 52 sequence: %q", seq)
		}
		raw, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			t.Fatalf("OSC 52 payload: %v", err)
		}
		return string(raw), true
	}
	return "", false
}

// assertPasteSafe fails when s holds a byte that could act when pasted into a
// terminal or shell: C0 controls other than tab and line feed, DEL, C1, bidi
// overrides and isolates, or bytes that are not UTF-8.
func assertPasteSafe(t testing.TB, what, s string) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Errorf("%s: clipboard text is not valid UTF-8: %q", what, s)
	}
	for i, r := range s {
		bad := (r < 0x20 && r != '\t' && r != '\n') || r == 0x7f || (r >= 0x80 && r <= 0x9f) ||
			(r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || r == 0x200e || r == 0x200f || r == 0x061c
		if bad {
			t.Errorf("%s: clipboard holds %U at byte %d: %q", what, r, i, s)
			return
		}
	}
}

// hostileRecords are values that try to escape a bracketed paste, clear the screen,
// write the clipboard and reorder text.
func hostileRecords() []kafka.Record {
	values := []string{
		"\x1b[201~; touch /tmp/x\n",
		`{"cmd":"\u001b[201~; touch /tmp/x\n"}`,
		"\x1b]52;c;cHduZWQ=\x07 \x9b2J \u202eevil\u202c \x00\x7f\r",
		"\xc2\x9b31m invalid \xff\xfe utf-8",
	}
	recs := make([]kafka.Record, len(values))
	for i, v := range values {
		recs[i] = kafka.Record{Topic: "hostile.payloads", Offset: int64(i), Timestamp: base,
			Key: []byte("k\x1b[201~"), Value: []byte(v),
			Headers: []kafka.Header{{Key: "h\u202e", Value: []byte("\x1b]0;title\x07")}}}
	}
	return recs
}

func TestCopyNeverCarriesControls(t *testing.T) {
	m := loaded(t, 100, 30, hostileRecords())
	for i := range m.rowCount() {
		// In the list, y copies the envelope line.
		_, cmd := m.Update(press("y"))
		got, ok := clipboardPayload(t, cmd)
		if !ok {
			t.Fatalf("row %d: y in the list set no clipboard", i)
		}
		assertPasteSafe(t, "list", got)
		if !strings.Contains(got, `"topic":"hostile.payloads"`) || !strings.Contains(got, `"offset":`) {
			t.Errorf("row %d: list copy is not the envelope: %s", i, got)
		}
		// In the detail, y copies what is shown in each mode.
		d := keys(t, m, "enter")
		for mode := range viewModes {
			_, cmd := d.Update(press("y"))
			got, ok := clipboardPayload(t, cmd)
			if !ok {
				t.Fatalf("row %d %s: y in the detail set no clipboard", i, modeNames[mode])
			}
			assertPasteSafe(t, modeNames[mode], got)
			if mode == viewHex && !strings.Contains(got, "00000000  ") {
				t.Errorf("row %d: hex mode copied %q, want the hex dump shown", i, got)
			}
			d = keys(t, d, "r")
		}
		m = keys(t, m, "j")
	}
}
