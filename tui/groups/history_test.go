package groups

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/kpeek/kpeek/kafka/history"
	"github.com/kpeek/kpeek/tui/common"
)

var at = time.Date(2026, 11, 26, 2, 10, 0, 0, time.UTC)

// fakeHistory answers every group with backup-agent's story, and counts the loads.
func fakeHistory(calls *[]string) HistorySource {
	return func(_ context.Context, group string) (history.Report, error) {
		*calls = append(*calls, group)
		if group == "analytics" {
			return history.Report{}, errors.New("boom")
		}
		return history.Report{Oldest: at.Add(-24 * time.Hour),
			Events: []history.Event{
				{Time: at, Kind: history.EventMemberJoined, Group: group, ClientID: "backup-agent-7f3c", ClientHost: "/203.0.113.7"},
				{Time: at.Add(time.Minute), Kind: history.EventCommit, Group: group, Topic: "erp.purchasing.orders", Offset: 400, Delta: 350},
			},
			Summaries: []history.Summary{{Group: group, Topic: "erp.purchasing.orders", FirstCommit: at, LastCommit: at.Add(time.Minute),
				Consumed: 350, Ranges: []history.Range{{Partition: 0, From: 50, To: 400, FromKnown: true}, {Partition: 2, From: 7, To: 7}}, ClientIDs: []string{"backup-agent-7f3c\x1b[2J"}, Hosts: []string{"/203.0.113.7"}}},
		}, nil
	}
}

// TestGroupOpensOnItsHistory: enter loads the group's history off the event loop; the
// detail shows the summary and the newest events; an answer for another group is dropped.
func TestGroupOpensOnItsHistory(t *testing.T) {
	var calls []string
	m := New(common.New(nil)).SetSize(120, 60).Focus().SetGroups(listing()).
		SetSources(context.Background(), Sources{History: fakeHistory(&calls)})
	m = press(m, 'j')
	m, cmd := m.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	if cmd == nil {
		t.Fatal("opening a group started no history load")
	}
	if v := ansi.Strip(m.View()); !strings.Contains(v, "reading __consumer_offsets") {
		t.Fatalf("no loading line:\n%s", v)
	}
	msg := cmd()
	if len(calls) != 1 || calls[0] != "backup-agent" {
		t.Fatalf("loads %v", calls)
	}
	// A stale answer (another request) changes nothing.
	stale := msg.(historyMsg)
	stale.req--
	m, _ = m.Update(stale)
	if v := ansi.Strip(m.View()); !strings.Contains(v, "reading __consumer_offsets") {
		t.Fatalf("stale answer was shown:\n%s", v)
	}
	m, _ = m.Update(msg)
	v := m.View()
	if strings.Contains(v, "\x1b[2J") {
		t.Fatal("a hostile client id reached the screen raw")
	}
	v = ansi.Strip(v)
	for _, want := range []string{"History (from __consumer_offsets)", "erp.purchasing.orders · 11-26 02:10:00 → 11-26 02:11:00 · 350",
		"/203.0.113.7", "member_joined", "(+350)", "offsets p0 50→400 p2 ≤7→7",
		"its records: kpeek consume -t erp.purchasing.orders -p 0 --from 50 --to 399", "reaches back to 2026-11-25T02:10:00Z"} {
		if !strings.Contains(v, want) {
			t.Errorf("detail lacks %q:\n%s", want, v)
		}
	}
	// Newest first.
	if strings.Index(v, "commit ") > strings.Index(v, "member_joined") {
		t.Errorf("events not newest first:\n%s", v)
	}

	m = press(m, tea.KeyEscape, 'k')
	m, cmd = m.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	m, _ = m.Update(cmd())
	if v := ansi.Strip(m.View()); !strings.Contains(v, "boom") {
		t.Errorf("a failed load does not say why:\n%s", v)
	}
}

func TestConnectGroupIsFlagged(t *testing.T) {
	m := New(common.New(nil)).SetSize(120, 40).Focus().SetGroups(listing())
	m.detail = detail{open: true, id: "connect-s3-sink"}
	m.groups = append(m.groups, listing()[0])
	m.groups[len(m.groups)-1].ID = "connect-s3-sink"
	if v := ansi.Strip(m.View()); !strings.Contains(v, "Kafka Connect sink connector s3-sink") ||
		!strings.Contains(v, "not available for this cluster") {
		t.Errorf("connect group detail:\n%s", v)
	}
}
