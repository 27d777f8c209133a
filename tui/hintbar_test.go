package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
)

// TestHintBarGolden pins the footer of the messages pane at 80×24: mark, export and
// help must survive the narrow width. `go test ./tui -run HintBar -update` rewrites.
func TestHintBarGolden(t *testing.T) {
	scenes := []struct {
		name string
		keys []string
		want []string // footer entries that must show
	}{
		{"table", []string{"enter"}, []string{"space mark", "e export", "? help"}},
		{"marked", []string{"enter", "space", "space"}, []string{"space mark", "e export", "? help"}},
		{"detail", []string{"enter", "enter"}, []string{"y copy", "n/→ next record", "? help"}},
	}
	for _, sc := range scenes {
		t.Run(sc.name, func(t *testing.T) {
			h := newHarness(t, 80, 24)
			h.openTopic("auth.logins")
			h.press(sc.keys...)
			screen := h.screen()
			lines := strings.Split(screen, "\n")
			footer := lines[len(lines)-1]
			for _, w := range sc.want {
				if !strings.Contains(footer, w) {
					t.Errorf("the 80-column footer lacks %q: %q", w, footer)
				}
			}
			golden.RequireEqual(t, screen)
		})
	}
}

// Each pane numbers its reads from 1: a kept pane must never take another pane's read
// (before routing by pane, the kept pane closed the new pane's stream as a stale read
// of its own, and the new topic showed 0 of 13 records).
func TestKeptPaneNeverTakesAnotherPanesRead(t *testing.T) {
	h := newHarness(t, 120, 40)
	h.openTopic("auth.logins")
	h.press("enter")
	h.mustSee("auth.logins  20 / 20 in range · done")
	h.press("esc")
	h.openTopic("erp.audit")
	h.press("enter")
	h.mustSee("erp.audit  20 / 20 in range · done")
	h.press("esc")
	h.openTopic("auth.logins")
	h.mustSee("auth.logins  20 / 20 in range · done", "restored auth.logins")
}

// A read that answers after its pane was left reaches that pane, not the one open then
// (whose own read has the same number).
func TestALeftPanesReadReachesIt(t *testing.T) {
	h := newHarness(t, 120, 40)
	open := h.reader.hold("auth.logins")
	h.openTopic("auth.logins")
	h.background()
	h.press("enter") // the read waits for the gate
	h.mustSee("auth.logins  0 / ? in range · starting")
	h.press("esc") // left while starting: kept
	h.read("erp.audit")
	open()
	h.waitUntil(func() bool { return len(h.app.kept) == 1 && h.app.kept[0].pane.Status() == "20 loaded" },
		"the left pane to load its records")
	h.mustSee("erp.audit  20 / 20 in range · done", "20 loaded")
	h.press("esc")
	h.openTopic("auth.logins")
	h.waitFor("restored auth.logins", "auth.logins  20 / 20 in range · done", "20 loaded")
}
