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

// eventSource yields rendered HEC events, one per call, each ending in '\n' and valid
// until the next call; io.EOF at the end.
type eventSource interface {
	next(ctx context.Context) ([]byte, error)
}

// hecRun is one delivery of an event stream to HEC. Every event is in exactly one of:
// the batch being filled, an outstanding batch (being sent or awaiting its ack), confirmed,
// or leftovers; at the end the batch being filled, what is outstanding and the leftovers
// go to the spool, so nothing taken from the source is lost.
type hecRun struct {
	opts   HECOptions
	client *hec.Client
	sender *hec.Sender
	m      *meter
	spool  *spoolWriter

	sendCtx    context.Context // requests; cancelled on a fatal error, or after the grace on interrupt
	cancelSend context.CancelFunc
	cutOnce    sync.Once
	cutTimer   *time.Timer
	reqs       chan struct{} // bounds requests in flight
	limit      int           // bounds outstanding batches
	wg         sync.WaitGroup

	mu        sync.Mutex
	cond      *sync.Cond
	inflight  int                // outstanding batches
	acks      map[int64]*ackWait // ack mode: accepted pieces awaiting acknowledgement
	leftovers [][]byte           // events that must go to the spool
	fatal     error
	stopped   bool
	dups      int64
}

// batch is one dispatched request body; open counts its pieces still awaiting an ack.
type batch struct {
	hec.Batch
	resends int
	open    int
}

type ackWait struct {
	parent   *batch
	from, to int
	sentAt   time.Time
}

func newHECRun(opts HECOptions, client *hec.Client, m *meter, spool *spoolWriter) *hecRun {
	r := &hecRun{opts: opts, client: client, m: m, spool: spool, acks: map[int64]*ackWait{}}
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
// whatever was not confirmed by then is in the spool.
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

	cur := r.newBatch()
	var srcErr error
	for {
		ev, err := src.next(ctx)
		if err != nil {
			if !errors.Is(err, io.EOF) {
				srcErr = err
			}
			break
		}
		if r.isStopped() {
			// The destination failed for good: keep taking events, straight into the spool.
			if err := r.spool.add(ev); err != nil {
				srcErr = err
				break
			}
			continue
		}
		if len(cur.Body) > 0 && len(cur.Body)+len(ev) > r.opts.BatchBytes {
			r.dispatch(cur)
			cur = r.newBatch()
		}
		cur.Body = append(cur.Body, ev...)
		cur.Ends = append(cur.Ends, len(cur.Body))
		r.m.tick()
	}
	if len(cur.Ends) > 0 {
		if r.isStopped() || srcErr != nil && ctx.Err() != nil {
			r.keep(&cur.Batch, 0, cur.Len())
		} else {
			r.dispatch(cur)
		}
	}
	r.waitIdle()
	r.cancelSend()
	r.wg.Wait()
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, w := range r.acks { // accepted but never acknowledged: possibly indexed
		r.dups += int64(w.to - w.from)
		r.keepLocked(&w.parent.Batch, w.from, w.to)
	}
	r.acks = nil
	for _, ev := range r.leftovers {
		if err := r.spool.add(ev); err != nil && srcErr == nil {
			srcErr = err
		}
	}
	r.leftovers = nil
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

func (r *hecRun) isStopped() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stopped
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

// dispatch starts sending b once fewer than limit batches are outstanding.
func (r *hecRun) dispatch(b *batch) {
	r.mu.Lock()
	for r.inflight >= r.limit && !r.stopped {
		r.waitLocked()
	}
	if r.stopped {
		r.keepLocked(&b.Batch, 0, b.Len())
		r.mu.Unlock()
		return
	}
	r.inflight++
	r.mu.Unlock()
	r.wg.Add(1)
	go r.send(b)
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
	r.settle(b, pieces)
}

// settle books the fate of each piece of b.
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
			if r.opts.Ack && p.AckID != nil {
				r.acks[*p.AckID] = &ackWait{parent: b, from: p.From, to: p.To, sentAt: time.Now()}
				b.open++
			} else {
				r.m.acked.Add(n)
			}
		case hec.Rejected:
			r.m.failed.Add(n)
			r.keepLocked(&b.Batch, p.From, p.To)
		case hec.Unsent:
			r.keepLocked(&b.Batch, p.From, p.To)
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

// keepLocked copies events [from, to) of b to the leftovers.
func (r *hecRun) keepLocked(b *hec.Batch, from, to int) {
	for i := from; i < to; i++ {
		r.leftovers = append(r.leftovers, append([]byte(nil), b.Event(i)...))
	}
}

func (r *hecRun) keep(b *hec.Batch, from, to int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.keepLocked(b, from, to)
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
	defer r.mu.Unlock()
	now := time.Now()
	var resend []*batch
	for id, w := range r.acks {
		n := int64(w.to - w.from)
		switch {
		case status[id]:
			r.m.acked.Add(n)
		case now.Sub(w.sentAt) >= r.opts.AckTimeout:
			r.dups += n
			if w.parent.resends >= r.opts.AckResends || r.stopped {
				r.keepLocked(&w.parent.Batch, w.from, w.to)
			} else {
				nb := &batch{resends: w.parent.resends + 1}
				for i := w.from; i < w.to; i++ {
					nb.Body = append(nb.Body, w.parent.Event(i)...)
					nb.Ends = append(nb.Ends, len(nb.Body))
				}
				resend = append(resend, nb)
			}
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
}
