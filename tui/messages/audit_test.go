package messages

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kpeek/kpeek/export/audit"
	"github.com/kpeek/kpeek/export/hectest"
	"github.com/kpeek/kpeek/kafka"
)

// auditEntry is one call of the pane's audit function.
type auditEntry struct {
	action  string
	details map[string]string
}

// auditRecorder is an audit function that keeps what it is given; safe for Cmds on
// several goroutines, like the real one.
type auditRecorder struct {
	mu      sync.Mutex
	entries []auditEntry
}

func (r *auditRecorder) fn(action string, details map[string]string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.entries = append(r.entries, auditEntry{action, details})
	return "audit#" + string(rune('0'+len(r.entries))) + " sha256:test"
}

// only returns the entries logged as action.
func (r *auditRecorder) only(action string) []map[string]string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []map[string]string
	for _, e := range r.entries {
		if e.action == action {
			out = append(out, e.details)
		}
	}
	return out
}

// audited is a pane that logs to a recorder and read recs through the start prompt.
func audited(t *testing.T, recs []kafka.Record) (Model, *auditRecorder) {
	t.Helper()
	rec := &auditRecorder{}
	m := newTest(t, 100, 30, newFake(true, recs), WithAudit(rec.fn))
	m.src.ClusterName = "prod"
	return keys(t, m, "enter"), rec
}

// TestAuditReadLogsTheResolvedWindow: opening a topic's records logs the cluster, the
// topic, the absolute window the prompt resolved (not "-1h..now") and the partitions.
func TestAuditReadLogsTheResolvedWindow(t *testing.T) {
	rec := &auditRecorder{}
	m := newTest(t, 100, 30, newFake(true, logins(10)), WithAudit(rec.fn))
	m.src.ClusterName = "prod"
	m.prompt.inputs[fieldWindow].SetValue("-2h..now")
	m.prompt.inputs[fieldPartitions].SetValue("0,2")
	keys(t, m, "enter")
	got := rec.only("explorer-read")
	if len(got) != 1 {
		t.Fatalf("read entries %v, want one", rec.entries)
	}
	d := got[0]
	// newTest's clock is base+24h: -2h..now resolves to 2026-11-27T00:00..02:00 UTC.
	if d["cluster"] != "prod" || d["topic"] != "auth.logins" || d["partitions"] != "0,2" || d["follow"] != "false" ||
		!strings.HasPrefix(d["window"], "2026-11-27T00:00:00") || !strings.Contains(d["window"], "..2026-11-27T02:00:00") {
		t.Errorf("read entry %v", d)
	}
}

// TestAuditFilterLogsTheAppliedExpression: a filter applied is logged once with its final
// expression; keystrokes before it are not, nor a bad expression.
func TestAuditFilterLogsTheAppliedExpression(t *testing.T) {
	m, rec := audited(t, logins(20))
	m = keys(t, m, "/")
	m = typeText(t, m, `value.user == "slyon"`) // the debounce timer is stopped in tests
	if got := rec.only("explorer-filter"); len(got) != 0 {
		t.Fatalf("keystrokes logged before the filter applied: %v", got)
	}
	m = keys(t, m, "enter")
	got := rec.only("explorer-filter")
	if len(got) != 1 || got[0]["filter"] != `value.user == "slyon"` || got[0]["topic"] != "auth.logins" {
		t.Fatalf("filter entries %v", got)
	}
	m = keys(t, m, "/")
	m = typeText(t, m, "value.(((")
	keys(t, m, "enter")
	if got := rec.only("explorer-filter"); len(got) != 1 {
		t.Errorf("a filter that does not compile was logged as applied: %v", got)
	}
}

// TestAuditCopyNamesTheRecordNotTheText: y in the table and in the detail logs which
// record and view went to the clipboard, never the copied text.
func TestAuditCopyNamesTheRecordNotTheText(t *testing.T) {
	m, rec := audited(t, logins(10))
	m = keys(t, m, "j", "y", "enter", "r", "y")
	got := rec.only("explorer-copy")
	if len(got) != 2 {
		t.Fatalf("copy entries %v, want two", got)
	}
	if got[0]["record"] != "auth.logins/1/0" || got[0]["view"] != "envelope line" {
		t.Errorf("table copy entry %v", got[0])
	}
	if got[1]["record"] != "auth.logins/1/0" || got[1]["view"] != "detail hex" {
		t.Errorf("detail copy entry %v", got[1])
	}
	for _, d := range got {
		for k, v := range d {
			if strings.Contains(v, "u001") || strings.Contains(v, "7b 22") {
				t.Errorf("copy entry %s holds the copied text: %q", k, v)
			}
		}
	}
}

// TestAuditFileExportStartAndEnd: an export from the explorer logs its start (file,
// format, how many marked) and its end (counts, root digest), in that order, and the
// bundle's manifest names the start entry.
func TestAuditFileExportStartAndEnd(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "case-bundle")
	m, rec := audited(t, logins(30))
	t.Chdir(filepath.Dir(dir))
	m = keys(t, m, "space", "space", "space", "e", "tab")
	m.export.format = 2                        // bundle
	m.export.path.SetValue(filepath.Base(dir)) // relative: logged absolute
	m = runToEnd(t, keys(t, m, "enter"))
	if m.export.failure != nil {
		t.Fatalf("export failed: %v", m.export.failure)
	}
	var actions []string
	for _, e := range rec.entries {
		actions = append(actions, e.action)
	}
	if got := strings.Join(actions, ","); got != "explorer-read,export-start,export" {
		t.Fatalf("audit actions %s", got)
	}
	start, end := rec.only("export-start")[0], rec.only("export")[0]
	if start["destination"] != dir || start["format"] != "bundle" || start["records"] != "3" || start["marked"] != "3" ||
		start["chosen"] != "marked" || start["cluster"] != "prod" || start["topic"] != "auth.logins" {
		t.Errorf("export-start entry %v", start)
	}
	if end["written"] != "3" || end["result"] != "ok" || end["root_digest"] == "" || end["destination"] != dir {
		t.Errorf("export entry %v", end)
	}
	found := false
	filepath.WalkDir(dir, func(p string, _ os.DirEntry, _ error) error {
		if b, err := os.ReadFile(p); err == nil && bytes.Contains(b, []byte(`"audit_entry": "audit#2 sha256:test"`)) ||
			err == nil && bytes.Contains(b, []byte(`"audit_entry":"audit#2 sha256:test"`)) {
			found = true
		}
		return nil
	})
	if !found {
		t.Error("no file of the bundle names its export-start audit entry")
	}
}

// TestAuditFailedHECExportHasNoToken: a Splunk export that fails is logged with its
// failure, and neither entry holds the token typed into the dialog.
func TestAuditFailedHECExportHasNoToken(t *testing.T) {
	t.Setenv(TokenEnv, "")
	t.Chdir(t.TempDir())
	srv := hectest.New(hectest.WithToken("right-token"))
	defer srv.Close()
	m, rec := audited(t, logins(5))
	m = keys(t, m, "e", "space", "tab")
	m = typeText(t, m, srv.URL())
	m.export.token.SetValue("wrong-s3cret")
	m = runToEnd(t, keys(t, m, "enter"))
	end := rec.only("export")
	if len(end) != 1 || end[0]["result"] == "ok" || end[0]["format"] != "hec" || !strings.HasPrefix(end[0]["destination"], "http") {
		t.Fatalf("export entries %v", rec.entries)
	}
	for _, e := range rec.entries {
		for k, v := range e.details {
			if strings.Contains(v, "wrong-s3cret") {
				t.Errorf("%s entry %s holds the token: %q", e.action, k, v)
			}
		}
	}
}

// TestAuditHostileTopicAndFilterStoredEscaped: through the real audit log, a topic
// name carrying terminal escapes and a filter with a bidi override are kept intact, the
// escapes never as raw bytes (the log's JSON encoding escapes them).
func TestAuditHostileTopicAndFilterStoredEscaped(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	l, err := audit.Open(path, "ir@host")
	if err != nil {
		t.Fatal(err)
	}
	fn := func(action string, d map[string]string) string {
		ref, err := l.Append(action, d)
		if err != nil {
			t.Error(err)
		}
		return ref.String()
	}
	hostile := "t\x1b]52;c;AAAA\x07\u202e"
	m := newTest(t, 100, 30, newFake(true, logins(5)), WithAudit(fn))
	m.src.Topic.Name = hostile
	m = keys(t, m, "enter", "/")
	hostileFilter := `key == "` + "\u202e" + `x"` // the input itself drops ESC; bidi gets through
	m = typeText(t, m, hostileFilter)
	keys(t, m, "enter")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.ContainsAny(raw, "\x1b\x07") {
		t.Errorf("the audit log holds raw control bytes:\n%q", raw)
	}
	var topics, filters []string
	for _, line := range bytes.Split(bytes.TrimSpace(raw), []byte("\n")) {
		var e audit.Entry
		if err := json.Unmarshal(line, &e); err != nil {
			t.Fatal(err)
		}
		topics, filters = append(topics, e.Details["topic"]), append(filters, e.Details["filter"])
	}
	if len(topics) != 2 || topics[0] != hostile || topics[1] != hostile || filters[1] != hostileFilter {
		t.Errorf("topics %q filters %q", topics, filters)
	}
}

// TestAuditWidenLogsTheNewWindow: widening with [ logs the whole window the pane now
// covers and the hour the new read adds.
func TestAuditWidenLogsTheNewWindow(t *testing.T) {
	rec := &auditRecorder{}
	var reqs []kafka.ReadRequest
	m := newTest(t, 120, 40, nil, WithReader(windowReader(logins(240), &reqs)), WithAudit(rec.fn))
	m.prompt.inputs[fieldWindow].SetValue("03:00..04:00")
	m.prompt.now = func() time.Time { return base.Add(5 * time.Hour) }
	keys(t, m, "enter", "[")
	got := rec.only("explorer-read")
	if len(got) != 2 {
		t.Fatalf("read entries %v, want two", got)
	}
	if w := got[1]["window"]; !strings.HasPrefix(w, "2026-11-26T02:00:00") || !strings.Contains(w, "..2026-11-26T04:00:00") {
		t.Errorf("widened window %q, want 02:00..04:00", w)
	}
	if r := got[1]["read"]; !strings.HasPrefix(r, "2026-11-26T02:00:00") || !strings.Contains(r, "..2026-11-26T03:00:00") {
		t.Errorf("widening read %q, want 02:00..03:00", r)
	}
}

// TestAuditClearingAFilterIsLogged: esc removing an applied filter logs an empty filter;
// esc with none applied logs nothing.
func TestAuditClearingAFilterIsLogged(t *testing.T) {
	m, rec := audited(t, logins(20))
	m = keys(t, m, "/")
	m = typeText(t, m, `value.result == "failure"`)
	m = keys(t, m, "enter", "esc", "esc")
	got := rec.only("explorer-filter")
	if len(got) != 2 || got[0]["filter"] == "" || got[1]["filter"] != "" {
		t.Errorf("filter entries %v, want the filter then its removal", got)
	}
}

// TestAuditExportStoppedAtQuitIsLoggedBeforeQuit: when the explorer quits during an
// export, FinishExport returns only after the export's end is in the audit trail.
func TestAuditExportStoppedAtQuitIsLoggedBeforeQuit(t *testing.T) {
	dir := t.TempDir()
	m, rec := audited(t, logins(20000))
	m = keys(t, m, "e")
	m.export.path.SetValue(filepath.Join(dir, "out.ndjson"))
	m, cmd := m.runExport()
	startInBackground(cmd)
	if r := m.FinishExport(30 * time.Second); r == "" {
		t.Fatal("no report of the stopped export")
	}
	end := rec.only("export")
	if len(end) != 1 || end[0]["result"] == "" || end[0]["records"] != "20000" {
		t.Errorf("export entries at quit %v", end)
	}
}
