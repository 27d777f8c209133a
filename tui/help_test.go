package tui

import (
	"regexp"
	"testing"

	"charm.land/bubbles/v2/key"

	"github.com/kpeek/kpeek/tui/common"
)

func TestHelpListsEachKeyOnce(t *testing.T) {
	k := common.DefaultKeyMap()
	m := common.NewMessagesKeys()
	// A pane that names keys the frame lists too (esc, tab, enter, space), as the
	// messages pane's dialogs do.
	pane := [][]key.Binding{{k.Up, k.Down}, {k.Back, m.NextField, m.Submit, m.Toggle}, {k.Mark, k.Enter}}
	got := distinctBindings(append(pane, []key.Binding{k.Tab, k.Back, k.Refresh, k.Help, k.Quit}))
	seen := map[string]int{}
	for _, g := range got {
		for _, b := range g {
			for _, key := range b.Keys() {
				seen[key]++
			}
		}
	}
	for key, n := range seen {
		if n > 1 {
			t.Errorf("key %q listed %d times", key, n)
		}
	}
	for _, want := range []string{"esc", "tab", "enter", "space", "q", "?"} {
		if seen[want] != 1 {
			t.Errorf("key %q listed %d times, want once", want, seen[want])
		}
	}

	h := newHarness(t, 160, 40)
	h.openTopic("auth.logins")
	h.press("esc", "?") // the prompt closed, the pane's help
	dialog := regexp.MustCompile(`(?s)Keys · .*kpeek only reads`).FindString(h.screen())
	if n := len(regexp.MustCompile(`esc\s+back`).FindAllString(dialog, -1)); n != 1 {
		t.Errorf("the help screen lists esc %d times:\n%s", n, h.screen())
	}
}

func TestGroupDetailHelpListsOnlyWhatWorks(t *testing.T) {
	h := newHarness(t, 120, 40)
	h.press("tab", "j", "enter", "j", "enter") // backup-agent's detail
	h.mustSee("Group backup-agent")
	h.press("?")
	h.mustSee("Keys · Consumer groups")
	s := h.screen()
	for _, re := range []string{`/\s+filter`, `enter\s+open`} {
		if regexp.MustCompile(re).MatchString(s) {
			t.Errorf("group detail help lists %s, which does nothing there:\n%s", re, s)
		}
	}
}
