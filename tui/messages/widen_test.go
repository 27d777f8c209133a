package messages

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/kpeek/kpeek/kafka"
)

// windowReader serves the records of all whose time falls in a request's window, plus
// the record just past the window's end, as Kafka's offset-for-time reads overlap.
func windowReader(all []kafka.Record, reqs *[]kafka.ReadRequest) ReadFunc {
	return func(_ context.Context, req kafka.ReadRequest) (Stream, error) {
		*reqs = append(*reqs, req)
		var out []kafka.Record
		for _, r := range all {
			if !r.Timestamp.Before(req.From.Time) && !r.Timestamp.After(req.To.Time) {
				out = append(out, r)
			}
		}
		return newFake(true, out), nil
	}
}

func TestWidenLoadsTheHourBeforeAndAfterKeepingMarks(t *testing.T) {
	all := logins(240) // 02:00 to 05:59, one a minute, the burst in the middle
	var reqs []kafka.ReadRequest
	m := newTest(t, 120, 40, nil, WithReader(windowReader(all, &reqs)))
	m.prompt.inputs[fieldWindow].SetValue("03:00..04:00")
	m.prompt.now = func() time.Time { return base.Add(5 * time.Hour) }
	m = keys(t, m, "enter")
	loaded := m.store.Len()
	if loaded == 0 {
		t.Fatal("nothing loaded")
	}
	m = keys(t, m, "space") // mark the first row
	first := m.store.At(m.ord.all[0])

	m = keys(t, m, "[")
	if len(reqs) != 2 || !reqs[1].From.Time.Equal(base) || !reqs[1].To.Time.Equal(base.Add(time.Hour)) {
		t.Fatalf("[ asked for %+v, want 02:00..03:00", reqs[len(reqs)-1])
	}
	seen := map[[2]int64]bool{}
	for seq := m.store.First(); seq < m.store.End(); seq++ {
		k := [2]int64{int64(m.store.Partition(seq)), m.store.Offset(seq)}
		if seen[k] {
			t.Fatalf("p%d@%d loaded twice", k[0], k[1])
		}
		seen[k] = true
	}
	if m.store.Len() <= loaded || m.marks.count != 1 {
		t.Fatalf("after [: %d records (had %d), %d marks (want the 1 kept)", m.store.Len(), loaded, m.marks.count)
	}
	if got := m.store.At(m.ord.all[0]); !got.Timestamp.Before(first.Timestamp) {
		t.Errorf("the earlier hour does not sort first: row 0 at %s", got.Timestamp)
	}
	if m.win.resolved != "2026-11-26T02:00:00Z..2026-11-26T04:00:00Z" {
		t.Errorf("window after [ = %q", m.win.resolved)
	}
	if !strings.Contains(m.rd.selection, "--from 2026-11-26T02:00:00Z --to 2026-11-26T04:00:00Z") {
		t.Errorf("selection for the manifest = %q", m.rd.selection)
	}

	m = keys(t, m, "]")
	if !reqs[2].From.Time.Equal(base.Add(2*time.Hour)) || !reqs[2].To.Time.Equal(base.Add(3*time.Hour)) {
		t.Fatalf("] asked for %+v, want 04:00..05:00", reqs[2])
	}
	if m.win.resolved != "2026-11-26T02:00:00Z..2026-11-26T05:00:00Z" {
		t.Errorf("window after ] = %q", m.win.resolved)
	}
	if n := m.rd.inRange(); n != int64(m.store.Len()) {
		t.Errorf("in range %d, loaded %d", n, m.store.Len())
	}
}

func TestWidenRefusesWhileFollowing(t *testing.T) {
	m := newTest(t, 80, 24, newFake(false, logins(5)))
	m = keys(t, m, "tab", "tab", "space", "enter", "[")
	if !strings.Contains(plain(m), "following live") {
		t.Errorf("[ while following:\n%s", plain(m))
	}
}

func TestJumpToATime(t *testing.T) {
	m := loaded(t, 120, 40, byPartitionArrival(120))
	m = keys(t, m, "g")
	if !m.CapturesInput() {
		t.Fatal("g did not open the time input")
	}
	m = typeText(t, m, "03:30")
	m = keys(t, m, "enter")
	r := m.store.At(m.rowSeq(m.cursor))
	if !r.Timestamp.Equal(base.Add(90 * time.Minute)) {
		t.Fatalf("cursor on %s, want 03:30", r.Timestamp)
	}
	m = keys(t, m, "g")
	m = typeText(t, m, "09:00")
	m = keys(t, m, "enter")
	if v := plain(m); !strings.Contains(v, "outside what is loaded") || !strings.Contains(v, "[ and ] widen") {
		t.Errorf("a time outside the window:\n%s", v)
	}
	m = keys(t, m, "g")
	m = typeText(t, m, "soon")
	m = keys(t, m, "enter")
	if !m.CapturesInput() || !strings.Contains(plain(m), "✗") {
		t.Errorf("a bad time was not refused inline:\n%s", plain(m))
	}
	m = keys(t, m, "esc")
	if m.CapturesInput() {
		t.Error("esc did not close the time input")
	}
}
