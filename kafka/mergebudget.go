package kafka

import (
	"context"
	"sync"
)

// In time order a partition's pump runs ahead of the merge by at most partitionBudget
// bytes of chunks as well as partitionBuffer chunks: chunks of large records are up to
// chunkBytes each, so the count alone let one partition hold 64 MB. The budget sits just
// above what partitionBuffer chunks of small records cost, so reads of small records are
// bound by the count as before (a budget of 2 MB cut their RSS by a tenth but cost 5% wall).
const (
	partitionBudget = 8 << 20
	// recordOverhead is what a record costs beyond its payload while it waits: kpeek's
	// Record and the decoded wire record it was built from.
	recordOverhead = 256
)

// budget bounds the bytes of chunks a partition has handed to the merge and the merge has
// not taken yet. One pump acquires, the merge releases.
type budget struct {
	mu    sync.Mutex
	used  int
	limit int
	freed chan struct{}
}

func newBudget(limit int) *budget { return &budget{limit: limit, freed: make(chan struct{}, 1)} }

// chunkCost is what recs count against a budget.
func chunkCost(recs []Record) int {
	n := len(recs) * recordOverhead
	for i := range recs {
		n += recs[i].Size()
	}
	return n
}

// acquire waits until n bytes fit (a chunk larger than the limit fits an empty budget) and
// takes them; it reports false when ctx ends first.
func (b *budget) acquire(ctx context.Context, n int) bool {
	for {
		b.mu.Lock()
		if b.used == 0 || b.used+n <= b.limit {
			b.used += n
			b.mu.Unlock()
			return true
		}
		b.mu.Unlock()
		select {
		case <-b.freed:
		case <-ctx.Done():
			return false
		}
	}
}

// release gives n bytes back and wakes the waiting pump.
func (b *budget) release(n int) {
	b.mu.Lock()
	b.used -= n
	b.mu.Unlock()
	notify(b.freed)
}
