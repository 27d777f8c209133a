package kafka

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/IBM/sarama"
)

// sarama cannot cancel a request: a broker holds its lock until the response arrives or
// the read times out, so closing the broker waits too. What does end a request at once is
// closing its network connection. kpeek therefore dials every connection itself (through
// sarama's dialer hook) and keeps them, so that a context ending while connecting, or the
// client closing, or a request's context ending (see request in client.go), closes the
// connections it was waiting on and no sarama goroutine is left waiting.

// errCut is the cause a request sees when its connection was closed to end another,
// cancelled request that shared it.
var errCut = errors.New("the connection was closed to end a cancelled request that shared it")

// conns dials and remembers the connections of one sarama client.
type conns struct {
	dialer net.Dialer
	wrap   func(raw net.Conn, addr string) net.Conn // from a connWrapper in sc's dialer hook, or nil
	mu     sync.Mutex
	ctx    context.Context // while connecting: its end closes what was dialed; then nil
	open   map[*trackedConn]func() bool
	closed bool
	// closing is set when the client closes; a request written after it is cut at once.
	closing atomic.Bool
	// draining counts, per broker address, the cancelled requests still running there: while
	// one runs, no connection to that address is dialed, so it cannot start waiting again.
	draining map[string]int
	idle     map[string]chan struct{} // closed when draining[addr] drops to 0
	cuts     atomic.Uint64            // how many times connections were cut, ever
	emptied  chan struct{}            // made by closeAfter; closed when open is empty
}

func newConns(sc *sarama.Config) *conns {
	cs := &conns{
		dialer:   net.Dialer{Timeout: sc.Net.DialTimeout, KeepAlive: sc.Net.KeepAlive, LocalAddr: sc.Net.LocalAddr},
		open:     map[*trackedConn]func() bool{},
		draining: map[string]int{},
		idle:     map[string]chan struct{}{},
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
	ctx, draining := cs.ctx, cs.draining[addr] > 0
	cs.mu.Unlock()
	if draining {
		return nil, fmt.Errorf("connect to broker %s: %w", addr, errCut)
	}
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
	c := &trackedConn{Conn: conn, cs: cs, addr: addr}
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if cs.closed {
		_ = raw.Close()
		return nil, net.ErrClosed
	}
	if cs.draining[addr] > 0 {
		_ = raw.Close()
		return nil, fmt.Errorf("connect to broker %s: %w", addr, errCut)
	}
	stop := func() bool { return true }
	if cs.ctx != nil {
		stop = context.AfterFunc(cs.ctx, func() { c.killed.Store(true); _ = raw.Close() })
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

// cut ends the requests a cancelled one may be waiting on: with an address, it closes every
// connection to that broker and dials none there until the returned end is called (when the
// cancelled request has returned); with none (a request that picks its brokers itself), it
// closes every connection that is waiting for an answer. Other requests on those
// connections fail too; request retries them once on a new connection.
func (cs *conns) cut(addr string) (end func()) {
	cs.mu.Lock()
	var victims []*trackedConn
	for c := range cs.open {
		if (addr != "" && c.addr == addr) || (addr == "" && c.waiting()) {
			victims = append(victims, c)
		}
	}
	end = func() {}
	if addr != "" {
		cs.draining[addr]++
		if cs.idle[addr] == nil {
			cs.idle[addr] = make(chan struct{})
		}
		var once sync.Once
		end = func() { once.Do(func() { cs.undrain(addr) }) }
	}
	cs.cuts.Add(1)
	cs.mu.Unlock()
	for _, c := range victims {
		c.kill() // sarama's read fails at once; sarama then closes the broker
	}
	return end
}

func (cs *conns) undrain(addr string) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	cs.draining[addr]--
	if cs.draining[addr] > 0 {
		return
	}
	delete(cs.draining, addr)
	if ch := cs.idle[addr]; ch != nil {
		close(ch)
		delete(cs.idle, addr)
	}
}

// drained is closed when no cancelled request is running on broker addr any more.
func (cs *conns) drained(addr string) <-chan struct{} {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if ch := cs.idle[addr]; ch != nil {
		return ch
	}
	ch := make(chan struct{})
	close(ch)
	return ch
}

// closeAll closes every open connection and refuses new ones.
func (cs *conns) closeAll() {
	cs.closing.Store(true)
	cs.mu.Lock()
	cs.closed = true
	open := cs.open
	cs.open = map[*trackedConn]func() bool{}
	cs.mu.Unlock()
	for c, stop := range open {
		stop()
		c.kill()
	}
}

// closeAfter closes what a closing sarama client leaves open, after sarama has closed what
// it will. sarama closes each broker in a goroutine of its own once the request running on
// it has ended, so closeAfter first closes the connections with a request waiting for an
// answer (they end now, not at the read timeout; one sent from now on is cut as it is
// sent, see Write), refuses new ones, then waits until sarama has closed the others
// itself, at most grace, and closes any left. Closing them all before sarama did made
// sarama's own close fail and log "use of closed network connection" at every exit.
func (cs *conns) closeAfter(grace time.Duration) {
	cs.closing.Store(true)
	cs.mu.Lock()
	cs.closed = true
	var waiting []*trackedConn
	for c := range cs.open {
		if c.waiting() {
			waiting = append(waiting, c)
		}
	}
	emptied := cs.emptiedLocked()
	cs.mu.Unlock()
	for _, c := range waiting {
		c.kill()
	}
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-emptied:
	case <-t.C:
	}
	cs.closeAll()
}

// emptiedLocked is closed when no connection is open any more; cs.mu is held.
func (cs *conns) emptiedLocked() <-chan struct{} {
	if cs.emptied == nil {
		cs.emptied = make(chan struct{})
		if len(cs.open) == 0 {
			close(cs.emptied)
		}
	}
	return cs.emptied
}

func (cs *conns) forget(c *trackedConn) {
	cs.mu.Lock()
	if stop, ok := cs.open[c]; ok {
		stop()
		delete(cs.open, c)
		if len(cs.open) == 0 && cs.emptied != nil {
			select {
			case <-cs.emptied:
			default:
				close(cs.emptied)
			}
		}
	}
	cs.mu.Unlock()
}

// trackedConn leaves its set when sarama closes it, and knows its broker and whether a
// request on it is waiting for its answer.
type trackedConn struct {
	net.Conn
	cs   *conns
	addr string
	// io counts reads and writes in progress; awaiting is set when a request was written
	// and no answer has arrived since. sarama sends one request at a time per connection
	// and reads only when an answer is due, so the two together say a request waits, also
	// in the moment between sending it and starting to read.
	io       atomic.Int32
	awaiting atomic.Bool
	killed   atomic.Bool // closed by kpeek (cut, closeAll, a connect's context), not by sarama
}

// waiting reports whether a request on the connection is waiting for its answer.
func (c *trackedConn) waiting() bool { return c.io.Load() > 0 || c.awaiting.Load() }

// Read reads from the connection; data arriving means the awaited answer has begun.
func (c *trackedConn) Read(p []byte) (int, error) {
	c.io.Add(1)
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.awaiting.Store(false)
	}
	c.io.Add(-1)
	return n, err
}

// Write writes to the connection; a request sent awaits its answer. Once the client is
// closing, the connection is closed right after what was written (a request then fails at
// once instead of holding its broker, which sarama wants to close, until the answer; a TLS
// close alert has been sent).
func (c *trackedConn) Write(p []byte) (int, error) {
	c.io.Add(1)
	n, err := c.Conn.Write(p)
	if n > 0 {
		c.awaiting.Store(true)
	}
	c.io.Add(-1)
	if c.cs.closing.Load() {
		c.kill()
	}
	return n, err
}

// kill closes the connection for kpeek, to end the request waiting on it or the client.
func (c *trackedConn) kill() {
	c.killed.Store(true)
	_ = c.Conn.Close()
}

// Close closes the connection and forgets it. Closing one kpeek has already closed (kill)
// is no error: sarama, closing its broker afterwards, wants it closed, and it is.
func (c *trackedConn) Close() error {
	c.cs.forget(c)
	err := c.Conn.Close()
	if c.killed.Load() {
		return nil
	}
	return err
}

// trackedClient is a sarama client whose Close also closes the connections of requests
// still waiting, so their goroutines end now rather than at the read timeout.
type trackedClient struct {
	sarama.Client
	conns    *conns
	mu       sync.Mutex
	listing  *sarama.MetadataResponse // the full metadata fetched while connecting (list)
	listedAt time.Time
}

// closeGrace bounds the wait for sarama to close its own connections when a client closes;
// sarama closes an idle connection at once, and closeAfter has ended the waiting ones.
const closeGrace = 2 * time.Second

// Close closes the client, then any connection it left open.
func (t *trackedClient) Close() error {
	err := t.Client.Close()
	t.conns.closeAfter(closeGrace)
	return err
}

// connect runs sarama.NewClient so that ctx ends it: the connections dialed while
// connecting are closed when ctx ends, which makes NewClient return at once with nothing
// left running. A client that connected as ctx ended is closed.
//
// With sc.Metadata.Full (kpeek's admin client), the full metadata that proves a broker
// answers is asked for by kpeek rather than by sarama (see list), so that the first
// listing can use it instead of asking again.
func connect(ctx context.Context, brokers []string, sc *sarama.Config) (sarama.Client, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	conf := *sc
	cs := newConns(&conf)
	conf.Net.Proxy.Enable, conf.Net.Proxy.Dialer = true, cs
	full := conf.Metadata.Full
	conf.Metadata.Full = false
	release := cs.bind(ctx)
	client, err := sarama.NewClient(brokers, &conf)
	var tc *trackedClient
	if err == nil {
		tc = &trackedClient{Client: client, conns: cs}
		if full {
			err = tc.list(ctx)
		}
	}
	intact := release()
	if err != nil {
		if tc != nil {
			_ = tc.Close()
		}
		cs.closeAll()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, err
	}
	if !intact || ctx.Err() != nil {
		_ = tc.Close()
		return nil, ctx.Err()
	}
	return tc, nil
}

// listingReuse is how long the metadata fetched while connecting stands in for a listing.
const listingReuse = time.Second

// list fetches the cluster's full metadata on a connecting client and keeps it for the
// first listing (freshListing). sarama can neither hand out the metadata it fetches nor
// take one fetched for it, and it needs its own broker registry (leaders, coordinators, the
// controller): list fills it by refreshing one topic of the answer (any refresh carries
// the brokers; a healthy topic, so that sarama has nothing to retry), which is cheap where
// a second full fetch would not be on a cluster of many topics. If the first broker fails,
// sarama's own full fetch, which tries the other bootstrap brokers, takes over; its errors
// are the connect's, as they were when sarama fetched it all.
func (t *trackedClient) list(ctx context.Context) error {
	b := t.LeastLoadedBroker()
	if b == nil {
		return sarama.ErrOutOfBrokers
	}
	req := sarama.NewMetadataRequest(t.Config().Version, nil)
	req.AllowAutoTopicCreation = false
	md, err := request(ctx, t, b, func(b *sarama.Broker) (*sarama.MetadataResponse, error) { return b.GetMetadata(req) })
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if err != nil || len(md.Brokers) == 0 {
		return tolerated(t.RefreshMetadata())
	}
	err = t.RefreshMetadata(healthyTopic(md)...)
	if errors.Is(err, sarama.ErrUnknownTopicOrPartition) { // deleted since: the brokers came all the same
		err = nil
	}
	if err := tolerated(err); err != nil {
		return err
	}
	// A listing asked for after connecting went to an address the cluster advertises and
	// so proved it reachable (or named it when it is not, see Client.explain); one taken
	// here must not skip that. The listing's next requests use this connection anyway.
	if b := t.LeastLoadedBroker(); b != nil {
		if _, err := request(ctx, t, b, func(b *sarama.Broker) (bool, error) { return b.Connected() }); err != nil {
			return err
		}
	}
	t.mu.Lock()
	t.listing, t.listedAt = md, time.Now()
	t.mu.Unlock()
	return nil
}

// healthyTopic names a topic of md with a leader for every partition, or none (then the
// refresh is a full one: a cluster without such a topic has few or none).
func healthyTopic(md *sarama.MetadataResponse) []string {
	for _, tm := range md.Topics {
		ok := errors.Is(tm.Err, sarama.ErrNoError) && len(tm.Partitions) > 0
		for _, p := range tm.Partitions {
			ok = ok && errors.Is(p.Err, sarama.ErrNoError) && p.Leader >= 0
		}
		if ok {
			return []string{tm.Name}
		}
	}
	return nil
}

// tolerated drops the refresh errors sarama itself lets a new client live with: part of the
// cluster down, topics or the cluster the account may not describe.
func tolerated(err error) error {
	if errors.Is(err, sarama.ErrLeaderNotAvailable) || errors.Is(err, sarama.ErrReplicaNotAvailable) ||
		errors.Is(err, sarama.ErrTopicAuthorizationFailed) || errors.Is(err, sarama.ErrClusterAuthorizationFailed) {
		return nil
	}
	return err
}

// freshListing hands out, once, the full metadata fetched while connecting if it is under
// listingReuse old: the first listing after connecting uses it instead of asking again;
// later ones ask.
func (t *trackedClient) freshListing() *sarama.MetadataResponse {
	t.mu.Lock()
	defer t.mu.Unlock()
	md := t.listing
	t.listing = nil
	if md == nil || time.Since(t.listedAt) > listingReuse {
		return nil
	}
	return md
}
