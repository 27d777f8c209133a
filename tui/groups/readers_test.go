package groups

import (
	"context"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/kpeek/kpeek/kafka"
	"github.com/kpeek/kpeek/kafka/history"
	"github.com/kpeek/kpeek/tui/common"
)

// TestTopicReaders: narrowing to a topic loads who may read it and who did, shown above the
// groups reading it; an answer for a topic no longer shown is dropped.
func TestTopicReaders(t *testing.T) {
	var asked []string
	src := func(_ context.Context, topic string) (history.ReadersReport, error) {
		asked = append(asked, topic)
		return history.ReadersReport{Topic: topic, ACLs: true,
			Allowed: []kafka.TopicReader{{Principal: "User:slyon", Host: "*"}, {Principal: "User:svc-erp", Host: "*"},
				{Principal: "User:old", Host: "10.0.0.1", DeniedBy: []kafka.ACL{{}}}},
			Groups: []history.Summary{{Group: "backup-agent", FirstCommit: at, LastCommit: at, Consumed: 641,
				Hosts: []string{"/203.0.113.7"}, ClientIDs: []string{"backup-agent-7f3c"}}},
			Notes: []string{"history reaches back to yesterday"}}, nil
	}
	m := New(common.New(nil)).SetSize(120, 20).Focus().SetGroups(listing()).
		SetSources(context.Background(), Sources{Readers: src})
	m, cmd := m.ShowReaders("erp.purchasing.orders")
	if cmd == nil {
		t.Fatal("no readers load")
	}
	if v := ansi.Strip(m.View()); !strings.Contains(v, "reading ACLs and __consumer_offsets") {
		t.Fatalf("no loading line:\n%s", v)
	}
	msg := cmd()
	// The user moved on to another topic before the answer came: it is dropped.
	other, _ := m.ShowReaders("auth.logins")
	if v := ansi.Strip(func() string { o, _ := other.Update(msg); return o.View() }()); strings.Contains(v, "backup-agent 11-26") {
		t.Fatalf("a stale answer was shown for another topic:\n%s", v)
	}
	m, _ = m.Update(msg)
	v := ansi.Strip(m.View())
	for _, want := range []string{"Groups reading erp.purchasing.orders: 1",
		"May read (ACLs): User:slyon, User:svc-erp, User:old@10.0.0.1 (denied)",
		"Did read: backup-agent 11-26 02:10:00 → 11-26 02:10:00, 641 records from /203.0.113.7 as backup-agent-7f3c",
		"history reaches back to yesterday"} {
		if !strings.Contains(v, want) {
			t.Errorf("readers view lacks %q:\n%s", want, v)
		}
	}
	if got := strings.Count(v, "\n") + 1; got > 20 {
		t.Errorf("view is %d lines high, want at most 20", got)
	}
	if len(asked) != 1 || asked[0] != "erp.purchasing.orders" {
		t.Errorf("asked %v", asked)
	}
}
