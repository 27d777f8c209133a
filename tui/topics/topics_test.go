package topics

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/kpeek/kpeek/kafka"
	"github.com/kpeek/kpeek/tui/common"
	"github.com/kpeek/kpeek/tui/internal/screentest"
)

func listing(latest int64) kafka.Topics {
	return kafka.Topics{
		{Name: "__consumer_offsets", Internal: true, Partitions: []kafka.PartitionInfo{{Latest: 5}}},
		{Name: "auth.logins", Partitions: []kafka.PartitionInfo{{Latest: latest}, {Latest: latest}},
			RetentionMs: 3 * 24 * 3600 * 1000, CleanupPolicy: "delete"},
		{Name: "erp.audit", Partitions: []kafka.PartitionInfo{{Earliest: 10, Latest: 100}}, RetentionMs: -1,
			CleanupPolicy: "compact,delete"},
	}
}

var t0 = time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)

func newPage() Model {
	return New(common.New(nil)).SetSize(70, 10).Focus().SetTopics(listing(100), t0)
}

func TestRateFromWatermarkDeltas(t *testing.T) {
	m := newPage()
	if v := ansi.Strip(m.View()); !strings.Contains(screentest.Line(v, "auth.logins"), " - ") {
		t.Fatalf("a first listing has no rate yet:\n%s", v)
	}
	m = m.SetTopics(listing(130), t0.Add(4*time.Second)) // 2 partitions × 30 in 4 s
	if l := screentest.Line(ansi.Strip(m.View()), "auth.logins"); !strings.Contains(l, " 15 ") {
		t.Fatalf("rate: %q", l)
	}
	if l := screentest.Line(ansi.Strip(m.View()), "erp.audit"); !strings.Contains(l, "90") ||
		!strings.Contains(l, "forever") || !strings.Contains(l, "cmp+del") {
		t.Fatalf("records, retention, cleanup: %q", l)
	}
	m = m.SetTopics(listing(10), t0.Add(8*time.Second)) // recreated: watermarks went down
	if l := screentest.Line(ansi.Strip(m.View()), "auth.logins"); !strings.Contains(l, " - ") {
		t.Fatalf("a topic whose offsets went back must have no rate: %q", l)
	}
}

func TestEnterReadersAndInternalToggle(t *testing.T) {
	m := newPage()
	if strings.Contains(m.View(), "__consumer_offsets") {
		t.Fatal("internal topics are shown by default")
	}
	m, _ = m.Update(tea.KeyPressMsg{Code: 'i', Text: "i"})
	if !strings.Contains(ansi.Strip(m.View()), "__consumer_offsets") {
		t.Fatal("i did not show internal topics")
	}
	m, _ = m.Update(tea.KeyPressMsg{Code: 'i', Text: "i"})
	_, cmd := m.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	if msg, ok := cmd().(OpenMsg); !ok || msg.Topic.Name != "auth.logins" {
		t.Fatalf("enter: %#v", cmd())
	}
	m, _ = m.Update(tea.KeyPressMsg{Code: 'j', Text: "j"})
	_, cmd = m.Update(tea.KeyPressMsg{Code: 'r', Text: "r"})
	if msg, ok := cmd().(ReadersMsg); !ok || msg.Topic != "erp.audit" {
		t.Fatalf("r: %#v", cmd())
	}
}

func TestFormats(t *testing.T) {
	cases := map[string]string{
		Retention(7 * 24 * 3600 * 1000): "7d", Retention(3600 * 1000): "1h", Retention(-1): "forever",
		Retention(90 * 1000): "1m30s", Count(12345): "12.3k", Count(999): "999", Rate(0.25, true): "0.2",
		Rate(0, false): "-", Rate(12000, true): "12.0k", Cleanup("compact"): "compact",
	}
	for got, want := range cases {
		if got != want {
			t.Errorf("got %q want %q", got, want)
		}
	}
}

// A topic scanned in this session with findings shows their classes after its name;
// a later scan that found nothing (a filter, fewer records) keeps the badge, and one
// that found another class adds it.
func TestScanBadge(t *testing.T) {
	m := newPage().SetFindings("auth.logins", []string{"PCI", "PII"})
	v := ansi.Strip(m.View())
	if l := screentest.Line(v, "auth.logins"); !strings.Contains(l, "auth.logins [PCI PII]") {
		t.Fatalf("badge missing: %q", l)
	}
	if l := screentest.Line(v, "erp.audit"); strings.Contains(l, "[") {
		t.Fatalf("badge on a topic not scanned: %q", l)
	}
	m = m.SetFindings("erp.audit", []string{"\x1b[31mPII"})
	if v := m.View(); strings.Contains(v, "\x1b[31mPII") {
		t.Fatalf("a class reached the screen unsanitized: %q", v)
	}
	m = m.SetFindings("auth.logins", nil).SetFindings("auth.logins", []string{"PII", "secrets"})
	if l := screentest.Line(ansi.Strip(m.View()), "auth.logins"); !strings.Contains(l, "auth.logins [PCI PII secrets]") {
		t.Fatalf("later scans must add to the badge, not hide it: %q", l)
	}
	if m.Reset().SetTopics(listing(100), t0).findings != nil {
		t.Fatal("a new cluster must not inherit another cluster's badges")
	}
}
