package cmd

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kpeek/kpeek/decode/scan"
	"github.com/kpeek/kpeek/export"
	"github.com/kpeek/kpeek/export/hectest"
)

// piiFindings runs the pii profile's detectors over every JSON line and returns what
// they find, masked.
func piiFindings(t *testing.T, lines [][]byte) []string {
	t.Helper()
	cs, _ := scan.ParseProfile("pii")
	s := scan.New(scan.WithClasses(cs...))
	var out []string
	for _, l := range lines {
		if !s.JSON("", l, func(f scan.Finding) { out = append(out, f.Path+" "+f.Detector+" "+f.Masked()) }) {
			t.Fatalf("not JSON: %.200s", l)
		}
	}
	return out
}

func readLines(t *testing.T, path string) [][]byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines [][]byte
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		lines = append(lines, append([]byte(nil), sc.Bytes()...))
	}
	return lines
}

// TestExportRedactPIIBundleHoldsNothingDetectable exports the demo's regulated topics
// to a bundle with --redact pii and runs the scanner over the exported records: it
// finds nothing, where it finds plenty in the same export without redaction.
func TestExportRedactPIIBundleHoldsNothingDetectable(t *testing.T) {
	for _, topic := range []string{"crm.customers", "erp.purchasing.orders"} {
		t.Run(topic, func(t *testing.T) {
			plain, redacted := filepath.Join(t.TempDir(), "plain"), filepath.Join(t.TempDir(), "redacted")
			mustKpeek(t, "--demo", "export", "-t", topic, "--file", plain, "--format", "bundle")
			mustKpeek(t, "--demo", "export", "-t", topic, "--file", redacted, "--format", "bundle", "--redact", "pii")
			if found := piiFindings(t, readLines(t, filepath.Join(plain, export.RecordsFile))); len(found) == 0 {
				t.Fatal("the unredacted export holds nothing detectable: this test would prove nothing")
			}
			lines := readLines(t, filepath.Join(redacted, export.RecordsFile))
			if len(lines) == 0 {
				t.Fatal("the redacted bundle holds no records")
			}
			if found := piiFindings(t, lines); len(found) > 0 {
				t.Errorf("the redacted bundle still holds %d detectable values, e.g. %v", len(found), found[:min(5, len(found))])
			}
			var man export.CaptureManifest
			b, err := os.ReadFile(filepath.Join(redacted, export.CaptureFile))
			if err == nil {
				err = json.Unmarshal(b, &man)
			}
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(man.Redaction.Rules, ",") != "pii" || man.Redaction.Detectors != scan.Version || !man.Redaction.RawBytesOmitted {
				t.Errorf("manifest redaction %+v, want rules [pii], detectors %s, raw bytes omitted", man.Redaction, scan.Version)
			}
			if _, err := os.Stat(filepath.Join(redacted, export.RawFile)); !os.IsNotExist(err) {
				t.Errorf("a redacted bundle holds raw bytes: %v", err)
			}
			mustKpeek(t, "verify", redacted)
		})
	}
}

// TestExportRedactPIIToHECSendsNothingDetectable sends the demo's customers to the
// in-repo collector with --redact pii and scans every event it received.
func TestExportRedactPIIToHECSendsNothingDetectable(t *testing.T) {
	srv := hectest.New()
	defer srv.Close()
	tokenFile := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(tokenFile, []byte("test-token"), 0o600); err != nil {
		t.Fatal(err)
	}
	mustKpeek(t, "--demo", "export", "-t", "crm.customers", "--redact", "pii", "--splunk", srv.URL(),
		"--splunk-token-file", tokenFile, "--spool-dir", t.TempDir())
	events := srv.Events()
	if len(events) == 0 {
		t.Fatal("the collector received nothing")
	}
	lines := make([][]byte, len(events))
	for i, ev := range events {
		lines[i] = ev.Event
	}
	if found := piiFindings(t, lines); len(found) > 0 {
		t.Errorf("the collector received %d detectable values, e.g. %v", len(found), found[:min(5, len(found))])
	}
	masked := 0
	for _, l := range lines {
		if strings.Contains(string(l), `"pan":"**** **** **** `) && strings.Contains(string(l), `"email":"`+scan.Redacted+`"`) {
			masked++
		}
	}
	if masked == 0 {
		t.Errorf("no event shows a masked card and e-mail: %.300s", lines[0])
	}
}

// TestScanPathsAreRedactionPaths: the field paths kpeek scan reports, JSON held in an
// Avro string included, mask those fields when given to --redact.
func TestScanPathsAreRedactionPaths(t *testing.T) {
	var reports []export.ScanReport
	if err := json.Unmarshal([]byte(mustKpeek(t, "--demo", "scan", "-t", "erp.purchasing.orders", "-o", "json")), &reports); err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, f := range reports[0].Fields {
		paths = append(paths, f.Path)
	}
	if len(paths) == 0 {
		t.Fatal("scan found nothing to redact")
	}
	file := filepath.Join(t.TempDir(), "orders.ndjson")
	mustKpeek(t, "--demo", "export", "-t", "erp.purchasing.orders", "--file", file, "--redact", strings.Join(paths, ","))
	if found := piiFindings(t, readLines(t, file)); len(found) > 0 {
		t.Errorf("redacting %v left %d detectable values, e.g. %v", paths, len(found), found[:min(5, len(found))])
	}
}
