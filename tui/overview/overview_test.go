package overview

import (
	"errors"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/kpeek/kpeek/kafka"
	"github.com/kpeek/kpeek/tui/common"
	"github.com/kpeek/kpeek/tui/internal/screentest"
)

// colourless is a Common whose styles write no escape sequence, so any escape byte in a
// view came from the cluster's data.
func colourless() *common.Common { return &common.Common{Styles: &common.Styles{}} }

func TestViewPerState(t *testing.T) {
	info := &kafka.ClusterInfo{ID: "MkU3OEVBNTcwNTJENDM2Qk", Controller: 2, Brokers: []kafka.Broker{
		{ID: 1, Addr: "k1:9092", Rack: "eu-1a"}, {ID: 2, Addr: "k2:9092"}}}
	tests := []struct {
		name  string
		st    State
		want  []string // lines that must appear, fields separated by single spaces
		parts []string // substrings that must appear
		not   []string
	}{
		{"nothing chosen", State{}, nil, []string{"Pick a cluster on the left"}, []string{"bootstrap"}},
		{"connecting", State{Name: "prod", Bootstrap: []string{"k1:9092", "k2:9092"}, Connecting: true},
			[]string{"bootstrap k1:9092, k2:9092", "state connecting…"}, []string{"Cluster prod"}, []string{"connected (read-only)"}},
		{"failed", State{Name: "prod", Bootstrap: []string{"k1:9092"}, Err: errors.New("cannot reach broker k1:9092: connection refused")},
			[]string{"state not connected"}, []string{"cannot reach broker k1:9092: connection refused", "Press enter on the cluster to try again"},
			[]string{"cluster id"}},
		{"connected", State{Name: "prod", Bootstrap: []string{"k1:9092"}, Info: info},
			[]string{"state connected (read-only)", "cluster id MkU3OEVBNTcwNTJENDM2Qk", "controller 2 (k2:9092)", "brokers 2",
				"1 k1:9092 rack eu-1a", "* 2 k2:9092", "* controller"}, nil, []string{"connecting"}},
		{"controller not among the brokers", State{Name: "x", Info: &kafka.ClusterInfo{ID: "c", Controller: 7}},
			[]string{"controller 7", "brokers 0"}, nil, []string{"* controller"}},
		{"no controller", State{Name: "x", Info: &kafka.ClusterInfo{ID: "c", Controller: -1}}, []string{"controller unknown"}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := New(colourless()).SetState(tt.st).SetSize(70, 16).View()
			for _, w := range tt.want {
				if !screentest.HasRow(v, w) {
					t.Errorf("no line %q in:\n%s", w, v)
				}
			}
			for _, w := range tt.parts {
				if !strings.Contains(v, w) {
					t.Errorf("no %q in:\n%s", w, v)
				}
			}
			for _, w := range tt.not {
				if strings.Contains(v, w) {
					t.Errorf("%q in:\n%s", w, v)
				}
			}
			lines := strings.Split(v, "\n")
			if len(lines) != 16 {
				t.Errorf("%d lines, want 16", len(lines))
			}
			for i, l := range lines {
				if w := ansi.StringWidth(l); w != 70 {
					t.Errorf("line %d is %d wide, want 70", i, w)
				}
			}
		})
	}
}

// TestHostileNamesCannotReachTheTerminal: cluster names, addresses, racks and errors come
// from config files and brokers; none of their control bytes may reach the screen.
func TestHostileNamesCannotReachTheTerminal(t *testing.T) {
	const evil = "\x1b]0;pwned\x07\x1b[2J\u202e"
	states := []State{
		{Name: "prod" + evil, Bootstrap: []string{"k1:9092" + evil}, Connecting: true},
		{Name: "prod", Err: errors.New("broker said " + evil)},
		{Name: "prod", Info: &kafka.ClusterInfo{ID: "id" + evil, Controller: 1,
			Brokers: []kafka.Broker{{ID: 1, Addr: "k1" + evil, Rack: "r" + evil}}}},
	}
	for i, st := range states {
		v := New(colourless()).SetState(st).SetSize(80, 20).View()
		for _, bad := range []string{"\x1b", "\x07", "\u202e"} {
			if strings.Contains(v, bad) {
				t.Errorf("state %d: %q reached the view:\n%q", i, bad, v)
			}
		}
		if !strings.Contains(v, `\x1b`) {
			t.Errorf("state %d: the escape is not made visible:\n%s", i, v)
		}
	}
}

func TestFocusAndKeys(t *testing.T) {
	c := common.New(nil)
	m := New(c).SetState(State{Name: "prod"}).SetSize(40, 6)
	blurred := m.View()
	focused := m.Focus().View()
	if ansi.Strip(blurred) != ansi.Strip(focused) {
		t.Errorf("focus changed the text:\n%s\n%s", blurred, focused)
	}
	if blurred == focused {
		t.Error("focus does not show in the title's style")
	}
	if m2, cmd := m.Update(nil); cmd != nil || m2.View() != blurred {
		t.Error("Update changed the page; it has no keys")
	}
	if m.ShortHelp() != nil || m.FullHelp() != nil {
		t.Error("the page has no bindings of its own")
	}
}
