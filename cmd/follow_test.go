package cmd

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

type stallingStream struct{ err atomic.Pointer[error] }

func (s *stallingStream) Stalled() error {
	if p := s.err.Load(); p != nil {
		return *p
	}
	return nil
}

func (s *stallingStream) set(err error) {
	if err == nil {
		s.err.Store(nil)
		return
	}
	s.err.Store(&err)
}

// A followed read that stops receiving because a broker went silent says so on stderr,
// once, and says when it reads again: silence must not pass for a quiet topic.
func TestFollowSaysWhenABrokerStalls(t *testing.T) {
	var (
		mu    sync.Mutex
		notes []string
	)
	got := make(chan struct{}, 16)
	note := func(ns []string) {
		mu.Lock()
		notes = append(notes, ns...)
		mu.Unlock()
		got <- struct{}{}
	}
	wait := func(n int) {
		t.Helper()
		for range n {
			select {
			case <-got:
			case <-time.After(10 * time.Second): // guard only
				t.Fatalf("no note; so far %q", notes)
			}
		}
	}
	s := &stallingStream{}
	stop := watchStalls(t.Context(), s, time.Millisecond, note)
	defer stop()
	s.set(errors.New("broker 127.0.0.1:9092 stopped answering: no answer to a fetch within 10s"))
	wait(1)
	time.Sleep(20 * time.Millisecond) // many checks while still stalled: no second note
	s.set(nil)
	wait(1)
	stop()
	mu.Lock()
	defer mu.Unlock()
	want := []string{"stalled: broker 127.0.0.1:9092 stopped answering: no answer to a fetch within 10s; retrying", "reading again"}
	if len(notes) != 2 || notes[0] != want[0] || notes[1] != want[1] {
		t.Errorf("notes %q, want %q", notes, want)
	}
}
