package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/kpeek/kpeek/config"
	"github.com/kpeek/kpeek/kafka"
	"github.com/kpeek/kpeek/tui/messages"
)

// fakeCluster serves a fixed incident-like scenario without a broker.
type fakeCluster struct {
	mu     sync.Mutex
	topics kafka.Topics
	groups kafka.Groups
	closed bool
	// calls made, to check what a refresh asks for
	topicCalls, groupCalls int
	down                   error // ClusterInfo fails with it: the broker died
}

func (f *fakeCluster) ClusterInfo(context.Context) (kafka.ClusterInfo, error) {
	f.mu.Lock()
	down := f.down
	f.mu.Unlock()
	if down != nil {
		return kafka.ClusterInfo{}, down
	}
	return kafka.ClusterInfo{ID: "kpeek-demo-cluster", Controller: 1, Brokers: []kafka.Broker{
		{ID: 1, Addr: "127.0.0.1:39092"}, {ID: 2, Addr: "127.0.0.1:39093", Rack: "r2"}}}, nil
}
func (f *fakeCluster) Topics(context.Context) (kafka.Topics, error) {
	f.topicCalls++
	return f.topics, nil
}

func (f *fakeCluster) Groups(context.Context) (kafka.Groups, error) {
	f.groupCalls++
	return f.groups, nil
}
func (f *fakeCluster) Read(context.Context, kafka.ReadRequest) (*kafka.Stream, error) {
	return nil, errors.New("the fake cluster holds no records")
}
func (f *fakeCluster) Bootstrap() []string { return []string{"127.0.0.1:39092"} }
func (f *fakeCluster) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closed = true
	return nil
}

func topic(name string, parts int, perPart int64, internal bool) kafka.TopicInfo {
	t := kafka.TopicInfo{Name: name, Internal: internal, ReplicationFactor: 1,
		CleanupPolicy: "delete", RetentionMs: 7 * 24 * 3600 * 1000}
	for p := range parts {
		t.Partitions = append(t.Partitions, kafka.PartitionInfo{ID: int32(p), Latest: perPart})
	}
	return t
}

func offsets(t string, parts int, committed, end int64) []kafka.GroupOffset {
	var out []kafka.GroupOffset
	for p := range parts {
		out = append(out, kafka.GroupOffset{Topic: t, Partition: int32(p), Committed: committed, End: end, Lag: end - committed})
	}
	return out
}

func newFakeCluster() *fakeCluster {
	offsetsTopic := topic("__consumer_offsets", 1, 12, true)
	offsetsTopic.CleanupPolicy = "compact"
	return &fakeCluster{
		topics: kafka.Topics{
			offsetsTopic,
			topic("auth.logins", 1, 240, false),
			topic("crm.customers", 1, 50, false),
			topic("erp.audit", 1, 300, false),
			topic("erp.purchasing.orders", 3, 400, false),
			topic("erp.supply.shipments", 1, 200, false),
			topic("hostile.payloads", 1, 12, false),
			topic("telemetry.raw", 1, 1000, false),
		},
		groups: kafka.Groups{
			{ID: "analytics", State: "Empty", Offsets: offsets("telemetry.raw", 1, 400, 1000)},
			{ID: "backup-agent", State: "Stable",
				Members: []kafka.MemberInfo{{ID: "backup-agent-1-7f3a", ClientID: "backup-agent-1", ClientHost: "/10.20.30.40",
					Assigned: []kafka.TopicPartition{{Topic: "erp.purchasing.orders", Partition: 0},
						{Topic: "erp.purchasing.orders", Partition: 1}, {Topic: "erp.purchasing.orders", Partition: 2},
						{Topic: "erp.supply.shipments", Partition: 0}}}},
				Offsets: append(offsets("erp.purchasing.orders", 3, 400, 400), offsets("erp.supply.shipments", 1, 200, 200)...)},
			{ID: "erp-sync", State: "Empty", Offsets: offsets("erp.audit", 1, 300, 300)},
		},
	}
}

// harness drives an App the way the Program would. Cmds run synchronously until
// background is called; the messages panes are real, reading fixed records from reader.
type harness struct {
	t       *testing.T
	app     App
	cluster *fakeCluster
	reader  *memReader
	quit    bool
	inbox   chan tea.Msg  // messages of Cmds running in the background; nil: Cmds run inline
	done    chan struct{} // closed when the test ends: background Cmds stop delivering
}

// harnessNow is the harness's "now", an hour after the fixed records began.
var harnessNow = time.Date(2026, 11, 26, 3, 0, 0, 0, time.UTC)

func newHarness(t *testing.T, width, height int) *harness {
	t.Helper()
	h := &harness{t: t, cluster: newFakeCluster(), reader: &memReader{}, done: make(chan struct{})}
	opts := Options{
		Clusters: []config.Cluster{{Connection: config.Connection{Name: "demo", Brokers: []string{"127.0.0.1:39092"}}},
			{Connection: config.Connection{Name: "prod", Brokers: []string{"kafka-1.prod:9092"}}}},
		Initial: "demo",
		Version: "test",
	}
	a := newApp(context.Background(), opts, func(_ context.Context, cfg config.Cluster) (Cluster, error) {
		if cfg.Name == "prod" {
			return nil, errors.New("dial tcp kafka-1.prod:9092: connect: connection refused\x1b]0;pwned\x07")
		}
		return h.cluster, nil
	})
	a.ticker = func(int) tea.Cmd { return nil }
	a.now = func() time.Time { return harnessNow }
	a.msgOpts = []messages.Option{messages.WithReader(h.reader.read), messages.WithClock(a.now)}
	h.app = a
	t.Cleanup(func() {
		close(h.done)
		_ = h.app.shutdown() // stops what the test left running: reads, exports
	})
	h.send(tea.WindowSizeMsg{Width: width, Height: height})
	h.run(a.Init())
	return h
}

// send delivers one message and runs the Cmds it returns.
func (h *harness) send(msg tea.Msg) {
	h.t.Helper()
	m, cmd := h.app.Update(msg)
	h.app = m.(App)
	h.run(cmd)
}

func (h *harness) run(cmd tea.Cmd) {
	h.t.Helper()
	if cmd == nil {
		return
	}
	if h.inbox != nil {
		go func() {
			msg := cmd()
			select {
			case h.inbox <- msg:
			case <-h.done:
			}
		}()
		return
	}
	h.handle(cmd())
}

// handle takes a Cmd's message as the Program would.
func (h *harness) handle(msg tea.Msg) {
	h.t.Helper()
	switch msg := msg.(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range msg {
			h.run(c)
		}
	case tea.QuitMsg:
		h.quit = true
	default:
		h.send(msg)
	}
}

// background runs every later Cmd in a goroutine, as the Program does, so a live read
// or a running export may wait on its channel; waitFor and waitUntil take their messages.
func (h *harness) background() { h.inbox = make(chan tea.Msg, 64) }

// waitFor takes the background Cmds' messages until the screen shows every one of parts.
func (h *harness) waitFor(parts ...string) {
	h.t.Helper()
	h.waitUntil(func() bool {
		s := h.screen()
		for _, p := range parts {
			if !strings.Contains(s, p) {
				return false
			}
		}
		return true
	}, fmt.Sprintf("the screen to show %q", parts))
}

// waitUntil takes the background Cmds' messages until cond holds. The bound only ends a
// hang; nothing is measured.
func (h *harness) waitUntil(cond func() bool, what string) {
	h.t.Helper()
	if h.inbox == nil && !cond() { // every Cmd has run: nothing more will come
		h.t.Fatalf("%s: not so:\n%s", what, h.screen())
	}
	giveUp := time.After(30 * time.Second)
	for !cond() {
		select {
		case msg := <-h.inbox:
			h.handle(msg)
		case <-time.After(10 * time.Millisecond): // cond may turn on outside the program (a collector)
		case <-giveUp:
			h.t.Fatalf("gave up waiting for %s:\n%s", what, h.screen())
		}
	}
}

// press sends keys: named ones ("enter", "esc", "tab", "down") or text typed rune by rune.
func (h *harness) press(keys ...string) {
	h.t.Helper()
	named := map[string]rune{"enter": tea.KeyEnter, "esc": tea.KeyEscape, "tab": tea.KeyTab,
		"down": tea.KeyDown, "up": tea.KeyUp, "space": tea.KeySpace}
	for _, k := range keys {
		if code, ok := named[k]; ok {
			h.send(tea.KeyPressMsg{Code: code})
			continue
		}
		if k == "ctrl+c" {
			h.send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
			continue
		}
		for _, r := range k {
			h.send(tea.KeyPressMsg{Code: r, Text: string(r)})
		}
	}
}

// screen is the frame as text, colour stripped.
func (h *harness) screen() string { return ansi.Strip(h.app.render()) }

func (h *harness) mustSee(parts ...string) {
	h.t.Helper()
	s := h.screen()
	for _, p := range parts {
		if !strings.Contains(s, p) {
			h.t.Fatalf("screen lacks %q:\n%s", p, s)
		}
	}
}

func (h *harness) mustNotSee(parts ...string) {
	h.t.Helper()
	s := h.screen()
	for _, p := range parts {
		if strings.Contains(s, p) {
			h.t.Fatalf("screen shows %q:\n%s", p, s)
		}
	}
}
