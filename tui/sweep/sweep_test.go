package sweep

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/kafka"
	"github.com/kpeek/kpeek/kafka/demo"
	"github.com/kpeek/kpeek/tui/common"
)

var testNow = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

var (
	enter = tea.KeyPressMsg{Code: tea.KeyEnter}
	esc   = tea.KeyPressMsg{Code: tea.KeyEscape}
	tab   = tea.KeyPressMsg{Code: tea.KeyTab}
	down  = tea.KeyPressMsg{Code: tea.KeyDown}
)

// typeText sends s to the model one key at a time.
func typeText(m Model, s string) Model {
	for _, r := range s {
		m, _ = m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	return m
}

// clear empties the focused input.
func clear(m Model) Model {
	m.inputs[m.focus].SetValue("")
	return m
}

// runCmds executes cmd and feeds its messages back until the pane asks for nothing more;
// it returns the messages the pane did not take (OpenMsg).
func runCmds(t *testing.T, m Model, cmd tea.Cmd) (Model, []tea.Msg) {
	t.Helper()
	var out []tea.Msg
	for cmd != nil {
		msg := cmd()
		switch msg.(type) {
		case progressMsg, doneMsg:
			m, cmd = m.Update(msg)
		default:
			out = append(out, msg)
			cmd = nil
		}
	}
	return m, out
}

func demoPane(t *testing.T) Model {
	t.Helper()
	c, err := demo.Start(t.Context(), demo.WithNow(testNow), demo.WithoutLiveMember())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	cfg := c.ClusterConfig()
	cl, err := kafka.New(t.Context(), cfg.Connection)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cl.Close() })
	dec, err := decode.FromConfig(decode.Config{Registry: cfg.SchemaRegistry})
	if err != nil {
		t.Fatal(err)
	}
	m := New(common.New(nil)).SetSource(cl, dec).SetSize(100, 20).Focus()
	m.now = func() time.Time { return testNow }
	return m
}

func TestSweepPaneFindsAndOpensATopic(t *testing.T) {
	m := demoPane(t)
	from, to := demo.IncidentWindow(testNow)
	m = clear(m.focusField(fieldFrom))
	m = typeText(m, from.Format(time.RFC3339))
	m, _ = m.Update(tab)
	m = typeText(clear(m), to.Format(time.RFC3339))
	m, _ = m.Update(tab)
	if !m.CapturesInput() {
		t.Fatal("the form does not hold the keyboard: typed q could quit")
	}
	m = typeText(m, "203.0.113.7, drop.example")
	m, cmd := m.Update(enter)
	if !m.running || cmd == nil {
		t.Fatalf("enter did not start a sweep (err %q)", m.err)
	}
	m, out := runCmds(t, m, cmd)
	if len(out) != 0 || m.result == nil {
		t.Fatalf("sweep did not finish: err %q, other messages %v", m.err, out)
	}
	view := m.View()
	for _, want := range []string{"45 hits", "auth.logins", "erp.audit", "crm.customers"} {
		if !strings.Contains(view, want) {
			t.Errorf("result view lacks %q:\n%s", want, view)
		}
	}
	if strings.Contains(view, "telemetry.raw") {
		t.Errorf("a topic without hits is listed:\n%s", view)
	}
	m, _ = m.Update(down) // auth.logins, crm.customers, erp.audit: the second
	_, cmd = m.Update(enter)
	if cmd == nil {
		t.Fatal("enter on a topic asked for nothing")
	}
	open, ok := cmd().(OpenMsg)
	if !ok || open.Topic != demo.TopicCustomers || !open.From.Equal(from) || !open.To.Equal(to) ||
		open.Filter != `/203\.0\.113\.7|drop\.example/i` {
		t.Errorf("open = %+v", open)
	}
	m, _ = m.Update(esc)
	if m.result != nil || !strings.Contains(m.View(), "indicators") {
		t.Error("esc did not go back to the form")
	}
}

func TestSweepPaneFormErrors(t *testing.T) {
	m := New(common.New(nil)).SetSize(100, 20)
	m.now = func() time.Time { return testNow }
	for _, tt := range []struct {
		set  func(Model) Model
		want string
	}{
		{func(m Model) Model { return m }, "indicators or a match"},
		{func(m Model) Model { return typeText(m, "203.0.113.7") }, "not connected"},
		{func(m Model) Model { m.inputs[fieldFrom].SetValue("42"); return typeText(m, "x.example") }, `from: "42" is not a time`},
		{func(m Model) Model { m.inputs[fieldTo].SetValue("-2h"); return typeText(m, "x.example") }, "ends before it starts"},
		{func(m Model) Model { m.inputs[fieldMatch].SetValue("value.x =="); return m }, "match:"},
		{func(m Model) Model { return typeText(m, "user:") }, "indicators: line 1"},
	} {
		got, cmd := tt.set(New(m.c).SetSize(100, 20)).Update(enter)
		if cmd != nil || got.running || !strings.Contains(got.View(), tt.want) {
			t.Errorf("want the form to say %q; view:\n%s", tt.want, got.View())
		}
	}
}

func TestSweepPaneDropsStaleResults(t *testing.T) {
	m := New(common.New(nil))
	m.running, m.run = true, 2
	m, _ = m.Update(doneMsg{run: 1})
	if !m.running || m.result != nil {
		t.Error("a result of an older sweep replaced the running one")
	}
	m, _ = m.Update(esc)
	if m.running {
		t.Error("esc did not stop the sweep")
	}
}

// The form takes the explorer's window while the analyst has not typed one of their own.
func TestSweepPaneOffersTheExplorersWindow(t *testing.T) {
	m := New(common.New(nil))
	const from, to = "2026-11-30T07:19:15Z", "2026-11-30T08:29:15Z"
	m = m.OfferWindow(from + ".." + to)
	if got := [2]string{m.inputs[fieldFrom].Value(), m.inputs[fieldTo].Value()}; got != [2]string{from, to} {
		t.Fatalf("after the explorer's window: %q", got)
	}
	// Windows a sweep cannot take leave the form alone.
	for _, w := range []string{"-100", "beginning..end", "10..20", ""} {
		if got := m.OfferWindow(w).inputs[fieldFrom].Value(); got != from {
			t.Errorf("window %q changed from to %q", w, got)
		}
	}
	// A window the analyst typed stays.
	m.inputs[fieldFrom].SetValue("-3h")
	m = m.OfferWindow("-2h..-1h")
	if got := [2]string{m.inputs[fieldFrom].Value(), m.inputs[fieldTo].Value()}; got != [2]string{"-3h", to} {
		t.Errorf("the analyst's window was replaced: %q", got)
	}
}
