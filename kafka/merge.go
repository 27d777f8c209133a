package kafka

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"
)

// Order says in which order a read delivers the records of several partitions.
type Order int

// The orders a read can deliver records in.
const (
	// OrderAuto is OrderTime for a bounded read and OrderPartition while following.
	OrderAuto Order = iota
	// OrderTime merges partitions by record timestamp; ties go by partition, then offset.
	// Bounded reads merge exactly; a followed read holds a record back at most FollowHoldBack
	// waiting for quieter partitions, so a partition lagging longer than that can come late.
	OrderTime
	// OrderPartition delivers records as the partitions yield them: each partition in
	// offset order, partitions interleaved by arrival.
	OrderPartition
)

// FollowHoldBack is how long a followed read in time order waits for an idle partition
// before it delivers the records other partitions already gave.
const FollowHoldBack = time.Second

// ParseOrder parses --order: "time", "partition", or "" for OrderAuto.
func ParseOrder(s string) (Order, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "auto":
		return OrderAuto, nil
	case "time":
		return OrderTime, nil
	case "partition":
		return OrderPartition, nil
	}
	return OrderAuto, fmt.Errorf("unknown order %q (want time or partition)", s)
}

// String names the order as --order spells it.
func (o Order) String() string {
	switch o {
	case OrderTime:
		return "time"
	case OrderPartition:
		return "partition"
	}
	return "auto"
}

// effectiveOrder resolves OrderAuto for a request.
func (req ReadRequest) effectiveOrder() Order {
	if req.Order != OrderAuto {
		return req.Order
	}
	if req.Follow || req.To.Kind == StopNever {
		return OrderPartition
	}
	return OrderTime
}

// TimeOrderLess is the time order of records: timestamp, then topic, then partition, then
// offset. Records without a timestamp (TimestampNone, the zero time) sort before every
// timestamped record and among themselves by topic, partition and offset, so a merge stays
// deterministic. It is the one comparison behind merged reads, so callers that merge several
// reads (one per topic) agree with them.
func TimeOrderLess(a, b *Record) bool {
	if !a.Timestamp.Equal(b.Timestamp) {
		return a.Timestamp.Before(b.Timestamp)
	}
	if a.Topic != b.Topic {
		return a.Topic < b.Topic
	}
	if a.Partition != b.Partition {
		return a.Partition < b.Partition
	}
	return a.Offset < b.Offset
}

// mergeSource is one partition's event channel and the chunk it is being taken from; its
// head is buf[pos].
type mergeSource struct {
	ch      <-chan event
	buf     []Record
	pos     int
	arrived time.Time
	has     bool
	done    bool
}

func (s *mergeSource) head() *Record { return &s.buf[s.pos] }

// headHeap orders the sources that hold a head by TimeOrderLess.
type headHeap []*mergeSource

func (h headHeap) Len() int           { return len(h) }
func (h headHeap) Less(i, j int) bool { return TimeOrderLess(h[i].head(), h[j].head()) }
func (h headHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *headHeap) Push(x any)        { *h = append(*h, x.(*mergeSource)) }
func (h *headHeap) Pop() any {
	old := *h
	s := old[len(old)-1]
	*h = old[:len(old)-1]
	return s
}

// errMergeStopped ends a merge whose context ended.
var errMergeStopped = errors.New("merge stopped")

// mergeByTime is a k-way merge of per-partition event streams into out in TimeOrderLess
// order, passing records on in chunks of up to chunkRecords. Memory is bounded by the
// sources' channel buffers plus one chunk per partition and one outgoing chunk.
// With holdBack 0 a record leaves only when every unfinished partition has shown its next
// one (exact order); with holdBack > 0 a head waits at most that long for idle partitions.
// It sends the first partition error and stops, or one done event when all are finished.
func mergeByTime(ctx context.Context, chans []<-chan event, holdBack time.Duration, out chan<- event) {
	srcs := make([]*mergeSource, len(chans))
	for i, ch := range chans {
		srcs[i] = &mergeSource{ch: ch}
	}
	m := &merger{srcs: srcs, holdBack: holdBack, out: out}
	if err := m.run(ctx); err != nil && !errors.Is(err, errMergeStopped) {
		select {
		case out <- event{err: err}:
		case <-ctx.Done():
		}
	}
}

type merger struct {
	srcs     []*mergeSource
	heads    headHeap
	holdBack time.Duration
	out      chan<- event
	pending  []Record       // merged records not yet sent
	scratch  []*mergeSource // missing's result, reused so a merged record costs no allocation
}

func (m *merger) run(ctx context.Context) error {
	for {
		missing := m.missing()
		switch {
		case len(missing) == 0 && len(m.heads) == 0:
			if err := m.flush(ctx); err != nil {
				return err
			}
			select {
			case m.out <- event{done: true}:
				return nil
			case <-ctx.Done():
				return errMergeStopped
			}
		case len(missing) == 0 || (m.holdBack > 0 && len(m.heads) > 0 && m.heldTooLong()):
			if err := m.emit(ctx); err != nil {
				return err
			}
		case m.holdBack == 0:
			// Exact order needs every missing head anyway: wait for them one by one, after
			// handing on what is merged so far.
			if err := m.flush(ctx); err != nil {
				return err
			}
			for _, s := range missing {
				if err := m.take(ctx, s); err != nil {
					return err
				}
			}
		default:
			if err := m.flush(ctx); err != nil {
				return err
			}
			if err := m.waitAny(ctx, missing); err != nil {
				return err
			}
		}
	}
}

// missing lists the unfinished sources without a head.
func (m *merger) missing() []*mergeSource {
	out := m.scratch[:0]
	for _, s := range m.srcs {
		if !s.done && !s.has {
			out = append(out, s)
		}
	}
	m.scratch = out
	return out
}

// heldTooLong reports whether some head has waited the hold-back out.
func (m *merger) heldTooLong() bool {
	return time.Since(m.oldestArrival()) >= m.holdBack
}

func (m *merger) oldestArrival() time.Time {
	oldest := m.heads[0].arrived
	for _, s := range m.heads[1:] {
		if s.arrived.Before(oldest) {
			oldest = s.arrived
		}
	}
	return oldest
}

// emit moves the smallest head to the outgoing chunk, and sends the chunk when it is full.
func (m *merger) emit(ctx context.Context) error {
	s := m.heads[0]
	if m.pending == nil {
		m.pending = make([]Record, 0, chunkRecords)
	}
	m.pending = append(m.pending, *s.head())
	if s.pos++; s.pos < len(s.buf) {
		heap.Fix(&m.heads, 0)
	} else {
		heap.Pop(&m.heads)
		s.buf, s.pos, s.has = nil, 0, false
	}
	if len(m.pending) >= chunkRecords {
		return m.flush(ctx)
	}
	return nil
}

// flush sends the merged records on.
func (m *merger) flush(ctx context.Context) error {
	if len(m.pending) == 0 {
		return nil
	}
	select {
	case m.out <- event{recs: m.pending}:
		m.pending = nil
		return nil
	case <-ctx.Done():
		return errMergeStopped
	}
}

// take waits for s's next event.
func (m *merger) take(ctx context.Context, s *mergeSource) error {
	select {
	case ev, ok := <-s.ch:
		return m.accept(s, ev, ok)
	case <-ctx.Done():
		return errMergeStopped
	}
}

// accept files one event from s: a new head, the end of s, or a failure.
func (m *merger) accept(s *mergeSource, ev event, ok bool) error {
	if ev.spent != nil {
		ev.spent.release(ev.cost)
	}
	switch {
	case !ok || ev.done:
		s.done = true
	case ev.err != nil:
		return ev.err
	case len(ev.recs) > 0:
		s.buf, s.pos, s.has, s.arrived = ev.recs, 0, true, time.Now()
		heap.Push(&m.heads, s)
	}
	return nil
}

// waitAny waits for any missing source, ctx's end, or the hold-back of the oldest head.
func (m *merger) waitAny(ctx context.Context, missing []*mergeSource) error {
	cases := make([]reflect.SelectCase, 0, len(missing)+2)
	for _, s := range missing {
		cases = append(cases, reflect.SelectCase{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(s.ch)})
	}
	cases = append(cases, reflect.SelectCase{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(ctx.Done())})
	if len(m.heads) > 0 {
		t := time.NewTimer(time.Until(m.oldestArrival().Add(m.holdBack)))
		defer t.Stop()
		cases = append(cases, reflect.SelectCase{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(t.C)})
	}
	i, v, ok := reflect.Select(cases)
	switch {
	case i < len(missing):
		var ev event
		if ok {
			ev = v.Interface().(event)
		}
		return m.accept(missing[i], ev, ok)
	case i == len(missing):
		return errMergeStopped
	}
	return nil // the hold-back ran out: the loop emits
}
