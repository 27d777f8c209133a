package tui

import (
	"context"
	"errors"
	"image/color"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/kpeek/kpeek/tui/internal/screentest"
	"github.com/kpeek/kpeek/tui/nav"
)

func TestInitialClusterConnectsAndShowsTopics(t *testing.T) {
	h := newHarness(t, 120, 40)
	if h.app.page != pageTopics || h.app.navFocused {
		t.Fatalf("after connecting: page %d, nav focused %v; want topics with the keyboard", h.app.page, h.app.navFocused)
	}
	h.mustSee("● demo", "Topics 7", "auth.logins", "erp.purchasing.orders", "connected · 2 brokers")
	h.mustNotSee("__consumer_offsets")
}

func TestTopicsMoveFilterAndToggleInternal(t *testing.T) {
	h := newHarness(t, 120, 40)
	if _, ok := h.app.topics.Selected(); !ok {
		t.Fatal("no selection")
	}
	sel := func() string { tp, _ := h.app.topics.Selected(); return tp.Name }
	if sel() != "auth.logins" {
		t.Fatalf("first topic %q", sel())
	}
	h.press("j", "j")
	if sel() != "erp.audit" {
		t.Fatalf("after j j: %q, want erp.audit", sel())
	}
	h.press("k")
	if sel() != "crm.customers" {
		t.Fatalf("after k: %q", sel())
	}
	h.press("/", "erp.s")
	h.mustSee("Topics 1", "erp.supply.shipments")
	h.mustNotSee("auth.logins")
	h.press("q") // typed into the filter, never quits
	if h.quit {
		t.Fatal("q in the filter quit the explorer")
	}
	h.mustSee("Topics 0")
	h.press("esc")
	h.mustSee("Topics 7", "auth.logins")
	h.press("i")
	h.mustSee("Topics 8", "__consumer_offsets")
	h.press("i")
	h.mustNotSee("__consumer_offsets")
}

func TestEnterOpensMessagesAndEscReturns(t *testing.T) {
	h := newHarness(t, 120, 40)
	h.press("/", "hostile", "enter", "enter")
	if h.app.page != pageMessages || h.app.msgsTopic != "hostile.payloads" {
		t.Fatalf("enter did not open the messages pane on hostile.payloads (page %d)", h.app.page)
	}
	h.mustSee("Read hostile.payloads — which window?", "topics › hostile.payloads")
	if w, ht := h.paneSize(); w != 120-navWidth(120)-1 || ht != 40-chromeRows {
		t.Fatalf("pane size %d×%d", w, ht)
	}
	h.press("enter") // the prompt has the keyboard: enter reads
	h.mustSee("hostile.payloads  20 / 20 in range · done", "20 loaded", "space mark")

	// While the pane's input has the keyboard, esc and q are the pane's: q goes into
	// the filter, esc closes it.
	h.press("/", "q")
	if h.quit || h.app.page != pageMessages {
		t.Fatalf("q typed into the filter reached the frame (quit %v, page %d)", h.quit, h.app.page)
	}
	h.mustSee("/ q", "0 match")
	h.press("esc")
	if h.app.page != pageMessages {
		t.Fatalf("esc closing the filter left the pane (page %d)", h.app.page)
	}
	h.mustNotSee("/ q")
	h.press("esc")
	if h.app.page != pageTopics || len(h.app.kept) != 1 || h.reader.last(t, "hostile.payloads").stopped() {
		t.Fatalf("esc: page %d, kept %d, read stopped %v (want kept reading for coming back)",
			h.app.page, len(h.app.kept), h.reader.last(t, "hostile.payloads").stopped())
	}
	if tp, _ := h.app.topics.Selected(); tp.Name != "hostile.payloads" {
		t.Fatalf("back on topics the cursor is on %q", tp.Name)
	}
}

// TestThePaneReadsTheConnectedCluster: the pane reads from the cluster the frame is
// connected to (this one has no records and says so).
func TestThePaneReadsTheConnectedCluster(t *testing.T) {
	h := newHarness(t, 120, 40)
	h.app.msgOpts = nil // no reader of the test's own
	h.openTopic("auth.logins")
	h.press("enter")
	h.mustSee("the fake cluster holds no records")
}

func TestFindBackupAgentAndItsTopics(t *testing.T) {
	h := newHarness(t, 120, 40)
	h.press("tab") // to the navigation
	if !h.app.navFocused {
		t.Fatal("tab did not focus the navigation")
	}
	h.press("j", "enter") // Topics → Consumer groups
	if h.app.page != pageGroups || h.app.navFocused {
		t.Fatalf("page %d nav %v; want groups with the keyboard", h.app.page, h.app.navFocused)
	}
	h.mustSee("Consumer groups 3", "backup-agent", "analytics", "erp-sync")
	h.press("/", "backup", "enter")
	h.mustSee("Consumer groups 1")
	h.press("enter")
	h.mustSee("Group backup-agent", "Reads 2 topics", "erp.purchasing.orders", "erp.supply.shipments",
		"backup-agent-1", "/10.20.30.40", "COMMITTED")
	h.press("esc")
	h.mustSee("Consumer groups 1")
	h.press("esc") // clears the filter
	h.mustSee("Consumer groups 3")
	h.press("esc") // back to the navigation
	if !h.app.navFocused {
		t.Fatal("esc at the groups root did not go back to the navigation")
	}
}

func TestReadersOfATopic(t *testing.T) {
	h := newHarness(t, 120, 40)
	h.press("/", "orders", "enter", "r")
	if h.app.page != pageGroups {
		t.Fatalf("r did not show the readers (page %d)", h.app.page)
	}
	h.mustSee("Groups reading erp.purchasing.orders: 1", "backup-agent")
	h.mustNotSee("analytics")
	h.press("esc")
	if h.app.page != pageTopics {
		t.Fatalf("esc from readers: page %d", h.app.page)
	}
}

func TestHelpToggles(t *testing.T) {
	h := newHarness(t, 120, 40)
	h.press("?")
	h.mustSee("Keys · Topics", "groups reading", "internal topics", "next pane")
	h.press("j") // ignored while help is open
	if tp, _ := h.app.topics.Selected(); tp.Name != "auth.logins" {
		t.Fatalf("a key moved the table under the help: %q", tp.Name)
	}
	h.press("?")
	h.mustNotSee("Keys · Topics")
}

func TestQuitAsksWhileExportRuns(t *testing.T) {
	h := newHarness(t, 120, 40)
	h.read("auth.logins")
	srv, _ := newCollector(t)
	h.exportTo(srv)
	h.press("q")
	if h.quit || !h.app.confirmQuit {
		t.Fatalf("q with an export running: quit %v, asking %v", h.quit, h.app.confirmQuit)
	}
	h.mustSee("An export is still running")
	h.press("n")
	if h.quit || h.app.confirmQuit {
		t.Fatal("n did not cancel quitting")
	}
	// Leaving the pane parks it; quitting still asks.
	h.press("esc")
	if len(h.app.parked) != 1 {
		t.Fatalf("parked %d panes", len(h.app.parked))
	}
	h.mustSee("1 export(s) running")
	h.press("q", "y")
	h.waitUntil(func() bool { return h.quit }, "y to quit")
}

func TestQuitWhenIdle(t *testing.T) {
	h := newHarness(t, 80, 24)
	h.press("q")
	if !h.quit {
		t.Fatal("q did not quit")
	}
}

func TestConnectionErrorInPlainWords(t *testing.T) {
	h := newHarness(t, 120, 40)
	h.press("tab", "k", "k", "k", "j", "enter") // prod
	if h.app.conn.state != nav.Failed {
		t.Fatalf("state %v, want failed", h.app.conn.state)
	}
	if !h.cluster.closed {
		t.Fatal("switching clusters did not close the old connection")
	}
	h.mustSee("✗ prod", "not connected", "connection refused", "Press enter on the cluster to try again")
	if strings.Contains(h.app.render(), "\x1b]0;") {
		t.Fatal("an escape sequence in the error reached the screen")
	}
}

func TestStaleConnectResultIsDropped(t *testing.T) {
	h := newHarness(t, 120, 40)
	old := h.app.conn.req
	h.app.conn.cluster = nil
	// The user picks prod, then a late answer for the old request arrives.
	h.press("tab", "k", "k", "k", "j", "enter")
	late := newFakeCluster()
	h.send(connectedMsg{req: old, cluster: late})
	if h.app.conn.cfg.Name != "prod" || !late.closed {
		t.Fatalf("stale result applied (cluster %q) or not closed (%v)", h.app.conn.cfg.Name, late.closed)
	}
	h.send(topicsMsg{req: old, topics: late.topics, at: time.Now()})
	if len(h.app.topics.Topics()) != 0 {
		t.Fatal("a stale topic listing reached the new cluster's page")
	}
}

func TestRefreshGivesARate(t *testing.T) {
	h := newHarness(t, 120, 40)
	h.mustSee("REC/S")
	next := newFakeCluster()
	next.topics[1].Partitions[0].Latest += 30 // auth.logins: +30 records
	h.cluster.topics = next.topics
	h.app.now = func() time.Time { return time.Date(2026, 11, 26, 3, 0, 3, 0, time.UTC) }
	h.send(refreshMsg{req: h.app.conn.req})
	line := screentest.Line(h.screen(), "auth.logins")
	if !strings.Contains(line, " 10 ") {
		t.Fatalf("auth.logins rate after +30 in 3s: %q", line)
	}
}

func TestResizeKeepsTheFrame(t *testing.T) {
	h := newHarness(t, 120, 40)
	for _, size := range [][2]int{{80, 24}, {200, 60}, {60, 12}, {30, 5}, {120, 40}} {
		h.send(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		lines := strings.Split(h.app.render(), "\n")
		if len(lines) != size[1] {
			t.Fatalf("%dx%d: %d lines", size[0], size[1], len(lines))
		}
		for i, l := range lines {
			if w := ansi.StringWidth(l); w > size[0] {
				t.Fatalf("%dx%d: line %d is %d wide: %q", size[0], size[1], i, w, ansi.Strip(l))
			}
		}
	}
}

func TestNarrowTerminalGivesRecordsTheWholeWidth(t *testing.T) {
	h := newHarness(t, 80, 24)
	h.press("enter", "esc") // the pane, its prompt closed
	if w, _ := h.paneSize(); w != 80 {
		t.Fatalf("messages pane is %d wide at 80 columns, want all 80", w)
	}
	h.mustNotSee("Clusters")
	h.press("tab")
	if w, _ := h.paneSize(); w != 80-navWidth(80)-1 {
		t.Fatalf("with the navigation back the pane is %d wide", w)
	}
	h.mustSee("Clusters", "nothing read yet")
	h.press("tab")
	h.mustNotSee("Clusters")
}

func TestBackgroundColourPicksStyles(t *testing.T) {
	h := newHarness(t, 80, 24)
	if !h.app.c.Styles.Palette.IsDark {
		t.Fatal("styles start out for a dark background")
	}
	h.send(tea.BackgroundColorMsg{Color: color.White})
	if h.app.c.Styles.Palette.IsDark {
		t.Fatal("a white background did not switch to light styles")
	}
	h.mustSee("Topics 7") // still draws
}

func TestRefreshAsksOnlyForWhatIsOnScreen(t *testing.T) {
	h := newHarness(t, 120, 40)
	if h.cluster.topicCalls != 1 || h.cluster.groupCalls != 1 {
		t.Fatalf("connecting listed topics %d and groups %d times", h.cluster.topicCalls, h.cluster.groupCalls)
	}
	h.send(refreshMsg{req: h.app.conn.req})
	if h.cluster.topicCalls != 2 || h.cluster.groupCalls != 1 {
		t.Fatalf("refresh on topics: topics %d groups %d", h.cluster.topicCalls, h.cluster.groupCalls)
	}
	h.press("tab", "j", "enter")
	h.send(refreshMsg{req: h.app.conn.req})
	if h.cluster.topicCalls != 2 || h.cluster.groupCalls != 2 {
		t.Fatalf("refresh on groups: topics %d groups %d", h.cluster.topicCalls, h.cluster.groupCalls)
	}
	h.send(refreshMsg{req: h.app.conn.req - 1}) // a timer from an old connection
	if h.cluster.topicCalls != 2 || h.cluster.groupCalls != 2 {
		t.Fatal("a stale timer fetched")
	}
}

func TestCtrlCReachesTheFrameEvenWhileTyping(t *testing.T) {
	h := newHarness(t, 120, 40)
	h.press("enter") // the pane opens with its prompt, which takes what is typed
	h.press("q")
	if h.quit {
		t.Fatal("q typed into the prompt quit")
	}
	h.press("ctrl+c")
	if !h.quit {
		t.Fatal("ctrl+c while the pane's input had the keyboard did not quit")
	}
}

func TestPickingAClusterByHand(t *testing.T) {
	h := newHarness(t, 120, 40)
	h.app.opts.Initial = ""
	fresh := newApp(context.Background(), h.app.opts, h.app.connect)
	fresh.ticker, fresh.msgOpts = h.app.ticker, h.app.msgOpts
	h.app = fresh
	h.send(tea.WindowSizeMsg{Width: 120, Height: 40})
	h.run(h.app.Init())
	h.mustSee("Pick a cluster on the left", "○ demo", "○ prod")
	h.mustNotSee("Overview")
	h.press("enter")
	h.mustSee("● demo", "Topics 7")
}

func TestListingErrorsShowUntilAListingWorks(t *testing.T) {
	h := newHarness(t, 120, 40)
	h.send(topicsMsg{req: h.app.conn.req, err: errors.New("broker went away")})
	h.mustSee("list topics: broker went away", "auth.logins") // the last good listing stays
	h.send(topicsMsg{req: h.app.conn.req, topics: h.cluster.topics, at: time.Now()})
	h.mustNotSee("broker went away")
}
