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
	partitionBuffer    = 64      // records sarama may hold per partition before we take them
	pumpBuffer         = 8       // chunks in flight between the partition pumps and the batcher
	// A pump hands records on in chunks of what sarama already holds, so a record costs no
	// channel operation of kpeek's own: at most chunkRecords records or chunkBytes of payload.
	chunkRecords     = 256
	chunkBytes       = 1 << 20
	partitionOpeners = 8 // partition consumers opened at once
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
}

// Batches yields record batches; it is closed when the read ends and its goroutines are gone.
func (s *Stream) Batches() <-chan Batch { return s.ch }

// Ranges is what the read covers per partition, resolved at start.
func (s *Stream) Ranges() []PartitionRange { return append([]PartitionRange(nil), s.ranges...) }

// Close stops the read and waits for its goroutines.
func (s *Stream) Close() error {
	s.cancel()
	<-s.done
	return nil
}

// Read starts a read-only range read with sarama's plain consumer: it never joins a group
// and never commits. Batches arrive on the stream until the ranges are read, Max records
// were delivered, ctx is cancelled or Close is called.
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
	// A consumer per read: sarama's Consumer refuses to consume a partition twice, and two
	// reads of one topic (a window widened while a read runs) must both work.
	consumer, err := sarama.NewConsumerFromClient(rc)
	if err != nil {
		c.releaseReadClient(kindOf(req), rc)
		return nil, fmt.Errorf("read topic %q: %w", req.Topic, err)
	}
	rctx, cancel := context.WithCancel(ctx)
	s := &Stream{ch: make(chan Batch), ranges: ranges, cancel: cancel, done: make(chan struct{})}
	r := &rangeRead{c: c, rc: rc, consumer: consumer, req: req, s: s, tsType: c.timestampType(ctx, req.Topic)}
	pcs, err := r.start(rctx)
	if err != nil {
		cancel()
		r.closeAll(pcs)
		return nil, err
	}
	go r.run(rctx, pcs)
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
	sc.ChannelBufferSize = partitionBuffer
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

// rangeRead is one running read: its consumer and partition pumps over a reading client.
type rangeRead struct {
	c        *Client
	rc       sarama.Client // handed back to the Client's pool when the read ends
	consumer sarama.Consumer
	req      ReadRequest
	s        *Stream
	tsType   TimestampType
}

// event is what a partition pump hands the batcher: a record, its end, or its failure.
type event struct {
	recs []Record // one partition's records in offset order (a merge's output: in time order)
	done bool
	err  error
}

// start opens a partition consumer for every range that has something to read, several
// at once: each costs sarama a few round trips, which add up on topics with many partitions.
func (r *rangeRead) start(ctx context.Context) (map[int32]sarama.PartitionConsumer, error) {
	var (
		mu    sync.Mutex
		pcs   = map[int32]sarama.PartitionConsumer{}
		first error
		wg    sync.WaitGroup
		sem   = make(chan struct{}, partitionOpeners)
	)
	for _, pr := range r.s.ranges {
		if pr.End >= 0 && pr.Start >= pr.End {
			continue
		}
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			pc, err := r.consumePartition(ctx, pr)
			mu.Lock()
			defer mu.Unlock()
			if pc != nil {
				pcs[pr.Partition] = pc
			}
			if err != nil && first == nil {
				first = err
			}
		})
	}
	wg.Wait()
	return pcs, first
}

func (r *rangeRead) consumePartition(ctx context.Context, pr PartitionRange) (sarama.PartitionConsumer, error) {
	// Not through call: a consumer abandoned on ctx's end would never be closed. sarama's
	// own timeouts bound the wait.
	start := pr.Start
	var pc sarama.PartitionConsumer
	var err error
	for try := 1; ; try++ {
		pc, err = r.consumer.ConsumePartition(r.req.Topic, pr.Partition, start)
		if errors.Is(err, sarama.ErrOffsetOutOfRange) && start != sarama.OffsetOldest {
			// Retention removed the start while we were setting up: begin at what is left.
			start = sarama.OffsetOldest
			continue
		}
		if err == nil || !transient(err) || try >= transientTries {
			break
		}
		// A fresh client's connection to the leader is not up yet, or the leader moved.
		r.c.log.Debug("open partition retrying", "topic", r.req.Topic, "partition", pr.Partition, "try", try, "err", err)
		if perr := pause(ctx, try); perr != nil {
			return nil, perr
		}
		if rerr := r.rc.RefreshMetadata(r.req.Topic); rerr != nil {
			r.c.log.Debug("refresh metadata", "topic", r.req.Topic, "err", rerr)
		}
	}
	if err != nil {
		return nil, r.c.explain(ctx, err, "read", fmt.Sprintf("topic %q partition %d", r.req.Topic, pr.Partition))
	}
	return pc, nil
}

// run pumps every partition into the batcher and releases everything when the read ends.
func (r *rangeRead) run(ctx context.Context, pcs map[int32]sarama.PartitionConsumer) {
	defer close(r.s.done)
	defer r.closeAll(pcs)
	// The reader learns of the end before sarama's in-flight fetches wind down; Close
	// still waits for all of it.
	defer close(r.s.ch)
	defer r.s.cancel()
	in := make(chan event, pumpBuffer)
	var wg sync.WaitGroup
	if r.req.effectiveOrder() == OrderTime && len(pcs) > 1 {
		// Each partition pumps into a small buffer of its own; the merge takes the
		// smallest head, so memory stays bounded however long the read.
		var chans []<-chan event
		for _, pr := range r.s.ranges {
			if pc := pcs[pr.Partition]; pc != nil {
				ch := make(chan event, partitionBuffer)
				chans = append(chans, ch)
				wg.Go(func() {
					defer close(ch) // a pump that stops early must not leave the merge waiting
					r.pump(ctx, pc, pr, ch)
				})
			}
		}
		holdBack := time.Duration(0)
		if r.req.Follow || r.req.To.Kind == StopNever {
			holdBack = FollowHoldBack
		}
		wg.Go(func() { mergeByTime(ctx, chans, holdBack, in) })
		r.batch(ctx, in, 1)
	} else {
		for _, pr := range r.s.ranges {
			if pc := pcs[pr.Partition]; pc != nil {
				wg.Go(func() { r.pump(ctx, pc, pr, in) })
			}
		}
		r.batch(ctx, in, len(pcs))
	}
	r.s.cancel()
	wg.Wait()
}

func (r *rangeRead) closeAll(pcs map[int32]sarama.PartitionConsumer) {
	// Each Close waits for its broker's in-flight fetch; closing all at once waits once.
	var wg sync.WaitGroup
	for _, pc := range pcs {
		wg.Go(func() { _ = pc.Close() })
	}
	wg.Wait()
	_ = r.consumer.Close()
	r.c.releaseReadClient(kindOf(r.req), r.rc)
}

// pump forwards one partition's records until its end offset, ctx's end or an error.
func (r *rangeRead) pump(ctx context.Context, pc sarama.PartitionConsumer, pr PartitionRange, in chan<- event) {
	send := func(ev event) bool {
		select {
		case in <- ev:
			return true
		case <-ctx.Done():
			return false
		}
	}
	next := pr.Start
	var quiet <-chan time.Time
	var timer *time.Timer
	if pr.End >= 0 {
		timer = time.NewTimer(endQuiet)
		defer timer.Stop()
		quiet = timer.C
	}
	for {
		select {
		case <-ctx.Done():
			return
		case m, ok := <-pc.Messages():
			if !ok {
				return
			}
			chunk, finished := r.drain(pc, m, pr, &next)
			if len(chunk) > 0 && !send(event{recs: chunk}) {
				return
			}
			if finished {
				send(event{done: true})
				return
			}
			if timer != nil {
				timer.Reset(endQuiet)
			}
		case e, ok := <-pc.Errors():
			if !ok {
				return
			}
			if legacyLZ4(e.Err) && r.salvage(ctx, pc, pr, next, send) { // see legacy.go
				return
			}
			if !fatalReadError(e.Err) {
				// sarama retries these itself (a leader moved, a broker restarts) and gives
				// up with ErrConsumerRetriesExhausted when they last too long.
				r.c.log.Debug("partition read retrying", "topic", r.req.Topic, "partition", pr.Partition, "err", e.Err)
				continue
			}
			send(event{err: r.c.translate(e.Err, "read", fmt.Sprintf("topic %q partition %d", r.req.Topic, pr.Partition))})
			return
		case <-quiet:
			// Silence short of the end: the rest may be transaction markers, aborted or
			// compacted records that will never arrive. Ask the leader directly.
			more, err := r.readableBefore(ctx, pr.Partition, next, pr.End)
			if err == nil && !more {
				send(event{done: true})
				return
			}
			if err != nil {
				r.c.log.Debug("end check failed", "topic", r.req.Topic, "partition", pr.Partition, "err", err)
			}
			timer.Reset(endQuiet)
		}
	}
}

// drain turns first and whatever else sarama already holds for the partition into one
// chunk, without waiting: up to chunkRecords records or chunkBytes of payload. finished
// says the range's end was reached (records at or past End are not returned).
func (r *rangeRead) drain(pc sarama.PartitionConsumer, first *sarama.ConsumerMessage, pr PartitionRange,
	next *int64) (chunk []Record, finished bool) {
	m, size := first, 0
	for {
		if pr.End >= 0 && m.Offset >= pr.End {
			return chunk, true
		}
		if chunk == nil {
			chunk = make([]Record, 0, min(len(pc.Messages())+1, chunkRecords))
		}
		chunk = append(chunk, toRecord(m, r.tsType))
		size += chunk[len(chunk)-1].Size()
		*next = m.Offset + 1
		if pr.End >= 0 && *next >= pr.End {
			return chunk, true
		}
		if len(chunk) >= chunkRecords || size >= chunkBytes {
			return chunk, false
		}
		select {
		case more, ok := <-pc.Messages():
			if !ok {
				return chunk, false // the pump's next receive sees the close
			}
			m = more
		default:
			return chunk, false
		}
	}
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
			for i := range ev.recs {
				if buf == nil {
					buf = make([]Record, 0, size)
				}
				buf = append(buf, ev.recs[i])
				bufBytes += ev.recs[i].Size()
				total++
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

// toRecord copies sarama's message into kpeek's record. sarama reports a record without a
// timestamp (message format v0, or v1/v2 with -1) as the zero time; such a record's type is
// TimestampNone whatever the topic's configuration says.
func toRecord(m *sarama.ConsumerMessage, tsType TimestampType) Record {
	if m.Timestamp.IsZero() {
		tsType = TimestampNone
	}
	rec := Record{
		Topic: m.Topic, Partition: m.Partition, Offset: m.Offset,
		Timestamp: m.Timestamp, TimestampType: tsType,
		Key: m.Key, Value: m.Value,
	}
	if len(m.Headers) > 0 {
		rec.Headers = make([]Header, 0, len(m.Headers))
		for _, h := range m.Headers {
			if h != nil {
				rec.Headers = append(rec.Headers, Header{Key: string(h.Key), Value: h.Value})
			}
		}
	}
	return rec
}
