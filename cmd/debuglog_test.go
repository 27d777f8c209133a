package cmd

import (
	"strings"
	"testing"

	"go.uber.org/goleak"
)

// TestDebugLogHasNoCloseErrors: a plain `topics --debug` closes its connections without the
// library reporting a close of a connection kpeek had already closed. sarama closes its
// brokers in goroutines of its own after the command is done, so the test waits for every
// goroutine of the run to end before it reads the log.
func TestDebugLogHasNoCloseErrors(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	var out, errOut lockedBuffer
	if code := Run([]string{"--demo", "topics", "--debug"}, &out, &errOut, "test"); code != exitOK {
		t.Fatalf("topics --debug: exit %d: %s", code, errOut.String())
	}
	if err := goleak.Find(ignore, goleak.IgnoreTopFunction("github.com/rcrowley/go-metrics.(*meterArbiter).tick")); err != nil {
		t.Fatalf("the run left goroutines behind: %v", err)
	}
	log := errOut.String()
	if !strings.Contains(log, "Closing Client") {
		t.Fatalf("the debug log does not show the client closing; is --debug on?\n%s", log)
	}
	for line := range strings.Lines(log) {
		if strings.Contains(line, "use of closed network connection") || strings.Contains(line, "Error closing broker") {
			t.Errorf("debug log line: %s", strings.TrimSpace(line))
		}
	}
}
