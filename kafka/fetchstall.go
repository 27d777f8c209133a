package kafka

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"
)

// A broker that takes a fetch and never answers is found by the reading client's read
// deadline (socket.timeout.ms): the fetch fails with a timeout. A bounded read fails then,
// naming the broker; a followed read keeps trying (a broker may come back) and says it is
// stalled through Stream.Stalled until the broker answers a fetch again.

// silentError is a broker that stopped answering a read's fetches.
type silentError struct {
	addr    string
	timeout time.Duration
	err     error
}

// Error names the broker, the time it was given and the setting that sets it.
func (e *silentError) Error() string {
	return fmt.Sprintf("broker %s stopped answering: no answer to a fetch within %s (socket.timeout.ms)", e.addr, e.timeout)
}

// Unwrap exposes the timeout to errors.Is and errors.As.
func (e *silentError) Unwrap() error { return e.err }

// stalls holds the brokers a followed read is waiting on, by address.
type stalls struct {
	mu     sync.Mutex
	silent map[string]error
}

// set records that the broker at addr did not answer (err) or, with nil, that it answered.
func (s *stalls) set(addr string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err == nil {
		delete(s.silent, addr)
		return
	}
	if s.silent == nil {
		s.silent = map[string]error{}
	}
	s.silent[addr] = err
}

// err is every silent broker's error, in address order, or nil.
func (s *stalls) err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	addrs := make([]string, 0, len(s.silent))
	for a := range s.silent {
		addrs = append(addrs, a)
	}
	slices.Sort(addrs)
	errs := make([]error, 0, len(addrs))
	for _, a := range addrs {
		errs = append(errs, s.silent[a])
	}
	return errors.Join(errs...)
}
