package export

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/kpeek/kpeek/decode/scan"
)

func TestWriteScan(t *testing.T) {
	at := time.Date(2026, 11, 26, 2, 14, 7, 0, time.UTC)
	found := scan.TopicReport{Topic: "crm", Scanned: 4, Classes: []scan.Class{scan.PCI},
		Fields: []scan.FieldReport{{Path: "value.\x1b]0;x\x07\u202ecard", Detector: scan.CardNumber, Class: scan.PCI, Records: 2, Share: 0.5,
			First: at, Last: at, Example: "**** **** **** 4242"}}}
	empty := scan.TopicReport{Topic: "audit", Scanned: 0, Fields: []scan.FieldReport{}, Classes: []scan.Class{}}
	reports := []ScanReport{NewScanReport(found, true), NewScanReport(empty, false)}
	var buf bytes.Buffer
	if err := WriteScan(&buf, reports, "table"); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"value.\\x1b]0;x\\x07\\u202ecard", "50.0%", "2026-11-26T02:14:07Z", "**** **** **** 4242",
		"crm: PCI found in 4 records scanned", "audit: INCOMPLETE, the read stopped early: nothing found in the 0 records scanned"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if strings.ContainsAny(out, "\x1b\x07\u202e") || strings.Contains(out, "no regulated data") {
		t.Errorf("table: %q", out)
	}
	buf.Reset()
	if err := WriteScan(&buf, reports, "json"); err != nil {
		t.Fatal(err)
	}
	var back []ScanReport
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil || len(back) != 2 || back[1].Complete || !back[0].Complete {
		t.Errorf("json: %v %+v", err, back)
	}
}
