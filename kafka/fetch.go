package kafka

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"time"

	"github.com/IBM/sarama"
)

// A read fetches with sarama's Broker.Fetch directly rather than through sarama's Consumer:
// the Consumer wraps every record in a message of its own and hands it over a channel, and
// holds new partitions back for a batching timer before their first fetch. Here one fetcher
// per leader asks for all of its partitions in one request and hands each partition's
// records to that partition's pump as one chunk per response.

// partFetch is one partition of a read: what its fetcher has asked for and what its pump
// has not taken yet.
type partFetch struct {
	pr   PartitionRange
	next int64 // the next offset to fetch (the fetcher's alone)
	size int32 // the partition's fetch size: grows while a record does not fit
	// front puts the partition first in its next request: a record did not fit although
	// size is at its maximum.
	front bool
	// tries counts the fetches in a row that failed with an error worth retrying.
	tries int
	// reset is set once a fetch out of range moved next up to the log start.
	reset bool
	ended bool // the fetcher gave its last feed (end, failure or salvage)
	// feed holds the fetch result the pump has not handed on yet. The fetcher fetches a
	// partition only while it is not busy (the pump has handed on the last result), so it
	// never waits on one partition's reader (a merge in time order may be waiting for
	// another partition of the same fetch), and a partition holds one response at a time.
	feed    chan fetched
	busy    atomic.Bool
	stopped atomic.Bool // the pump has ended: the partition is no longer fetched
}

// fetched is one fetch result for a partition: records (in offset order) and/or its end, a
// failure, or the offset from which a legacy LZ4 batch must be read by readMended.
type fetched struct {
	ev        event
	salvageAt int64
	salvage   bool
}

// newPartFetch prepares a partition's read from its range.
func newPartFetch(pr PartitionRange, size int32) *partFetch {
	return &partFetch{pr: pr, next: pr.Start, size: size, feed: make(chan fetched, 1)}
}

// fetcher fetches a set of partitions, grouped by their leader at the read's start; a
// partition whose leader moves is fetched from the new leader by the same fetcher.
type fetcher struct {
	r     *rangeRead
	parts []*partFetch
	wake  chan struct{} // a pump handed a result on or ended: a partition may be ready again
}

// run fetches until every partition has ended or ctx ends. A fetch in flight when ctx ends
// is cut (its connection closed) and its broker closed, which waits for the fetch to return,
// so the read's client is idle when the read releases it and opens a fresh connection next.
func (f *fetcher) run(ctx context.Context) {
	sc := f.r.rc.Config()
	for ctx.Err() == nil {
		ready, open := f.ready()
		if !open {
			return
		}
		if len(ready) == 0 {
			select {
			case <-f.wake:
			case <-ctx.Done():
			}
			continue
		}
		byLeader := map[*sarama.Broker][]*partFetch{}
		var leaders []*sarama.Broker
		failed := false
		for _, p := range ready {
			b, err := f.r.rc.Leader(f.r.req.Topic, p.pr.Partition)
			switch {
			case err != nil && fatalReadError(err):
				f.fail(p, err)
				continue
			case err != nil:
				failed = f.retry(p, err) || failed
				continue
			}
			if byLeader[b] == nil {
				leaders = append(leaders, b)
			}
			byLeader[b] = append(byLeader[b], p)
		}
		for _, b := range leaders {
			failed = f.fetchFrom(ctx, b, byLeader[b]) || failed
		}
		if failed {
			// A leader moved or a broker restarts: wait, learn where the partitions are now.
			if pause := sleep(ctx, sc.Consumer.Retry.Backoff); pause != nil {
				return
			}
			if err := f.r.rc.RefreshMetadata(f.r.req.Topic); err != nil {
				f.r.c.log.Debug("refresh metadata", "topic", f.r.req.Topic, "err", err)
			}
		}
	}
}

// ready lists the partitions to fetch now; open is false once every partition has ended.
func (f *fetcher) ready() (ready []*partFetch, open bool) {
	for _, p := range f.parts {
		if p.ended || p.stopped.Load() {
			continue
		}
		open = true
		if !p.busy.Load() {
			ready = append(ready, p)
		}
	}
	return ready, open
}

// fetchFrom sends one fetch for parts to their leader b and feeds each partition what it
// got; it reports whether some partition failed in a way worth retrying.
func (f *fetcher) fetchFrom(ctx context.Context, b *sarama.Broker, parts []*partFetch) (retry bool) {
	sc := f.r.rc.Config()
	req := &sarama.FetchRequest{Version: fetchVersion(sc.Version), MinBytes: 1,
		MaxWaitTime: int32(sc.Consumer.MaxWaitTime.Milliseconds()), MaxBytes: sc.Consumer.Fetch.MaxBytes,
		Isolation: sc.Consumer.IsolationLevel, SessionID: 0, SessionEpoch: -1}
	// A partition that has grown its fetch goes first: the broker fills partitions in
	// request order up to MaxBytes, and always returns the first one's first batch whole.
	slices.SortStableFunc(parts, func(a, b *partFetch) int {
		if a.front != b.front {
			if a.front {
				return -1
			}
			return 1
		}
		return cmp.Compare(b.size, a.size)
	})
	for _, p := range parts {
		req.AddBlock(f.r.req.Topic, p.pr.Partition, p.next, p.size, -1)
	}
	// Through request: the read's end (Ctrl-C, Close) cuts a fetch still waiting on a broker
	// that stopped answering instead of waiting out socket.timeout.ms. The connection is the
	// read's own, so nothing else loses it.
	resp, err := request(ctx, f.r.rc, b, func(b *sarama.Broker) (*sarama.FetchResponse, error) { return b.Fetch(req) })
	if ctx.Err() != nil {
		if err != nil {
			// The fetch was cut or failed: close the broker so that the pooled reading client
			// opens a fresh connection for its next read rather than finding a dead one.
			_ = b.Close()
		}
		return false
	}
	if err != nil {
		if legacyLZ4(err) && f.salvage(ctx, parts) {
			return false
		}
		if errors.Is(err, sarama.ErrClosedClient) {
			for _, p := range parts {
				f.fail(p, err)
			}
			return false
		}
		// The connection broke (a broker restarting) or the broker fell silent: close it so
		// the next Leader call opens a fresh one.
		_ = b.Close()
		if isTimeout(err) && dialAddr(err) == "" {
			err = &silentError{addr: b.Addr(), timeout: sc.Net.ReadTimeout, err: err}
			if !follows(f.r.req) {
				for _, p := range parts {
					f.fail(p, err)
				}
				return false
			}
			f.r.s.stalls.set(b.Addr(), err)
		}
		for _, p := range parts {
			retry = f.retry(p, err) || retry
		}
		return retry
	}
	f.r.s.stalls.set(b.Addr(), nil)
	if len(resp.Blocks) == 0 && resp.ThrottleTime > 0 {
		// The broker holds back a client over its quota: wait as long as it says.
		f.r.c.log.Debug("fetch throttled", "topic", f.r.req.Topic, "for", resp.ThrottleTime)
		_ = sleep(ctx, resp.ThrottleTime)
		return false
	}
	for i, p := range parts {
		blk := resp.GetBlock(f.r.req.Topic, p.pr.Partition)
		if blk == nil {
			retry = f.retry(p, sarama.ErrIncompleteResponse) || retry
			continue
		}
		retry = f.take(p, blk, i == 0) || retry
	}
	return retry
}

// take feeds p the records of its block, ends it at its range's end, grows its fetch for a
// record that did not fit, or handles the block's error. first says p came first in the
// request, where the broker returns a batch whole whatever the fetch size.
func (f *fetcher) take(p *partFetch, blk *sarama.FetchResponseBlock, first bool) (retry bool) {
	sc := f.r.rc.Config()
	switch {
	case errors.Is(blk.Err, sarama.ErrOffsetOutOfRange) && !p.reset && p.next == p.pr.Start:
		// Retention removed the start between resolving the range and its first fetch: the
		// read never had those records, so it begins at what is left. Once the read has
		// begun, out of range means records it was due to read are gone: that fails below.
		p.reset = true
		if oldest, err := f.r.rc.GetOffset(f.r.req.Topic, p.pr.Partition, sarama.OffsetOldest); err == nil && oldest > p.next {
			f.r.c.log.Debug("partition read starts at the log start", "topic", f.r.req.Topic, "partition", p.pr.Partition,
				"resolved", p.next, "log_start", oldest)
			p.next = oldest
			return false
		}
		f.fail(p, blk.Err)
		return false
	case !errors.Is(blk.Err, sarama.ErrNoError):
		if fatalReadError(blk.Err) {
			f.fail(p, blk.Err)
			return false
		}
		return f.retry(p, blk.Err)
	}
	p.tries = 0
	recs, last := blockRecords(f.r.req.Topic, p.pr.Partition, blk, p.next, p.pr.End, f.r.tsType)
	if last < p.next && cutOff(blk) {
		// A record larger than the fetch: ask for more, up to what the read accepts, and
		// fail only once the partition came first in a request and still did not fit.
		if p.size >= sc.Consumer.Fetch.Max {
			if !first {
				p.front = true
				return false
			}
			f.fail(p, sarama.ErrMessageTooLarge)
			return false
		}
		p.size = min(p.size*2, sc.Consumer.Fetch.Max)
		return false
	}
	p.size, p.front = sc.Consumer.Fetch.Default, false
	if last >= p.next {
		p.next = last + 1
	}
	done := p.pr.End >= 0 && p.next >= p.pr.End
	if len(recs) > 0 || done {
		p.ended = done
		f.give(p, fetched{ev: event{recs: recs, done: done}})
	}
	return false
}

// cutOff reports whether blk ended in a record cut off by the fetch size.
func cutOff(blk *sarama.FetchResponseBlock) bool {
	if blk.Partial {
		return true
	}
	for _, recs := range blk.RecordsSet {
		switch {
		case recs == nil:
		case recs.RecordBatch != nil && recs.RecordBatch.PartialTrailingRecord:
			return true
		case recs.MsgSet != nil && recs.MsgSet.PartialTrailingMessage:
			return true
		}
	}
	return false
}

// give hands p's pump a fetch result; p is busy until the pump has handed it on. The feed
// never blocks: only a partition that is not busy is fetched.
func (f *fetcher) give(p *partFetch, r fetched) {
	p.busy.Store(true)
	p.feed <- r
}

// retry counts a failed fetch of p and reports true, or fails p with
// ErrConsumerRetriesExhausted once the reading client's Retry.Max tries are used up.
func (f *fetcher) retry(p *partFetch, err error) bool {
	p.tries++
	if p.tries > f.r.rc.Config().Consumer.Retry.Max {
		f.fail(p, fmt.Errorf("%w: %w", sarama.ErrConsumerRetriesExhausted, err))
		return false
	}
	f.r.c.log.Debug("partition read retrying", "topic", f.r.req.Topic, "partition", p.pr.Partition, "try", p.tries, "err", err)
	return true
}

// fail ends p with err, translated for a person.
func (f *fetcher) fail(p *partFetch, err error) {
	p.ended = true
	resource := fmt.Sprintf("topic %q partition %d", f.r.req.Topic, p.pr.Partition)
	f.give(p, fetched{ev: event{err: f.r.c.translate(err, "read", resource)}})
}

// salvage handles a fetch that failed on a legacy LZ4 batch (legacy.go): a partition
// whose own fetch fails too is handed to readMended; the others only shared the failed
// response and are fetched again without it. It reports whether it handed any over.
func (f *fetcher) salvage(ctx context.Context, parts []*partFetch) (any bool) {
	for _, p := range parts {
		if !f.r.ownFetchFails(ctx, p.pr.Partition, p.next) {
			continue
		}
		f.r.c.log.Debug("partition read salvaging a legacy LZ4 batch", "topic", f.r.req.Topic, "partition", p.pr.Partition, "offset", p.next)
		p.ended = true
		f.give(p, fetched{salvage: true, salvageAt: p.next})
		any = true
	}
	return any
}

// pump forwards one partition's fetched records until its end offset, ctx's end or an
// error, and checks the end itself when the partition falls silent short of it. With a
// budget (time order), records wait until they fit it.
func (r *rangeRead) pump(ctx context.Context, p *partFetch, wake chan<- struct{}, out chan<- event, room *budget) {
	defer func() {
		p.stopped.Store(true)
		notify(wake)
	}()
	send := func(ev event) bool {
		if room != nil && len(ev.recs) > 0 {
			ev.spent, ev.cost = room, chunkCost(ev.recs)
			if !room.acquire(ctx, ev.cost) {
				return false
			}
		}
		select {
		case out <- ev:
			return true
		case <-ctx.Done():
			return false
		}
	}
	pr := p.pr
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
		case f := <-p.feed:
			switch {
			case f.salvage:
				r.readMended(ctx, pr, f.salvageAt, send) // see legacy.go
				return
			case f.ev.err != nil:
				send(f.ev)
				return
			}
			if n := len(f.ev.recs); n > 0 {
				next = f.ev.recs[n-1].Offset + 1
				for recs := f.ev.recs; len(recs) > 0; {
					var chunk []Record
					chunk, recs = cutChunk(recs)
					if !send(event{recs: chunk}) {
						return
					}
				}
			}
			if f.ev.done {
				send(event{done: true})
				return
			}
			p.busy.Store(false)
			notify(wake) // the fetcher may fetch the partition again
			if timer != nil {
				timer.Reset(endQuiet)
			}
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

// cutChunk splits off the first chunk of recs: at most chunkRecords records or chunkBytes
// of payload (at least one record). Chunks share recs' array; what a read holds in its
// buffers stays bounded by chunks, however large a fetch response is.
func cutChunk(recs []Record) (chunk, rest []Record) {
	n, size := 0, 0
	for n < len(recs) && n < chunkRecords && size < chunkBytes {
		size += recs[n].Size()
		n++
	}
	return recs[:n:n], recs[n:]
}

// notify wakes whoever waits on ch, unless a wake-up is already pending.
func notify(ch chan<- struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// fetchVersion is the newest Fetch version the client's configured Kafka version speaks
// that kpeek decodes (sarama lowers it to what each broker advertises).
func fetchVersion(v sarama.KafkaVersion) int16 {
	switch {
	case v.IsAtLeast(sarama.V2_7_0_0):
		return 12
	case v.IsAtLeast(sarama.V2_3_0_0):
		return 11
	}
	return 10
}

// sleep waits d or until ctx ends, and returns ctx's error then.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
