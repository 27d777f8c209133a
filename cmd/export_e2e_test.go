package cmd

// End-to-end tests of export and verify through Run: files and bundles, tampering,
// an export cut short by a dying Splunk and resumed, and the config's Splunk default.

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kpeek/kpeek/export/hectest"
	"github.com/kpeek/kpeek/kafka/demo"
	"go.uber.org/goleak"
)

// demoRecords is how many records the demo's auth.logins holds, read with consume.
func demoRecords(t *testing.T, topic string) int {
	t.Helper()
	n := len(parseNDJSON(t, mustKpeek(t, "--demo", "consume", "-t", topic, "--from", "beginning")))
	if n == 0 {
		t.Fatalf("the demo's %s is empty", topic)
	}
	return n
}

// eventOffsets maps each event's partition/offset to how often it arrived.
func eventOffsets(t *testing.T, events []hectest.Event) map[string]int {
	t.Helper()
	seen := map[string]int{}
	for _, e := range events {
		var env struct {
			Partition *int32 `json:"partition"`
			Offset    *int64 `json:"offset"`
		}
		if err := json.Unmarshal(e.Event, &env); err != nil || env.Partition == nil || env.Offset == nil {
			t.Fatalf("event is not an envelope (%v): %.200s", err, e.Event)
		}
		seen[fmt.Sprintf("%d/%d", *env.Partition, *env.Offset)]++
	}
	return seen
}

func TestExportToFileWritesEveryRecord(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	want := demoRecords(t, "auth.logins")
	path := filepath.Join(t.TempDir(), "logins.ndjson")
	_, stderr, code := kpeek(t, "--demo", "export", "-t", "auth.logins", "--from", "beginning", "--file", path)
	if code != exitOK {
		t.Fatalf("export: exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(parseNDJSON(t, string(b))); got != want {
		t.Errorf("file holds %d records, want %d", got, want)
	}
	// An existing file is not overwritten without --force.
	_, stderr, code = kpeek(t, "--demo", "export", "-t", "auth.logins", "--from", "beginning", "--file", path)
	if code == exitOK || !strings.Contains(stderr, "already exists (use --force to overwrite)") {
		t.Errorf("export over an existing file: exit %d: %s", code, stderr)
	}
	// Each run started and stopped its own demo cluster and client: nothing may be left
	// running but go-metrics' process-wide ticker, which sarama starts once.
	goleak.VerifyNone(t, ignore, goleak.IgnoreTopFunction("github.com/rcrowley/go-metrics.(*meterArbiter).tick"))
}

// TestBundleVerifiesUntilOneByteChanges: a bundle verifies (exit 0); one flipped byte in
// its records makes verify exit 3 with one line naming the file.
func TestBundleVerifiesUntilOneByteChanges(t *testing.T) {
	bag := filepath.Join(t.TempDir(), "evidence")
	if _, stderr, code := kpeek(t, "--demo", "export", "-t", "erp.purchasing.orders", "--from", "beginning",
		"--file", bag, "--format", "bundle"); code != exitOK {
		t.Fatalf("export bundle: exit %d: %s", code, stderr)
	}
	if _, stderr, code := kpeek(t, "verify", bag); code != exitOK {
		t.Fatalf("verify of a fresh bundle: exit %d: %s", code, stderr)
	}
	var data []string
	err := filepath.WalkDir(filepath.Join(bag, "data"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".ndjson") {
			data = append(data, p)
		}
		return err
	})
	if err != nil || len(data) == 0 {
		t.Fatalf("no records file in the bundle's data/ (%v)", err)
	}
	b, err := os.ReadFile(data[0])
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0x01
	if err := os.WriteFile(data[0], b, 0o600); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := kpeek(t, "verify", bag)
	if code != exitTampered {
		t.Fatalf("verify after a flipped byte: exit %d, want %d: %s", code, exitTampered, stderr)
	}
	if !strings.Contains(stderr, filepath.Base(data[0])) {
		t.Errorf("verify does not name the changed file: %s", stderr)
	}
}

// TestExportResumesAfterSplunkDies: the collector dies mid-export; what it did not take is
// spooled, the command says how to resume, and --resume against the restarted collector
// delivers the rest: every record exactly once.
func TestExportResumesAfterSplunkDies(t *testing.T) {
	want := demoRecords(t, "auth.logins")
	t.Setenv("KPEEK_SPLUNK_TOKEN", "test-token")
	srv := hectest.New(hectest.WithKillAfter(want / 3))
	spool := t.TempDir()
	_, stderr, code := kpeek(t, "--demo", "export", "-t", "auth.logins", "--from", "beginning", "--splunk", srv.URL(),
		"--spool-dir", spool, "--batch-bytes", "4096", "--concurrency", "1")
	if code == exitOK {
		t.Fatalf("export to a dying collector succeeded: %s", stderr)
	}
	files, err := filepath.Glob(filepath.Join(spool, "*"))
	if err != nil || len(files) != 1 {
		t.Fatalf("spool dir holds %v (%v), want one spool file", files, err)
	}
	if !strings.Contains(stderr, "kpeek export --resume "+files[0]) {
		t.Errorf("the command does not say how to resume:\n%s", stderr)
	}
	first := srv.Events()
	if len(first) == 0 || len(first) >= want {
		t.Fatalf("%d of %d events arrived before the collector died", len(first), want)
	}

	restarted := hectest.New(hectest.WithAddr(srv.Addr()))
	defer restarted.Close()
	if restarted.URL() != srv.URL() {
		t.Skipf("could not restart the collector on %s", srv.Addr())
	}
	if _, stderr, code := kpeek(t, "export", "--resume", files[0]); code != exitOK {
		t.Fatalf("resume: exit %d: %s", code, stderr)
	}
	seen := eventOffsets(t, append(first, restarted.Events()...))
	if len(seen) != want {
		t.Errorf("%d distinct records arrived, want %d", len(seen), want)
	}
	for k, n := range seen {
		if n != 1 {
			t.Errorf("record %s arrived %d times", k, n)
		}
	}
	if _, err := os.Stat(files[0]); !os.IsNotExist(err) {
		t.Error("the finished spool was not removed")
	}
}

// TestExportSplunkDefault: --splunk default takes URL, token reference and index from the
// chosen cluster's splunk section; a cluster without one is a usage error.
func TestExportSplunkDefault(t *testing.T) {
	cl, err := demo.Start(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	srv := hectest.New(hectest.WithIndexes("kafka_evidence"))
	defer srv.Close()
	t.Setenv("KPEEK_TEST_HEC", "test-token")
	t.Setenv("KPEEK_SPLUNK_TOKEN", "")
	cc := cl.ClusterConfig()
	conf := filepath.Join(t.TempDir(), "config.yaml")
	yaml := fmt.Sprintf(`clusters:
  incident:
    brokers: [%q]
    schema_registry: {url: %q}
    splunk: {url: %q, token: "${KPEEK_TEST_HEC}", index: kafka_evidence}
  bare:
    brokers: [%q]
`, cc.Brokers[0], cc.SchemaRegistry.URL, srv.URL(), cc.Brokers[0])
	if err := os.WriteFile(conf, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	want := len(parseNDJSON(t, mustKpeek(t, "--config", conf, "-c", "incident", "consume", "-t", "auth.logins", "--from", "beginning")))
	if _, stderr, code := kpeek(t, "--config", conf, "-c", "incident", "export", "-t", "auth.logins",
		"--from", "beginning", "--splunk", "default"); code != exitOK {
		t.Fatalf("export --splunk default: exit %d: %s", code, stderr)
	}
	events := srv.Events()
	if len(events) != want || want == 0 {
		t.Fatalf("%d events arrived, want %d", len(events), want)
	}
	for _, e := range events {
		if e.Index != "kafka_evidence" || e.Source != "kafka:incident:auth.logins" {
			t.Fatalf("event index %q source %q, want the config's index and kafka:incident:auth.logins", e.Index, e.Source)
		}
	}
	_, stderr, code := kpeek(t, "--config", conf, "-c", "bare", "export", "-t", "auth.logins", "--splunk", "default")
	if code != exitUsage || !strings.Contains(stderr, `cluster "bare" has no splunk destination`) {
		t.Errorf("--splunk default without a splunk section: exit %d: %s", code, stderr)
	}
	assertOneLine(t, "--splunk default without a splunk section", stderr)
}
