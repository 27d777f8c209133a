package messages

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/kpeek/kpeek/kafka"
)

// recorder returns a reader that remembers each request and serves stream.
func recorder(reqs *[]kafka.ReadRequest, stream Stream) ReadFunc {
	return func(_ context.Context, req kafka.ReadRequest) (Stream, error) {
		*reqs = append(*reqs, req)
		return stream, nil
	}
}

func TestStartPromptDefaults(t *testing.T) {
	var reqs []kafka.ReadRequest
	m := newTest(t, 80, 24, nil, WithReader(recorder(&reqs, newFake(true, logins(10)))))
	if !m.CapturesInput() || !strings.Contains(plain(m), "which window?") {
		t.Fatalf("the prompt is not open at start:\n%s", plain(m))
	}
	m = keys(t, m, "enter")
	if len(reqs) != 1 {
		t.Fatalf("reads started: %d, want 1", len(reqs))
	}
	r := reqs[0]
	now := m.prompt.now()
	if r.Topic != "auth.logins" || r.From.Kind != kafka.StartTime || !r.From.Time.Equal(now.Add(-time.Hour)) ||
		r.To.Kind != kafka.StopTime || !r.To.Time.Equal(now) || r.Follow || r.Partitions != nil {
		t.Errorf("default request = %+v, want the last hour", r)
	}
	if m.CapturesInput() || m.store.Len() != 10 {
		t.Errorf("after the read: captures=%v loaded=%d, want false, 10", m.CapturesInput(), m.store.Len())
	}
}

func TestStartPromptChoices(t *testing.T) {
	var reqs []kafka.ReadRequest
	m := newTest(t, 80, 24, nil, WithReader(recorder(&reqs, newFake(true))))
	for range len(DefaultWindow) {
		m = keys(t, m, "backspace")
	}
	m = typeText(t, m, "-1h")
	m = keys(t, m, "tab")
	m = typeText(t, m, "0,2")
	m = keys(t, m, "tab", "space", "enter")
	if len(reqs) != 1 {
		t.Fatalf("reads started: %d, want 1", len(reqs))
	}
	r := reqs[0]
	want := base.Add(23 * time.Hour)
	if r.From.Kind != kafka.StartTime || !r.From.Time.Equal(want) || !r.Follow ||
		r.To.Kind != kafka.StopNever || len(r.Partitions) != 2 || r.Partitions[1] != 2 {
		t.Errorf("request = %+v, want from %v, follow, partitions 0,2", r, want)
	}
	if m.rd.selection != "--from 2026-11-27T01:00:00Z --follow -p 0,2" {
		t.Errorf("selection = %q", m.rd.selection)
	}
}

func TestStartPromptShowsErrorsInline(t *testing.T) {
	var reqs []kafka.ReadRequest
	m := newTest(t, 80, 24, nil, WithReader(recorder(&reqs, newFake(true))))
	m = typeText(t, m, "x")
	m = keys(t, m, "tab")
	m = typeText(t, m, "7")
	m = keys(t, m, "enter")
	if len(reqs) != 0 || !m.prompt.open {
		t.Fatalf("a bad start began a read")
	}
	v := plain(m)
	if !strings.Contains(v, `✗ "nowx" is not a stop`) {
		t.Errorf("no inline start error:\n%s", v)
	}
	if m.prompt.errs[fieldPartitions] == "" || !strings.Contains(m.prompt.errs[fieldPartitions], "no partition 7") {
		t.Errorf("partition error = %q", m.prompt.errs[fieldPartitions])
	}
}

func TestReadErrorShown(t *testing.T) {
	m := newTest(t, 80, 24, nil, WithReader(func(context.Context, kafka.ReadRequest) (Stream, error) {
		return nil, errors.New("ACL denied: \x1b]0;pwned\x07")
	}))
	m = keys(t, m, "enter")
	v := m.View()
	if !strings.Contains(v, "ACL denied") || strings.Contains(v, "\x1b]0") {
		t.Errorf("read error not shown safely:\n%q", v)
	}
}

func TestStaleBatchesDropped(t *testing.T) {
	m := loaded(t, 80, 24, logins(5))
	old := m.rd.id
	m = keys(t, m, "s", "enter") // a new read of the same fake (already drained)
	m = run(t, m, batchMsg{id: old, batch: kafka.Batch{Records: logins(50)}})
	if m.store.Len() != 0 {
		t.Errorf("a batch of the previous read landed: %d records", m.store.Len())
	}
	m = run(t, m, batchMsg{id: m.rd.id, batch: kafka.Batch{Records: logins(3)}})
	if m.store.Len() != 3 {
		t.Errorf("a batch of the current read was dropped: %d records", m.store.Len())
	}
}

func TestScrolling(t *testing.T) {
	m := loaded(t, 80, 24, logins(100))
	h := m.tableHeight()
	m = keys(t, m, "j", "j", "down")
	if m.cursor != 3 || m.top != 0 {
		t.Fatalf("cursor %d top %d, want 3 0", m.cursor, m.top)
	}
	m = keys(t, m, "pgdown")
	if m.cursor != 3+h || m.top == 0 {
		t.Errorf("after page down cursor %d top %d", m.cursor, m.top)
	}
	m = keys(t, m, "G")
	if m.cursor != 99 || m.top != 100-h {
		t.Errorf("after G cursor %d top %d, want 99 %d", m.cursor, m.top, 100-h)
	}
	m = keys(t, m, "home", "k")
	if m.cursor != 0 || m.top != 0 {
		t.Errorf("after home k cursor %d top %d", m.cursor, m.top)
	}
	if !strings.Contains(plain(m), "u000") {
		t.Errorf("the first row is not decoded on screen:\n%s", plain(m))
	}
}

func TestFollowAutoScrollsUntilUserScrollsUp(t *testing.T) {
	stream := newFake(false, logins(30))
	m := newTest(t, 80, 24, stream)
	m = keys(t, m, "tab", "tab", "space", "enter") // follow
	if m.cursor != 29 || !m.tail {
		t.Fatalf("follow did not pin the newest row: cursor %d tail %v", m.cursor, m.tail)
	}
	sent := 30
	more := func(n int) { // newer records, as a live topic gets them
		recs := logins(n)
		for i := range recs {
			recs[i].Timestamp = base.Add(time.Duration(sent+i) * time.Hour)
		}
		sent += n
		m = run(t, m, batchMsg{id: m.rd.id, batch: kafka.Batch{Records: recs}})
	}
	more(10)
	if m.cursor != 39 {
		t.Errorf("did not auto-scroll: cursor %d, want 39", m.cursor)
	}
	m = keys(t, m, "k")
	more(10)
	if m.cursor != 38 {
		t.Errorf("scrolled while the user looked up: cursor %d, want 38", m.cursor)
	}
	m = keys(t, m, "G")
	more(5)
	if m.cursor != 54 {
		t.Errorf("did not resume at the bottom: cursor %d, want 54", m.cursor)
	}
	if !strings.Contains(plain(m), "55 / live in range") || !strings.Contains(plain(m), "following") {
		t.Errorf("counter line:\n%s", plain(m))
	}
}

func TestCapDropsOldestWithNotice(t *testing.T) {
	m := newTest(t, 80, 24, newFake(true, logins(100), logins(100)), WithCap(150))
	m = keys(t, m, "enter")
	if m.store.Len() != 150 || m.store.First() != 50 {
		t.Fatalf("store holds %d from %d, want 150 from 50", m.store.Len(), m.store.First())
	}
	if !strings.Contains(plain(m), "50 oldest records dropped") {
		t.Errorf("no drop notice:\n%s", plain(m))
	}
}

func TestFollowSaysWhenTheConnectionIsLost(t *testing.T) {
	m := newTest(t, 120, 24, newFake(false, logins(5)))
	m = keys(t, m, "tab", "tab", "space", "enter") // follow
	if v := plain(m); !strings.Contains(v, "following ↓") {
		t.Fatalf("not following:\n%s", v)
	}
	m = run(t, m, ConnectionMsg{Lost: errors.New("no answer from the cluster in 5s")})
	if v := plain(m); strings.Contains(v, "following ↓") || !strings.Contains(v, "stalled: connection lost, retrying") {
		t.Fatalf("a dead broker still looks live:\n%s", v)
	}
	m = run(t, m, ConnectionMsg{})
	if v := plain(m); !strings.Contains(v, "following ↓") || !strings.Contains(v, "connection restored") {
		t.Fatalf("recovery not said:\n%s", v)
	}
}

// A broker that stops answering a followed read's fetches, while the cluster still answers
// the frame's probe, shows as stalled naming the broker, and live again once it answers.
func TestFollowSaysWhenABrokerFallsSilent(t *testing.T) {
	f := newFake(false, logins(5))
	m := newTest(t, 160, 24, f)
	m = keys(t, m, "tab", "tab", "space", "enter") // follow
	f.stalled = errors.New("broker 127.0.0.1:9092 stopped answering: no answer to a fetch within 10s (socket.timeout.ms)\x1b[2J")
	m = run(t, m, tickMsg{id: m.rd.id, at: time.Now()})
	v := plain(m)
	if strings.Contains(v, "following ↓") || !strings.Contains(v, "stalled: broker 127.0.0.1:9092 stopped") {
		t.Fatalf("a silent broker still looks live:\n%s", v)
	}
	if strings.Contains(m.View(), "\x1b[2J") {
		t.Error("the broker's error reached the screen unsanitized")
	}
	f.stalled = nil
	m = run(t, m, tickMsg{id: m.rd.id, at: time.Now()})
	if v := plain(m); !strings.Contains(v, "following ↓") {
		t.Fatalf("the read answering again is not shown:\n%s", v)
	}
}
