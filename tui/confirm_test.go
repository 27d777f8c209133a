package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kpeek/kpeek/tui/messages"
	"github.com/kpeek/kpeek/tui/nav"
)

// openTopic opens the messages pane on the topic the topics filter finds.
func (h *harness) openTopic(name string) {
	h.t.Helper()
	h.press("/", name, "enter", "enter")
	h.waitUntil(func() bool { return h.app.page == pageMessages && h.app.msgsTopic == name }, "the messages pane of "+name)
}

// mark reads topic and marks its first n records with space.
func (h *harness) mark(topic string, n int) {
	h.t.Helper()
	h.read(topic)
	for range n {
		h.press("space")
	}
	h.mustSee(fmt.Sprintf("%d marked", n))
}

func TestEscWithMarksAsksAndComingBackRestores(t *testing.T) {
	h := newHarness(t, 200, 40)
	h.mark("auth.logins", 3)
	h.press("esc")
	if h.app.page != pageMessages || !h.app.confirmLeave {
		t.Fatalf("esc with 3 marks left at once (page %d, asking %v)", h.app.page, h.app.confirmLeave)
	}
	h.mustSee("Leave auth.logins with 3 marked records?", "y yes", "n no")
	h.press("n")
	if h.app.page != pageMessages || h.app.confirmLeave {
		t.Fatal("n did not keep the pane")
	}
	h.press("esc", "esc") // esc answers no as well
	if h.app.page != pageMessages || h.app.confirmLeave {
		t.Fatal("esc on the question did not keep the pane")
	}
	read := h.reader.last(t, "auth.logins")
	h.press("esc", "y")
	if h.app.page != pageTopics || read.stopped() {
		t.Fatalf("y: page %d, read stopped %v", h.app.page, read.stopped())
	}
	h.press("enter") // the cursor is back on auth.logins
	if h.app.page != pageMessages || h.reader.last(t, "auth.logins") != read {
		t.Fatal("reopening auth.logins opened a new pane instead of restoring the one with the marks")
	}
	h.mustSee("restored auth.logins as you left it", "auth.logins  20 / 20 in range · done", "3 marked")
	focused := h.cursorRow()
	h.press("tab") // the navigation has the keyboard
	if blurred := h.cursorRow(); blurred == focused {
		t.Fatalf("the restored pane's cursor row looks the same with and without the keyboard: %q", focused)
	}
	h.press("tab") // the pane again
	if h.cursorRow() != focused {
		t.Fatal("tab back to the pane did not highlight its cursor row again")
	}
	h.press("space") // the restored pane takes keys
	h.mustSee("4 marked")
}

// cursorRow is the messages table's cursor row as drawn, its colour included (it is
// highlighted only while the pane has the keyboard), without the columns around it.
func (h *harness) cursorRow() string {
	h.t.Helper()
	for _, l := range strings.Split(h.app.render(), "\n") {
		if i := strings.Index(l, " ▸ "); i >= 0 {
			start, end := strings.LastIndex(l[:i], "\x1b["), strings.Index(l[i:], "\x1b[m")
			if start < 0 || end < 0 {
				h.t.Fatalf("the cursor row has no colour: %q", l)
			}
			return l[start : i+end]
		}
	}
	h.t.Fatalf("no cursor row:\n%s", h.screen())
	return ""
}

func TestEscWithoutMarksLeavesAtOnce(t *testing.T) {
	h := newHarness(t, 120, 40)
	h.read("auth.logins")
	h.press("esc")
	if h.app.page != pageTopics || h.app.confirmLeave {
		t.Fatalf("esc without marks: page %d, asking %v", h.app.page, h.app.confirmLeave)
	}
}

func TestQuitWithMarksAsks(t *testing.T) {
	h := newHarness(t, 120, 40)
	h.mark("auth.logins", 2)
	h.press("q")
	if h.quit || !h.app.confirmQuit {
		t.Fatalf("q with marks: quit %v, asking %v", h.quit, h.app.confirmQuit)
	}
	h.mustSee("2 marked records not exported", "Quit and lose the marks?")
	h.press("n")
	if h.quit || h.app.confirmQuit {
		t.Fatal("n did not cancel quitting")
	}
	// Marks in a pane the analyst left still count.
	h.press("esc", "y")
	h.press("q")
	if h.quit || !h.app.confirmQuit {
		t.Fatalf("q with marks in a kept pane: quit %v, asking %v", h.quit, h.app.confirmQuit)
	}
	h.press("y")
	if !h.quit {
		t.Fatal("y did not quit")
	}
}

func TestCtrlCWithMarksAsksAndASecondQuits(t *testing.T) {
	h := newHarness(t, 120, 40)
	h.mark("auth.logins", 1)
	h.press("ctrl+c")
	if h.quit || !h.app.confirmQuit {
		t.Fatalf("ctrl+c with a mark: quit %v, asking %v", h.quit, h.app.confirmQuit)
	}
	h.mustSee("1 marked record not exported")
	h.press("ctrl+c")
	if !h.quit {
		t.Fatal("a second ctrl+c did not quit")
	}
}

func TestCtrlCDuringExportAsks(t *testing.T) {
	h := newHarness(t, 120, 40)
	h.read("auth.logins")
	srv, _ := newCollector(t)
	h.exportTo(srv)
	h.press("ctrl+c")
	if h.quit || !h.app.confirmQuit {
		t.Fatalf("ctrl+c during an export: quit %v, asking %v", h.quit, h.app.confirmQuit)
	}
	h.mustSee("An export is still running")
	h.press("y")
	h.waitUntil(func() bool { return h.quit }, "y to quit")
}

func TestOnlyTheLastTopicsAreKept(t *testing.T) {
	h := newHarness(t, 200, 40)
	h.read("auth.logins")
	first := h.reader.last(t, "auth.logins")
	h.press("esc")
	for _, name := range []string{"crm.customers", "erp.audit", "telemetry.raw", "hostile.payloads"} {
		h.openTopic(name)
		h.press("esc", "esc") // closes the prompt, then the pane
	}
	if !first.stopped() || len(h.app.kept) != keptPanes {
		t.Fatalf("the oldest pane's read stopped %v; kept %d, want %d", first.stopped(), len(h.app.kept), keptPanes)
	}
	h.openTopic("auth.logins")
	h.mustSee("auth.logins opens afresh (only the last 3 topics are kept)", "Read auth.logins — which window?")
	h.mustNotSee("20 loaded") // a dropped pane does not come back
}

func TestAnotherClusterClosesKeptPanes(t *testing.T) {
	h := newHarness(t, 120, 40)
	h.read("auth.logins")
	h.press("esc")
	read := h.reader.last(t, "auth.logins")
	if read.stopped() {
		t.Fatal("leaving the pane stopped its read")
	}
	h.send(nav.OpenClusterMsg{Name: "prod"})
	if !read.stopped() || len(h.app.kept) != 0 {
		t.Fatalf("kept panes not closed: read stopped %v, kept %d", read.stopped(), len(h.app.kept))
	}
}

func TestTheWindowCarriesAcrossTopics(t *testing.T) {
	h := newHarness(t, 160, 40)
	h.openTopic("auth.logins")
	h.mustSee(messages.DefaultWindow) // the first topic opens on the default window
	h.send(paneMsg{id: h.app.msgsID, msg: messages.WindowMsg{Window: "2026-11-26T01:00:00Z..2026-11-26T01:30:00Z"}})
	h.mustSee("window 11-26 01:00:00–01:30:00 UTC")
	h.press("esc", "esc")
	h.mustSee("window 11-26 01:00:00–01:30:00 UTC") // on the topics page too
	h.openTopic("erp.audit")
	h.press("enter") // reads the window the prompt holds
	if from := h.reader.last(t, "erp.audit").req.From; !from.Time.Equal(time.Date(2026, 11, 26, 1, 0, 0, 0, time.UTC)) {
		t.Fatalf("erp.audit read from %+v, want the window chosen on auth.logins", from)
	}
	h.mustSee("window 11-26 01:00:00–01:30:00 UTC")
}
