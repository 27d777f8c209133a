// Package ctxwait lets a context end the wait for a call that takes none (sarama's
// requests, srclient's registry lookups).
package ctxwait

import "context"

// Call runs fn so that ctx ends the wait: when ctx ends first, Call returns ctx's error at
// once. fn itself runs on until it returns; ending it is the owner's job (kpeek's Kafka
// client closes the connection under it, the registry client's HTTP timeout ends it).
func Call[T any](ctx context.Context, fn func() (T, error)) (T, error) {
	var zero T
	if err := ctx.Err(); err != nil {
		return zero, err
	}
	type result struct {
		v   T
		err error
	}
	ch := make(chan result, 1)
	go func() {
		v, err := fn()
		ch <- result{v, err}
	}()
	select {
	case r := <-ch:
		return r.v, r.err
	case <-ctx.Done():
		return zero, ctx.Err()
	}
}
