package cmd

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kpeek/kpeek/kafka/demo"
)

// sharedDemo starts one demo cluster for several command runs, so their outputs can be
// compared byte for byte (each --demo run seeds its own cluster at its own now).
func sharedDemo(t *testing.T) []string {
	t.Helper()
	c, err := demo.Start(t.Context(), demo.WithNow(time.Now().Truncate(time.Hour)), demo.WithoutLiveMember())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	cfg := c.ClusterConfig()
	return []string{"-b", strings.Join(cfg.Brokers, ","), "--schema-registry", cfg.SchemaRegistry.URL}
}

// timestampsNonDecreasing returns the first envelope whose timestamp is before the one
// before it, or -1.
func timestampsNonDecreasing(t *testing.T, envs []envelope) int {
	t.Helper()
	var last time.Time
	for i, e := range envs {
		ts, err := time.Parse(time.RFC3339Nano, e.Timestamp)
		if err != nil {
			t.Fatalf("envelope %d: timestamp %q: %v", i, e.Timestamp, err)
		}
		if ts.Before(last) {
			return i
		}
		last = ts
	}
	return -1
}

func TestConsumeBoundedIsInTimeOrder(t *testing.T) {
	conn := sharedDemo(t)
	// One absolute window for both reads: "-24h" would slide between the two runs and
	// drop a record at the edge from one of them.
	now := time.Now()
	from, to := now.Add(-24*time.Hour).UTC().Format(time.RFC3339Nano), now.UTC().Format(time.RFC3339Nano)
	out := mustKpeek(t, append(conn, "consume", "-t", "auth.logins", "--from", from, "--to", to)...)
	envs := parseNDJSON(t, out)
	if len(envs) < 1000 {
		t.Fatalf("read %d logins, want the demo's 1200 or so", len(envs))
	}
	if i := timestampsNonDecreasing(t, envs); i >= 0 {
		t.Fatalf("record %d at %s comes after %s", i, envs[i].Timestamp, envs[i-1].Timestamp)
	}
	// Partition order is still there on request, and holds the same records.
	part := parseNDJSON(t, mustKpeek(t, append(conn, "consume", "-t", "auth.logins", "--from", from, "--to", to,
		"--order", "partition")...))
	if len(part) != len(envs) {
		t.Errorf("partition order read %d records, time order %d", len(part), len(envs))
	}
	if timestampsNonDecreasing(t, part) < 0 {
		t.Error("partition order came out in time order: the demo topic no longer tells them apart")
	}
}

func TestConsumeFirstNIsDeterministic(t *testing.T) {
	conn := sharedDemo(t)
	args := append(conn, "consume", "-t", "auth.logins", "-n", "5")
	first := mustKpeek(t, args...)
	if n := len(parseNDJSON(t, first)); n != 5 {
		t.Fatalf("-n 5 printed %d records", n)
	}
	for range 5 {
		if again := mustKpeek(t, args...); again != first {
			t.Fatalf("-n 5 changed between runs:\n%s\nthen\n%s", first, again)
		}
	}
}

func TestExportFileEqualsConsume(t *testing.T) {
	conn := sharedDemo(t)
	sel := []string{"-t", "erp.purchasing.orders", "--from", "-6h", "--to", "now"}
	out := mustKpeek(t, append(append(conn, "consume"), sel...)...)
	path := filepath.Join(t.TempDir(), "orders.ndjson")
	mustKpeek(t, append(append(conn, "export", "--file", path), sel...)...)
	file, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(file) != out {
		t.Fatalf("export file (%d bytes) differs from consume (%d bytes)", len(file), len(out))
	}
	envs := parseNDJSON(t, out)
	parts := map[int32]bool{}
	for _, e := range envs {
		parts[*e.Partition] = true
	}
	if len(parts) < 2 {
		t.Fatalf("window holds partitions %v: too few to show a merge", slices.Collect(maps.Keys(parts)))
	}
	if i := timestampsNonDecreasing(t, envs); i >= 0 {
		t.Fatalf("export not in time order at record %d", i)
	}
}

func TestOrderFlagRejectsUnknown(t *testing.T) {
	_, errOut, code := kpeek(t, "--demo", "consume", "-t", "auth.logins", "--order", "offset")
	if code != 2 || !strings.Contains(errOut, "--order") || strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
		t.Fatalf("exit %d, stderr %q; want exit 2 and one line naming --order", code, errOut)
	}
}

func TestTopicsJSONShowsRetentionRace(t *testing.T) {
	var topics []map[string]any
	if err := json.Unmarshal([]byte(mustKpeek(t, "--demo", "topics", "-o", "json")), &topics); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	for _, tp := range topics {
		oldest, _ := tp["oldest_timestamp"].(string)
		ts, err := time.Parse(time.RFC3339Nano, oldest)
		if err != nil || now.Sub(ts) > 25*time.Hour {
			t.Errorf("%s: oldest_timestamp %v, want a time in the demo's last day", tp["name"], tp["oldest_timestamp"])
		}
		exp, present := tp["expires_at"]
		if !present {
			t.Errorf("%s has no expires_at", tp["name"])
		}
		switch tp["name"] {
		case "telemetry.raw": // 24 h retention over 24 h of records: due about now
			at, err := time.Parse(time.RFC3339Nano, fmt.Sprint(exp))
			if err != nil || at.After(now.Add(24*time.Hour)) {
				t.Errorf("telemetry.raw expires_at %v, want within 24 h", exp)
			}
		case "crm.customers", "erp.audit": // compacted, infinite
			if exp != nil {
				t.Errorf("%s expires_at %v, want null", tp["name"], exp)
			}
		}
	}
}

func TestTopicsConfigs(t *testing.T) {
	out := mustKpeek(t, "--demo", "topics", "-t", "auth.logins", "--configs")
	if !regexp.MustCompile(`(?m)^retention\.ms\s+259200000\s+topic\s+no$`).MatchString(out) ||
		!regexp.MustCompile(`(?m)^cleanup\.policy\s+delete\s+default\s+yes$`).MatchString(out) {
		t.Errorf("configs table:\n%s", out)
	}
	var js struct {
		Topic   string `json:"topic"`
		Configs []struct {
			Name    string `json:"name"`
			Default bool   `json:"default"`
		} `json:"configs"`
	}
	if err := json.Unmarshal([]byte(mustKpeek(t, "--demo", "topics", "-t", "auth.logins", "--configs", "-o", "json")), &js); err != nil {
		t.Fatal(err)
	}
	if js.Topic != "auth.logins" || len(js.Configs) < 5 {
		t.Errorf("configs json: %+v", js)
	}
	if _, errOut, code := kpeek(t, "--demo", "topics", "--configs"); code != 2 || !strings.Contains(errOut, "-t TOPIC") {
		t.Errorf("--configs without -t: exit %d, %q", code, errOut)
	}
	if _, errOut, code := kpeek(t, "--demo", "topics", "-t", "nope", "--configs"); code != 1 || !strings.Contains(errOut, `"nope" does not exist`) {
		t.Errorf("--configs on a missing topic: exit %d, %q", code, errOut)
	}
}

// A read that prints nothing says why on stderr: an empty window, or a filter nothing read matched.
func TestConsumeEmptySaysWhy(t *testing.T) {
	out, errOut, code := kpeek(t, "--demo", "consume", "-t", "auth.logins",
		"--from", "2020-01-01T00:00:00Z", "--to", "2020-01-02T00:00:00Z")
	if code != 0 || out != "" || !strings.Contains(errOut, `no records: the selection (--from 2020-01-01T00:00:00Z --to 2020-01-02T00:00:00Z) holds none in topic "auth.logins"`) {
		t.Errorf("empty window: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	out, errOut, code = kpeek(t, "--demo", "consume", "-t", "auth.logins", "-n", "5", "--filter", "no-such-text-anywhere")
	if code != 0 || out != "" || !strings.Contains(errOut, "none of the 5 records read matched the filter") {
		t.Errorf("filter matching nothing: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	out, errOut, code = kpeek(t, "--demo", "consume", "-t", "auth.logins", "-n", "1")
	if code != 0 || out == "" || strings.Contains(errOut, "note:") {
		t.Errorf("a read with output: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}
