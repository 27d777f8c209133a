package cmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// panicWriter panics on the first write, standing in for a bug anywhere in a command.
type panicWriter struct{}

func (panicWriter) Write([]byte) (int, error) { panic("boom \x1b[2J in the writer") }

func TestPanicLeavesATrace(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		want       []string
		wantAbsent []string
	}{
		{"without --debug, says how to get the stack", []string{"version"},
			[]string{"kpeek: internal error: boom", "run again with --debug"}, []string{"goroutine "}},
		{"with --debug, the stack goes to the debug log", []string{"--debug", "version"},
			[]string{"kpeek: internal error: boom", "stack=", "goroutine ", "newVersionCmd", "the stack is logged above"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr strings.Builder
			if code := Run(tt.args, panicWriter{}, &stderr, "test"); code != exitError {
				t.Errorf("exit code %d, want %d", code, exitError)
			}
			got := stderr.String()
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("stderr lacks %q:\n%s", w, got)
				}
			}
			for _, w := range append(tt.wantAbsent, "\x1b") {
				if strings.Contains(got, w) {
					t.Errorf("stderr holds %q:\n%q", w, got)
				}
			}
		})
	}
}

// TestPanicStackInDebugLogFile: the explorer logs to a file; the stack goes there and the
// message names the file.
func TestPanicStackInDebugLogFile(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", dir)
	t.Setenv("HOME", dir)
	var stderr strings.Builder
	g := &globals{stderr: &stderr, debug: true}
	if err := g.setupLogger(true); err != nil {
		t.Fatal(err)
	}
	path := g.logFile.Name()
	g.reportPanic("boom", []byte("goroutine 1 [running]:\nkpeek/tui.(*App).Update(...)"))
	if !strings.Contains(stderr.String(), "the stack is logged in "+path) {
		t.Errorf("stderr = %q, want it to name %s", stderr.String(), path)
	}
	b, err := os.ReadFile(filepath.Clean(path))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `tui.(*App).Update`) || !strings.Contains(string(b), "panic=boom") {
		t.Errorf("debug log = %q, want the panic and its stack", b)
	}
}
