package groups

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/kpeek/kpeek/kafka"
	"github.com/kpeek/kpeek/tui/common"
	"github.com/kpeek/kpeek/tui/internal/screentest"
)

func listing() kafka.Groups {
	return kafka.Groups{
		{ID: "analytics", State: "Empty", Offsets: []kafka.GroupOffset{{Topic: "auth.logins", Committed: 5, End: 50, Lag: 45}}},
		{ID: "backup-agent", State: "Stable",
			Members: []kafka.MemberInfo{{ID: "m-1", ClientID: "backup-agent-7f3c", ClientHost: "/10.0.0.9",
				Assigned: []kafka.TopicPartition{{Topic: "erp.supply.shipments", Partition: 1}, {Topic: "erp.purchasing.orders", Partition: 0}}}},
			Offsets: []kafka.GroupOffset{{Topic: "erp.purchasing.orders", Committed: -1, End: 9, Lag: 9}}},
	}
}

func press(m Model, codes ...rune) Model {
	for _, c := range codes {
		k := tea.KeyPressMsg{Code: c}
		if c < 0x7f && c > ' ' {
			k.Text = string(c)
		}
		m, _ = m.Update(k)
	}
	return m
}

func TestDetailShowsOffsetsMembersAndTopics(t *testing.T) {
	m := New(common.New(nil)).SetSize(90, 30).Focus().SetGroups(listing())
	v := ansi.Strip(m.View())
	if !strings.Contains(screentest.Line(v, "analytics"), "45") {
		t.Fatalf("total lag missing:\n%s", v)
	}
	m = press(m, 'j', tea.KeyEnter)
	if !m.DetailOpen() || m.AtRoot() {
		t.Fatal("enter did not open the group")
	}
	v = ansi.Strip(m.View())
	for _, want := range []string{"Group backup-agent", "Reads 2 topics", "erp.purchasing.orders", "erp.supply.shipments",
		"backup-agent-7f3c", "/10.0.0.9", "erp.purchasing.orders[0] erp.supply.shipments[1]"} {
		if !strings.Contains(v, want) {
			t.Fatalf("detail lacks %q:\n%s", want, v)
		}
	}
	if !screentest.HasRow(v, "erp.purchasing.orders 0 - 9 9") {
		t.Fatalf("offsets row (nothing committed shows as -) missing:\n%s", v)
	}
	m = m.SetGroups(listing()) // a refresh keeps the detail open
	m = press(m, tea.KeyEscape)
	if m.DetailOpen() || !m.AtRoot() {
		t.Fatal("esc did not close the detail")
	}
}

func TestReadingNarrowsToAtopicsGroups(t *testing.T) {
	m := New(common.New(nil)).SetSize(90, 20).Focus().SetGroups(listing()).SetReading("auth.logins")
	v := ansi.Strip(m.View())
	if !strings.Contains(v, "Groups reading auth.logins: 1") || strings.Contains(v, "backup-agent") {
		t.Fatalf("reading auth.logins:\n%s", v)
	}
	m = m.SetReading("nobody.reads.this")
	if !strings.Contains(ansi.Strip(m.View()), "no consumer group reads nobody.reads.this") {
		t.Fatal("an unread topic must say so")
	}
}
