package tui

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/kpeek/kpeek/kafka"
)

func TestBrokerDeathShowsAtOnceAndRecovery(t *testing.T) {
	h := newHarness(t, 160, 40)
	h.openTopic("auth.logins")
	h.background()                          // a live read waits on its stream
	h.press("tab", "tab", "space", "enter") // follow live
	h.waitFor("connected · 2 brokers", "20 loaded", "following")

	h.cluster.mu.Lock()
	h.cluster.down = errors.New("dial tcp 127.0.0.1:39092: connect: connection refused")
	h.cluster.mu.Unlock()
	h.send(refreshMsg{req: h.app.conn.req}) // the next refresh tick, at most 3 s later
	// The frame says so, and tells the pane, whose live read shows as stalled.
	h.waitFor("connection lost 03:00:00 · retrying: dial tcp 127.0.0.1:39092: connect: connection refused",
		"stalled: connection lost, retrying")
	h.mustNotSee("connected · 2 brokers")
	// Still down: the loss keeps the time it began, not one notice per tick.
	h.app.now = func() time.Time { return time.Date(2026, 11, 26, 3, 0, 3, 0, time.UTC) }
	h.send(refreshMsg{req: h.app.conn.req})
	h.waitUntil(func() bool { return !h.app.conn.probing }, "the probe's answer")
	h.mustSee("connection lost 03:00:00 · retrying", "stalled: connection lost, retrying")

	h.cluster.mu.Lock()
	h.cluster.down = nil
	h.cluster.mu.Unlock()
	h.app.now = func() time.Time { return time.Date(2026, 11, 26, 3, 0, 42, 0, time.UTC) }
	h.send(refreshMsg{req: h.app.conn.req})
	h.waitFor("connected · 2 brokers", "connection restored after 42s", "connection restored: reading again", "following")
	h.mustNotSee("stalled")
}

// warnCluster is a cluster whose client reports security warnings.
type warnCluster struct{ *fakeCluster }

func (warnCluster) Warnings() []string {
	return []string{"TLS certificate verification is off (insecure_skip_verify)\x1b]0;x\x07"}
}

func TestSecurityWarningsAndDeniedConfigsShowInTheStatusLine(t *testing.T) {
	h := newHarness(t, 200, 40)
	info, _ := h.cluster.ClusterInfo(t.Context())
	h.send(connectedMsg{req: h.app.conn.req, cluster: warnCluster{h.cluster}, info: info})
	h.mustSee("⚠ TLS certificate verification is off (insecure_skip_verify)")
	h.mustNotSee("\x1b]0;x")

	h.cluster.mu.Lock()
	for i := range h.cluster.topics[:3] {
		h.cluster.topics[i].ConfigErr = &kafka.NotAuthorizedError{Operation: "describe configs of", Resource: "topic"}
	}
	h.cluster.mu.Unlock()
	h.send(refreshMsg{req: h.app.conn.req})
	h.mustSee("not authorized: configs of 3 topics (retention unknown)")
}

func TestDemoFirstScreenSaysWhatToInvestigate(t *testing.T) {
	h := newHarness(t, 80, 24)
	h.mustNotSee("Demo incident") // not a demo
	if a := newApp(t.Context(), Options{Demo: true}, nil); a.intro != demoIntro {
		t.Fatal("Options.Demo set no intro")
	}
	h.app.intro = demoIntro
	h.app = h.app.layout()
	h.mustSee(demoIntro) // whole, at 80 columns
	if lines := strings.Count(h.screen(), "\n") + 1; lines != 24 {
		t.Fatalf("the intro row made the screen %d rows", lines)
	}
	h.openTopic("auth.logins")
	h.press("esc")
	h.mustNotSee("Demo incident")
}
