package topics

import (
	"time"

	"github.com/kpeek/kpeek/kafka"
)

// rates turns successive watermark snapshots into records per second per topic.
type rates struct {
	at    time.Time
	ends  map[string]int64   // sum of high watermarks at the last snapshot
	perS  map[string]float64 // rate over the last interval
	known bool               // at least two snapshots seen
}

// observe records a snapshot taken at `at` and returns the updated rates. A topic
// whose watermarks went down (recreated) has no rate until the next interval.
func (r rates) observe(ts kafka.Topics, at time.Time) rates {
	ends := make(map[string]int64, len(ts))
	for _, t := range ts {
		var sum int64
		for _, p := range t.Partitions {
			sum += p.Latest
		}
		ends[t.Name] = sum
	}
	if r.ends != nil && !at.After(r.at) {
		return r // an older or simultaneous snapshot says nothing new
	}
	next := rates{at: at, ends: ends, perS: map[string]float64{}}
	if r.ends == nil {
		return next
	}
	dt := at.Sub(r.at).Seconds()
	for name, end := range ends {
		if prev, ok := r.ends[name]; ok && end >= prev {
			next.perS[name] = float64(end-prev) / dt
		}
	}
	next.known = true
	return next
}

// of returns a topic's rate and whether one is known yet.
func (r rates) of(topic string) (float64, bool) {
	v, ok := r.perS[topic]
	return v, ok && r.known
}
