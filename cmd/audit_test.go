package cmd

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kpeek/kpeek/export/audit"
)

// TestMain keeps the tests' audit trail and signing key out of the user's own folders.
func TestMain(m *testing.M) {
	if os.Getenv(execEnv) == "1" { // a signal test re-ran this binary as kpeek
		os.Exit(runAsKpeek())
	}
	dir, err := os.MkdirTemp("", "kpeek-cmd-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "config"))
	os.Setenv("XDG_STATE_HOME", filepath.Join(dir, "state"))
	os.Setenv(audit.PathEnv, filepath.Join(dir, "state", "kpeek", "audit.jsonl"))
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// TestAuditTrailOfAnExport: the session, the connection and the export with its bundle
// digest are logged; the manifest names the log entry of its export; the chain verifies
// and an edited entry makes audit verify exit 3.
func TestAuditTrailOfAnExport(t *testing.T) {
	t.Setenv(audit.PathEnv, filepath.Join(t.TempDir(), "audit.jsonl"))
	bag, _ := exportBundle(t, "auth.logins", "--filter", `value.result == "failure"`)
	out := mustKpeek(t, "audit")
	for _, want := range []string{" session ", `command_line="kpeek --demo export -t auth.logins`, " connect ", `as="anonymous"`,
		" export-start ", `filter="value.result == \"failure\""`, " export ", `root_digest="sha256:`, `result="ok"`} {
		if !strings.Contains(out, want) {
			t.Errorf("kpeek audit lacks %q:\n%s", want, out)
		}
	}
	data, err := os.ReadFile(filepath.Join(bag, "kpeek-manifest.json"))
	must(t, err)
	var man struct {
		Provenance struct {
			AuditEntry string `json:"audit_entry"`
		} `json:"provenance"`
	}
	must(t, json.Unmarshal(data, &man))
	var start audit.Entry
	var startHash string
	must(t, audit.Read(t.Context(), os.Getenv(audit.PathEnv), func(e audit.Entry, line []byte) error {
		if e.Action == "export-start" {
			start = e
			startHash = fmt.Sprintf("audit#%d sha256:", e.Seq)
		}
		return nil
	}))
	if start.Seq == 0 || !strings.HasPrefix(man.Provenance.AuditEntry, startHash) {
		t.Errorf("manifest audit_entry %q, want the export-start entry %s...", man.Provenance.AuditEntry, startHash)
	}
	verified := mustKpeek(t, "audit", "verify")
	if !strings.Contains(verified, "chain intact") {
		t.Errorf("audit verify: %s", verified)
	}
	mustKpeek(t, "verify", bag) // logged too
	if out := mustKpeek(t, "audit"); !strings.Contains(out, " verify ") {
		t.Errorf("verify not logged:\n%s", out)
	}

	path := os.Getenv(audit.PathEnv)
	b, err := os.ReadFile(path)
	must(t, err)
	must(t, os.WriteFile(path, []byte(strings.Replace(string(b), "auth.logins", "erp.audit\u0000", 1)), 0o600))
	_, stderr, code := kpeek(t, "audit", "verify")
	if code != exitTampered || !strings.Contains(stderr, "chain broken") {
		t.Fatalf("audit verify of an edited log: exit %d, %s; want 3", code, stderr)
	}
}

func TestAuditPrintsHostileTextEscaped(t *testing.T) {
	t.Setenv(audit.PathEnv, filepath.Join(t.TempDir(), "audit.jsonl"))
	kpeek(t, "--demo", "consume", "-t", "hostile.payloads", "-n", "1", "--filter", "\x1b]0;owned\x07\u202e")
	out := mustKpeek(t, "audit")
	if strings.ContainsAny(out, "\x1b\x07\u202e") || !strings.Contains(out, " consume ") {
		t.Errorf("kpeek audit prints raw control text or lacks the consume:\n%q", out)
	}
}

func TestAuditWithoutALog(t *testing.T) {
	t.Setenv(audit.PathEnv, filepath.Join(t.TempDir(), "none.jsonl"))
	_, stderr, code := kpeek(t, "audit", "verify")
	if code != exitError || !strings.Contains(stderr, "nothing was logged yet") {
		t.Errorf("exit %d, %s", code, stderr)
	}
}

// TestExplorerAuditReturnsTheEntry: the explorer's audit function returns the reference
// of the entry it wrote (after the session's own), for its bundles' manifests.
func TestExplorerAuditReturnsTheEntry(t *testing.T) {
	t.Setenv(audit.PathEnv, filepath.Join(t.TempDir(), "audit.jsonl"))
	g := &globals{stderr: &strings.Builder{}, explorer: true}
	ref := g.syncAudit()("export-start", map[string]string{"topic": "auth.logins"})
	var last audit.Entry
	var lastLine []byte
	must(t, audit.Read(t.Context(), os.Getenv(audit.PathEnv), func(e audit.Entry, line []byte) error {
		last, lastLine = e, line
		return nil
	}))
	want := fmt.Sprintf("audit#%d sha256:%x", last.Seq, sha256.Sum256(lastLine))
	if last.Action != "export-start" || ref != want {
		t.Errorf("reference %q for entry %d %s, want %q", ref, last.Seq, last.Action, want)
	}
}
