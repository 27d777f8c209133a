package cmd

// End-to-end tests of the headless commands through run, on the embedded demo
// cluster (each --demo invocation starts and seeds its own). Export and verify are
// tested with the export package.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"math/big"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

// kpeek runs the command line and returns what it wrote and its exit code.
func kpeek(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = Run(args, &out, &errOut, "test")
	return out.String(), errOut.String(), code
}

// mustKpeek runs the command line and fails the test unless it exits 0.
func mustKpeek(t *testing.T, args ...string) string {
	t.Helper()
	out, errOut, code := kpeek(t, args...)
	if code != 0 {
		t.Fatalf("kpeek %s: exit %d, stderr: %s", strings.Join(args, " "), code, errOut)
	}
	return out
}

// envelope is the NDJSON record contract (go doc ./decode, "The record envelope").
type envelope struct {
	Topic         string          `json:"topic"`
	Partition     *int32          `json:"partition"`
	Offset        *int64          `json:"offset"`
	Timestamp     string          `json:"timestamp"`
	Key           json.RawMessage `json:"key"`
	KeyEncoding   string          `json:"key_encoding"`
	Value         json.RawMessage `json:"value"`
	ValueEncoding string          `json:"value_encoding"`
	ValueSchemaID json.RawMessage `json:"value_schema_id"`
	Headers       json.RawMessage `json:"headers"`
	Size          *int            `json:"size"`
}

// envelopeFields are the names every NDJSON line must carry.
var envelopeFields = []string{"topic", "partition", "offset", "timestamp", "key", "key_encoding",
	"value", "value_encoding", "value_schema_id", "headers", "size"}

// parseNDJSON checks that every line of out is one JSON envelope with all the contract
// fields, and returns them.
func parseNDJSON(t *testing.T, out string) []envelope {
	t.Helper()
	var envs []envelope
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 16<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Bytes()
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(line, &fields); err != nil {
			t.Fatalf("line %d is not JSON: %v: %.200s", n, err, line)
		}
		for _, f := range envelopeFields {
			if _, ok := fields[f]; !ok {
				t.Errorf("line %d has no %q: %.200s", n, f, line)
			}
		}
		var e envelope
		if err := json.Unmarshal(line, &e); err != nil {
			t.Fatalf("line %d: %v", n, err)
		}
		if _, err := time.Parse(time.RFC3339Nano, e.Timestamp); err != nil {
			t.Errorf("line %d: timestamp %q is not RFC 3339: %v", n, e.Timestamp, err)
		}
		envs = append(envs, e)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return envs
}

// assertOneLine fails unless s is exactly one non-empty line.
func assertOneLine(t *testing.T, what, s string) {
	t.Helper()
	if s == "" || strings.Count(s, "\n") != 1 || !strings.HasSuffix(s, "\n") {
		t.Errorf("%s: want exactly one line, got %q", what, s)
	}
}

var demoTopics = []string{"auth.logins", "crm.customers", "erp.audit", "erp.purchasing.orders",
	"erp.supply.shipments", "hostile.payloads", "telemetry.raw"}

func topicNames(t *testing.T, out string) []string {
	t.Helper()
	var topics []struct {
		Name       string            `json:"name"`
		Partitions []json.RawMessage `json:"partitions"`
		Records    int64             `json:"records"`
	}
	if err := json.Unmarshal([]byte(out), &topics); err != nil {
		t.Fatalf("topics -o json is not a JSON array: %v", err)
	}
	var names []string
	for _, tp := range topics {
		names = append(names, tp.Name)
		if len(tp.Partitions) == 0 || tp.Records == 0 {
			t.Errorf("topic %s: %d partitions, %d records; want some of both", tp.Name, len(tp.Partitions), tp.Records)
		}
	}
	slices.Sort(names)
	return names
}

func TestTopicsJSONListsTheSevenDemoTopics(t *testing.T) {
	names := topicNames(t, mustKpeek(t, "--demo", "topics", "-o", "json"))
	if !slices.Equal(names, demoTopics) {
		t.Errorf("topics = %v, want %v", names, demoTopics)
	}
}

func TestTopicsTable(t *testing.T) {
	out := mustKpeek(t, "--demo", "topics")
	if !strings.HasPrefix(out, "TOPIC") {
		t.Errorf("table does not start with its header: %.100q", out)
	}
	for _, name := range demoTopics {
		if !strings.Contains(out, name) {
			t.Errorf("table lacks %s", name)
		}
	}
}

func TestConsumeNDJSONPrintsEnvelopes(t *testing.T) {
	out := mustKpeek(t, "--demo", "consume", "-t", "auth.logins", "-n", "5", "-o", "ndjson")
	envs := parseNDJSON(t, out)
	if len(envs) != 5 {
		t.Fatalf("got %d lines, want 5", len(envs))
	}
	for _, e := range envs {
		if e.Topic != "auth.logins" || e.ValueEncoding != "json" || e.Value[0] != '{' {
			t.Errorf("envelope topic %q value_encoding %q value %.60s; want auth.logins json objects",
				e.Topic, e.ValueEncoding, e.Value)
		}
	}
}

func TestConsumeLastNPerPartition(t *testing.T) {
	out := mustKpeek(t, "--demo", "consume", "-t", "erp.purchasing.orders", "--from", "-3", "-o", "ndjson")
	perPartition := map[int32]int{}
	for _, e := range parseNDJSON(t, out) {
		perPartition[*e.Partition]++
	}
	want := map[int32]int{0: 3, 1: 3, 2: 3}
	if len(perPartition) != len(want) || perPartition[0] != 3 || perPartition[1] != 3 || perPartition[2] != 3 {
		t.Errorf("records per partition = %v, want %v", perPartition, want)
	}
}

func TestConsumeChosenPartitions(t *testing.T) {
	out := mustKpeek(t, "--demo", "consume", "-t", "erp.purchasing.orders", "-p", "0,2", "--from", "-1")
	var parts []int32
	for _, e := range parseNDJSON(t, out) {
		parts = append(parts, *e.Partition)
	}
	slices.Sort(parts)
	if !slices.Equal(parts, []int32{0, 2}) {
		t.Errorf("partitions = %v, want [0 2]", parts)
	}
}

func TestConsumeOffsetRange(t *testing.T) {
	out := mustKpeek(t, "--demo", "consume", "-t", "erp.audit", "-p", "0", "--from", "10", "--to", "14")
	var offsets []int64
	for _, e := range parseNDJSON(t, out) {
		offsets = append(offsets, *e.Offset)
	}
	if want := []int64{10, 11, 12, 13, 14}; !slices.Equal(offsets, want) {
		t.Errorf("--from 10 --to 14 gave offsets %v, want %v (--to is inclusive)", offsets, want)
	}
}

func TestConsumeFromRelativeTime(t *testing.T) {
	for _, args := range [][]string{
		{"--from", "-1h"},
		{"--filter", `timestamp > now - duration("1h")`},
	} {
		since := time.Now().Add(-time.Hour)
		out := mustKpeek(t, append([]string{"--demo", "consume", "-t", "auth.logins"}, args...)...)
		envs := parseNDJSON(t, out)
		if len(envs) == 0 {
			t.Errorf("%v: no logins in the last hour", args)
		}
		for _, e := range envs {
			if ts, _ := time.Parse(time.RFC3339Nano, e.Timestamp); ts.Before(since.Add(-time.Second)) {
				t.Errorf("%v: record at %s is older than an hour", args, e.Timestamp)
			}
		}
	}
}

func TestConsumeRawBytes(t *testing.T) {
	out := mustKpeek(t, "--demo", "consume", "-t", "telemetry.raw", "-n", "1", "--raw-bytes")
	var e struct {
		Value         string `json:"value"`
		ValueEncoding string `json:"value_encoding"`
		ValueRaw      []byte `json:"value_raw"` // encoding/json decodes base64
	}
	if err := json.Unmarshal([]byte(out), &e); err != nil {
		t.Fatalf("not one JSON envelope: %v", err)
	}
	if e.ValueEncoding != "base64" || len(e.ValueRaw) == 0 {
		t.Errorf("telemetry value_encoding %q with %d raw bytes; want base64 and the bytes", e.ValueEncoding, len(e.ValueRaw))
	}
}

func TestConsumeFollowStopsAtMax(t *testing.T) {
	out := mustKpeek(t, "--demo", "consume", "-t", "auth.logins", "--from", "-1", "--follow", "-n", "2")
	if n := len(parseNDJSON(t, out)); n != 2 {
		t.Errorf("--follow -n 2 printed %d records, want 2", n)
	}
}

func TestConsumeTableAndRaw(t *testing.T) {
	table := strings.Split(strings.TrimSuffix(mustKpeek(t, "--demo", "consume", "-t", "auth.logins", "-n", "3", "-o", "table"), "\n"), "\n")
	if len(table) != 4 || !strings.HasPrefix(table[0], "TIMESTAMP") {
		t.Errorf("-o table: want a header and 3 rows, got %q", table)
	}
	raw := strings.Split(strings.TrimSuffix(mustKpeek(t, "--demo", "consume", "-t", "auth.logins", "-n", "3", "-o", "raw"), "\n"), "\n")
	if len(raw) != 3 {
		t.Fatalf("-o raw: want 3 values, got %q", raw)
	}
	for _, line := range raw {
		if !json.Valid([]byte(line)) || line[0] != '{' {
			t.Errorf("-o raw on a JSON topic: %q is not the value's JSON", line)
		}
	}
}

func TestConsumeJSONIsOneArray(t *testing.T) {
	out := mustKpeek(t, "--demo", "consume", "-t", "crm.customers", "-n", "3", "-o", "json")
	var envs []envelope
	if err := json.Unmarshal([]byte(out), &envs); err != nil {
		t.Fatalf("-o json is not one JSON array: %v", err)
	}
	if len(envs) != 3 {
		t.Errorf("got %d records, want 3", len(envs))
	}
}

func TestGroupsJSON(t *testing.T) {
	var groups []struct {
		Group    string   `json:"group"`
		Topics   []string `json:"topics"`
		TotalLag int64    `json:"total_lag"`
	}
	out := mustKpeek(t, "--demo", "groups", "-o", "json")
	if err := json.Unmarshal([]byte(out), &groups); err != nil {
		t.Fatalf("groups -o json is not a JSON array: %v", err)
	}
	byName := map[string]int{}
	for i, g := range groups {
		byName[g.Group] = i
	}
	for _, name := range []string{"erp-sync", "analytics", "backup-agent"} {
		if _, ok := byName[name]; !ok {
			t.Errorf("group %s missing from %s", name, out)
		}
	}
	if i, ok := byName["backup-agent"]; ok {
		topics := slices.Sorted(slices.Values(groups[i].Topics))
		if want := []string{"erp.purchasing.orders", "erp.supply.shipments"}; !slices.Equal(topics, want) {
			t.Errorf("backup-agent reads %v, want exactly %v", topics, want)
		}
	}
	if i, ok := byName["analytics"]; ok && groups[i].TotalLag <= 0 {
		t.Errorf("analytics lag = %d, want > 0", groups[i].TotalLag)
	}
}

func TestGroupsTableAndTopicFilter(t *testing.T) {
	out := mustKpeek(t, "--demo", "groups", "-t", "erp.supply.shipments")
	if !strings.HasPrefix(out, "GROUP") || !strings.Contains(out, "backup-agent") || strings.Contains(out, "analytics") {
		t.Errorf("groups -t erp.supply.shipments: want the header and backup-agent, not analytics:\n%s", out)
	}
}

func TestUnreachableBrokerIsOneLine(t *testing.T) {
	out, errOut, code := kpeek(t, "-b", "127.0.0.1:1", "topics")
	if code == 0 {
		t.Fatal("exit 0 for an unreachable broker")
	}
	assertOneLine(t, "stderr", errOut)
	if !strings.Contains(errOut, "127.0.0.1:1") {
		t.Errorf("stderr %q does not name the address", errOut)
	}
	if out != "" {
		t.Errorf("stdout = %q, want nothing", out)
	}
}

func TestMissingTopicIsOneLine(t *testing.T) {
	_, errOut, code := kpeek(t, "--demo", "consume", "-t", "no.such.topic")
	if code == 0 {
		t.Fatal("exit 0 for a topic that does not exist")
	}
	assertOneLine(t, "stderr", errOut)
	if !strings.Contains(errOut, "no.such.topic") {
		t.Errorf("stderr %q does not name the topic", errOut)
	}
}

func TestBadUsageExitsTwoWithOneLine(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"unknown flag", []string{"--demo", "consume", "-t", "auth.logins", "--bogus"}},
		{"unknown command", []string{"frobnicate"}},
		{"missing topic", []string{"--demo", "consume"}},
		{"bad consume output", []string{"--demo", "consume", "-t", "auth.logins", "-o", "bogus"}},
		{"bad topics output", []string{"--demo", "topics", "-o", "bogus"}},
		{"bad groups output", []string{"--demo", "groups", "-o", "bogus"}},
		{"two clusters", []string{"--demo", "-b", "127.0.0.1:1", "topics"}},
		{"bad filter", []string{"--demo", "consume", "-t", "auth.logins", "--filter", `value.result ==`}},
		{"bad regex filter", []string{"--demo", "consume", "-t", "auth.logins", "--filter", `/fail(/`}},
		{"bad partition", []string{"--demo", "consume", "-t", "auth.logins", "-p", "x"}},
		{"bad start", []string{"--demo", "consume", "-t", "auth.logins", "--from", "yesterday-ish"}},
		// The selection is checked before connecting: a typo is a usage error even when
		// the cluster is unreachable.
		{"bad filter, unreachable broker", []string{"-b", "127.0.0.1:1", "consume", "-t", "x", "--filter", `value.a ==`}},
		{"bad format, unreachable broker", []string{"-b", "127.0.0.1:1", "export", "-t", "x", "--file", "x.ndjson", "--value-format", "xml"}},
		{"no destination", []string{"--demo", "export", "-t", "auth.logins"}},
		{"time before 1970", []string{"-b", "127.0.0.1:1", "consume", "-t", "x", "--from", "1969-12-31T23:59:59.999Z"}},
		{"last zero", []string{"-b", "127.0.0.1:1", "consume", "-t", "x", "--from", "-0"}},
		{"window ends before it starts", []string{"-b", "127.0.0.1:1", "export", "-t", "x", "--file", "x.ndjson", "--from", "-2h", "--to", "-3h"}},
		{"partition range past the topic", []string{"--demo", "consume", "-t", "erp.purchasing.orders", "-p", "0-99999999"}},
		{"bad redact path", []string{"-b", "127.0.0.1:1", "export", "-t", "x", "--file", "x.ndjson", "--redact", "card_number"}},
		{"unknown subcommand", []string{"demo", "bogus"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := kpeek(t, tt.args...)
			if code != exitUsage {
				t.Errorf("exit %d, want %d (stderr %q)", code, exitUsage, errOut)
			}
			assertOneLine(t, "stderr", errOut)
			if out != "" {
				t.Errorf("stdout = %.200q, want nothing", out)
			}
		})
	}
}

func TestConsumeFilterNarrows(t *testing.T) {
	all := parseNDJSON(t, mustKpeek(t, "--demo", "consume", "-t", "auth.logins"))
	type login struct{ User, Result string }
	tests := []struct {
		name, filter string
		keep         func(login) bool
	}{
		{"cel", `value.result == "failure"`, func(l login) bool { return l.Result == "failure" }},
		{"cel two fields", `value.result == "failure" && value.user == "slyon"`,
			func(l login) bool { return l.Result == "failure" && l.User == "slyon" }},
		{"text", "SLYON", func(l login) bool { return l.User == "slyon" }},
		{"regex", "/^(slyon|svc-erp)$/", func(l login) bool { return l.User == "slyon" || l.User == "svc-erp" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := parseNDJSON(t, mustKpeek(t, "--demo", "consume", "-t", "auth.logins", "--filter", tt.filter))
			if len(got) == 0 || len(got) >= len(all) {
				t.Fatalf("--filter %q kept %d of %d records; want some, not all", tt.filter, len(got), len(all))
			}
			for _, e := range got {
				var l login
				if err := json.Unmarshal(e.Value, &l); err != nil {
					t.Fatalf("value %s: %v", e.Value, err)
				}
				if !tt.keep(l) {
					t.Errorf("--filter %q kept %s", tt.filter, e.Value)
				}
			}
		})
	}
}

// The demo's orders carry Avro decimal amounts (JSON strings); a numeric comparison
// must still select them, and only them.
func TestConsumeFilterOnDecimalAmounts(t *testing.T) {
	out := mustKpeek(t, "--demo", "consume", "-t", "erp.purchasing.orders", "--filter", "value.amount > 10000")
	envs := parseNDJSON(t, out)
	if len(envs) == 0 {
		t.Fatal("no order above 10000")
	}
	limit := big.NewRat(10000, 1)
	for _, e := range envs {
		var v struct{ Amount json.RawMessage }
		if err := json.Unmarshal(e.Value, &v); err != nil {
			t.Fatal(err)
		}
		var amount big.Rat
		if _, ok := amount.SetString(strings.Trim(string(v.Amount), `"`)); !ok || amount.Cmp(limit) <= 0 {
			t.Errorf("order with amount %s passed value.amount > 10000", v.Amount)
		}
	}
}

// forbiddenRunes finds what must never reach a terminal raw: ESC and other C0
// controls (newline aside), DEL, C1 controls, bidi overrides.
var forbiddenRunes = regexp.MustCompile("[\x00-\x09\x0b-\x1f\x7f\u0080-\u009f\u202a-\u202e\u2066-\u2069]")

func TestConsumeHostileNDJSONIsDataOnly(t *testing.T) {
	out, errOut, code := kpeek(t, "--demo", "consume", "-t", "hostile.payloads", "-o", "ndjson")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	envs := parseNDJSON(t, out)
	if len(envs) == 0 {
		t.Fatal("no hostile records")
	}
	if loc := forbiddenRunes.FindStringIndex(out); loc != nil {
		t.Errorf("ndjson output has a raw control or bidi character at byte %d: %q", loc[0], out[max(0, loc[0]-40):loc[1]])
	}
	if !utf8.ValidString(out) {
		t.Error("ndjson output is not valid UTF-8")
	}
}

func TestConsumeHostileTableIsSafe(t *testing.T) {
	out := mustKpeek(t, "--demo", "consume", "-t", "hostile.payloads", "-o", "table")
	if len(out) == 0 {
		t.Fatal("empty table")
	}
	if loc := forbiddenRunes.FindStringIndex(out); loc != nil {
		t.Errorf("table has a raw control or bidi character at byte %d: %q", loc[0], out[max(0, loc[0]-40):loc[1]])
	}
}

func TestConsumeRawHasNoEscapes(t *testing.T) {
	out := mustKpeek(t, "--demo", "consume", "-t", "hostile.payloads", "-o", "raw")
	if loc := forbiddenRunes.FindStringIndex(out); loc != nil {
		t.Errorf("raw output has a raw control or bidi character at byte %d: %q", loc[0], out[max(0, loc[0]-40):loc[1]])
	}
}

func TestVersion(t *testing.T) {
	out := mustKpeek(t, "version")
	assertOneLine(t, "version", out)
	if !strings.HasPrefix(out, "kpeek ") {
		t.Errorf("version = %q", out)
	}
}

// lockedBuffer is a bytes.Buffer safe to read while run writes to it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestDemoServe runs `demo serve` on free loopback ports, lists its topics through
// -b like any other cluster, and stops it with the interrupt a user would send.
func TestDemoServe(t *testing.T) {
	var out, errOut lockedBuffer
	done := make(chan int, 1)
	go func() {
		done <- Run([]string{"demo", "serve", "--addr", "127.0.0.1:0", "--registry-addr", "127.0.0.1:0"}, &out, &errOut, "test")
	}()
	started := regexp.MustCompile(`kafka on (127\.0\.0\.1:\d+)`)
	var addr string
	for deadline := time.Now().Add(30 * time.Second); addr == "" && time.Now().Before(deadline); {
		select {
		case code := <-done:
			t.Fatalf("demo serve exited %d: %s", code, errOut.String())
		case <-time.After(20 * time.Millisecond):
		}
		if m := started.FindStringSubmatch(errOut.String()); m != nil {
			addr = m[1]
		}
	}
	if addr == "" {
		t.Fatalf("demo serve did not say where it listens: %q", errOut.String())
	}
	names := topicNames(t, mustKpeek(t, "-b", addr, "topics", "-o", "json"))
	if !slices.Equal(names, demoTopics) {
		t.Errorf("topics via -b %s = %v, want %v", addr, names, demoTopics)
	}
	// run is listening for SIGINT (it printed its address from inside the command).
	self, err := os.FindProcess(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if err := self.Signal(os.Interrupt); err != nil {
		t.Skipf("cannot interrupt this process here (%v); demo serve left running", err)
	}
	select {
	case code := <-done:
		if code != exitInt {
			t.Errorf("demo serve exited %d after an interrupt, want %d: %s", code, exitInt, errOut.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("demo serve did not stop on interrupt")
	}
	if out.String() != "" {
		t.Errorf("demo serve wrote to stdout: %q", out.String())
	}
}
