package cmd

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// iocFile writes an indicator file for one test.
func iocFile(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "iocs.txt")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestSweepDemoIncidentHour(t *testing.T) {
	iocs := iocFile(t, "# case 42\n203.0.113.7\n")
	// The demo's incident starts six hours before its now: a window around it.
	out, errOut, code := kpeek(t, "--demo", "sweep", "--from", "-6h5m", "--to", "-5h", "--ioc-file", iocs)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	envs := parseNDJSON(t, out)
	if len(envs) != 45 {
		t.Fatalf("%d hits, want the 45 planted ones", len(envs))
	}
	if i := timestampsNonDecreasing(t, envs); i >= 0 {
		t.Errorf("hit %d out of time order", i)
	}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var m struct {
			Matched []struct{ Indicator, Path string } `json:"matched"`
		}
		if err := json.Unmarshal([]byte(line), &m); err != nil || len(m.Matched) == 0 || m.Matched[0].Indicator != "203.0.113.7" {
			t.Fatalf("line without matched: %s", line)
		}
	}
	for _, want := range []string{"45 hits", "auth.logins", "41", "erp.audit", "crm.customers", "telemetry.raw"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("summary on stderr lacks %q:\n%s", want, errOut)
		}
	}

	js := mustKpeek(t, "--demo", "sweep", "--from", "-4h", "--to", "now", "--ioc-file", iocs, "-o", "json")
	var doc struct {
		Hits    []json.RawMessage `json:"hits"`
		Summary struct {
			Hits   int `json:"hits"`
			Topics []struct {
				Topic string `json:"topic"`
			} `json:"topics"`
		} `json:"summary"`
	}
	if err := json.Unmarshal([]byte(js), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Hits) != 0 || doc.Summary.Hits != 0 || len(doc.Summary.Topics) != 7 {
		t.Errorf("after the incident: %d hits, summary %+v; want none over the seven topics", len(doc.Hits), doc.Summary)
	}
}

func TestSweepMatchTable(t *testing.T) {
	out := mustKpeek(t, "--demo", "sweep", "--from", "-6h5m", "--to", "-5h", "-t", "auth.*", "-t", "erp.audit",
		"--match", "slyon", "-o", "table")
	if !strings.HasPrefix(out, "TIMESTAMP") || !strings.Contains(out, "auth.logins") || !strings.Contains(out, "erp.audit") ||
		strings.Contains(out, "crm.customers") {
		t.Errorf("table:\n%s", out)
	}
}

func TestSweepUsageErrors(t *testing.T) {
	good := iocFile(t, "203.0.113.7\n")
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--ioc-file", good}, "--from T1 --to T2"},
		{[]string{"--from", "-1h", "--to", "now"}, "one of --match"},
		{[]string{"--from", "-1h", "--to", "now", "--match", "x", "--ioc-file", good}, "one of --match"},
		{[]string{"--from", "-1h", "--to", "-2h", "--match", "x"}, "not after"},
		{[]string{"--from", "42", "--to", "now", "--match", "x"}, "not a time"},
		{[]string{"--from", "-1h", "--to", "now", "--match", "value.x =="}, "--match"},
		{[]string{"--from", "-1h", "--to", "now", "--ioc-file", "/nonexistent/iocs"}, "--ioc-file"},
		{[]string{"--from", "-1h", "--to", "now", "--ioc-file", iocFile(t, "# nothing\n")}, "no indicators"},
		{[]string{"--from", "-1h", "--to", "now", "--match", "x", "-t", "[bad"}, "-t"},
		{[]string{"--from", "-1h", "--to", "now", "--match", "x", "-o", "csv"}, "-o"},
	} {
		_, errOut, code := kpeek(t, append([]string{"--demo", "sweep"}, tt.args...)...)
		if code != 2 || !strings.Contains(errOut, tt.want) || strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
			t.Errorf("sweep %v: exit %d, %q; want exit 2 and one line with %q", tt.args, code, errOut, tt.want)
		}
	}
}

// failingWriter is stdout on a full disk.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("no space left on device") }

func TestSweepOutputFailureIsReported(t *testing.T) {
	var errOut bytes.Buffer
	code := Run([]string{"--demo", "sweep", "--from", "-6h5m", "--to", "-5h", "--ioc-file", iocFile(t, "203.0.113.7\n")},
		failingWriter{}, &errOut, "test")
	if code != 1 || !strings.Contains(errOut.String(), "write output: no space left on device") {
		t.Errorf("exit %d, stderr %q; want exit 1 naming the write failure", code, errOut.String())
	}
}

// TestSweepScanClassifiesEveryTopic: --scan says per topic what regulated data the window
// holds, in the JSON summary and on stderr, whatever the hits.
func TestSweepScanClassifiesEveryTopic(t *testing.T) {
	iocs := iocFile(t, "203.0.113.7\n")
	js := mustKpeek(t, "--demo", "sweep", "--from", "-24h", "--to", "now", "--ioc-file", iocs, "--scan", "-o", "json")
	var doc struct {
		Summary struct {
			Topics []struct {
				Topic string `json:"topic"`
				Scan  *struct {
					Verdict  string   `json:"verdict"`
					Complete bool     `json:"complete"`
					Classes  []string `json:"classes"`
				} `json:"scan"`
			} `json:"topics"`
		} `json:"summary"`
	}
	if err := json.Unmarshal([]byte(js), &doc); err != nil {
		t.Fatal(err)
	}
	classes := map[string]string{}
	for _, tp := range doc.Summary.Topics {
		if tp.Scan == nil || !tp.Scan.Complete || tp.Scan.Verdict == "" {
			t.Fatalf("topic %s without a complete scan: %+v", tp.Topic, tp.Scan)
		}
		classes[tp.Topic] = strings.Join(tp.Scan.Classes, ",")
	}
	if classes["crm.customers"] != "PCI,PII" || classes["erp.supply.shipments"] != "" {
		t.Errorf("classes per topic = %v", classes)
	}
	_, errOut, code := kpeek(t, "--demo", "sweep", "--from", "-24h", "--to", "now", "--ioc-file", iocs, "--scan")
	if code != 0 || !strings.Contains(errOut, "crm.customers: PCI, PII found") || !strings.Contains(errOut, "**** **** **** 1111") {
		t.Errorf("exit %d, stderr:\n%s", code, errOut)
	}
	if strings.Contains(errOut, "4111 1111 1111 1111") {
		t.Error("a full card number reached stderr")
	}
	if out := mustKpeek(t, "--demo", "sweep", "--from", "-24h", "--to", "now", "--ioc-file", iocs, "-o", "json"); strings.Contains(out, `"scan"`) {
		t.Error("a sweep without --scan reported a scan")
	}
}
