package messages

import (
	"testing"
	"time"

	"github.com/kpeek/kpeek/kafka"
)

// BenchmarkTimeOrderSort1M is the first sort of a million loaded records into time order
// (opening a big window, or pressing o back to time).
func BenchmarkTimeOrderSort1M(b *testing.B) {
	m := newTest(b, 120, 40, nil)
	fill(m.store, million)
	for b.Loop() {
		m.ord = viewOrder{}
		m = m.syncOrder()
	}
	if len(m.ord.all) != million {
		b.Fatalf("sorted %d", len(m.ord.all))
	}
}

// BenchmarkTimeOrderBatch1M is what one 1000-record batch costs the order at a million
// records: newer records append; a batch from a partition behind the others merges.
func BenchmarkTimeOrderBatch1M(b *testing.B) {
	for _, tc := range []struct {
		name  string
		shift time.Duration
	}{{"newer", 0}, {"interleaved", -time.Hour}} {
		b.Run(tc.name, func(b *testing.B) {
			m := newTest(b, 120, 40, nil)
			fill(m.store, million)
			m = m.syncOrder()
			src := sample()
			batch := make([]kafka.Record, 1000)
			next := base.Add(million * 50 * time.Millisecond)
			for b.Loop() {
				for i := range batch {
					batch[i] = src[i%len(src)]
					batch[i].Timestamp = next.Add(tc.shift + time.Duration(i)*time.Millisecond)
				}
				next = next.Add(time.Second)
				m.store.Append(batch)
				m = m.syncOrder()
			}
		})
	}
}
