package nav

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/kpeek/kpeek/tui/common"
	"github.com/kpeek/kpeek/tui/internal/screentest"
)

func TestEnterOpensClustersAndViews(t *testing.T) {
	m := New(common.New(nil), []string{"demo", "prod"}).SetSize(24, 12).Focus()
	_, cmd := m.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	if msg, ok := cmd().(OpenClusterMsg); !ok || msg.Name != "demo" {
		t.Fatalf("enter on demo: %#v", cmd())
	}
	m = m.SetCluster("demo", Connected).SetCount(Groups, "3")
	for range 4 {
		m, _ = m.Update(tea.KeyPressMsg{Code: 'j', Text: "j"})
	}
	_, cmd = m.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	if msg, ok := cmd().(OpenViewMsg); !ok || msg.View != Groups {
		t.Fatalf("enter on groups: %#v", cmd())
	}
	v := ansi.Strip(m.View())
	if !strings.Contains(v, "● demo") || !strings.Contains(screentest.Line(v, "Consumer groups"), "3") {
		t.Fatalf("view:\n%s", v)
	}
	m = m.SetCluster("prod", Connecting)
	if v := ansi.Strip(m.View()); !strings.Contains(v, "○ demo") || !strings.Contains(v, "◌ prod") {
		t.Fatalf("connecting to prod leaves demo idle:\n%s", v)
	}
}

func TestManyClustersScrollToTheCursor(t *testing.T) {
	names := make([]string, 30)
	for i := range names {
		names[i] = fmt.Sprintf("cluster-%02d", i)
	}
	m := New(common.New(nil), names).SetSize(24, 8).Focus()
	for range 20 {
		m, _ = m.Update(tea.KeyPressMsg{Code: 'j', Text: "j"})
	}
	v := ansi.Strip(m.View())
	if !strings.Contains(v, "cluster-20") || strings.Contains(v, "cluster-00") {
		t.Fatalf("the cursor on cluster-20 is off screen:\n%s", v)
	}
	if n := strings.Count(v, "\n") + 1; n != 8 {
		t.Fatalf("%d lines, want 8", n)
	}
}
