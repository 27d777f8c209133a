package kafka

import (
	"context"
	"errors"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/kpeek/kpeek/config"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"
	"go.uber.org/goleak"
)

// blackHole accepts connections and never answers; onAccept runs for each one. stop closes
// the listener and waits for its goroutine; the connections stay open until the test ends.
func blackHole(t *testing.T, onAccept func()) (addr string, stop func()) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu    sync.Mutex
		held  []net.Conn
		ended = make(chan struct{})
	)
	go func() {
		defer close(ended)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			held = append(held, c)
			mu.Unlock()
			onAccept()
		}
	}()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			_ = ln.Close()
			<-ended
		})
	}
	t.Cleanup(func() {
		stop()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range held {
			_ = c.Close()
		}
	})
	return ln.Addr().String(), stop
}

// TestConnectCancelLeavesNothingRunning: a broker that takes the connection and never
// answers; cancelling the connect must end sarama's work too, not leave it waiting for its
// read timeout.
func TestConnectCancelLeavesNothingRunning(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addr, stop := blackHole(t, cancel)
	_, err := connect(ctx, []string{addr}, mustSaramaConfig(t))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("connect err = %v, want context.Canceled", err)
	}
	stop() // the broker's goroutine, not the client's
	goleak.VerifyNone(t, append(leakOptions(), ignore)...)
}

// TestCloseEndsWaitingCalls: a call whose context ended is still waiting on a broker that
// does not answer; closing the client must end it at once.
func TestCloseEndsWaitingCalls(t *testing.T) {
	c := newCluster(t, kfake.SeedTopics(1, "t"))
	ignore := goleak.IgnoreCurrent()
	kc := connectTo(t, c)
	release := make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c.ControlKey(kmsg.Metadata.Int16(), func(kmsg.Request) (kmsg.Response, error, bool) {
		cancel()
		c.SleepControl(func() { <-release })
		return nil, nil, false
	})
	if _, err := kc.metadata(ctx, []string{"t"}); !errors.Is(err, context.Canceled) {
		t.Fatalf("metadata err = %v, want context.Canceled", err)
	}
	if err := kc.Close(); err != nil {
		t.Fatal(err)
	}
	// The sleeping control function and kfake's wait for it are the broker's, not the client's.
	err := goleak.Find(append(leakOptions(), ignore,
		goleak.IgnoreAnyFunction("github.com/twmb/franz-go/pkg/kfake.(*Cluster).SleepControl"),
		goleak.IgnoreAnyFunction("github.com/twmb/franz-go/pkg/kfake.(*Cluster).SleepControl.func1"),
		goleak.IgnoreAnyFunction("github.com/twmb/franz-go/pkg/kfake.(*bsleep).waitQueue"))...)
	close(release)
	if err != nil {
		t.Fatal(err)
	}
}

func mustSaramaConfig(t *testing.T) *sarama.Config {
	t.Helper()
	sc, _, err := saramaConfig(config.Connection{Brokers: []string{"x:1"}}, clientOptions{dialTimeout: 5 * time.Second, clientID: "kpeek"})
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

// leakOptions are what goleak must ignore in every kafka test: go-metrics, which sarama
// uses, starts one ticker for the whole process and never stops it.
func leakOptions() []goleak.Option {
	return []goleak.Option{goleak.IgnoreTopFunction("github.com/rcrowley/go-metrics.(*meterArbiter).tick")}
}

// TestTrackedConnWaitsFromRequestToAnswer: a connection counts as waiting from the moment a
// request is written, before anyone reads, until the answer starts to arrive; a request
// cancelled in that moment must still find its connection to close.
func TestTrackedConnWaitsFromRequestToAnswer(t *testing.T) {
	client, broker := net.Pipe()
	defer broker.Close()
	c := &trackedConn{Conn: client, cs: newConns(mustSaramaConfig(t)), addr: "b:9092"}
	defer c.Close()
	if c.waiting() {
		t.Fatal("a new connection counts as waiting")
	}
	go func() { _, _ = io.ReadFull(broker, make([]byte, 3)) }()
	if _, err := c.Write([]byte("req")); err != nil {
		t.Fatal(err)
	}
	if !c.waiting() {
		t.Fatal("a connection with a request written and no answer read does not count as waiting")
	}
	go func() { _, _ = broker.Write([]byte("answer")) }()
	if _, err := io.ReadFull(c, make([]byte, 6)); err != nil {
		t.Fatal(err)
	}
	if c.waiting() {
		t.Fatal("a connection whose answer arrived still counts as waiting")
	}
}

// TestCloseLetsSaramaCloseItsConnections: closing an idle client leaves each connection to
// sarama to close (kpeek closing them first made sarama's own close fail and log it); none
// is left open.
func TestCloseLetsSaramaCloseItsConnections(t *testing.T) {
	c := newCluster(t, kfake.SeedTopics(1, "t"))
	kc := connectTo(t, c)
	if _, err := kc.Topics(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	cs := kc.client.(*trackedClient).conns
	cs.mu.Lock()
	var open []*trackedConn
	for tc := range cs.open {
		open = append(open, tc)
	}
	cs.mu.Unlock()
	if len(open) == 0 {
		t.Fatal("no connection open after a call")
	}
	if err := kc.Close(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range open {
		if tc.killed.Load() {
			t.Errorf("connection to %s was closed by kpeek before sarama closed it", tc.addr)
		}
	}
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if len(cs.open) != 0 {
		t.Errorf("%d connections still open after Close", len(cs.open))
	}
}

// TestClosingAClosedConnectionIsNoError: sarama closing a connection kpeek has closed is
// not an error; a close kpeek did not cause still reports one.
func TestClosingAClosedConnectionIsNoError(t *testing.T) {
	cs := newConns(mustSaramaConfig(t))
	addr, _ := blackHole(t, func() {})
	dial := func() net.Conn {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	killed := &trackedConn{Conn: dial(), cs: cs, addr: addr}
	killed.kill()
	if err := killed.Close(); err != nil {
		t.Errorf("close after kpeek's: %v", err)
	}
	twice := &trackedConn{Conn: dial(), cs: cs, addr: addr}
	_ = twice.Close()
	if err := twice.Close(); !errors.Is(err, net.ErrClosed) {
		t.Errorf("a second close of a connection kpeek never closed: err %v, want net.ErrClosed", err)
	}
}

// TestWriteWhileClosingIsCut: a request written while its client closes cannot wait for an
// answer (and hold Close until sarama can close its broker): its connection is closed.
func TestWriteWhileClosingIsCut(t *testing.T) {
	cs := newConns(mustSaramaConfig(t))
	addr, _ := blackHole(t, func() {})
	raw, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c := &trackedConn{Conn: raw, cs: cs, addr: addr}
	defer c.Close()
	if _, err := c.Write([]byte("before")); err != nil || c.killed.Load() {
		t.Fatalf("write before closing: err %v, cut %v", err, c.killed.Load())
	}
	cs.closing.Store(true)
	if _, err := c.Write([]byte("request")); err != nil {
		t.Fatalf("write while closing: %v", err)
	}
	if !c.killed.Load() {
		t.Fatal("a request written while the client closes left its connection open")
	}
	if _, err := c.Read(make([]byte, 1)); !errors.Is(err, net.ErrClosed) {
		t.Errorf("read after the cut: %v, want net.ErrClosed", err)
	}
}
