package kafka

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/IBM/sarama"
)

// Reader defaults: batches small enough to keep a pane responsive, fetches large enough that
// one record of 16 MB or more still gets through.
const (
	defaultBatchSize   = 500
	defaultBatchWindow = 50 * time.Millisecond
	defaultMaxBytes    = 32 << 20
	defaultBatchBytes  = 8 << 20 // a batch is also cut at this many payload bytes
	partitionBuffer    = 64      // chunks a partition may hold for the merge in time order
	pumpBuffer         = 8       // chunks in flight between the partition pumps and the batcher
	// Pumps and the merge in time order hand records on in chunks of at most chunkRecords
	// records or chunkBytes of payload, cut from a fetch response without copying.
	chunkRecords = 256
	chunkBytes   = 1 << 20
	// How long a broker may hold a fetch that finds nothing new: closing a read waits for it.
	followMaxWait  = 250 * time.Millisecond
	boundedMaxWait = 20 * time.Millisecond
	// endQuiet is how long a partition may stay silent short of its end offset before the
	// reader checks whether anything readable is left (transaction markers, compaction).
	endQuiet = time.Second
)

// Stream is a running range read.
type Stream struct {
	ch     chan Batch
	ranges []PartitionRange
	cancel context.CancelFunc
	done   chan struct{}
	stalls stalls
}

// Batches yields record batches; it is closed when the read ends and its goroutines are gone.
func (s *Stream) Batches() <-chan Batch { return s.ch }

// Ranges is what the read covers per partition, resolved at start.
func (s *Stream) Ranges() []PartitionRange { return append([]PartitionRange(nil), s.ranges...) }

// Stalled is nil while the read's brokers answer; while a followed read waits on a broker
// that stopped answering its fetches (within socket.timeout.ms), it names that broker. The
// read goes on trying; a bounded read fails with the same error instead.
func (s *Stream) Stalled() error { return s.stalls.err() }

// Close stops the read and waits for its goroutines.
func (s *Stream) Close() error {
	s.cancel()
	<-s.done
	return nil
}

// Read starts a read-only range read with fetches of its own (fetch.go): it never joins a
// group and never commits. Batches arrive on the stream until the ranges are read, Max
// records were delivered, ctx is cancelled or Close is called.
func (c *Client) Read(ctx context.Context, req ReadRequest) (*Stream, error) {
	if req.Topic == "" {
		return nil, errors.New("read: no topic given")
	}
	ranges, err := c.resolveRanges(ctx, req)
	if err != nil {
		return nil, err
	}
	rc, err := c.readClient(ctx, req)
	if err != nil {
		return nil, c.explain(ctx, err, "read", fmt.Sprintf("topic %q", req.Topic))
	}
	rctx, cancel := context.WithCancel(ctx)
	s := &Stream{ch: make(chan Batch), ranges: ranges, cancel: cancel, done: make(chan struct{})}
	r := &rangeRead{c: c, rc: rc, req: req, s: s, tsType: c.timestampType(ctx, req.Topic)}
	fetchers, parts, err := r.start(rctx)
	if err != nil {
		cancel()
		c.releaseReadClient(kindOf(req), rc)
		return nil, err
	}
	go r.run(rctx, fetchers, parts)
	return s, nil
}

// Reading clients are kept for the next read rather than closed: connecting (TLS, SASL,
// metadata) is most of what a short read costs. Reads running at once each have one of
// their own, as Kafka answers one request per connection at a time: on a shared connection
// a read's fetch would queue behind another's long poll.

// maxIdleReaders bounds the reading clients kept per kind of read, enough for a sweep's
// topics read at once.
const maxIdleReaders = 8

// readerKind tells apart reads whose clients are configured differently.
type readerKind struct {
	fetchBytes int32
	follow     bool
}

func kindOf(req ReadRequest) readerKind {
	return readerKind{fetchBytes: fetchBytes(req), follow: follows(req)}
}

// follows reports whether req waits for new records at its end.
func follows(req ReadRequest) bool { return req.Follow || req.To.Kind == StopNever }

// readPool holds a Client's idle reading clients; it is closed with the Client.
type readPool struct {
	mu     sync.Mutex
	idle   map[readerKind][]sarama.Client
	closed bool
}

// readClient is a sarama client for req: an idle one kept from an earlier read of the same
// kind, or a new connection. The read hands it back with releaseReadClient.
func (c *Client) readClient(ctx context.Context, req ReadRequest) (sarama.Client, error) {
	kind := kindOf(req)
	p := &c.reads
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil, sarama.ErrClosedClient
	}
	for n := len(p.idle[kind]); n > 0; n = len(p.idle[kind]) {
		rc := p.idle[kind][n-1]
		p.idle[kind] = p.idle[kind][:n-1]
		if !rc.Closed() {
			p.mu.Unlock()
			return rc, nil
		}
	}
	p.mu.Unlock()
	return connect(ctx, c.cfg.Brokers, c.readerConfig(req))
}

// releaseReadClient keeps rc, whose read has ended and closed its consumer, for the next
// read of its kind; it closes rc when the Client is closed or enough are kept.
func (c *Client) releaseReadClient(kind readerKind, rc sarama.Client) {
	p := &c.reads
	p.mu.Lock()
	if p.closed || rc.Closed() || len(p.idle[kind]) >= maxIdleReaders {
		p.mu.Unlock()
		_ = rc.Close()
		return
	}
	if p.idle == nil {
		p.idle = map[readerKind][]sarama.Client{}
	}
	p.idle[kind] = append(p.idle[kind], rc)
	p.mu.Unlock()
}

// closeReaders closes the idle reading clients; those of running reads close when their
// read ends.
func (c *Client) closeReaders() {
	p := &c.reads
	p.mu.Lock()
	p.closed = true
	idle := p.idle
	p.idle = nil
	p.mu.Unlock()
	for _, rcs := range idle {
		for _, rc := range rcs {
			_ = rc.Close()
		}
	}
}

// fetchBytes is the largest fetch response req accepts.
func fetchBytes(req ReadRequest) int32 {
	maxBytes := req.MaxBytes
	if maxBytes <= 0 {
		maxBytes = defaultMaxBytes
	}
	return min(maxBytes, sarama.MaxResponseSize-(1<<20))
}

// readerConfig derives the reading client's config: small buffers and bounded fetches so
// memory stays bounded even for multi-MB records.
func (c *Client) readerConfig(req ReadRequest) *sarama.Config {
	sc := *c.sc
	maxBytes := fetchBytes(req)
	sc.Metadata.Full = false // only the topic being read
	sc.Consumer.Fetch.Default = min(1<<20, maxBytes)
	sc.Consumer.Fetch.Max = maxBytes
	sc.Consumer.Fetch.MaxBytes = maxBytes
	// Short long-polls: followed records show up quickly and a finished read winds down fast.
	// A bounded read polls an empty partition only at its end (or before records a
	// transaction has not committed yet), where a long poll only delays closing it.
	sc.Consumer.MaxWaitTime = followMaxWait
	if !follows(req) {
		sc.Consumer.MaxWaitTime = boundedMaxWait
	}
	sc.Consumer.IsolationLevel = sarama.ReadCommitted
	sc.Consumer.Offsets.AutoCommit.Enable = false
	// Ride out a leader election or a rolling restart (about 10s), then fail with a cause.
	sc.Consumer.Retry.Backoff = 500 * time.Millisecond
	sc.Consumer.Retry.Max = 20
	return &sc
}

// rangeRead is one running read: its fetchers and partition pumps over a reading client.
type rangeRead struct {
	c      *Client
	rc     sarama.Client // handed back to the Client's pool when the read ends
	req    ReadRequest
	s      *Stream
	tsType TimestampType
}

// event is what a partition pump hands the batcher: records, its end, or its failure.
type event struct {
	recs []Record // one partition's records in offset order (a merge's output: in time order)
	done bool
	err  error
	// spent is what recs took of their partition's budget (time order), released when the
	// merge takes them.
	spent *budget
	cost  int
}

// start prepares every range that has something to read and groups the partitions by
// their leader, one fetcher each. A partition without a leader yet (a fresh client, an
// election) is retried briefly; a lasting failure is the read's error.
func (r *rangeRead) start(ctx context.Context) ([]*fetcher, []*partFetch, error) {
	sc := r.rc.Config()
	byLeader := map[int32]*fetcher{}
	var fetchers []*fetcher
	var parts []*partFetch
	for _, pr := range r.s.ranges {
		if pr.End >= 0 && pr.Start >= pr.End {
			continue
		}
		b, err := r.leader(ctx, pr.Partition)
		if err != nil {
			return nil, nil, err
		}
		f := byLeader[b.ID()]
		if f == nil {
			f = &fetcher{r: r, wake: make(chan struct{}, 1)}
			byLeader[b.ID()] = f
			fetchers = append(fetchers, f)
		}
		p := newPartFetch(pr, sc.Consumer.Fetch.Default)
		f.parts = append(f.parts, p)
		parts = append(parts, p)
	}
	return fetchers, parts, nil
}

// leader is the partition's leader, after a few tries while the leader is not known yet.
func (r *rangeRead) leader(ctx context.Context, partition int32) (*sarama.Broker, error) {
	for try := 1; ; try++ {
		b, err := r.rc.Leader(r.req.Topic, partition)
		if err == nil {
			return b, nil
		}
		if !transient(err) || try >= transientTries {
			return nil, r.c.explain(ctx, err, "read", fmt.Sprintf("topic %q partition %d", r.req.Topic, partition))
		}
		r.c.log.Debug("partition leader retrying", "topic", r.req.Topic, "partition", partition, "try", try, "err", err)
		if perr := pause(ctx, try); perr != nil {
			return nil, perr
		}
		if rerr := r.rc.RefreshMetadata(r.req.Topic); rerr != nil {
			r.c.log.Debug("refresh metadata", "topic", r.req.Topic, "err", rerr)
		}
	}
}

// run fetches and pumps every partition into the batcher and releases everything when the
// read ends.
func (r *rangeRead) run(ctx context.Context, fetchers []*fetcher, parts []*partFetch) {
	defer close(r.s.done)
	var wg sync.WaitGroup
	wakes := map[*partFetch]chan struct{}{}
	for _, f := range fetchers {
		for _, p := range f.parts {
			wakes[p] = f.wake
		}
		wg.Go(func() { f.run(ctx) })
	}
	in := make(chan event, pumpBuffer)
	if r.req.effectiveOrder() == OrderTime && len(parts) > 1 {
		// Each partition pumps into a small buffer of its own; the merge takes the
		// smallest head, so memory stays bounded however long the read.
		chans := make([]<-chan event, 0, len(parts))
		for _, p := range parts {
			ch := make(chan event, partitionBuffer)
			chans = append(chans, ch)
			wg.Go(func() {
				defer close(ch) // a pump that stops early must not leave the merge waiting
				r.pump(ctx, p, wakes[p], ch, newBudget(partitionBudget))
			})
		}
		holdBack := time.Duration(0)
		if follows(r.req) {
			holdBack = FollowHoldBack
		}
		wg.Go(func() { mergeByTime(ctx, chans, holdBack, in) })
		r.batch(ctx, in, 1)
	} else {
		for _, p := range parts {
			wg.Go(func() { r.pump(ctx, p, wakes[p], in, nil) })
		}
		r.batch(ctx, in, len(parts))
	}
	r.s.cancel()
	// The reader learns of the end before the fetches in flight wind down; Close still
	// waits for all of it, and the reading client goes back to the pool idle.
	close(r.s.ch)
	wg.Wait()
	r.c.releaseReadClient(kindOf(r.req), r.rc)
}

// fatalReadError tells the errors that end a partition's read from those sarama retries.
func fatalReadError(err error) bool {
	for _, fatal := range []error{
		sarama.ErrOffsetOutOfRange, // retention deleted what we were about to read
		sarama.ErrConsumerRetriesExhausted, sarama.ErrMessageTooLarge,
		sarama.ErrTopicAuthorizationFailed, sarama.ErrClusterAuthorizationFailed,
		sarama.ErrSASLAuthenticationFailed, sarama.ErrClosedClient,
	} {
		if errors.Is(err, fatal) {
			return true
		}
	}
	return false
}

// batch gathers records into batches of BatchSize records (or defaultBatchBytes) or whatever
// arrived within the batch window, stops at Max, and reports the first partition failure as the stream's last batch.
func (r *rangeRead) batch(ctx context.Context, in <-chan event, active int) {
	size := r.req.BatchSize
	if size <= 0 {
		size = defaultBatchSize
	}
	var (
		buf      []Record
		bufBytes int
		total    int64
		window   = time.NewTimer(time.Hour)
		pending  bool
	)
	window.Stop()
	defer window.Stop()
	flush := func() bool {
		pending = false
		if len(buf) == 0 {
			return true
		}
		select {
		case r.s.ch <- Batch{Records: buf}:
			buf, bufBytes = nil, 0
			return true
		case <-ctx.Done():
			return false
		}
	}
	for active > 0 {
		select {
		case <-ctx.Done():
			return
		case <-window.C:
			if !flush() {
				return
			}
		case ev := <-in:
			switch {
			case ev.err != nil:
				if flush() {
					select {
					case r.s.ch <- Batch{Err: ev.err}:
					case <-ctx.Done():
					}
				}
				return
			case ev.done:
				active--
				continue
			}
			for i := 0; i < len(ev.recs); {
				// As many records as the batch takes, by count, bytes and Max; a batch that
				// starts empty shares the chunk's array instead of copying it.
				room := size - len(buf)
				if r.req.Max > 0 {
					room = min(room, int(r.req.Max-total))
				}
				j := i
				for j < len(ev.recs) && j-i < room && bufBytes < defaultBatchBytes {
					bufBytes += ev.recs[j].Size()
					j++
				}
				if buf == nil {
					buf = ev.recs[i:j:j]
				} else {
					buf = append(buf, ev.recs[i:j]...)
				}
				total += int64(j - i)
				i = j
				if r.req.Max > 0 && total >= r.req.Max {
					flush()
					return
				}
				// Cut by bytes too: 500 records of 5 MB must not sit in one batch.
				if len(buf) >= size || bufBytes >= defaultBatchBytes {
					window.Stop()
					if !flush() {
						return
					}
				}
			}
			if len(buf) > 0 && !pending {
				pending = true
				window.Reset(defaultBatchWindow)
			}
		}
	}
	flush()
}
