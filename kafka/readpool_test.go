package kafka

import (
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"
	"go.uber.org/goleak"
)

// countConnections counts the connections clients open to c: sarama asks every new
// connection's broker for its API versions first.
func countConnections(c *kfake.Cluster) *atomic.Int64 {
	var n atomic.Int64
	c.ControlKey(kmsg.ApiVersions.Int16(), func(kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		n.Add(1)
		return nil, nil, false
	})
	return &n
}

// TestReadsReuseConnections: a read after another connects nothing new; reads at once
// each get a connection of their own (so one's long poll does not hold up the other's
// fetches) and both are kept for the next reads; nothing is left running after Close.
func TestReadsReuseConnections(t *testing.T) {
	c := newCluster(t, kfake.SeedTopics(2, "t", "u"))
	pc := producer(t, c)
	produce(t, pc, "t", []int32{0, 1}, 20, base)
	produce(t, pc, "u", []int32{0, 1}, 5, base)
	pc.Close()
	ignore := goleak.IgnoreCurrent()
	kc := connectTo(t, c)
	conns := countConnections(c)
	want := seq(0, 0, 20, 1, 0, 20)
	read := func(topic string) []string {
		s, err := kc.Read(testCtx(t), ReadRequest{Topic: topic, Order: OrderPartition})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		return sortedCopy(values(readAll(t, s)))
	}
	if got := read("t"); !slices.Equal(got, sortedCopy(want)) {
		t.Fatalf("first read %v", got)
	}
	first := conns.Load()
	if first == 0 {
		t.Fatal("the first read opened no connection: the count is wrong")
	}
	if got := read("u"); len(got) != 10 {
		t.Fatalf("second read: %v", got)
	}
	if n := conns.Load() - first; n != 0 {
		t.Errorf("a read after another opened %d connections, want 0 (the reading client is kept)", n)
	}

	// Two reads of the same topic at once, as the explorer widening a window while a read
	// runs: each has its own consumer, both get everything.
	var wg sync.WaitGroup
	got := make([][]string, 2)
	for i := range got {
		wg.Go(func() { got[i] = read("t") })
	}
	wg.Wait()
	for i, g := range got {
		if !slices.Equal(g, sortedCopy(want)) {
			t.Errorf("concurrent read %d got %v", i, g)
		}
	}
	afterTwo := conns.Load()
	wg.Go(func() { got[0] = read("t") })
	wg.Go(func() { got[1] = read("u") })
	wg.Wait()
	if n := conns.Load() - afterTwo; n != 0 {
		t.Errorf("two reads at once after two at once opened %d connections, want 0", n)
	}
	kc.Close()
	goleak.VerifyNone(t, append(leakOptions(), ignore)...)
}

// TestClientCloseWhileReading: a read still running when its Client closes ends when it is
// closed, its reading client with it; the Client refuses new reads.
func TestClientCloseWhileReading(t *testing.T) {
	c := newCluster(t, kfake.SeedTopics(1, "live"))
	ignore := goleak.IgnoreCurrent()
	kc := connectTo(t, c)
	s, err := kc.Read(testCtx(t), ReadRequest{Topic: "live", From: Start{Kind: StartEnd}, Follow: true})
	if err != nil {
		t.Fatal(err)
	}
	kc.Close()
	s.Close()
	for range s.Batches() {
	}
	if _, err := kc.Read(testCtx(t), ReadRequest{Topic: "live"}); err == nil {
		t.Error("a closed Client started a read")
	}
	goleak.VerifyNone(t, append(leakOptions(), ignore)...)
}

// TestBoundedReadsPollBriefly: a bounded read's broker may hold an empty fetch only
// briefly, as closing the read waits for that fetch; a followed read long-polls. The two
// kinds never share a reading client.
func TestBoundedReadsPollBriefly(t *testing.T) {
	kc := &Client{sc: mustSaramaConfig(t)}
	for _, tt := range []struct {
		req  ReadRequest
		want time.Duration
	}{
		{ReadRequest{Topic: "t"}, boundedMaxWait},
		{ReadRequest{Topic: "t", To: Stop{Kind: StopOffset, Offset: 9}}, boundedMaxWait},
		{ReadRequest{Topic: "t", Follow: true}, followMaxWait},
		{ReadRequest{Topic: "t", To: Stop{Kind: StopNever}}, followMaxWait},
	} {
		if got := kc.readerConfig(tt.req).Consumer.MaxWaitTime; got != tt.want {
			t.Errorf("%+v: long poll %v, want %v", tt.req, got, tt.want)
		}
	}
	if boundedMaxWait > 50*time.Millisecond {
		t.Errorf("a bounded read may wait %v for its last fetch when closing", boundedMaxWait)
	}
	if kindOf(ReadRequest{}) == kindOf(ReadRequest{Follow: true}) {
		t.Error("bounded and followed reads share reading clients")
	}
}
