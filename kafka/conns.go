package kafka

import (
	"context"
	"net"
	"sync"

	"github.com/IBM/sarama"
)

// sarama cannot cancel a request: a broker holds its lock until the response arrives or
// the read times out, so closing the broker waits too. What does end a request at once is
// closing its network connection. kpeek therefore dials every connection itself (through
// sarama's dialer hook) and keeps them, so that a context ending while connecting, or the
// client closing, closes the connections it opened and no sarama goroutine is left waiting.

// conns dials and remembers the connections of one sarama client.
type conns struct {
	dialer net.Dialer
	wrap   func(raw net.Conn, addr string) net.Conn // from a connWrapper in sc's dialer hook, or nil
	mu     sync.Mutex
	ctx    context.Context // while connecting: its end closes what was dialed; then nil
	open   map[net.Conn]func() bool
	closed bool
}

func newConns(sc *sarama.Config) *conns {
	cs := &conns{
		dialer: net.Dialer{Timeout: sc.Net.DialTimeout, KeepAlive: sc.Net.KeepAlive, LocalAddr: sc.Net.LocalAddr},
		open:   map[net.Conn]func() bool{},
	}
	if w, ok := sc.Net.Proxy.Dialer.(connWrapper); ok && sc.Net.Proxy.Enable {
		cs.wrap = w.wrapConn
	}
	return cs
}

// connWrapper, set as sc's dialer hook before connect, wraps each connection connect dials
// (the legacy LZ4 mending in lz4mend.go).
type connWrapper interface {
	wrapConn(raw net.Conn, addr string) net.Conn
}

// Dial opens a connection for sarama, bound to the connecting context while there is one.
func (cs *conns) Dial(network, addr string) (net.Conn, error) {
	cs.mu.Lock()
	ctx := cs.ctx
	cs.mu.Unlock()
	if ctx == nil {
		ctx = context.Background()
	}
	raw, err := cs.dialer.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	conn := raw
	if cs.wrap != nil {
		conn = cs.wrap(raw, addr)
	}
	c := &trackedConn{Conn: conn, cs: cs}
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if cs.closed {
		_ = raw.Close()
		return nil, net.ErrClosed
	}
	stop := func() bool { return true }
	if cs.ctx != nil {
		stop = context.AfterFunc(cs.ctx, func() { _ = raw.Close() })
	}
	cs.open[c] = stop
	return c, nil
}

// bind makes the end of ctx close every connection dialed until release is called;
// release reports whether all of them are still open.
func (cs *conns) bind(ctx context.Context) (release func() bool) {
	cs.mu.Lock()
	cs.ctx = ctx
	cs.mu.Unlock()
	return func() bool {
		cs.mu.Lock()
		defer cs.mu.Unlock()
		cs.ctx = nil
		intact := true
		for c, stop := range cs.open {
			if !stop() {
				intact = false
			}
			cs.open[c] = func() bool { return true }
		}
		return intact
	}
}

// closeAll closes every open connection and refuses new ones.
func (cs *conns) closeAll() {
	cs.mu.Lock()
	cs.closed = true
	open := cs.open
	cs.open = map[net.Conn]func() bool{}
	cs.mu.Unlock()
	for c, stop := range open {
		stop()
		_ = c.(*trackedConn).Conn.Close()
	}
}

func (cs *conns) forget(c net.Conn) {
	cs.mu.Lock()
	if stop, ok := cs.open[c]; ok {
		stop()
		delete(cs.open, c)
	}
	cs.mu.Unlock()
}

// trackedConn leaves its set when sarama closes it.
type trackedConn struct {
	net.Conn
	cs *conns
}

// Close closes the connection and forgets it.
func (c *trackedConn) Close() error {
	c.cs.forget(c)
	return c.Conn.Close()
}

// trackedClient is a sarama client whose Close also closes the connections of requests
// still waiting, so their goroutines end now rather than at the read timeout.
type trackedClient struct {
	sarama.Client
	conns *conns
}

// Close closes the client, then any connection it left open.
func (t *trackedClient) Close() error {
	err := t.Client.Close()
	t.conns.closeAll()
	return err
}

// connect runs sarama.NewClient so that ctx ends it: the connections dialed while
// connecting are closed when ctx ends, which makes NewClient return at once with nothing
// left running. A client that connected as ctx ended is closed.
func connect(ctx context.Context, brokers []string, sc *sarama.Config) (sarama.Client, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	conf := *sc
	cs := newConns(&conf)
	conf.Net.Proxy.Enable, conf.Net.Proxy.Dialer = true, cs
	release := cs.bind(ctx)
	client, err := sarama.NewClient(brokers, &conf)
	intact := release()
	if err != nil {
		cs.closeAll()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, err
	}
	tc := &trackedClient{Client: client, conns: cs}
	if !intact || ctx.Err() != nil {
		_ = tc.Close()
		return nil, ctx.Err()
	}
	return tc, nil
}
