package messages

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/kpeek/kpeek/config"
	"github.com/kpeek/kpeek/export/hectest"
)

// runToEnd runs the export the dialog started until it reported back.
func runToEnd(t *testing.T, m Model) Model {
	t.Helper()
	for i := 0; m.export.running && i < 1000; i++ {
		m = run(t, m, nil)
	}
	if m.export.running {
		t.Fatal("export still running")
	}
	return m
}

// startInBackground runs the Cmds of cmd (a tea.Batch) in goroutines, as the program would.
func startInBackground(cmd tea.Cmd) {
	if batch, ok := exec(cmd).(tea.BatchMsg); ok {
		for _, c := range batch {
			go exec(c)
		}
	}
}

// flat is the view without colour, borders and line breaks, to find wrapped text.
func flat(m Model) string {
	var b strings.Builder
	for _, l := range strings.Split(plain(m), "\n") {
		b.WriteString(strings.TrimSpace(strings.Trim(strings.TrimSpace(l), "│")) + " ")
	}
	return b.String()
}

// TestExportDialogUsesTheConfiguredSplunk: with a splunk: block in the config the dialog
// offers it first, filled from it, and delivers with its token: e, enter.
func TestExportDialogUsesTheConfiguredSplunk(t *testing.T) {
	t.Setenv(TokenEnv, "")
	t.Chdir(t.TempDir()) // the spool folder
	srv := hectest.New(hectest.WithIndexes("ir"))
	defer srv.Close()
	tokenFile := filepath.Join(t.TempDir(), "token")
	os.WriteFile(tokenFile, []byte("test-token"), 0o600)
	m := loaded(t, 100, 30, logins(20))
	m.src.Splunk = &config.Splunk{URL: srv.URL(), Index: "ir", Token: "file:" + tokenFile}
	m = keys(t, m, "e") // a configured Splunk is the first destination offered
	v := plain(m)
	if !strings.Contains(v, srv.URL()) || !strings.Contains(v, "ir") || !strings.Contains(v, "configured") {
		t.Fatalf("dialog not filled from the config:\n%s", v)
	}
	m = runToEnd(t, keys(t, m, "enter"))
	if m.export.failure != nil || srv.Count() != 20 {
		t.Fatalf("export: %v, collector has %d\n%s", m.export.failure, srv.Count(), plain(m))
	}
	if ev := srv.Events()[0]; ev.Index != "ir" || ev.Source != "kafka::auth.logins" && !strings.HasPrefix(ev.Source, "kafka:") {
		t.Errorf("event index %q source %q", ev.Index, ev.Source)
	}
}

// TestExportDialogAsksForATokenAndNeverShowsIt: without a configured token the dialog
// has a masked token field; what is typed is never on screen and not kept.
func TestExportDialogAsksForATokenAndNeverShowsIt(t *testing.T) {
	t.Setenv(TokenEnv, "")
	t.Chdir(t.TempDir())
	srv := hectest.New(hectest.WithToken("s3cret-hec-token"))
	defer srv.Close()
	m := loaded(t, 100, 30, logins(10))
	m = keys(t, m, "e", "space", "tab")
	m = typeText(t, m, srv.URL())
	m = keys(t, m, "enter") // no token yet: the dialog asks for one
	if m.Busy() || m.export.focus != exportFieldToken || !strings.Contains(flat(m), "type the HEC token") {
		t.Fatalf("no token: busy=%v focus=%d\n%s", m.Busy(), m.export.focus, plain(m))
	}
	m = typeText(t, m, "s3cret-hec-token")
	if v := plain(m); strings.Contains(v, "s3cret") || !strings.Contains(v, "••••") {
		t.Fatalf("the token is echoed:\n%s", v)
	}
	m = runToEnd(t, keys(t, m, "enter"))
	if m.export.failure != nil || srv.Count() != 10 {
		t.Fatalf("export: %v, collector has %d", m.export.failure, srv.Count())
	}
	if m.export.token.Value() != "" || strings.Contains(plain(m), "s3cret") {
		t.Error("the dialog kept the token")
	}
}

// TestExportDialogStartsAfresh: a second export gets a new default file name, and no
// value or error of the first one is left in the fields.
func TestExportDialogStartsAfresh(t *testing.T) {
	t.Chdir(t.TempDir())
	m := loaded(t, 100, 30, logins(5))
	m = keys(t, m, "e")
	first := m.export.path.Value()
	m = runToEnd(t, keys(t, m, "enter"))
	if m.export.failure != nil {
		t.Fatal(m.export.failure)
	}
	m = keys(t, m, "enter", "e", "tab", "tab", "tab", "tab")
	m = typeText(t, m, "nonsense")
	m = keys(t, m, "enter") // a bad redaction: an error
	if m.export.err == "" {
		t.Fatal("no error for a bad redaction")
	}
	m = keys(t, m, "esc", "e")
	if p := m.export.path.Value(); p == first || p == "" {
		t.Errorf("second export's default name %q, first %q", p, first)
	}
	if m.export.redact.Value() != "" || m.export.err != "" || strings.Contains(plain(m), "✗") {
		t.Errorf("stale redact %q / error %q", m.export.redact.Value(), m.export.err)
	}
	m = runToEnd(t, keys(t, m, "enter"))
	if m.export.failure != nil {
		t.Errorf("second export failed: %v", m.export.failure)
	}
}

// TestExportDialogWrapsErrorsAndSpaceTicksOverwrite: an error is shown whole, and Space
// ticks the overwrite box the dialog shows, which lets the export replace the file.
func TestExportDialogWrapsErrorsAndSpaceTicksOverwrite(t *testing.T) {
	dir := filepath.Join(t.TempDir(), strings.Repeat("a-long-folder-name-", 4))
	os.MkdirAll(dir, 0o700)
	path := filepath.Join(dir, "evidence.ndjson")
	os.WriteFile(path, []byte("old\n"), 0o600)
	m := loaded(t, 80, 24, logins(4))
	m = keys(t, m, "e")
	m.export.path.SetValue(path)
	m = runToEnd(t, keys(t, m, "enter"))
	if m.export.failure == nil || !strings.Contains(flat(m), "it already exists") {
		t.Fatalf("existing file: failure %v\n%s", m.export.failure, plain(m))
	}
	if !strings.Contains(strings.ReplaceAll(flat(m), " ", ""), strings.ReplaceAll(m.export.failure.Error(), " ", "")) {
		t.Errorf("the error is cut:\n%s", plain(m))
	}
	m = keys(t, m, "enter", "e", "tab", "tab", "tab")
	if m.export.focus != exportFieldCheck || !strings.Contains(plain(m), "overwrite") {
		t.Fatalf("focus %d\n%s", m.export.focus, plain(m))
	}
	m = keys(t, m, "space")
	if !m.export.force || !strings.Contains(plain(m), "[x]") {
		t.Fatalf("space did not tick overwrite:\n%s", plain(m))
	}
	m.export.path.SetValue(path)
	m = runToEnd(t, keys(t, m, "enter"))
	if b, _ := os.ReadFile(path); m.export.failure != nil || strings.Count(string(b), "\n") != 4 {
		t.Errorf("overwrite: %v, file %q", m.export.failure, b)
	}
}

// TestFinishExportSpoolsTheRest: quitting during an HEC export cancels it, lets the
// batches in flight end, spools every record not confirmed and says where.
func TestFinishExportSpoolsTheRest(t *testing.T) {
	t.Setenv(TokenEnv, "test-token")
	dir := t.TempDir()
	t.Chdir(dir)
	srv := hectest.New(hectest.WithHoldAfter(1))
	defer srv.Close()
	recs := logins(3000)
	m := loaded(t, 100, 30, recs)
	m = keys(t, m, "e", "space", "tab")
	m = typeText(t, m, srv.URL())
	m, cmd := m.runExport()
	if !m.Busy() {
		t.Fatalf("export did not start: %s", m.export.err)
	}
	startInBackground(cmd)
	for deadline := time.Now().Add(30 * time.Second); srv.Held() == 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the export never reached the collector: %s", m.FinishExport(time.Second))
		}
	}
	report := m.FinishExport(30 * time.Second)
	spools, _ := filepath.Glob(filepath.Join(dir, "kpeek-spool-*.ndjson"))
	if len(spools) != 1 || !strings.Contains(report, spools[0]) || !strings.Contains(report, "finish with") {
		t.Fatalf("report %q, spools %v", report, spools)
	}
	data, _ := os.ReadFile(spools[0])
	lines := 0
	for _, l := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(l, `{"time"`) {
			lines++
		}
	}
	if lines+srv.Count() != len(recs) {
		t.Errorf("%d spooled + %d delivered, want all %d records", lines, srv.Count(), len(recs))
	}
	if tmp, _ := filepath.Glob(filepath.Join(dir, ".*tmp-*")); len(tmp) > 0 {
		t.Errorf("temporary files left: %v", tmp)
	}
}

// TestFinishFileExportLeavesNoTemporaryFile: a file export stopped at quit leaves the
// finished file or nothing, never a .tmp-* file.
func TestFinishFileExportLeavesNoTemporaryFile(t *testing.T) {
	dir := t.TempDir()
	m := loaded(t, 100, 30, logins(20000))
	m = keys(t, m, "e")
	m.export.path.SetValue(filepath.Join(dir, "out.ndjson"))
	m, cmd := m.runExport()
	startInBackground(cmd)
	if r := m.FinishExport(30 * time.Second); r == "" {
		t.Error("no report of the stopped export")
	}
	names, _ := os.ReadDir(dir)
	for _, n := range names {
		if n.Name() != "out.ndjson" {
			t.Errorf("left behind: %s", n.Name())
		}
	}
}

// TestGoldenSplunkDialog: the Splunk form at 80×24 with a typed token: masked, the
// checkbox and the hint line whole.
func TestGoldenSplunkDialog(t *testing.T) {
	t.Setenv(TokenEnv, "")
	m := loaded(t, 80, 24, logins(10))
	m = keys(t, m, "e", "space", "tab")
	m = typeText(t, m, "https://splunk.example:8088/services/collector/event")
	m = keys(t, m, "tab", "tab")
	m = typeText(t, m, "hunter2")
	if strings.Contains(plain(m), "hunter2") {
		t.Fatal("the token is on screen")
	}
	golden(t, "export_splunk_80x24", m)
}
