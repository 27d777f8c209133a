package kafka

import (
	"context"
	"errors"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kpeek/kpeek/config"
	"github.com/kpeek/kpeek/kafka/kafkatest"
	"github.com/twmb/franz-go/pkg/kfake"
	"go.uber.org/goleak"
)

// TestSilentBrokerIsNamed: a broker that takes the connection and says nothing is named,
// with the timeout that ran out, among brokers that fail in other ways.
func TestSilentBrokerIsNamed(t *testing.T) {
	silent := kafkatest.SilentBroker(t)
	for _, brokers := range [][]string{{silent}, {"127.0.0.1:1", silent}} {
		_, err := New(testCtx(t), config.Connection{Brokers: brokers, SocketTimeoutMs: 300}, WithLogger(testLogger(t)))
		var na *NoAnswerError
		if !errors.As(err, &na) || !slices.Equal(na.Addrs, []string{silent}) {
			t.Fatalf("brokers %v: err = %v, want a NoAnswerError naming %s", brokers, err, silent)
		}
		if !strings.Contains(err.Error(), silent+" accepted the connection but did not answer within 300ms") ||
			!strings.Contains(err.Error(), "socket.timeout.ms") {
			t.Errorf("message %q does not name the broker, the timeout and its setting", err)
		}
	}
}

// TestSilentBootstrapBrokerBesideAGoodOne: one silent bootstrap broker must not sink the
// connection when another answers (sarama picks seeds in random order, so both orders and a
// few tries); when kpeek had to route around it, a note names it.
func TestSilentBootstrapBrokerBesideAGoodOne(t *testing.T) {
	c := newCluster(t, kfake.SeedTopics(1, "t"))
	silent := kafkatest.SilentBroker(t)
	for i := range 4 {
		brokers := []string{silent, c.ListenAddrs()[0]}
		if i%2 == 1 {
			brokers[0], brokers[1] = brokers[1], brokers[0]
		}
		kc, err := New(testCtx(t), config.Connection{Brokers: brokers, SocketTimeoutMs: 300}, WithLogger(testLogger(t)))
		if err != nil {
			t.Fatalf("brokers %v: %v", brokers, err)
		}
		for _, n := range kc.Notes() {
			if !strings.Contains(n, silent+" accepted the connection but did not answer") ||
				!strings.Contains(n, "connected through "+c.ListenAddrs()[0]) {
				t.Errorf("note %q", n)
			}
		}
		if _, err := kc.Topics(testCtx(t)); err != nil {
			t.Errorf("topics through the good broker: %v", err)
		}
		kc.Close()
	}
}

// deafBroker accepts connections and reads what arrives without ever answering; heard runs
// when the first bytes of a request arrive. Its goroutines end with the test.
func deafBroker(t *testing.T, heard func()) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			wg.Go(func() {
				buf := make([]byte, 512)
				for {
					if _, err := c.Read(buf); err != nil {
						return
					}
					once.Do(heard)
				}
			})
		}
	})
	t.Cleanup(func() {
		_ = ln.Close()
		mu.Lock()
		for _, c := range conns {
			_ = c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return ln.Addr().String()
}

// TestCancelEndsConnectProbes: Ctrl-C while a probe waits on a broker that took its request
// and says nothing ends the probe at once, with nothing of it left running. The probes'
// own read timeouts are set to an hour, so a probe that waited for one would hang: the
// guard below is only there to fail such a test instead of hanging it.
func TestCancelEndsConnectProbes(t *testing.T) {
	probes := []struct {
		name string
		run  func(ctx context.Context, c *Client, addr string)
	}{
		{"silence check (ApiVersions)", func(ctx context.Context, c *Client, addr string) { c.checkBrokers(ctx) }},
		{"listener check (ApiVersions)", func(ctx context.Context, c *Client, addr string) { c.answersApiVersions(ctx, addr) }},
		{"advertised addresses (Metadata)", func(ctx context.Context, c *Client, addr string) { _ = c.probeAdvertised(ctx, addr) }},
	}
	for _, p := range probes {
		t.Run(p.name, func(t *testing.T) {
			ignore := goleak.IgnoreCurrent()
			ctx, cancel := context.WithCancel(testCtx(t))
			defer cancel()
			addr := deafBroker(t, cancel)
			cfg := config.Connection{Brokers: []string{addr}, SocketTimeoutMs: int(time.Hour / time.Millisecond)}
			o := clientOptions{dialTimeout: 5 * time.Second, clientID: "kpeek", silenceCheck: time.Hour}
			sc, _, err := saramaConfig(cfg, o)
			if err != nil {
				t.Fatal(err)
			}
			c := &Client{cfg: cfg, sc: sc, opts: o, log: testLogger(t)}
			done := make(chan struct{})
			go func() {
				defer close(done)
				p.run(ctx, c, addr)
			}()
			select {
			case <-done:
			case <-time.After(30 * time.Second):
				t.Fatal("the probe still runs 30s after its context ended")
			}
			if err := goleak.Find(append(leakOptions(), ignore,
				goleak.IgnoreAnyFunction("github.com/kpeek/kpeek/kafka.deafBroker.func1"),
				goleak.IgnoreAnyFunction("github.com/kpeek/kpeek/kafka.deafBroker.func1.1"))...); err != nil {
				t.Fatalf("the cancelled probe left goroutines behind: %v", err)
			}
		})
	}
}
