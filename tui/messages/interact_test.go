package messages

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/kpeek/kpeek/tui/common"

	tea "charm.land/bubbletea/v2"

	"github.com/kpeek/kpeek/export"
	"github.com/kpeek/kpeek/kafka"
)

func TestFilterNarrowsAsYouTypeAndKeepsLastGood(t *testing.T) {
	m := loaded(t, 80, 24, logins(100))
	m = keys(t, m, "/")
	if !m.CapturesInput() {
		t.Fatal("the filter input does not capture keys")
	}
	m = typeText(t, m, "slyon")
	m = run(t, m, filterDebounceMsg{n: m.filter.debounce})
	if got := m.rowCount(); got != 20 {
		t.Fatalf("text filter rows = %d, want 20", got)
	}
	// q typed into the filter is text, not quit; an invalid CEL keeps the last good filter.
	m = keys(t, m, "backspace", "backspace", "backspace", "backspace", "backspace")
	m = typeText(t, m, `value.result == "success" &&`)
	m = run(t, m, filterDebounceMsg{n: m.filter.debounce})
	if m.filter.err == "" || m.filter.expr != "slyon" || m.rowCount() != 20 {
		t.Fatalf("bad CEL: err=%q expr=%q rows=%d, want an error and slyon's 20 rows", m.filter.err, m.filter.expr, m.rowCount())
	}
	if !strings.Contains(plain(m), "✗") {
		t.Errorf("the error is not shown inline:\n%s", plain(m))
	}
	m = typeText(t, m, ` value.n < 10`)
	m = keys(t, m, "enter")
	if m.filter.err != "" || m.rowCount() != 10 || m.CapturesInput() {
		t.Fatalf("good CEL: err=%q rows=%d captures=%v, want 10 rows", m.filter.err, m.rowCount(), m.CapturesInput())
	}
	if !strings.Contains(m.Status(), "10 match") {
		t.Errorf("status = %q", m.Status())
	}
	m = keys(t, m, "/", "esc")
	if m.filter.active() || m.rowCount() != 100 {
		t.Errorf("esc did not clear the filter: rows=%d", m.rowCount())
	}
}

func TestStaleFilterResultDropped(t *testing.T) {
	m := loaded(t, 80, 24, logins(100))
	m = keys(t, m, "/")
	m = typeText(t, m, "slyon")
	m = keys(t, m, "enter")
	old := m.filter.id
	m = keys(t, m, "/", "backspace", "backspace", "backspace", "backspace", "backspace")
	m = typeText(t, m, "u001")
	m = keys(t, m, "enter")
	m = run(t, m, filterResultMsg{id: old, from: 0, to: 100, matches: []int64{1, 2, 3}})
	for _, seq := range m.filter.matches {
		if r := m.store.At(seq); !strings.Contains(string(r.Key), "u001") {
			t.Fatalf("an older filter's result landed: row %d key %s", seq, r.Key)
		}
	}
}

func TestMarks(t *testing.T) {
	m := loaded(t, 80, 24, logins(100))
	m = keys(t, m, "space", "space") // marks rows 0 and 1, cursor moves down
	if m.marks.count != 2 || !m.marks.has(0) || !m.marks.has(1) || m.cursor != 2 {
		t.Fatalf("space: count %d cursor %d", m.marks.count, m.cursor)
	}
	m = keys(t, m, "k", "space") // unmark row 1
	if m.marks.count != 1 || m.marks.has(1) {
		t.Fatalf("space toggles: count %d", m.marks.count)
	}
	m = keys(t, m, "home", "j", "j", "j", "j", "j", "v", "j", "j", "j", "v") // rows 5..8
	if m.marks.count != 5 || !m.marks.has(5) || !m.marks.has(8) || m.marks.has(9) {
		t.Fatalf("range: count %d", m.marks.count)
	}
	st := m.Status()
	if !strings.Contains(st, "5 marked") || !strings.Contains(st, "p0,1,2") || !strings.Contains(st, "offsets 0–2") ||
		!strings.Contains(st, "02:00:00–02:08:00") {
		t.Errorf("status = %q", st)
	}
	m = keys(t, m, "u")
	if m.marks.count != 0 || strings.Contains(m.Status(), "marked") {
		t.Fatalf("u did not clear: %d", m.marks.count)
	}
	m = keys(t, m, "/")
	m = typeText(t, m, "slyon")
	m = keys(t, m, "enter", "A")
	if m.marks.count != 20 {
		t.Fatalf("mark all matching: %d, want 20", m.marks.count)
	}
	m.marks.each(func(seq int64) {
		if !strings.Contains(string(m.store.At(seq).Value), "slyon") {
			t.Errorf("marked a record that does not match: %d", seq)
		}
	})
}

func TestDetailOpenRawCopyClose(t *testing.T) {
	m := loaded(t, 80, 24, logins(10))
	m = keys(t, m, "j", "enter")
	if !m.detail.open || !m.detail.loaded || m.AtRoot() {
		t.Fatalf("detail open=%v loaded=%v", m.detail.open, m.detail.loaded)
	}
	v := plain(m)
	for _, want := range []string{"partition 1 · offset 0", `"user": "u001"`, "source = idp", "json", "2026-11-26T02:01:00.000Z"} {
		if !strings.Contains(v, want) {
			t.Errorf("detail lacks %q:\n%s", want, v)
		}
	}
	m = keys(t, m, "r")
	if v := plain(m); !strings.Contains(v, "value (hex)") || !strings.Contains(v, "7b 22 75 73") {
		t.Errorf("hex view:\n%s", v)
	}
	m = keys(t, m, "r")
	if v := plain(m); !strings.Contains(v, "value (base64)") || !strings.Contains(v, "eyJ1c2VyIjoi") {
		t.Errorf("base64 view:\n%s", v)
	}
	_, cmd := m.Update(press("y"))
	if cmd == nil {
		t.Error("y returned no clipboard command")
	}
	m = keys(t, m, "y")
	if !strings.Contains(plain(m), "copied") {
		t.Errorf("no copy notice:\n%s", plain(m))
	}
	m = keys(t, m, "esc")
	if m.detail.open || !m.AtRoot() {
		t.Error("esc did not close the detail")
	}
}

func TestExportDialogOpensOverMarksOrFilter(t *testing.T) {
	m := loaded(t, 80, 24, logins(100))
	m = keys(t, m, "e")
	if !m.export.open || !m.CapturesInput() || !strings.Contains(plain(m), "Export 100 loaded records") {
		t.Fatalf("export dialog over everything:\n%s", plain(m))
	}
	m = keys(t, m, "esc", "space", "space", "e")
	if !strings.Contains(plain(m), "Export 2 marked records") {
		t.Fatalf("export dialog over marks:\n%s", plain(m))
	}
	m = keys(t, m, "space") // destination → splunk
	if !strings.Contains(plain(m), "HEC URL") {
		t.Errorf("splunk fields missing:\n%s", plain(m))
	}
	m = keys(t, m, "space", "tab", "tab", "space") // back to file; format → csv
	if formats[m.export.format] != "csv" || !strings.HasSuffix(m.export.path.Value(), ".csv") {
		t.Errorf("format %s path %s", formats[m.export.format], m.export.path.Value())
	}
	m = keys(t, m, "space") // bundle: a folder
	if p := m.export.path.Value(); formats[m.export.format] != "bundle" || strings.Contains(p, ".") && strings.HasSuffix(p, ".csv") {
		t.Errorf("format %s path %s", formats[m.export.format], p)
	}
	m = keys(t, m, "space")
	if p := m.export.path.Value(); !strings.HasSuffix(p, "Z.ndjson") {
		t.Errorf("back to ndjson: path %s", p)
	}
}

func TestExportRunsToTheEnd(t *testing.T) {
	dir := t.TempDir()
	m := loaded(t, 80, 24, logins(50))
	m = keys(t, m, "space", "space", "space", "e", "tab")
	m.export.path.SetValue(filepath.Join(dir, "out.ndjson"))
	m = keys(t, m, "enter")
	// The export either wrote the file or failed cleanly; either way it is over and said so.
	deadline := 100
	for m.export.running && deadline > 0 {
		m = run(t, m, nil)
		deadline--
	}
	v := plain(m)
	if m.Busy() {
		t.Fatalf("export still running:\n%s", v)
	}
	if m.export.failure != nil {
		if !strings.Contains(v, "export failed") {
			t.Errorf("failure not shown:\n%s", v)
		}
		t.Logf("export failed (shown cleanly): %v", m.export.failure)
		return
	}
	if !strings.Contains(v, "export finished") || !strings.Contains(v, "written 3") {
		t.Errorf("summary:\n%s", v)
	}
	b, err := os.ReadFile(filepath.Join(dir, "out.ndjson"))
	if err != nil || strings.Count(string(b), "\n") != 3 {
		t.Errorf("file has %q (%v), want 3 lines", b, err)
	}
}

func TestExportRedactsFields(t *testing.T) {
	dir := t.TempDir()
	m := loaded(t, 80, 24, logins(12))
	m = keys(t, m, "e")
	m.export.path.SetValue(filepath.Join(dir, "out.ndjson"))
	m = keys(t, m, "tab", "tab", "tab", "tab")
	if m.export.focus != exportFieldRedact {
		t.Fatalf("focus %d, want the redact field", m.export.focus)
	}
	m = typeText(t, m, "card_number")
	m = keys(t, m, "enter")
	if m.Busy() || m.export.err == "" || !strings.Contains(plain(m), "✗") {
		t.Fatalf("a bad redaction path started an export: err=%q\n%s", m.export.err, plain(m))
	}
	m.export.redact.SetValue("value.user, value.ip")
	m = keys(t, m, "enter")
	for i := 0; m.export.running && i < 100; i++ {
		m = run(t, m, nil)
	}
	if m.export.failure != nil {
		t.Fatalf("export failed: %v", m.export.failure)
	}
	b, err := os.ReadFile(filepath.Join(dir, "out.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	out := string(b)
	if strings.Count(out, "\n") != 12 || strings.Count(out, "[REDACTED]") != 24 ||
		strings.Contains(out, "203.0.113.") || strings.Contains(out, `"user":"u0`) {
		t.Errorf("redacted export:\n%s", out)
	}
}

func TestEscHidesARunningExportAndStatusShowsIt(t *testing.T) {
	m := loaded(t, 80, 24, logins(10))
	m = keys(t, m, "e")
	m.export.running, m.export.progress.Total, m.export.progress.Written = true, 10, 4
	m.export.cancel = func() { m.export.running = false }
	m = keys(t, m, "esc")
	if m.export.open || !m.Busy() || !strings.Contains(m.Status(), "exporting 4/10") {
		t.Errorf("open=%v busy=%v status=%q", m.export.open, m.Busy(), m.Status())
	}
	if !m.AtRoot() {
		t.Error("the pane is not at its root with only a background export")
	}
}

func TestPasteIntoFilter(t *testing.T) {
	m := loaded(t, 80, 24, logins(100))
	m = keys(t, m, "/")
	m = run(t, m, tea.PasteMsg{Content: "slyon"})
	m = run(t, m, filterDebounceMsg{n: m.filter.debounce})
	if m.filter.expr != "slyon" || m.rowCount() != 20 {
		t.Errorf("pasted filter: expr %q rows %d", m.filter.expr, m.rowCount())
	}
}

func TestMarksOnDroppedRecordsGoWithThem(t *testing.T) {
	m := newTest(t, 80, 24, newFake(true, logins(100)), WithCap(150))
	m = keys(t, m, "enter", "space", "space", "G", "space")
	if m.marks.count != 3 {
		t.Fatalf("marked %d, want 3", m.marks.count)
	}
	m = run(t, m, batchMsg{id: m.rd.id, batch: kafka.Batch{Records: logins(60)}}) // drops seqs 0..9
	if m.marks.count != 1 || !m.marks.has(99) || !strings.Contains(m.Status(), "1 marked") {
		t.Errorf("after the drop: %d marked, status %q", m.marks.count, m.Status())
	}
}

func TestExportProgressShowsBarCountRateAndETA(t *testing.T) {
	m := loaded(t, 80, 24, logins(10))
	m = keys(t, m, "e")
	e := &m.export
	e.running, e.started = true, time.Now().Add(-2*time.Second)
	e.progress = export.Progress{Written: 250, Total: 1000, Elapsed: 2 * time.Second}
	v := plain(m)
	for _, want := range []string{"Exporting 10 loaded records", "250/1,000", "125/s", "ETA 6s", "██", "ctrl+x cancel"} {
		if !strings.Contains(v, want) {
			t.Errorf("progress view lacks %q:\n%s", want, v)
		}
	}
	if got := ansi.Strip(exportState{barWidth: 8}.bar(common.NewMessagesStyles(true)).ViewAs(0.5)); got != "████░░░░" {
		t.Errorf("half-way bar of 8 = %q", got)
	}
}

func TestHelpFollowsWhatIsOpen(t *testing.T) {
	has := func(m Model, k string) bool {
		for _, b := range m.ShortHelp() {
			if b.Help().Key == k {
				return true
			}
		}
		return false
	}
	m := newTest(t, 80, 24, newFake(true, logins(10)))
	if !has(m, "enter") || !has(m, "tab") {
		t.Error("prompt help lacks enter/tab")
	}
	m = keys(t, m, "enter")
	if !has(m, "/") || !has(m, "space") || !has(m, "e") {
		t.Error("table help lacks / space e")
	}
	m = keys(t, m, "enter")
	if !has(m, "r") || !has(m, "y") {
		t.Error("detail help lacks r y")
	}
	full := func(m Model) map[string]int {
		out := map[string]int{}
		for _, g := range m.FullHelp() {
			for _, b := range g {
				out[b.Help().Key]++
			}
		}
		return out
	}
	d := full(m)
	if d["n/→"] != 1 || d["r"] != 1 || d["/"] != 0 || d["space"] != 0 || d["e"] != 0 {
		t.Errorf("detail full help lists what does not work there, or misses next record: %v", d)
	}
	tbl := full(keys(t, m, "esc"))
	for k, n := range tbl {
		if n > 1 {
			t.Errorf("table full help lists %q %d times", k, n)
		}
	}
	for _, k := range []string{"space", "e", "y", "o", "z", "[", "]", "g", "s", "u", "A", "v"} {
		if tbl[k] != 1 {
			t.Errorf("table full help lacks %q: %v", k, tbl)
		}
	}
}

func TestDetailNextAndPreviousRecord(t *testing.T) {
	m := loaded(t, 120, 40, logins(5))
	m = keys(t, m, "enter", "r") // hex stays on as the records change
	if !strings.Contains(plain(m), "partition 0 · offset 0") {
		t.Fatalf("detail of row 0:\n%s", plain(m))
	}
	m = keys(t, m, "n")
	if v := plain(m); !m.detail.open || !strings.Contains(v, "partition 1 · offset 0") || !strings.Contains(v, "value (hex)") {
		t.Fatalf("n did not show the next record in hex:\n%s", v)
	}
	m = keys(t, m, "p", "p")
	if v := plain(m); !strings.Contains(v, "partition 0 · offset 0") || !strings.Contains(v, "no more records") {
		t.Fatalf("p twice from row 1:\n%s", v)
	}
	m = keys(t, m, "esc")
	if m.detail.open || m.cursor != 0 {
		t.Errorf("esc: detail open %v, cursor %d (want the row last shown)", m.detail.open, m.cursor)
	}
}

func TestWidePaneShowsTheCursorRecordBeside(t *testing.T) {
	m := loaded(t, 200, 40, logins(5))
	v := plain(m)
	if !strings.Contains(v, "auth.logins · partition 0 · offset 0") || !strings.Contains(v, `"user": "u000"`) {
		t.Fatalf("no preview of the cursor record at 200 columns:\n%s", v)
	}
	m = keys(t, m, "j")
	if v := plain(m); !strings.Contains(v, `"user": "u001"`) {
		t.Fatalf("the preview did not follow the cursor:\n%s", v)
	}
	for i, l := range strings.Split(plain(m), "\n") {
		if w := ansi.StringWidth(l); w > 200 {
			t.Fatalf("line %d is %d wide", i, w)
		}
	}
	if n := loaded(t, 120, 40, logins(5)); strings.Contains(plain(n), "partition 0 · offset 0") {
		t.Errorf("a 120-column pane split:\n%s", plain(n))
	}
}

func TestFilterNamingAMissingFieldSaysSo(t *testing.T) {
	m := loaded(t, 120, 40, logins(30))
	m = keys(t, m, "/")
	m = typeText(t, m, `value.resutl == "failure"`)
	m = keys(t, m, "enter")
	if v := plain(m); !strings.Contains(v, "no record has value.resutl (did you mean value.result?)") {
		t.Fatalf("a typo in a field name matched nothing without a word:\n%s", v)
	}
	m = keys(t, m, "/")
	for range len(`value.resutl == "failure"`) {
		m = keys(t, m, "backspace")
	}
	m = typeText(t, m, `value.result == "failure"`)
	m = keys(t, m, "enter")
	if v := plain(m); strings.Contains(v, "no record has") || m.rowCount() == 0 {
		t.Fatalf("a correct filter: %d rows\n%s", m.rowCount(), v)
	}
}

func TestDecodedFieldsAsColumns(t *testing.T) {
	recs := logins(30)
	recs[0].Headers = nil // a record without the header shows ∅
	m := loaded(t, 80, 24, recs)
	m = keys(t, m, "c")
	if !m.CapturesInput() {
		t.Fatal("c did not open the columns input")
	}
	m = typeText(t, m, "value.user, value.result, headers.source")
	m = keys(t, m, "enter")
	v := plain(m)
	for _, want := range []string{"USER", "RESULT", "HEADERS.SOURCE", "u000", "success", "idp", "∅"} {
		if !strings.Contains(v, want) {
			t.Errorf("80 columns with fields lack %q:\n%s", want, v)
		}
	}
	for i, l := range strings.Split(v, "\n") {
		if w := ansi.StringWidth(l); w > 80 {
			t.Fatalf("line %d is %d wide", i, w)
		}
	}
	golden(t, "columns_80x24", m)
	m = keys(t, m, "c")
	for range len("value.user, value.result, headers.source") {
		m = keys(t, m, "backspace")
	}
	m = typeText(t, m, "offset")
	m = keys(t, m, "enter")
	if !strings.Contains(plain(m), "a column is a field of key, value or headers") {
		t.Errorf("a bad column was not refused:\n%s", plain(m))
	}
}
