package messages

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	xgolden "github.com/charmbracelet/x/exp/golden"

	"github.com/kpeek/kpeek/kafka"
	"github.com/kpeek/kpeek/tui/common"
)

// golden compares the colourless view with testdata/<test>/name.golden, through the same
// golden-file package as the frame's screens (go test -update rewrites them), and checks
// the view fills its size exactly.
func golden(t *testing.T, name string, m Model) {
	t.Helper()
	got := plain(m)
	t.Run(name, func(t *testing.T) { xgolden.RequireEqual(t, got) })
	lines := strings.Split(got, "\n")
	w, h := m.width, m.height
	if len(lines) != h {
		t.Errorf("%s: %d lines, want %d", name, len(lines), h)
	}
	for i, l := range lines {
		if n := len([]rune(l)); n > w {
			t.Errorf("%s: line %d is %d cells wide, want at most %d", name, i, n, w)
		}
	}
}

func TestGoldenTable(t *testing.T) {
	golden(t, "table_80x24", keys(t, loaded(t, 80, 24, logins(60)), "j", "j", "space"))

	m := loaded(t, 120, 40, logins(300))
	m = keys(t, m, "/")
	m = typeText(t, m, "slyon")
	m = keys(t, m, "enter", "j", "v", "j", "j", "v")
	golden(t, "table_filtered_120x40", m)
}

func TestGoldenPrompt(t *testing.T) {
	golden(t, "prompt_80x24", newTest(t, 80, 24, newFake(true)))
}

func TestGoldenDetail(t *testing.T) {
	m := loaded(t, 120, 40, logins(10))
	golden(t, "detail_120x40", keys(t, m, "enter"))
}

func TestGoldenExport(t *testing.T) {
	m := loaded(t, 80, 24, logins(10))
	m = keys(t, m, "space", "e")
	m.export.path.SetValue("auth.logins-evidence.ndjson")
	golden(t, "export_80x24", m)
}

// colourless renders the pane with styles that write no escape sequence at all and no
// highlighting, so any escape byte in its view came from a payload.
func colourless(m Model) Model {
	m.c.Styles = nil
	m.styles = common.MessagesStyles{}
	return m
}

// leaks lists the terminal controls in view: with colourless styles there must be none.
func leaks(view string) []string {
	var out []string
	for _, bad := range []string{"\x1b", "\x07", "\u009b", "\u202e", "\u202c"} {
		if strings.Contains(view, bad) {
			out = append(out, fmt.Sprintf("%q", bad))
		}
	}
	return out
}

// TestLeaksSeesColourSequences: the check must catch an SGR sequence too (a payload's
// blink or colour is the payload talking to the terminal).
func TestLeaksSeesColourSequences(t *testing.T) {
	if got := leaks("key \x1b[5mblink"); len(got) != 1 {
		t.Errorf("leaks of a blink sequence = %v", got)
	}
	if got := leaks(`key \x1b[5mblink, shown`); len(got) != 0 {
		t.Errorf("leaks of made-visible text = %v", got)
	}
}

func TestHostilePayloadsCannotReachTheTerminal(t *testing.T) {
	hostile := [][]byte{
		[]byte("\x1b[2J\x1b[H screen cleared"),
		[]byte("\x1b]52;c;cHduZWQ=\x07 clipboard write"),
		[]byte("\x1b]0;owned title\x07"),
		[]byte("bidi \u202egnp.exe\u202c override"),
		{0xff, 0xfe, 0x9b, '3', '1', 'm', 0xc2, 0x9b},
		[]byte(`{"msg":"\u001b[31mred","x":"` + strings.Repeat("A", 2<<20) + `"}`),
		nil,
	}
	var recs []kafka.Record
	for i, v := range hostile {
		recs = append(recs, kafka.Record{
			Topic: "hostile.payloads", Offset: int64(i), Timestamp: base.Add(time.Duration(i) * time.Second),
			Key: []byte("\x1b[5mkey"), Value: v,
			Headers: []kafka.Header{{Key: "h\x1b]0;x\x07", Value: []byte("\x1b[2J")}},
		})
	}
	check := func(where, view string) {
		t.Helper()
		if bad := leaks(view); len(bad) > 0 {
			t.Errorf("%s: %s reached the view", where, strings.Join(bad, ", "))
		}
		if !strings.Contains(view, `\x1b`) {
			t.Errorf("%s: escapes are not made visible", where)
		}
	}
	m := colourless(loaded(t, 120, 40, recs))
	check("table", m.View())
	for i := range hostile {
		d := keys(t, m, "enter")
		for range 3 {
			check("detail", d.View())
			d = keys(t, d, "r")
		}
		if i == 5 && len(d.detail.bodies[viewDecoded]) > 4*detailMax {
			t.Errorf("the 2 MB value rendered %d bytes", len(d.detail.bodies[viewDecoded]))
		}
		m = keys(t, m, "j")
	}
}

// The window field shows an absolute window (an RFC3339 pair, what the demo and a sweep hit
// open on) in full at 80 columns, not scrolled so that its first characters are hidden.
func TestPromptShowsWholeWindow(t *testing.T) {
	m := newTest(t, 80, 24, newFake(true))
	const win = "2026-11-30T07:19:15Z..2026-11-30T08:29:15Z"
	m.prompt = newStartPrompt(m.src.Topic, win)
	if v := ansi.Strip(m.View()); !strings.Contains(v, win) {
		t.Errorf("the prompt does not show %q whole:\n%s", win, v)
	}
}
