package cmd

import (
	"bytes"
	"net"
	"strings"
	"sync"
	"testing"
)

// silentListener accepts connections on loopback and never answers.
func silentListener(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return l.Addr().String()
}

// TestSilentBrokerSaysWhichAndShowsProgress: on a terminal, a progress line runs while
// kpeek waits; the end is one line naming the broker that did not answer.
func TestSilentBrokerSaysWhichAndShowsProgress(t *testing.T) {
	addr := silentListener(t)
	var out lockedBuffer
	var errOut bytes.Buffer
	g := &globals{stdout: &out, stderr: &errOut, version: "test", stderrTTY: true}
	code := execute(newRootCmd(g), g, []string{"-b", addr, "-X", "socket.timeout.ms=300", "topics"})
	if code != exitError {
		t.Errorf("exit %d, want %d", code, exitError)
	}
	lines := strings.Split(strings.TrimSpace(errOut.String()), "\r\x1b[K")
	last := lines[len(lines)-1]
	if !strings.Contains(errOut.String(), "kpeek: waiting for "+addr+" to answer… 1s (gives up after 300ms)") {
		t.Errorf("no progress line while waiting: %q", errOut.String())
	}
	if !strings.HasPrefix(last, "kpeek: ") || !strings.Contains(last, "broker "+addr+" accepted the connection but did not answer") {
		t.Errorf("last line %q does not name the silent broker", last)
	}
	assertOneLine(t, "final stderr line", last+"\n")
}
