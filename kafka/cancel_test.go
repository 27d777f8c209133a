package kafka

import (
	"context"
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/IBM/sarama"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"
	"go.uber.org/goleak"
)

// stallFirst makes the cluster take the first request of key and not answer it until the
// returned release is called (or the cluster closes); inFlight is closed when that request
// has arrived. Later requests of key are answered normally.
func stallFirst(t *testing.T, c *kfake.Cluster, key int16) (inFlight <-chan struct{}, release func()) {
	t.Helper()
	arrived, released := make(chan struct{}), make(chan struct{})
	var first atomic.Bool
	c.ControlKey(key, func(kmsg.Request) (kmsg.Response, error, bool) {
		if first.CompareAndSwap(false, true) {
			close(arrived)
			c.SleepControl(func() { <-released })
		}
		return nil, nil, false
	})
	var once sync.Once
	release = func() { once.Do(func() { close(released) }) }
	t.Cleanup(release)
	return arrived, release
}

// brokerLeakOptions ignore the cluster's own goroutines: the control function sleeping on
// an unanswered request, and kfake's wait for it.
func brokerLeakOptions() []goleak.Option {
	return append(leakOptions(),
		goleak.IgnoreAnyFunction("github.com/twmb/franz-go/pkg/kfake.(*Cluster).SleepControl"),
		goleak.IgnoreAnyFunction("github.com/twmb/franz-go/pkg/kfake.(*Cluster).SleepControl.func1"),
		goleak.IgnoreAnyFunction("github.com/twmb/franz-go/pkg/kfake.(*bsleep).waitQueue"),
		goleak.IgnoreAnyFunction("github.com/twmb/franz-go/pkg/kfake.(*clientConn).read"),
		goleak.IgnoreAnyFunction("github.com/twmb/franz-go/pkg/kfake.(*clientConn).write"),
		goleak.IgnoreAnyFunction("github.com/twmb/franz-go/pkg/kfake.(*clientConn).read.func1"),
		goleak.IgnoreAnyFunction("github.com/twmb/franz-go/pkg/kfake.(*Cluster).listen"),
	)
}

// TestCancelEndsCallInFlight: a call whose context ends while its request waits on a broker
// that does not answer leaves nothing of itself running — the broker is still silent — and
// the next call on the same Client works once the broker answers again.
func TestCancelEndsCallInFlight(t *testing.T) {
	tests := []struct {
		name string
		key  int16 // the request the broker leaves unanswered
		call func(ctx context.Context, kc *Client) error
	}{
		{"ClusterInfo/Metadata", kmsg.Metadata.Int16(), func(ctx context.Context, kc *Client) error {
			_, err := kc.ClusterInfo(ctx)
			return err
		}},
		{"Topics/ListOffsets", kmsg.ListOffsets.Int16(), func(ctx context.Context, kc *Client) error {
			ts, err := kc.Topics(ctx)
			if err == nil && ctx.Err() == nil {
				for _, tp := range ts {
					if tp.Err != nil {
						return tp.Err
					}
				}
			}
			return err
		}},
		{"Groups/ListGroups (broker picked by sarama)", kmsg.ListGroups.Int16(), func(ctx context.Context, kc *Client) error {
			_, err := kc.Groups(ctx)
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newCluster(t, kfake.SeedTopics(2, "t"))
			kc := connectTo(t, c)
			if err := tt.call(testCtx(t), kc); err != nil { // warm: the connections exist before the baseline
				t.Fatalf("first call: %v", err)
			}
			ignore := goleak.IgnoreCurrent()
			inFlight, release := stallFirst(t, c, tt.key)
			ctx, cancel := context.WithCancel(testCtx(t))
			go func() { <-inFlight; cancel() }()
			err := tt.call(ctx, kc)
			if !errors.Is(err, context.Canceled) && ctx.Err() == nil {
				t.Fatalf("call err = %v, want it cancelled", err)
			}
			// The broker still has not answered: nothing of the call may be waiting for it. A
			// part of the call that had not started may have reconnected (sarama dials when a
			// broker is looked up): that idle connection's reader is the Client's, closed by
			// Close, not a request waiting.
			if err := goleak.Find(append(brokerLeakOptions(), ignore,
				goleak.IgnoreTopFunction("github.com/IBM/sarama.(*Broker).responseReceiver"))...); err != nil {
				t.Fatalf("the cancelled call left goroutines behind: %v", err)
			}
			release()
			if err := tt.call(testCtx(t), kc); err != nil {
				t.Fatalf("call after the cancelled one: %v", err)
			}
		})
	}
}

// TestCancelSparesSharedCall: another call sharing the connection a cancelled call closes
// still gets its answer (on a new connection), not an error and not a hang.
func TestCancelSparesSharedCall(t *testing.T) {
	c := newCluster(t, kfake.SeedTopics(1, "t"))
	kc := connectTo(t, c)
	if _, err := kc.ClusterInfo(testCtx(t)); err != nil { // the first one uses connect's metadata
		t.Fatal(err)
	}
	inFlight, _ := stallFirst(t, c, kmsg.Metadata.Int16())
	cancelled, cancel := context.WithCancel(testCtx(t))
	done := make(chan error, 1)
	go func() {
		_, err := kc.ClusterInfo(cancelled)
		done <- err
	}()
	<-inFlight
	shared := make(chan error, 1)
	go func() {
		info, err := kc.ClusterInfo(testCtx(t))
		if err == nil && len(info.Brokers) != 1 {
			err = errors.New("wrong answer")
		}
		shared <- err
	}()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled call: %v", err)
	}
	if err := <-shared; err != nil {
		t.Fatalf("the call sharing the connection: %v", err)
	}
}

// TestRequestRetriesOnceAfterCut: a request failing because its connection was cut for
// another request is retried once; failing again, its error names the cut.
func TestRequestRetriesOnceAfterCut(t *testing.T) {
	c := newCluster(t, kfake.SeedTopics(1, "t"))
	kc := connectTo(t, c)
	cs := kc.client.(*trackedClient).conns
	closed := &net.OpError{Op: "read", Net: "tcp", Err: net.ErrClosed}
	for _, tt := range []struct {
		fails     int
		wantCalls int
		wantCut   bool
	}{{0, 1, false}, {1, 2, false}, {2, 2, true}} {
		calls := 0
		_, err := request(testCtx(t), kc.client, nil, func(*sarama.Broker) (int, error) {
			calls++
			if calls <= tt.fails {
				cs.cut("")() // as another request's cancellation would
				return 0, closed
			}
			return 1, nil
		})
		if calls != tt.wantCalls || errors.Is(err, errCut) != tt.wantCut || (err == nil) == tt.wantCut {
			t.Errorf("%d failures: %d calls, err %v; want %d calls, cut named %v", tt.fails, calls, err, tt.wantCalls, tt.wantCut)
		}
	}
	// A closed connection with no cut behind it is not retried: it is the broker's doing.
	calls := 0
	_, err := request(testCtx(t), kc.client, nil, func(*sarama.Broker) (int, error) { calls++; return 0, closed })
	if calls != 1 || errors.Is(err, errCut) || !errors.Is(err, net.ErrClosed) {
		t.Errorf("uncut close: %d calls, err %v", calls, err)
	}
}
