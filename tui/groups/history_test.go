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
				{Time: at.Add(time.Minute), Kind: history.EventCommit, Group: group, Topic: "erp.purchasing.orders", Partition: 2, Offset: 7, Delta: 0},
				{Time: at.Add(2 * time.Minute), Kind: history.EventCommit, Group: group, Topic: "erp.purchasing.orders", Partition: 1, Offset: 42, Delta: 12},
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

// TestCommitSpanOpensItsRecords: in a group's history, down steps from one commit span to
// the next and enter asks for exactly the records between those commits on that partition;
// the page keys drop the selection, so enter then opens nothing.
func TestCommitSpanOpensItsRecords(t *testing.T) {
	var calls []string
	m := New(common.New(nil)).SetSize(120, 60).Focus().SetGroups(listing()).
		SetSources(context.Background(), Sources{History: fakeHistory(&calls)})
	m, cmd := m.Open("backup-agent")
	m, _ = m.Update(cmd())
	if _, cmd := m.Update(tea.KeyPressMsg{Code: tea.KeyEnter}); cmd != nil {
		t.Fatalf("enter with no span selected asked for %#v", cmd())
	}
	open := func(m Model) OpenRecordsMsg {
		t.Helper()
		_, cmd := m.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
		if cmd == nil {
			t.Fatalf("enter on a selected span did nothing:\n%s", ansi.Strip(m.View()))
		}
		msg, ok := cmd().(OpenRecordsMsg)
		if !ok {
			t.Fatalf("enter sent %#v", cmd())
		}
		return msg
	}
	m = press(m, 'j')
	if got, want := open(m), (OpenRecordsMsg{Group: "backup-agent", Topic: "erp.purchasing.orders", Partition: 0, From: 50, To: 400}); got != want {
		t.Errorf("the summary's range opens %+v, want %+v", got, want)
	}
	if !strings.Contains(strings.Join(helpKeys(m), " "), "open its records") {
		t.Errorf("help does not say enter opens the records")
	}
	// Newest event first: the commit on partition 1 that moved 30 -> 42.
	m = press(m, 'j')
	if got, want := open(m), (OpenRecordsMsg{Group: "backup-agent", Topic: "erp.purchasing.orders", Partition: 1, From: 30, To: 42}); got != want {
		t.Errorf("the newest commit opens %+v, want %+v", got, want)
	}
	m = press(m, 'j')
	if got := open(m); got.Partition != 0 || got.From != 50 || got.To != 400 {
		t.Errorf("the older commit opens %+v", got)
	}
	m = press(m, 'k', 'k')
	if got := open(m); got.From != 50 || got.Partition != 0 {
		t.Errorf("up twice is back on the summary's range, opens %+v", got)
	}
	m = press(m, tea.KeyPgDown)
	if _, cmd := m.Update(tea.KeyPressMsg{Code: tea.KeyEnter}); cmd != nil {
		t.Errorf("after page down enter still opens %#v", cmd())
	}
}

func helpKeys(m Model) []string {
	var out []string
	for _, b := range m.ShortHelp() {
		out = append(out, b.Help().Desc)
	}
	return out
}
