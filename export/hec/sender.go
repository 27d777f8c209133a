package hec

import (
	"context"
	"math/rand/v2"
	"net/http"
	"time"
)

// Retry is the backoff policy for temporary failures.
type Retry struct {
	Attempts int           // tries per request before giving up; 0 means 8
	Base     time.Duration // first wait; 0 means 200ms
	Cap      time.Duration // longest wait; 0 means 10s
}

// Wait is how long to sleep before retry number n (0-based): capped exponential with
// "equal jitter" (half fixed, half random) so parallel senders spread out.
func (r Retry) Wait(n int) time.Duration {
	d := r.base() << min(n, 30)
	if d <= 0 || d > r.cap() {
		d = r.cap()
	}
	half := d / 2
	return half + rand.N(half+1)
}

func (r Retry) attempts() int {
	if r.Attempts <= 0 {
		return 8
	}
	return r.Attempts
}

func (r Retry) base() time.Duration {
	if r.Base <= 0 {
		return 200 * time.Millisecond
	}
	return r.Base
}

func (r Retry) cap() time.Duration {
	if r.Cap <= 0 {
		return 10 * time.Second
	}
	return r.Cap
}

// Outcome says what happened to a run of events [From, To) of a batch.
type Outcome int

// Outcomes of a delivery.
const (
	Accepted Outcome = iota // the collector took the events (AckID set when acknowledgement is on)
	Rejected                // the collector will never take this event (Reason says why)
	Unsent                  // not delivered: Err says why (fatal, retries exhausted, cancelled)
)

// Piece is the fate of events [From, To) of a batch.
type Piece struct {
	From, To int
	Outcome  Outcome
	AckID    *int64
	Reason   string
	Err      error
}

// Sender delivers batches with retries, 413 splitting and invalid-event tails.
type Sender struct {
	Client *Client
	Retry  Retry
	// OnRetry, when set, is told about each temporary failure before the wait.
	OnRetry func(err error, wait time.Duration)
}

// Batch is a request body of stacked events; Ends[i] is where event i ends in Body.
type Batch struct {
	Body []byte
	Ends []int
}

// Len is the number of events in the batch.
func (b *Batch) Len() int { return len(b.Ends) }

// Event returns event i's bytes.
func (b *Batch) Event(i int) []byte { return b.Body[b.start(i):b.Ends[i]] }

func (b *Batch) start(i int) int {
	if i == 0 {
		return 0
	}
	return b.Ends[i-1]
}

// Deliver sends b and returns the fate of every event, in order and covering [0, b.Len()).
func (s *Sender) Deliver(ctx context.Context, b *Batch) []Piece {
	return s.deliver(ctx, b, 0, b.Len(), nil)
}

func (s *Sender) deliver(ctx context.Context, b *Batch, lo, hi int, out []Piece) []Piece {
	for lo < hi {
		resp, err := s.sendRetrying(ctx, b.Body[b.start(lo):b.Ends[hi-1]])
		if err == nil {
			return append(out, Piece{From: lo, To: hi, Outcome: Accepted, AckID: resp.AckID})
		}
		he, _ := AsError(err)
		switch {
		case he != nil && he.Status == http.StatusRequestEntityTooLarge && hi-lo > 1:
			mid := lo + (hi-lo)/2
			out = s.deliver(ctx, b, lo, mid, out)
			lo = mid // the second half continues in this loop
			continue
		case he != nil && he.Status == http.StatusRequestEntityTooLarge:
			return append(out, Piece{From: lo, To: hi, Outcome: Rejected, Reason: "event larger than the collector accepts (HTTP 413)"})
		case he != nil && he.BadEvent() && he.InvalidEvent < hi-lo:
			bad := lo + he.InvalidEvent
			if bad > lo {
				out = append(out, Piece{From: lo, To: bad, Outcome: Accepted})
			}
			out = append(out, Piece{From: bad, To: bad + 1, Outcome: Rejected, Reason: he.Text})
			lo = bad + 1 // resend only the tail after the rejected event
			continue
		}
		return append(out, Piece{From: lo, To: hi, Outcome: Unsent, Err: err})
	}
	return out
}

// sendRetrying posts body, retrying temporary failures with backoff.
func (s *Sender) sendRetrying(ctx context.Context, body []byte) (Response, error) {
	for n := 0; ; n++ {
		resp, err := s.Client.Send(ctx, body)
		if err == nil {
			return resp, nil
		}
		he, ok := AsError(err)
		if !ok || !he.Temporary() || n+1 >= s.Retry.attempts() || ctx.Err() != nil {
			if ctx.Err() != nil {
				return resp, ctx.Err()
			}
			return resp, err
		}
		wait := s.Retry.Wait(n)
		if s.OnRetry != nil {
			s.OnRetry(err, wait)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return resp, ctx.Err()
		case <-t.C:
		}
	}
}
