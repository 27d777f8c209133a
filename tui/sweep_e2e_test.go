package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// TestE2ESweepToMessages opens the Sweep view from the navigation, sweeps the demo for the
// intruder's address and follows a hit to the topic's messages, window and filter set.
func TestE2ESweepToMessages(t *testing.T) {
	tm, all := startDemo(t)
	waitFor(t, tm, all, "auth.logins")
	typeKeys(tm, "tab") // to the navigation, its cursor on Topics
	tm.Send(tea.KeyPressMsg{Code: tea.KeyDown})
	tm.Send(tea.KeyPressMsg{Code: tea.KeyDown})
	typeKeys(tm, "enter")
	waitFor(t, tm, all, "one window across every topic")
	// The form starts on the indicators; up twice is the window's start.
	tm.Send(tea.KeyPressMsg{Code: tea.KeyUp})
	tm.Send(tea.KeyPressMsg{Code: tea.KeyUp})
	for range 3 {
		tm.Send(tea.KeyPressMsg{Code: tea.KeyBackspace})
	}
	typeKeys(tm, "-7h", "tab", "tab", "203.0.113.7", "enter")
	waitFor(t, tm, all, "45 hits in") // the result, not the progress line
	typeKeys(tm, "enter")             // auth.logins, the first topic with hits
	waitFor(t, tm, all, "which window?")
	typeKeys(tm, "enter") // read the window the prompt holds
	waitFor(t, tm, all, "41 match")
	screen := finalScreen(t, tm)
	for _, want := range []string{"auth.logins", `filter /203\.0\.113\.7/i  41 match`} {
		if !strings.Contains(screen, want) {
			t.Errorf("the messages pane lacks %q:\n%s", want, screen)
		}
	}
}
