package export

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/kpeek/kpeek/export/hec"
)

// eventSource yields HEC events, one per call, each ending in '\n' and valid until the
// next call, with its journal ref when it is already in the journal; io.EOF at the end.
type eventSource interface {
	next(ctx context.Context) ([]byte, jref, error)
	// mark is the read position; pending excludes the event the last next returned.
	mark(pending bool) *readMark
}

// hecRun is one delivery of an event stream to HEC. Every event taken from the source is
// journaled before it is sent, and confirmed in the journal once the collector confirmed
// it; whatever is not confirmed at the end is what the spool holds.
type hecRun struct {
	opts    HECOptions
	client  *hec.Client
	sender  *hec.Sender
	m       *meter
	journal *journal
	// drain keeps taking events into the journal after an interrupt: they cannot be read
	// again. After a fatal error every source is drained, so what the selection holds is
	// on disk before retention removes it.
	drain bool

	sendCtx    context.Context // requests; cancelled on a fatal error, or after the grace on interrupt
	cancelSend context.CancelFunc
	cutOnce    sync.Once
	cutTimer   *time.Timer
	reqs       chan struct{} // bounds requests in flight
	limit      int           // bounds outstanding batches
	wg         sync.WaitGroup

	mu       sync.Mutex
	cond     *sync.Cond
	inflight int                // outstanding batches
	acks     map[int64]*ackWait // ack mode: accepted pieces awaiting acknowledgement
	fatal    error
	stopped  bool
	dups     int64 // possibly delivered twice, all causes
	ackDups  int64 // of which: acknowledgement timed out or never came
	noAck    int64 // delivered without an acknowledgement (the collector gave no ackId)
}

// batch is one dispatched request body; refs name its events in the journal; open counts
// its pieces still awaiting an ack.
type batch struct {
	hec.Batch
	refs    []jref
	resends int
	open    int
}

type ackWait struct {
	parent   *batch
	from, to int
	sentAt   time.Time
}

func newHECRun(opts HECOptions, client *hec.Client, m *meter, j *journal) *hecRun {
	r := &hecRun{opts: opts, client: client, m: m, journal: j, acks: map[int64]*ackWait{}}
	r.cond = sync.NewCond(&r.mu)
	r.sender = &hec.Sender{Client: client, Retry: opts.Retry}
	r.reqs = make(chan struct{}, opts.Concurrency)
	r.limit = 2 * opts.Concurrency
	if opts.Ack {
		r.limit = 8 * opts.Concurrency
	}
	return r
}

// run sends everything src yields. It returns the first fatal error or the interrupt;
// whatever was not confirmed by then is in the journal.
func (r *hecRun) run(ctx context.Context, src eventSource) error {
	r.sendCtx, r.cancelSend = context.WithCancel(context.WithoutCancel(ctx))
	defer r.cancelSend()
	defer func() {
		r.mu.Lock()
		if r.cutTimer != nil {
			r.cutTimer.Stop()
		}
		r.mu.Unlock()
	}()
	finished := make(chan struct{})
	defer close(finished)
	go r.watch(ctx, finished)
	if r.opts.Ack {
		r.wg.Add(1)
		go r.pollAcks(finished)
	}
	srcCtx := ctx
	if r.drain {
		srcCtx = context.WithoutCancel(ctx)
	}

	cur := r.newBatch()
	var srcErr error
	for {
		ev, ref, err := src.next(srcCtx)
		if err != nil {
			if !errors.Is(err, io.EOF) {
				srcErr = err
			}
			break
		}
		if len(cur.Body) > 0 && len(cur.Body)+len(ev) > r.opts.BatchBytes {
			if err := r.dispatch(cur, src.mark(true)); err != nil {
				srcErr = err
				break
			}
			cur = r.newBatch()
		}
		cur.Body = append(cur.Body, ev...)
		cur.Ends = append(cur.Ends, len(cur.Body))
		cur.refs = append(cur.refs, ref)
		r.m.tick()
	}
	if ctx.Err() != nil && srcErr == nil {
		srcErr = fmt.Errorf("export interrupted: %w", ctx.Err())
	}
	if ctx.Err() != nil {
		r.stop(nil) // what is left is only journaled
	}
	// The last batch and the read position; the error that ended the source stays the
	// one to report.
	if err := r.dispatch(cur, src.mark(false)); err != nil && srcErr == nil {
		srcErr = err
	}
	r.waitIdle()
	r.cancelSend()
	r.wg.Wait()
	if ctx.Err() != nil && srcErr == nil {
		// Interrupted after the last event was taken, while batches were in flight.
		srcErr = fmt.Errorf("export interrupted: %w", ctx.Err())
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, w := range r.acks { // accepted but never acknowledged: possibly indexed
		n := int64(w.to - w.from)
		r.dups += n
		r.ackDups += n
	}
	r.acks = nil
	if r.fatal != nil {
		return r.fatal
	}
	return srcErr
}

// newBatch returns an empty batch sized for BatchBytes, so filling it does not regrow it.
func (r *hecRun) newBatch() *batch {
	return &batch{Batch: hec.Batch{Body: make([]byte, 0, r.opts.BatchBytes+r.opts.BatchBytes/8), Ends: make([]int, 0, 256)}}
}

// watch turns an interrupt into a stop. It also wakes waiters every progress interval
// so they can report progress while they wait for room or for the last acknowledgements.
func (r *hecRun) watch(ctx context.Context, finished <-chan struct{}) {
	tick := time.NewTicker(progressInterval)
	defer tick.Stop()
	for {
		select {
		case <-finished:
			return
		case <-tick.C:
			r.mu.Lock()
			r.cond.Broadcast()
			r.mu.Unlock()
		case <-ctx.Done():
			r.stop(nil)
			return
		}
	}
}

// stop ends sending (err, when set, is the fatal cause). Requests in flight get the
// grace period to finish, so what they carry is confirmed rather than cut and resent.
func (r *hecRun) stop(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stopLocked(err)
}

func (r *hecRun) stopLocked(err error) {
	r.stopped = true
	if err != nil && r.fatal == nil {
		r.fatal = err
	}
	r.cutOnce.Do(func() {
		r.cutTimer = time.AfterFunc(r.opts.Grace, func() {
			r.cancelSend()
			r.mu.Lock()
			r.cond.Broadcast()
			r.mu.Unlock()
		})
	})
	r.cond.Broadcast()
}

// dispatch journals b with the read position after it, then starts sending it once
// fewer than limit batches are outstanding. Once the run is stopped b is only journaled.
func (r *hecRun) dispatch(b *batch, mk *readMark) error {
	if err := r.journal.add(b, mk); err != nil {
		r.stop(err)
		return err
	}
	if b.Len() == 0 {
		return nil
	}
	r.mu.Lock()
	for r.inflight >= r.limit && !r.stopped {
		r.waitLocked()
	}
	if r.stopped {
		r.mu.Unlock()
		return nil
	}
	r.inflight++
	r.mu.Unlock()
	r.wg.Add(1)
	go r.send(b)
	return nil
}

// waitIdle returns when no batch is outstanding, or the run was stopped and requests cut.
func (r *hecRun) waitIdle() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for r.inflight > 0 && r.sendCtx.Err() == nil {
		r.waitLocked()
	}
}

// waitLocked waits for a change (or the progress tick) and reports progress without
// holding the lock, since the callback may be slow.
func (r *hecRun) waitLocked() {
	r.cond.Wait()
	r.mu.Unlock()
	r.m.tick()
	r.mu.Lock()
}

func (r *hecRun) send(b *batch) {
	defer r.wg.Done()
	var pieces []hec.Piece
	select {
	case r.reqs <- struct{}{}:
		r.mu.Lock()
		stopped := r.stopped
		r.mu.Unlock()
		if stopped {
			// The run stopped while b waited for a request slot (another request failed
			// for good): b was never sent, so it stays in the journal, not delivered.
			<-r.reqs
			pieces = []hec.Piece{{From: 0, To: b.Len(), Outcome: hec.Unsent, Err: context.Canceled}}
			break
		}
		pieces = r.sender.Deliver(r.sendCtx, &b.Batch)
		<-r.reqs
		for _, p := range pieces {
			if p.Outcome == hec.Unsent && errors.Is(p.Err, context.Canceled) {
				// Cut by us mid-request: the collector may have taken them before the cut.
				r.mu.Lock()
				r.dups += int64(p.To - p.From)
				r.mu.Unlock()
			}
		}
	case <-r.sendCtx.Done():
		pieces = []hec.Piece{{From: 0, To: b.Len(), Outcome: hec.Unsent, Err: r.sendCtx.Err()}}
	}
	// Without acknowledgement, accepted is confirmed: journal it before anything else,
	// so a crash from here on does not send these events again.
	var done []jref
	for _, p := range pieces {
		if p.Outcome == hec.Accepted && (!r.opts.Ack || p.AckID == nil) {
			done = append(done, b.refs[p.From:p.To]...)
		}
	}
	if err := r.journal.confirm(done); err != nil {
		r.stop(err)
	}
	r.settle(b, pieces)
}

// settle books the fate of each piece of b. Rejected and unsent events stay
// unconfirmed in the journal, which is what the spool holds at the end.
func (r *hecRun) settle(b *batch, pieces []hec.Piece) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, p := range pieces {
		n := int64(p.To - p.From)
		switch p.Outcome {
		case hec.Accepted:
			if b.resends == 0 { // a resend is the same records again
				r.m.written.Add(n)
			}
			switch {
			case !r.opts.Ack:
				r.m.acked.Add(n)
			case p.AckID == nil:
				// The collector took the events but gave no ackId: acknowledgement is off
				// for this token (or a proxy dropped it). They are delivered, unacknowledged.
				r.noAck += n
				r.stopLocked(fmt.Errorf("deliver to %s: --ack was asked but the collector answered without an ackId "+
					"(indexer acknowledgement is off for this token): %d records were delivered unacknowledged; "+
					"turn acknowledgement on for the token, or export without --ack", r.client.EventURL(), r.noAck))
			default:
				r.acks[*p.AckID] = &ackWait{parent: b, from: p.From, to: p.To, sentAt: time.Now()}
				b.open++
			}
		case hec.Rejected:
			r.m.failed.Add(n)
		case hec.Unsent:
			var cause error
			if !errors.Is(p.Err, context.Canceled) {
				cause = fmt.Errorf("deliver to %s: %w", r.client.EventURL(), p.Err)
			}
			r.stopLocked(cause)
		}
	}
	if b.open == 0 {
		r.inflight--
	}
	r.cond.Broadcast()
}

// pollAcks asks for pending acknowledgements every AckPoll; pieces that stay
// unacknowledged past AckTimeout are resent (and counted as possible duplicates) or,
// after AckResends, spooled.
func (r *hecRun) pollAcks(finished <-chan struct{}) {
	defer r.wg.Done()
	t := time.NewTicker(r.opts.AckPoll)
	defer t.Stop()
	for {
		select {
		case <-finished:
			return
		case <-r.sendCtx.Done():
			return
		case <-t.C:
		}
		r.mu.Lock()
		ids := make([]int64, 0, len(r.acks))
		for id := range r.acks {
			ids = append(ids, id)
		}
		r.mu.Unlock()
		if len(ids) == 0 {
			continue
		}
		status, err := r.client.Ack(r.sendCtx, ids)
		if err != nil {
			if he, ok := hec.AsError(err); ok && he.Fatal() {
				r.stop(err)
				return
			}
			continue // temporary: the timeout below still applies on later rounds
		}
		r.settleAcks(status)
	}
}

func (r *hecRun) settleAcks(status map[int64]bool) {
	r.mu.Lock()
	now := time.Now()
	var resend []*batch
	var done []jref
	for id, w := range r.acks {
		n := int64(w.to - w.from)
		switch {
		case status[id]:
			r.m.acked.Add(n)
			done = append(done, w.parent.refs[w.from:w.to]...)
		case now.Sub(w.sentAt) >= r.opts.AckTimeout:
			r.dups += n
			r.ackDups += n
			if w.parent.resends < r.opts.AckResends && !r.stopped {
				nb := &batch{resends: w.parent.resends + 1, refs: append([]jref(nil), w.parent.refs[w.from:w.to]...)}
				for i := w.from; i < w.to; i++ {
					nb.Body = append(nb.Body, w.parent.Event(i)...)
					nb.Ends = append(nb.Ends, len(nb.Body))
				}
				resend = append(resend, nb)
			} // else it stays unconfirmed: spooled
		default:
			continue
		}
		delete(r.acks, id)
		w.parent.open--
		if w.parent.open == 0 {
			r.inflight--
		}
	}
	for _, nb := range resend {
		r.inflight++ // a resend does not wait for room: it replaces what it resends
		r.wg.Add(1)
		go r.send(nb)
	}
	r.cond.Broadcast()
	r.mu.Unlock()
	if err := r.journal.confirm(done); err != nil {
		r.stop(err)
	}
}
