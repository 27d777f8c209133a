package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestQuitStopsExportsAndSaysWhere: shutdown stops the running exports of the open and
// the parked panes, spools what the collector did not confirm and returns the reports
// (where the spools are) for the command line to print.
func TestQuitStopsExportsAndSaysWhere(t *testing.T) {
	h := newHarness(t, 120, 40)
	srv, dir := newCollector(t)
	h.read("auth.logins")
	h.exportTo(srv)
	h.press("esc") // parks the pane: its export goes on
	if len(h.app.parked) != 1 {
		t.Fatalf("parked %d panes", len(h.app.parked))
	}
	h.read("erp.audit")
	h.exportTo(srv)

	err := h.app.shutdown()
	spools, _ := filepath.Glob(filepath.Join(dir, "kpeek-spool-*.ndjson"))
	if err == nil || len(spools) != 2 {
		t.Fatalf("shutdown = %v; spools %v", err, spools)
	}
	spooled := 0
	for _, s := range spools {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("the report does not say where %s is: %v", s, err)
		}
		data, _ := os.ReadFile(s)
		spooled += strings.Count(string(data), `{"time"`)
	}
	if spooled+srv.Count() != 2*memRecords {
		t.Errorf("%d spooled + %d delivered, want both exports' %d records", spooled, srv.Count(), 2*memRecords)
	}
	if !h.reader.last(t, "erp.audit").stopped() {
		t.Error("the open pane's read was not stopped")
	}
}

// TestQuitWithNothingRunningSaysNothing: with no export running, shutdown has nothing
// to report and stops the reads.
func TestQuitWithNothingRunningSaysNothing(t *testing.T) {
	h := newHarness(t, 120, 40)
	h.read("auth.logins")
	if err := h.app.shutdown(); err != nil {
		t.Errorf("nothing running: shutdown = %v", err)
	}
	if !h.reader.last(t, "auth.logins").stopped() {
		t.Error("the open pane's read was not stopped")
	}
}
