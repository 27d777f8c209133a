package tui

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/kpeek/kpeek/export/hectest"
	"github.com/kpeek/kpeek/kafka"
	"github.com/kpeek/kpeek/tui/messages"
)

// memRecords is how many records memReader serves for every topic.
const memRecords = 20

// memReader serves every topic memRecords fixed logins, one a minute from 02:00 on the
// harness's day. A read that follows stays open after them, as a live read does, until
// it is closed or its context ends.
type memReader struct {
	mu    sync.Mutex
	reads []*memStream
	gates map[string]chan struct{} // a read of the topic starts once its gate opens
}

// memStream is one read of a memReader.
type memStream struct {
	req    kafka.ReadRequest
	ctx    context.Context // the context the pane read under; the pane cancels it to stop the read
	live   bool
	ch     chan kafka.Batch
	once   sync.Once
	closed atomic.Bool
}

func (r *memReader) read(ctx context.Context, req kafka.ReadRequest) (messages.Stream, error) {
	r.mu.Lock()
	gate := r.gates[req.Topic]
	r.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	at := time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)
	recs := make([]kafka.Record, memRecords)
	for i := range recs {
		recs[i] = kafka.Record{Topic: req.Topic, Offset: int64(i), Timestamp: at.Add(time.Duration(i) * time.Minute),
			TimestampType: kafka.TimestampCreate, Key: fmt.Appendf(nil, "u%02d", i),
			Value: fmt.Appendf(nil, `{"user":"u%02d","result":"success"}`, i)}
	}
	s := &memStream{req: req, ctx: ctx, live: req.Follow || req.To.Kind == kafka.StopNever, ch: make(chan kafka.Batch, 1)}
	s.ch <- kafka.Batch{Records: recs}
	if !s.live {
		s.once.Do(func() { close(s.ch) })
	}
	r.mu.Lock()
	r.reads = append(r.reads, s)
	r.mu.Unlock()
	return s, nil
}

// hold makes reads of topic wait until the returned func is called.
func (r *memReader) hold(topic string) (open func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.gates == nil {
		r.gates = map[string]chan struct{}{}
	}
	gate := make(chan struct{})
	r.gates[topic] = gate
	return func() { close(gate) }
}

// last is the latest read of topic; the test fails if there was none.
func (r *memReader) last(t *testing.T, topic string) *memStream {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range slices.Backward(r.reads) {
		if s.req.Topic == topic {
			return s
		}
	}
	t.Fatalf("%s was never read", topic)
	return nil
}

func (s *memStream) Batches() <-chan kafka.Batch { return s.ch }
func (s *memStream) Stalled() error              { return nil }

func (s *memStream) Ranges() []kafka.PartitionRange {
	end := int64(memRecords)
	if s.live {
		end = -1
	}
	return []kafka.PartitionRange{{Partition: 0, Start: 0, End: end}}
}

func (s *memStream) Close() error {
	s.closed.Store(true)
	s.once.Do(func() { close(s.ch) })
	return nil
}

// stopped reports whether the pane stopped the read: cancelled its context (closing
// the stream follows in the background).
func (s *memStream) stopped() bool { return s.ctx.Err() != nil }

// read opens topic's messages pane and reads the fixed records.
func (h *harness) read(topic string) {
	h.t.Helper()
	h.openTopic(topic)
	h.press("enter")
	h.waitFor(fmt.Sprintf("%s  %d / %d in range · done", topic, memRecords, memRecords))
}

// newCollector starts an HEC collector that holds every request past its first event
// until the client gives up, so an export to it stays in flight; the token is in the
// environment and spools go to the folder returned.
func newCollector(t *testing.T) (*hectest.Server, string) {
	t.Helper()
	t.Setenv(messages.TokenEnv, "test-token")
	dir := t.TempDir()
	t.Chdir(dir)
	srv := hectest.New(hectest.WithHoldAfter(1))
	t.Cleanup(srv.Close)
	return srv, dir
}

// exportTo starts an export of what the open pane loaded to srv (see newCollector) and
// hides the dialog once the collector holds the export's request; the export goes on.
// Cmds run in the background from then on.
func (h *harness) exportTo(srv *hectest.Server) {
	h.t.Helper()
	if h.inbox == nil {
		h.background()
	}
	held := srv.Held()
	h.press("e", "space", "tab") // the dialog, Splunk, its URL
	h.press(srv.URL(), "enter")
	h.waitUntil(func() bool { return srv.Held() > held }, "the collector to hold the export's request")
	h.press("esc")
	h.mustSee("exporting")
}

// paneSize is the size of what the open messages pane draws: the area the frame gave it.
func (h *harness) paneSize() (width, height int) {
	h.t.Helper()
	if h.app.msgs == nil {
		h.t.Fatal("no messages pane is open")
	}
	lines := strings.Split(h.app.msgs.View(), "\n")
	for _, l := range lines {
		width = max(width, ansi.StringWidth(l))
	}
	return width, len(lines)
}
