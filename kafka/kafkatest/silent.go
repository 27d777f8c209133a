// Package kafkatest holds test doubles for kafka's failure modes that need no broker.
package kafkatest

import (
	"net"
	"sync"
	"testing"
)

// SilentBroker listens on loopback, accepts every connection and never answers: a stuck
// broker, or a load balancer in front of a dead one. It returns the address; the listener
// and every connection close when the test ends.
func SilentBroker(tb testing.TB) string {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn // held open, so nothing closes them early
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	tb.Cleanup(func() {
		l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return l.Addr().String()
}
