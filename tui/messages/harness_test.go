package messages

import (
	"context"
	"fmt"
	"testing"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/kpeek/kpeek/kafka"
	"github.com/kpeek/kpeek/tui/common"
)

// base is the fixed time synthetic records start at.
var base = time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)

// fakeStream is a read whose batches are queued before it starts.
type fakeStream struct {
	ch      chan kafka.Batch
	ranges  []kafka.PartitionRange
	stalled error // what Stalled says
}

func (f *fakeStream) Batches() <-chan kafka.Batch    { return f.ch }
func (f *fakeStream) Ranges() []kafka.PartitionRange { return f.ranges }
func (f *fakeStream) Close() error                   { return nil }
func (f *fakeStream) Stalled() error                 { return f.stalled }

// newFake returns a stream holding batches; closed ends it after them.
func newFake(closed bool, batches ...[]kafka.Record) *fakeStream {
	f := &fakeStream{ch: make(chan kafka.Batch, len(batches))}
	var n int64
	for _, b := range batches {
		f.ch <- kafka.Batch{Records: b}
		n += int64(len(b))
	}
	if closed {
		close(f.ch)
	}
	f.ranges = []kafka.PartitionRange{{Partition: 0, Start: 0, End: n}}
	if !closed {
		f.ranges[0].End = -1
	}
	return f
}

// testKeys is the frame's keymap as the product brief defines it.
func testKeys() *common.KeyMap {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return &common.KeyMap{
		Up: b("↑/k", "up", "up", "k"), Down: b("↓/j", "down", "down", "j"),
		Enter: b("enter", "open", "enter"), Back: b("esc", "back", "esc"), Tab: b("tab", "next pane", "tab"),
		Filter: b("/", "filter", "/"), Help: b("?", "help", "?"), Quit: b("q", "quit", "q"),
		Mark: b("space", "mark", "space"), MarkRange: b("v", "mark range", "v"),
		MarkAll: b("A", "mark all matching", "A"), Export: b("e", "export", "e"), Copy: b("y", "copy", "y"),
		Messages: common.NewMessagesKeys(),
	}
}

// newTest returns a pane of w×h whose clock is stopped (no ticks, no debounce timer).
func newTest(t testing.TB, w, h int, stream Stream, opts ...Option) Model {
	t.Helper()
	c := &common.Common{Width: w, Height: h, Keys: testKeys()}
	read := func(ctx context.Context, req kafka.ReadRequest) (Stream, error) { return stream, nil }
	opts = append([]Option{WithReader(read)}, opts...)
	m := New(c, Source{Topic: kafka.TopicInfo{Name: "auth.logins",
		Partitions: []kafka.PartitionInfo{{ID: 0}, {ID: 1}, {ID: 2}}}}, opts...)
	m.after = func(time.Duration, func(time.Time) tea.Msg) tea.Cmd { return nil }
	m.wait = func(id int, ch <-chan kafka.Batch, _ time.Duration) tea.Cmd {
		return func() tea.Msg {
			select {
			case b, ok := <-ch:
				return batchMsg{id: id, batch: b, closed: !ok}
			default: // nothing queued: a real stream would wait here
				return nil
			}
		}
	}
	m.prompt.now = func() time.Time { return base.Add(24 * time.Hour) }
	return m.SetSize(w, h)
}

// run feeds msg to the pane and then every message its Cmds produce, until none
// is left. Nothing the pane does blocks in tests (see newTest).
func run(t testing.TB, m Model, msg tea.Msg) Model {
	t.Helper()
	queue := []tea.Msg{msg}
	for steps := 0; len(queue) > 0; steps++ {
		if steps > 10_000 {
			t.Fatal("runaway message loop")
		}
		msg, queue = queue[0], queue[1:]
		if msg == nil {
			continue
		}
		if batch, ok := msg.(tea.BatchMsg); ok {
			for _, c := range batch {
				queue = append(queue, exec(c))
			}
			continue
		}
		var cmd tea.Cmd
		m, cmd = m.Update(msg)
		queue = append(queue, exec(cmd))
	}
	return m
}

// exec runs a Cmd.
func exec(c tea.Cmd) tea.Msg {
	if c == nil {
		return nil
	}
	return c()
}

// press turns key names into key presses: "enter", "esc", "space", "tab",
// "up", "down", "pgdown", "ctrl+x", or literal text.
func press(k string) tea.KeyPressMsg {
	switch k {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "pgdown":
		return tea.KeyPressMsg{Code: tea.KeyPgDown}
	case "home":
		return tea.KeyPressMsg{Code: tea.KeyHome}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "ctrl+x":
		return tea.KeyPressMsg{Code: 'x', Mod: tea.ModCtrl}
	}
	r := []rune(k)[0]
	return tea.KeyPressMsg{Code: r, Text: k}
}

// keys presses each key in turn.
func keys(t testing.TB, m Model, ks ...string) Model {
	t.Helper()
	for _, k := range ks {
		m = run(t, m, press(k))
	}
	return m
}

// typeText types s one character at a time.
func typeText(t testing.TB, m Model, s string) Model {
	t.Helper()
	for _, r := range s {
		m = run(t, m, press(string(r)))
	}
	return m
}

// logins builds n auth.logins-like records over three partitions, one a minute,
// with a burst of failures for one user in the middle.
func logins(n int) []kafka.Record {
	recs := make([]kafka.Record, n)
	for i := range recs {
		user, result := fmt.Sprintf("u%03d", i%17), "success"
		ts := base.Add(time.Duration(i) * time.Minute)
		if i >= n/2 && i < n/2+n/5 {
			user, result = "slyon", "failure"
			ts = base.Add(time.Duration(n/2)*time.Minute + time.Duration(i-n/2)*time.Second)
		}
		recs[i] = kafka.Record{
			Topic: "auth.logins", Partition: int32(i % 3), Offset: int64(i / 3), Timestamp: ts,
			TimestampType: kafka.TimestampCreate,
			Key:           []byte("k-" + user),
			Value:         fmt.Appendf(nil, `{"user":%q,"ip":"203.0.113.%d","result":%q,"n":%d}`, user, i%250, result, i),
			Headers:       []kafka.Header{{Key: "source", Value: []byte("idp")}},
		}
	}
	return recs
}

// loaded returns a pane that read recs through the start prompt (defaults).
func loaded(t testing.TB, w, h int, recs []kafka.Record) Model {
	t.Helper()
	m := newTest(t, w, h, newFake(true, recs))
	return keys(t, m, "enter")
}

// plain is the view without colour.
func plain(m Model) string { return ansi.Strip(m.View()) }
