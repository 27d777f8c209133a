package cmd

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestScanNamesCardAndEmailFieldsMasked(t *testing.T) {
	out := mustKpeek(t, "--demo", "scan", "-t", "crm.customers")
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^value\.card\.pan\s+card_number\s+PCI\s+\d+\s+[\d.]+%.*\*\*\*\* \*\*\*\* \*\*\*\* \d{4}$`),
		regexp.MustCompile(`(?m)^value\.email\s+email\s+PII\s+\d+\s+100\.0%.*\s[a-z]\*\*\*@example\.com$`),
		regexp.MustCompile(`(?m)^crm\.customers: PCI, PII found in \d+ records scanned$`),
	} {
		if !want.MatchString(out) {
			t.Errorf("scan output lacks %s:\n%s", want, out)
		}
	}
	if leak := regexp.MustCompile(`\d{13,}|[a-z]{2,}\.[a-z]+\.\d+@`).FindString(out); leak != "" {
		t.Errorf("scan output shows a value: %q\n%s", leak, out)
	}
}

func TestScanJSONVerdictPerTopic(t *testing.T) {
	out := mustKpeek(t, "--demo", "scan", "-t", "erp.audit", "-t", "erp.purchasing.orders", "-t", "erp.supply.shipments", "-o", "json")
	var reports []struct {
		Topic   string `json:"topic"`
		Scanned int64  `json:"records_scanned"`
		Verdict string `json:"verdict"`
		Classes []string
		Fields  []struct{ Path, Detector, Example string }
	}
	if err := json.Unmarshal([]byte(out), &reports); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if len(reports) != 3 || reports[0].Topic != "erp.audit" || reports[1].Topic != "erp.purchasing.orders" {
		t.Fatalf("reports: %+v", reports)
	}
	// Avro orders carry JSON in a string (the bank-change notes); shipments look alike and hold none.
	paths := map[string]string{}
	for _, f := range reports[1].Fields {
		paths[f.Path] = f.Detector
	}
	if paths["value.notes.new_iban"] != "iban" || paths["value.notes.requested_by"] != "email" {
		t.Errorf("erp.purchasing.orders fields %v, want the notes' IBAN and e-mail", paths)
	}
	if len(reports[2].Classes) != 0 || reports[2].Verdict != "erp.supply.shipments: no regulated data found in "+strconv.FormatInt(reports[2].Scanned, 10)+" records" {
		t.Errorf("erp.supply.shipments: %+v", reports[2])
	}
	for _, r := range reports {
		if r.Scanned == 0 || !strings.HasPrefix(r.Verdict, r.Topic+": ") {
			t.Errorf("%s: scanned %d, verdict %q", r.Topic, r.Scanned, r.Verdict)
		}
		if (len(r.Classes) == 0) != strings.Contains(r.Verdict, "no regulated data") {
			t.Errorf("%s: classes %v but verdict %q", r.Topic, r.Classes, r.Verdict)
		}
	}
}

func TestScanUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"scan"},
		{"scan", "-t", "x", "-o", "yaml"},
		{"scan", "-t", "x", "--follow"},
		{"scan", "-t", "x", "--from", "yesterday"},
	} {
		_, errOut, code := kpeek(t, append([]string{"-b", "127.0.0.1:1"}, args...)...)
		if code != exitUsage {
			t.Errorf("kpeek %s: exit %d, want 2 (%s)", strings.Join(args, " "), code, errOut)
		}
		assertOneLine(t, "usage error", errOut)
	}
}

func TestScanHostileIsSafe(t *testing.T) {
	out := mustKpeek(t, "--demo", "scan", "-t", "hostile.payloads")
	if strings.ContainsAny(out, "\x1b\x07\u009b\u202e") {
		t.Errorf("scan output carries control bytes: %q", out)
	}
}

func TestScanMissingTopicIsAnErrorNotAVerdict(t *testing.T) {
	out, errOut, code := kpeek(t, "--demo", "scan", "-t", "no.such.topic")
	if code != exitError || out != "" || !strings.Contains(errOut, "no.such.topic") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	assertOneLine(t, "error", errOut)
}
