package messages

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/kpeek/kpeek/kafka"
	"github.com/kpeek/kpeek/tui/common"
)

// fullCard is a card number the records carry; it must never reach the screen whole.
const fullCard = "4111111111111111"

// customers builds n crm.customers-like records: an e-mail in each, a card in every
// other one.
func customers(n int) []kafka.Record {
	recs := make([]kafka.Record, n)
	for i := range recs {
		card := ""
		if i%2 == 0 {
			card = fmt.Sprintf(`,"card":{"pan":%q,"expiry":"03/29"}`, fullCard)
		}
		recs[i] = kafka.Record{
			Topic: "crm.customers", Partition: int32(i % 3), Offset: int64(i / 3),
			Timestamp: base.Add(time.Duration(i) * time.Minute), TimestampType: kafka.TimestampCreate,
			Key:   fmt.Appendf(nil, "C-%06d", i),
			Value: fmt.Appendf(nil, `{"customer_id":"C-%06d","name":"Anna Keller","email":"anna.keller.%d@example.com"%s}`, i, i, card),
		}
	}
	return recs
}

// shipments builds n erp.supply.shipments-like records with nothing regulated in them.
func shipments(n int) []kafka.Record {
	recs := make([]kafka.Record, n)
	for i := range recs {
		recs[i] = kafka.Record{
			Topic: "erp.supply.shipments", Partition: int32(i % 3), Offset: int64(i / 3),
			Timestamp: base.Add(time.Duration(i) * time.Minute), TimestampType: kafka.TimestampCreate,
			Key:   fmt.Appendf(nil, "S-%d", i),
			Value: fmt.Appendf(nil, `{"shipment":"S-%d","status":"in_transit","pallets":%d}`, i, i%7),
		}
	}
	return recs
}

// scanned presses the scan key and runs every Cmd, returning the pane and the
// ScannedMsg it sent the frame (the last one).
func scanned(t *testing.T, m Model) (Model, *ScannedMsg) {
	t.Helper()
	var got *ScannedMsg
	queue := []tea.Msg{press("S")}
	for steps := 0; len(queue) > 0; steps++ {
		if steps > 10_000 {
			t.Fatal("runaway message loop")
		}
		msg := queue[0]
		queue = queue[1:]
		switch msg := msg.(type) {
		case nil:
			continue
		case tea.BatchMsg:
			for _, c := range msg {
				queue = append(queue, exec(c))
			}
			continue
		case ScannedMsg:
			got = &msg
			continue
		}
		var cmd tea.Cmd
		m, cmd = m.Update(msg)
		queue = append(queue, exec(cmd))
	}
	return m, got
}

func TestScanKeyReportsFindingsMasked(t *testing.T) {
	m, sent := scanned(t, loaded(t, 120, 40, customers(20)))
	r := m.scan.report
	if !m.scan.open || !m.scan.done || r.Scanned != 20 {
		t.Fatalf("scan open %v done %v scanned %d, want a finished report of 20 records", m.scan.open, m.scan.done, r.Scanned)
	}
	dets := map[string]int64{}
	for _, f := range r.Fields {
		dets[f.Path+" "+f.Detector] = f.Records
	}
	if dets["value.card.pan card_number"] != 10 || dets["value.email email"] != 20 {
		t.Fatalf("fields: %v", dets)
	}
	if sent == nil || !slices.Equal(sent.Classes, []string{"PCI", "PII"}) || sent.Topic != "auth.logins" {
		t.Fatalf("the frame was told %+v, want the pane's topic with PCI, PII", sent)
	}
	v := plain(m)
	for _, want := range []string{"scope: all 20 loaded records", "value.card.pan", "card_number", "PCI", "50.0%",
		"value.email", "100.0%", "PCI, PII found in 20 records scanned"} {
		if !strings.Contains(v, want) {
			t.Errorf("report lacks %q:\n%s", want, v)
		}
	}
	if strings.Contains(v, fullCard) || strings.Contains(v, "anna.keller.0@example.com") {
		t.Fatalf("a detected value reached the screen unmasked:\n%s", v)
	}
	m = keys(t, m, "esc")
	if m.scan.open || !strings.Contains(plain(m), "C-000019") {
		t.Fatalf("esc must close the report and show the table:\n%s", plain(m))
	}
}

func TestScanOfCleanRecordsSaysNothingFound(t *testing.T) {
	m, sent := scanned(t, loaded(t, 120, 40, shipments(30)))
	if len(m.scan.report.Fields) != 0 || sent == nil || len(sent.Classes) != 0 {
		t.Fatalf("fields %v, frame told %+v; want none", m.scan.report.Fields, sent)
	}
	if v := plain(m); !strings.Contains(v, "no regulated data found in 30 records") {
		t.Fatalf("verdict missing:\n%s", v)
	}
}

// With a filter applied the scan covers its matches only, and says so.
func TestScanCoversTheFilteredRecords(t *testing.T) {
	m := loaded(t, 120, 40, customers(20))
	m = keys(t, m, "/")
	m = typeText(t, m, "card")
	m = keys(t, m, "enter")
	if !m.filter.active() || len(m.filter.matches) != 10 {
		t.Fatalf("filter: %d matches", len(m.filter.matches))
	}
	m, _ = scanned(t, m)
	if m.scan.report.Scanned != 10 {
		t.Fatalf("scanned %d records, want the 10 matches", m.scan.report.Scanned)
	}
	if v := plain(m); !strings.Contains(v, "scope: the 10 records matching the filter card") {
		t.Fatalf("scope line:\n%s", v)
	}
}

// A result for a scan that was started again is dropped.
func TestStaleScanResultIsDropped(t *testing.T) {
	m := loaded(t, 120, 40, customers(4))
	m, first := m.startScan()
	m, _ = m.startScan()
	stale := first().(scanDoneMsg)
	stale.cancelled = false // it finished just before the second scan cancelled it
	m, cmd := m.Update(stale)
	if m.scan.done || m.scan.report.Scanned != 0 {
		t.Fatalf("the stale result of request %d landed in request %d", stale.id, m.scan.id)
	}
	for _, msg := range flatten(collect(cmd)) {
		if _, ok := msg.(ScannedMsg); ok {
			t.Fatal("a stale result told the frame")
		}
	}
}

func TestDetailListsFindingsMasked(t *testing.T) {
	m := loaded(t, 120, 40, customers(4))
	m = keys(t, m, "enter")
	if !m.detail.loaded {
		t.Fatal("detail did not load")
	}
	v := plain(m)
	if !strings.Contains(v, "detected") || !strings.Contains(v, "value.card.pan") || !strings.Contains(v, "card_number") ||
		!strings.Contains(v, "value.email") {
		t.Fatalf("detail lacks the detected section:\n%s", v)
	}
	det := v[strings.Index(v, "detected"):strings.Index(v, "── value")]
	if strings.Contains(det, fullCard) || strings.Contains(det, "anna.keller.0@example.com") {
		t.Fatalf("the detected section shows a value unmasked:\n%s", det)
	}
}

// Field names come from the data: a hostile one is escaped in the report and detail.
func TestScanReportOfHostileFieldNames(t *testing.T) {
	rec := kafka.Record{Topic: "x", Timestamp: base, Key: []byte("k"),
		Value: []byte(`{"\u001b[31mcard\u0007":"4111111111111111","e\u202email":"a.b@example.com"}`)}
	m := colourless(loaded(t, 120, 40, []kafka.Record{rec}))
	m, _ = scanned(t, m)
	if len(m.scan.report.Fields) == 0 {
		t.Fatal("no findings in the hostile record")
	}
	if bad := leaks(m.View()); len(bad) > 0 {
		t.Fatalf("report leaks %v:\n%q", bad, m.View())
	}
	m = keys(t, m, "esc", "enter")
	if bad := leaks(m.View()); len(bad) > 0 {
		t.Fatalf("detail leaks %v:\n%q", bad, m.View())
	}
}

func TestGoldenScanReport(t *testing.T) {
	m, _ := scanned(t, loaded(t, 80, 24, customers(20)))
	golden(t, "scan_80x24", m)
	if strings.Contains(m.View(), fullCard) {
		t.Fatal("the full card number is on screen")
	}
}

// A value with many findings lists the first detectedMax and counts the rest.
func TestDetailCapsTheFindings(t *testing.T) {
	var v strings.Builder
	v.WriteString(`{"to":[`)
	for i := range 50 {
		if i > 0 {
			v.WriteByte(',')
		}
		fmt.Fprintf(&v, `"user%d@example.com"`, i)
	}
	v.WriteString(`]}`)
	m := loaded(t, 120, 80, []kafka.Record{{Topic: "x", Timestamp: base, Key: []byte("k"), Value: []byte(v.String())}})
	m = keys(t, m, "enter")
	got := plain(m)
	if n := strings.Count(got, "PII email"); n != detectedMax {
		t.Fatalf("detail lists %d findings, want %d:\n%s", n, detectedMax, got)
	}
	if !strings.Contains(got, "… 30 more findings") {
		t.Fatalf("the rest is not counted:\n%s", got)
	}
}

// BenchmarkScanLoaded is the scan key's work on 100,000 loaded customer records.
func BenchmarkScanLoaded(b *testing.B) {
	m := loaded(b, 120, 40, customers(100_000))
	seqs := make([]int64, 0, m.store.Len())
	for seq := m.store.First(); seq < m.store.End(); seq++ {
		seqs = append(seqs, seq)
	}
	snap := m.store.Snapshot()
	for b.Loop() {
		if r := scanRecords(b.Context(), m.dec, snap, "crm.customers", seqs); r.Scanned != 100_000 {
			b.Fatalf("scanned %d", r.Scanned)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/100_000, "ns/record")
}

// Closing the pane mid-scan cancels it; the partial report neither shows nor tells the
// frame anything (a new pane's own scan must not get it either).
func TestCancelledScanIsDropped(t *testing.T) {
	m := loaded(t, 120, 40, customers(4))
	m, cmd := m.startScan()
	if v := plain(m); !strings.Contains(v, "scanning 4 records") {
		t.Fatalf("while running:\n%s", v)
	}
	m.Close()
	done := cmd().(scanDoneMsg)
	if !done.cancelled {
		t.Fatal("a scan whose pane closed is not marked cancelled")
	}
	m, cmd = m.Update(done)
	if m.scan.done {
		t.Fatal("a cancelled scan's partial report was shown")
	}
	for _, msg := range flatten(collect(cmd)) {
		if _, ok := msg.(ScannedMsg); ok {
			t.Fatal("a cancelled scan told the frame")
		}
	}
}

// The detail marks the detected text where the value shows it.
func TestDetailMarksDetectedText(t *testing.T) {
	m := loaded(t, 120, 40, customers(2))
	m.styles = common.NewMessagesStyles(true)
	m.styles.Highlight = false // chroma's own colours aside, the mark is the only style on the card
	m = keys(t, m, "enter")
	if want := m.st().Notice.Render(fullCard); !strings.Contains(m.View(), want) {
		t.Fatalf("the card number is not marked in the value:\n%q", m.View())
	}
}

// A report longer than the panel says how much is below and scrolls to it.
func TestScanReportScrolls(t *testing.T) {
	var v strings.Builder
	v.WriteString("{")
	for i := range 30 {
		if i > 0 {
			v.WriteByte(',')
		}
		fmt.Fprintf(&v, `"contact%02d":"user%d@example.com"`, i, i)
	}
	v.WriteString("}")
	m, _ := scanned(t, loaded(t, 80, 24, []kafka.Record{{Topic: "x", Timestamp: base, Key: []byte("k"), Value: []byte(v.String())}}))
	got := plain(m)
	if !strings.Contains(got, "value.contact00") || strings.Contains(got, "value.contact29") || !strings.Contains(got, "more (↓ scrolls)") {
		t.Fatalf("first page:\n%s", got)
	}
	for range 29 {
		m = keys(t, m, "down")
	}
	if got := plain(m); !strings.Contains(got, "value.contact29") || strings.Contains(got, "value.contact00") {
		t.Fatalf("scrolled to the end:\n%s", got)
	}
}
