package ctxwait

import (
	"context"
	"errors"
	"testing"
)

func TestCall(t *testing.T) {
	if v, err := Call(t.Context(), func() (int, error) { return 7, nil }); v != 7 || err != nil {
		t.Errorf("Call = %d, %v", v, err)
	}
	boom := errors.New("boom")
	if _, err := Call(t.Context(), func() (int, error) { return 0, boom }); !errors.Is(err, boom) {
		t.Errorf("Call err = %v, want fn's", err)
	}
	// A context that ends while fn blocks ends the wait; fn is released afterwards.
	ctx, cancel := context.WithCancel(t.Context())
	started, release := make(chan struct{}), make(chan struct{})
	defer close(release)
	go func() { <-started; cancel() }()
	_, err := Call(ctx, func() (int, error) { close(started); <-release; return 1, nil })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Call err = %v, want context.Canceled", err)
	}
	// An ended context does not start fn.
	ran := false
	if _, err := Call(ctx, func() (int, error) { ran = true; return 0, nil }); !errors.Is(err, context.Canceled) || ran {
		t.Errorf("Call on an ended context: err %v, ran %v", err, ran)
	}
}
