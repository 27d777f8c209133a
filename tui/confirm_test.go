package tui

import (
	"testing"

	"github.com/kpeek/kpeek/tui/messages"
	"github.com/kpeek/kpeek/tui/nav"
)

// openTopic opens the messages pane on the topic the topics filter finds.
func (h *harness) openTopic(name string) *fakeMessages {
	h.t.Helper()
	h.press("/", name, "enter", "enter")
	if h.app.page != pageMessages || h.app.msgsTopic != name {
		h.t.Fatalf("did not open %s: page %d, topic %q\n%s", name, h.app.page, h.app.msgsTopic, h.screen())
	}
	return h.pane
}

func TestEscWithMarksAsksAndComingBackRestores(t *testing.T) {
	h := newHarness(t, 120, 40)
	p := h.openTopic("auth.logins")
	p.marks = 3
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
	h.press("esc", "y")
	if h.app.page != pageTopics || h.closed {
		t.Fatalf("y: page %d, pane closed %v", h.app.page, h.closed)
	}
	h.pane = nil
	h.press("enter") // the cursor is back on auth.logins
	if h.app.page != pageMessages || h.pane != nil || h.app.msgs != p {
		t.Fatal("reopening auth.logins opened a new pane instead of restoring the one with the marks")
	}
	if !p.focused {
		t.Error("the restored pane does not have the keyboard")
	}
	h.mustSee("restored auth.logins as you left it", "messages of auth.logins")
}

func TestEscWithoutMarksLeavesAtOnce(t *testing.T) {
	h := newHarness(t, 120, 40)
	h.openTopic("auth.logins")
	h.press("esc")
	if h.app.page != pageTopics || h.app.confirmLeave {
		t.Fatalf("esc without marks: page %d, asking %v", h.app.page, h.app.confirmLeave)
	}
}

func TestQuitWithMarksAsks(t *testing.T) {
	h := newHarness(t, 120, 40)
	h.openTopic("auth.logins").marks = 2
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
	h.openTopic("auth.logins").marks = 1
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
	h.openTopic("auth.logins").busy = true
	h.press("ctrl+c")
	if h.quit || !h.app.confirmQuit {
		t.Fatalf("ctrl+c during an export: quit %v, asking %v", h.quit, h.app.confirmQuit)
	}
	h.mustSee("An export is still running")
	h.press("y")
	if !h.quit {
		t.Fatal("y did not quit")
	}
}

func TestOnlyTheLastTopicsAreKept(t *testing.T) {
	h := newHarness(t, 120, 40)
	first := h.openTopic("auth.logins")
	closed := false
	first.closed = &closed
	for _, name := range []string{"crm.customers", "erp.audit", "telemetry.raw", "hostile.payloads"} {
		h.press("esc")
		h.openTopic(name)
	}
	if !closed || len(h.app.kept) != keptPanes {
		t.Fatalf("the oldest pane closed %v; kept %d, want %d", closed, len(h.app.kept), keptPanes)
	}
	h.press("esc")
	p := h.openTopic("auth.logins")
	if p == first {
		t.Fatal("a dropped pane came back")
	}
	h.mustSee("auth.logins opens afresh (only the last 3 topics are kept)")
}

func TestAnotherClusterClosesKeptPanes(t *testing.T) {
	h := newHarness(t, 120, 40)
	h.openTopic("auth.logins")
	h.press("esc")
	h.send(nav.OpenClusterMsg{Name: "prod"})
	if !h.closed || len(h.app.kept) != 0 {
		t.Fatalf("kept panes not closed: closed %v, kept %d", h.closed, len(h.app.kept))
	}
}

func TestTheWindowCarriesAcrossTopics(t *testing.T) {
	h := newHarness(t, 160, 40)
	h.openTopic("auth.logins")
	if h.pane.src.Window != "" {
		t.Fatalf("the first topic got window %q, want the default", h.pane.src.Window)
	}
	h.send(paneMsg{id: h.app.msgsID, msg: messages.WindowMsg{Window: "2026-11-26T02:00:00Z..2026-11-26T03:00:00Z"}})
	h.mustSee("window 11-26 02:00:00–03:00:00 UTC")
	h.press("esc")
	h.mustSee("window 11-26 02:00:00–03:00:00 UTC") // on the topics page too
	p := h.openTopic("erp.audit")
	if p.src.Window != "2026-11-26T02:00:00Z..2026-11-26T03:00:00Z" {
		t.Fatalf("erp.audit opened on window %q, want the one chosen on auth.logins", p.src.Window)
	}
}
