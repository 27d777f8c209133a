package messages

import (
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/kpeek/kpeek/kafka"
)

func TestParseWindow(t *testing.T) {
	now := time.Date(2026, 11, 26, 4, 30, 0, 0, time.UTC)
	at := func(h, m int) time.Time { return time.Date(2026, 11, 26, h, m, 0, 0, time.UTC) }
	tests := []struct {
		in       string
		from, to time.Time // zero: not a time
		fromKind kafka.StartKind
		toKind   kafka.StopKind
		resolved string
	}{
		{"", at(3, 30), now, kafka.StartTime, kafka.StopTime, "2026-11-26T03:30:00Z..2026-11-26T04:30:00Z"},
		{"02:00..03:00", at(2, 0), at(3, 0), kafka.StartTime, kafka.StopTime, "2026-11-26T02:00:00Z..2026-11-26T03:00:00Z"},
		{"-3h..-1h", at(1, 30), at(3, 30), kafka.StartTime, kafka.StopTime, "2026-11-26T01:30:00Z..2026-11-26T03:30:00Z"},
		{"2026-11-25T23:00:00Z..2026-11-26T01:00:00Z", at(-1, 0), at(1, 0), kafka.StartTime, kafka.StopTime, "2026-11-25T23:00:00Z..2026-11-26T01:00:00Z"},
		{"23:00..01:00", at(-1, 0), at(1, 0), kafka.StartTime, kafka.StopTime, "2026-11-25T23:00:00Z..2026-11-26T01:00:00Z"},
		{"-100", time.Time{}, time.Time{}, kafka.StartLast, kafka.StopEnd, "-100..end"},
		{"beginning..end", time.Time{}, time.Time{}, kafka.StartBeginning, kafka.StopEnd, "beginning..end"},
		{"42..99", time.Time{}, time.Time{}, kafka.StartOffset, kafka.StopOffset, "42..99"},
	}
	for _, tt := range tests {
		w, err := parseWindow(tt.in, now, time.UTC)
		if err != nil {
			t.Errorf("%q: %v", tt.in, err)
			continue
		}
		if w.from.Kind != tt.fromKind || w.to.Kind != tt.toKind || !w.from.Time.Equal(tt.from) || !w.to.Time.Equal(tt.to) {
			t.Errorf("%q: from %v %v, to %v %v", tt.in, w.from.Kind, w.from.Time, w.to.Kind, w.to.Time)
		}
		if w.resolved != tt.resolved {
			t.Errorf("%q resolved to %q, want %q", tt.in, w.resolved, tt.resolved)
		}
		// The resolved text reads the same window later.
		again, err := parseWindow(w.resolved, now.Add(3*time.Hour), time.UTC)
		if err != nil || again.resolved != w.resolved {
			t.Errorf("%q: resolved %q parses to %q, %v", tt.in, w.resolved, again.resolved, err)
		}
	}
	for _, bad := range []string{"03:00..02:00:00Z", "-1h..-3h", "yesterday", "1..2..3", "25:00..26:00"} {
		if _, err := parseWindow(bad, now, time.UTC); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
	if got := WindowLabel("2026-11-26T02:00:00Z..2026-11-26T03:00:00Z"); got != "11-26 02:00:00–03:00:00 UTC" {
		t.Errorf("label %q", got)
	}
}

func TestPromptOpensOnTheCarriedWindowAndReportsTheChoice(t *testing.T) {
	var reqs []kafka.ReadRequest
	m := newTest(t, 80, 24, nil, WithReader(recorder(&reqs, newFake(true, logins(5)))))
	_, cmd := m.Update(press("enter"))
	var got []WindowMsg
	for _, msg := range cmdMsgs(cmd) {
		if w, ok := msg.(WindowMsg); ok {
			got = append(got, w)
		}
	}
	if len(got) != 1 || got[0].Window != "2026-11-27T01:00:00Z..2026-11-27T02:00:00Z" {
		t.Fatalf("enter told the frame %+v, want the last hour resolved", got)
	}
	src := Source{Topic: kafka.TopicInfo{Name: "erp.audit"}, Window: got[0].Window}
	n := New(nil, src)
	if v := n.prompt.inputs[fieldWindow].Value(); v != got[0].Window {
		t.Errorf("the next topic's prompt offers %q, want %q", v, got[0].Window)
	}
}

// cmdMsgs runs cmd and the Cmds of its batches and returns what they produce.
func cmdMsgs(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	msg := cmd()
	if b, ok := msg.(tea.BatchMsg); ok {
		var out []tea.Msg
		for _, c := range b {
			out = append(out, cmdMsgs(c)...)
		}
		return out
	}
	return []tea.Msg{msg}
}
