package messages

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

// The pane against the in-process demo cluster: real reads, real decoding, real
// Cmds running concurrently as under Bubble Tea.
func TestDemoClusterEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the demo cluster")
	}
	ctx := t.Context()
	client, dec := demoReader(t)
	open := func(name string) Model {
		topic, err := client.Topic(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		c := common.New(nil)
		c.Width, c.Height = 120, 40
		return New(c, Source{Reader: client, Decoder: dec, Topic: topic, ClusterName: "demo", Window: incidentWindow()}).SetSize(120, 40)
	}
	done := func(m Model) bool { return m.rd.id > 0 && !m.rd.live && !m.rd.starting }
	d := newDriver(t)
	drive := func(m Model, msg tea.Msg, until func(Model) bool) Model { return d.step(m, msg, until) }

	m := open("auth.logins")
	m = drive(m, press("enter"), done)
	if m.rd.err != nil {
		t.Fatal(m.rd.err)
	}
	// Enter alone reads the demo's incident window (the explorer opens the demo on it),
	// and the burst is in it.
	failures := 0
	for i := range m.rowCount() {
		r := m.store.At(m.rowSeq(i))
		if ago := time.Since(r.Timestamp); ago > 6*time.Hour+11*time.Minute || ago < 5*time.Hour-time.Minute {
			t.Fatalf("the default window holds a record from %s", r.Timestamp)
		}
		if strings.Contains(string(r.Value), `"user":"slyon"`) && strings.Contains(string(r.Value), `"result":"failure"`) {
			failures++
		}
	}
	if failures < 30 {
		t.Errorf("the default window holds %d of slyon's failed logins, want the burst (about 40)", failures)
	}
	m = drive(m, press("/"), nil)
	m = drive(m, tea.PasteMsg{Content: `value.user == "slyon" && value.result == "failure"`}, nil)
	m = drive(m, press("enter"), func(m Model) bool { return m.filter.active() && !m.filtering() })
	if m.filter.err != "" || m.rowCount() == 0 {
		t.Fatalf("CEL filter: err %q, %d rows", m.filter.err, m.rowCount())
	}
	for i := range m.rowCount() {
		if v := string(m.store.At(m.rowSeq(i)).Value); !strings.Contains(v, "slyon") || !strings.Contains(v, "failure") {
			t.Errorf("row %d does not match the filter: %s", i, v)
		}
	}
	m = drive(m, press("A"), nil)
	if m.marks.count != m.rowCount() || !strings.Contains(m.Status(), "marked") {
		t.Errorf("marked %d of %d; status %q", m.marks.count, m.rowCount(), m.Status())
	}
	m = drive(m, press("enter"), func(m Model) bool { return m.detail.loaded })
	if v := plain(m); !strings.Contains(v, `"user": "slyon"`) {
		t.Errorf("detail:\n%s", v)
	}
	m.Close()

	h := colourless(open("hostile.payloads"))
	h = drive(h, press("g"), nil) // keys before the prompt is answered go to the prompt
	h.prompt.inputs[fieldWindow].SetValue("beginning..end")
	h = drive(h, press("enter"), done)
	if h.store.Len() == 0 {
		t.Fatal("read nothing from hostile.payloads")
	}
	for i := range h.store.Len() {
		if bad := leaks(h.View()); len(bad) > 0 {
			t.Fatalf("row %d: a control reached the view", i)
		}
		_, cmd := h.Update(press("y"))
		if got, ok := clipboardPayload(t, cmd); !ok {
			t.Fatalf("row %d: y in the list set no clipboard", i)
		} else {
			assertPasteSafe(t, "list copy", got)
		}
		dm := drive(h, press("enter"), func(m Model) bool { return m.detail.loaded })
		if bad := leaks(dm.View()); len(bad) > 0 {
			t.Fatalf("detail of row %d: a control reached the view", i)
		}
		for range viewModes {
			_, cmd := dm.Update(press("y"))
			got, _ := clipboardPayload(t, cmd)
			assertPasteSafe(t, "detail copy "+modeNames[dm.detail.mode], got)
			dm = drive(dm, press("r"), nil)
		}
		h = drive(h, press("j"), nil)
	}
	h.Close()
}

// driver runs a pane's Cmds concurrently, as Bubble Tea does; messages from Cmds
// still running when one step ends are handled in the next.
type driver struct {
	t    *testing.T
	msgs chan tea.Msg
}

func newDriver(t *testing.T) *driver { return &driver{t: t, msgs: make(chan tea.Msg, 256)} }

func (d *driver) start(c tea.Cmd) {
	if c != nil {
		go func() { d.msgs <- c() }()
	}
}

// step sends msg, then handles Cmd results until until(m) holds, or with a nil until
// until nothing has arrived for a moment.
func (d *driver) step(m Model, msg tea.Msg, until func(Model) bool) Model {
	d.t.Helper()
	var cmd tea.Cmd
	m, cmd = m.Update(msg)
	d.start(cmd)
	deadline := time.After(60 * time.Second)
	for {
		if until != nil && until(m) {
			return m
		}
		select {
		case msg := <-d.msgs:
			if b, ok := msg.(tea.BatchMsg); ok {
				for _, c := range b {
					d.start(c)
				}
				continue
			}
			if msg != nil {
				m, cmd = m.Update(msg)
				d.start(cmd)
			}
		case <-time.After(100 * time.Millisecond):
			if until == nil {
				return m
			}
		case <-deadline:
			d.t.Fatalf("gave up waiting; view:\n%s", plain(m))
		}
	}
}

// incidentWindow is the demo's incident hour as the frame hands it to the pane.
func incidentWindow() string {
	from, to := demo.IncidentWindow(time.Now())
	return from.Add(-10*time.Minute).UTC().Format(time.RFC3339) + ".." + to.UTC().Format(time.RFC3339)
}

// demoReader starts the in-process demo cluster and returns a client of it and the decoder
// its registry and topic formats call for; both end with the test.
func demoReader(t *testing.T) (*kafka.Client, *decode.Decoder) {
	t.Helper()
	cl, err := demo.Start(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	cfg := cl.ClusterConfig()
	client, err := kafka.New(t.Context(), cfg.Connection)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Close() })
	dec, err := decode.FromConfig(decode.Config{Registry: cfg.SchemaRegistry, Topics: cfg.Topics})
	if err != nil {
		t.Fatal(err)
	}
	return client, dec
}
