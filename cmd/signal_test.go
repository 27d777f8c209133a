package cmd

// Signal tests run kpeek as a real process (this test binary, re-executed) and send it
// real signals: a signal handler cannot be tested from inside the process that owns it.

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kpeek/kpeek/export/hectest"
	"github.com/spf13/cobra"
)

// execEnv makes the re-executed test binary run kpeek instead of the tests.
const execEnv = "KPEEK_TEST_EXEC"

// runAsKpeek is what the re-executed test binary does instead of the tests (TestMain calls
// it when execEnv is set): run kpeek, with a stubborn command added.
func runAsKpeek() int {
	g := &globals{stdout: os.Stdout, stderr: os.Stderr, version: "test", args: os.Args[1:]}
	root := newRootCmd(g)
	root.AddCommand(stubbornCmd())
	return execute(root, g, os.Args[1:])
}

// stubbornCmd stands for any code that ignores its context: it says when the context ended
// and then keeps running.
func stubbornCmd() *cobra.Command {
	return &cobra.Command{Use: "stubborn", Hidden: true, RunE: func(cmd *cobra.Command, _ []string) error {
		fmt.Fprintln(os.Stderr, "stubborn: ready")
		<-cmd.Context().Done()
		fmt.Fprintln(os.Stderr, "stubborn: context ended, ignoring it")
		time.Sleep(time.Hour)
		return nil
	}}
}

// proc is kpeek running as a child process.
type proc struct {
	cmd            *exec.Cmd
	stdout, stderr *lockedBuffer
	done           chan struct{}
}

// startKpeek runs kpeek with args (and extra environment) in a child process.
func startKpeek(t *testing.T, env []string, args ...string) *proc {
	t.Helper()
	p := &proc{cmd: exec.Command(os.Args[0], args...), stdout: &lockedBuffer{}, stderr: &lockedBuffer{},
		done: make(chan struct{})}
	p.cmd.Env = append(append(os.Environ(), execEnv+"=1"), env...)
	p.cmd.Stdout, p.cmd.Stderr = p.stdout, p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			_ = p.cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

// hangGuard bounds each wait so a broken build fails instead of hanging the suite.
const hangGuard = 60 * time.Second

// waitUntil polls cond until it holds; it fails the test if the process ends first.
func (p *proc) waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(hangGuard); !cond(); {
		select {
		case <-p.done:
			t.Fatalf("kpeek exited %d before %s; stderr: %s", p.cmd.ProcessState.ExitCode(), what, p.stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s; stderr: %s", what, p.stderr.String())
		}
	}
}

// exitCode waits for the process to end and returns its exit code (-1 when a signal killed it).
func (p *proc) exitCode(t *testing.T) int {
	t.Helper()
	select {
	case <-p.done:
		return p.cmd.ProcessState.ExitCode()
	case <-time.After(hangGuard):
		t.Fatalf("kpeek did not exit; stderr: %s", p.stderr.String())
		return 0
	}
}

func (p *proc) signal(t *testing.T, sig os.Signal) {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
}

// TestSignalsEndFollowWithTheirExitCode: an interrupted follow stops cleanly (every line
// printed is whole JSON) and exits 130, not 0 and not killed: SIGHUP, the SSH session
// dropping, behaves like SIGTERM and Ctrl-C.
func TestSignalsEndFollowWithTheirExitCode(t *testing.T) {
	for _, tt := range []struct {
		sig  syscall.Signal
		want int
	}{{syscall.SIGINT, exitInt}, {syscall.SIGTERM, exitInt}, {syscall.SIGHUP, exitInt}} {
		t.Run(tt.sig.String(), func(t *testing.T) {
			p := startKpeek(t, nil, "--demo", "consume", "-t", "auth.logins", "--from", "-3", "--follow")
			p.waitUntil(t, "records", func() bool { return strings.Count(p.stdout.String(), "\n") >= 3 })
			p.signal(t, tt.sig)
			if code := p.exitCode(t); code != tt.want {
				t.Errorf("exit %d after %s, want %d; stderr: %s", code, tt.sig, tt.want, p.stderr.String())
			}
			parseNDJSON(t, p.stdout.String())
		})
	}
}

// TestSecondSignalExitsAtOnce: the first Ctrl-C ends the context; code that ignores it
// cannot keep kpeek alive past a second one.
func TestSecondSignalExitsAtOnce(t *testing.T) {
	p := startKpeek(t, nil, "stubborn")
	p.waitUntil(t, "start", func() bool { return strings.Contains(p.stderr.String(), "stubborn: ready") })
	p.signal(t, syscall.SIGINT)
	p.waitUntil(t, "context end", func() bool { return strings.Contains(p.stderr.String(), "context ended") })
	p.signal(t, syscall.SIGINT)
	if code := p.exitCode(t); code != exitInt {
		t.Errorf("exit %d after a second Ctrl-C, want %d", code, exitInt)
	}
	if !strings.Contains(p.stderr.String(), "SIGINT again") {
		t.Errorf("stderr does not say why it exited: %q", p.stderr.String())
	}
}

// TestSIGHUPDuringSplunkExportSpools: a dropped SSH session during an HEC export ends it
// the way Ctrl-C does: what was not confirmed is spooled and the summary says where.
func TestSIGHUPDuringSplunkExportSpools(t *testing.T) {
	srv := hectest.New(hectest.WithEventDelay(20 * time.Millisecond))
	defer srv.Close()
	spool := t.TempDir()
	p := startKpeek(t, []string{"KPEEK_SPLUNK_TOKEN=test-token"}, "--demo", "export", "-t", "erp.purchasing.orders",
		"--splunk", srv.URL(), "--spool-dir", spool, "--batch-bytes", "2048", "--concurrency", "1")
	p.waitUntil(t, "delivered events", func() bool { return srv.Count() > 0 })
	p.signal(t, syscall.SIGHUP)
	if code := p.exitCode(t); code != exitInt {
		t.Errorf("exit %d after SIGHUP, want %d; stderr: %s", code, exitInt, p.stderr.String())
	}
	if errOut := p.stderr.String(); !strings.Contains(errOut, "finish with: kpeek") || !strings.Contains(errOut, "export --resume") {
		t.Errorf("no spool summary on stderr: %q", p.stderr.String())
	}
	files, _ := filepath.Glob(filepath.Join(spool, "*"))
	if len(files) == 0 {
		t.Errorf("nothing spooled in %s", spool)
	}
}

// TestNohupKeepsSIGHUPIgnored: under nohup, SIGHUP was ignored on purpose; kpeek must not
// re-enable it, while Ctrl-C still stops it cleanly.
func TestNohupKeepsSIGHUPIgnored(t *testing.T) {
	nohup, err := exec.LookPath("nohup")
	if err != nil {
		t.Skip("no nohup here")
	}
	p := &proc{cmd: exec.Command(nohup, os.Args[0], "--demo", "consume", "-t", "auth.logins", "--from", "-3", "--follow"),
		stdout: &lockedBuffer{}, stderr: &lockedBuffer{}, done: make(chan struct{})}
	p.cmd.Env = append(os.Environ(), execEnv+"=1")
	p.cmd.Stdout, p.cmd.Stderr = p.stdout, p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() { _ = p.cmd.Process.Kill() })
	p.waitUntil(t, "records", func() bool { return strings.Count(p.stdout.String(), "\n") >= 3 })
	p.signal(t, syscall.SIGHUP)
	// SIGINT after SIGHUP: had SIGHUP been taken, this second signal would exit at once
	// with the hang-up's story on stderr; ignored, it is the first and only one.
	p.signal(t, syscall.SIGINT)
	if code := p.exitCode(t); code != exitInt || strings.Contains(p.stderr.String(), "SIGHUP") {
		t.Errorf("exit %d, stderr %q; want 130 from the Ctrl-C alone", code, p.stderr.String())
	}
}
