package tui

import (
	"errors"
	"testing"
	"time"
)

func TestBrokerDeathShowsAtOnceAndRecovery(t *testing.T) {
	h := newHarness(t, 160, 40)
	p := h.openTopic("auth.logins")
	h.mustSee("connected · 2 brokers")

	h.cluster.mu.Lock()
	h.cluster.down = errors.New("dial tcp 127.0.0.1:39092: connect: connection refused")
	h.cluster.mu.Unlock()
	h.send(refreshMsg{req: h.app.conn.req}) // the next refresh tick, at most 3 s later
	h.mustSee("connection lost 03:00:00 · retrying: dial tcp 127.0.0.1:39092: connect: connection refused")
	h.mustNotSee("connected · 2 brokers")
	if len(p.conn) != 1 || p.conn[0].Lost == nil {
		t.Fatalf("the messages pane was not told: %+v", p.conn)
	}
	h.send(refreshMsg{req: h.app.conn.req}) // still down: one notice, not one per tick
	if len(p.conn) != 1 {
		t.Fatalf("the pane was told %d times", len(p.conn))
	}

	h.cluster.mu.Lock()
	h.cluster.down = nil
	h.cluster.mu.Unlock()
	h.app.now = func() time.Time { return time.Date(2026, 11, 26, 3, 0, 42, 0, time.UTC) }
	h.send(refreshMsg{req: h.app.conn.req})
	h.mustSee("connected · 2 brokers", "connection restored after 42s")
	if len(p.conn) != 2 || p.conn[1].Lost != nil {
		t.Fatalf("the pane was not told of the recovery: %+v", p.conn)
	}
}
