package tui

import (
	"strings"
	"testing"
	"time"
)

// stoppingPane is a messages pane with an export that FinishExport stops.
type stoppingPane struct {
	*fakeMessages
	report string
	waited time.Duration
}

func (s *stoppingPane) FinishExport(wait time.Duration) string {
	s.waited = wait
	return s.report
}

// TestQuitStopsExportsAndSaysWhere: shutdown stops the running exports of the open and
// the parked panes and returns their reports (where the spools are) for the command
// line to print.
func TestQuitStopsExportsAndSaysWhere(t *testing.T) {
	closed := false
	open := &stoppingPane{fakeMessages: &fakeMessages{closed: &closed}, report: "unconfirmed records are in /tmp/a.ndjson"}
	parked := &stoppingPane{fakeMessages: &fakeMessages{closed: &closed}, report: "unconfirmed records are in /tmp/b.ndjson"}
	err := App{msgs: open, parked: []keptPane{{pane: parked}}}.shutdown()
	if err == nil || !strings.Contains(err.Error(), "/tmp/a.ndjson") || !strings.Contains(err.Error(), "/tmp/b.ndjson") {
		t.Fatalf("shutdown = %v", err)
	}
	if open.waited <= 0 || !closed {
		t.Errorf("waited %v, closed %v", open.waited, closed)
	}
	idle := &stoppingPane{fakeMessages: &fakeMessages{closed: &closed}}
	if err := (App{msgs: idle}).shutdown(); err != nil {
		t.Errorf("nothing running: shutdown = %v", err)
	}
}
