package demo

import (
	"encoding/hex"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// Topics of the demo scenario.
const (
	TopicOrders    = "erp.purchasing.orders"
	TopicShipments = "erp.supply.shipments"
	TopicCustomers = "crm.customers"
	TopicLogins    = "auth.logins"
	TopicAudit     = "erp.audit"
	TopicTelemetry = "telemetry.raw"
	TopicHostile   = "hostile.payloads"
)

// The incident the scenario hides: stolen credentials for one user, used from one address.
const (
	IncidentUser = "slyon"
	IncidentIP   = "203.0.113.7"
)

// incidentAgo is how long before "now" the burst of failed logins starts.
const incidentAgo = 6 * time.Hour

// seed makes every demo run produce the same records (relative to now).
const seed = 20261126

// topicSpec is one topic to create, with its partition count and topic configs.
type topicSpec struct {
	name       string
	partitions int32
	configs    map[string]string
}

// scenarioTopics lists the seven topics and their configs.
func scenarioTopics() []topicSpec {
	week := strconv.Itoa(int((7 * 24 * time.Hour).Milliseconds()))
	return []topicSpec{
		{TopicOrders, 3, map[string]string{"retention.ms": week}},
		{TopicShipments, 2, map[string]string{"retention.ms": week}},
		{TopicCustomers, 2, map[string]string{"cleanup.policy": "compact"}},
		{TopicLogins, 2, map[string]string{"retention.ms": strconv.Itoa(int((72 * time.Hour).Milliseconds()))}},
		{TopicAudit, 1, map[string]string{"retention.ms": "-1"}},
		{TopicTelemetry, 2, map[string]string{"retention.ms": strconv.Itoa(int((24 * time.Hour).Milliseconds()))}},
		{TopicHostile, 1, map[string]string{"max.message.bytes": strconv.Itoa(maxMessageBytes)}},
	}
}

// maxMessageBytes lets the hostile topic hold its 2 MB value.
const maxMessageBytes = 8 << 20

// seeder builds the scenario's records. It is deterministic for a given now.
type seeder struct {
	rng *rand.Rand
	now time.Time
	ids SchemaIDs
}

func newSeeder(now time.Time, ids SchemaIDs) *seeder {
	return &seeder{rng: rand.New(rand.NewPCG(seed, 0)), now: now, ids: ids}
}

// fork returns a seeder with its own random stream n, so topics can be built in parallel.
func (s *seeder) fork(n uint64) *seeder {
	return &seeder{rng: rand.New(rand.NewPCG(seed, n+1)), now: s.now, ids: s.ids}
}

// times returns n sorted times spread over the last 24 hours.
func (s *seeder) times(n int) []time.Time {
	start := s.now.Add(-24 * time.Hour)
	span := int64(24*time.Hour - time.Minute)
	out := make([]time.Time, n)
	for i := range out {
		out[i] = start.Add(time.Duration(s.rng.Int64N(span))).Truncate(time.Millisecond)
	}
	slices.SortFunc(out, func(a, b time.Time) int { return a.Compare(b) })
	return out
}

// traceID is a random 16-byte hex id, as tracing headers carry.
func (s *seeder) traceID() string {
	var b [16]byte
	for i := range b {
		b[i] = byte(s.rng.UintN(256))
	}
	return hex.EncodeToString(b[:])
}

// uuid is a random version-4 UUID string.
func (s *seeder) uuid() string {
	var b [16]byte
	for i := range b {
		b[i] = byte(s.rng.UintN(256))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// headers returns the usual headers for a record from source, or none for about one
// record in ten (not every producer sets them).
func (s *seeder) headers(source, contentType string) []kgo.RecordHeader {
	if s.rng.IntN(10) == 0 {
		return nil
	}
	return []kgo.RecordHeader{
		{Key: "trace_id", Value: []byte(s.traceID())},
		{Key: "source", Value: []byte(source)},
		{Key: "content-type", Value: []byte(contentType)},
	}
}

func pick[T any](s *seeder, xs []T) T { return xs[s.rng.IntN(len(xs))] }

// assignPartitions sorts rs by timestamp and places each on a partition: by key hash when
// it has a key (so one key stays in order on one partition), else round-robin.
func assignPartitions(rs []*kgo.Record, partitions int32) {
	slices.SortStableFunc(rs, func(a, b *kgo.Record) int { return a.Timestamp.Compare(b.Timestamp) })
	for i, r := range rs {
		if r.Key == nil {
			r.Partition = int32(i) % partitions
			continue
		}
		h := fnv.New32a()
		_, _ = h.Write(r.Key)
		r.Partition = int32(h.Sum32() % uint32(partitions))
	}
}
