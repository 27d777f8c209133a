package kafka

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"
	"sync"
	"time"

	"github.com/IBM/sarama"
)

// Where an expiry estimate comes from (TopicInfo.ExpiresBy).
const (
	ExpiryByTime  = "retention.ms"
	ExpiryByBytes = "retention.bytes"
)

// oldestProbeBytes is how much of each partition's first batch the oldest-record probe asks
// for: the batch header, which holds the timestamps, is 61 bytes.
const oldestProbeBytes = 1024

// ExpiresWithin reports whether retention may delete the topic's oldest record before now+d.
func (t *TopicInfo) ExpiresWithin(now time.Time, d time.Duration) bool {
	return !t.ExpiresAt.IsZero() && t.ExpiresAt.Before(now.Add(d))
}

// retention fills in each topic's oldest record time, log size and expiry, given the log
// sizes and, when already asked for, each partition's first record by time (see
// oldestTimestamps). What cannot be learnt (no leader, no DESCRIBE on the cluster for log
// sizes) stays unknown: zero times, LogBytes -1.
func (c *Client) retention(ctx context.Context, topics Topics, sizes map[TopicPartition]int64,
	byTime *offsetResult, now time.Time) {
	leaders := map[TopicPartition]int32{}
	starts := map[TopicPartition]int64{}
	for _, t := range topics {
		for _, p := range t.Partitions {
			if p.Earliest >= 0 && p.Latest > p.Earliest {
				tp := TopicPartition{t.Name, p.ID}
				leaders[tp], starts[tp] = p.Leader, p.Earliest
			}
		}
	}
	oldest := c.heads.get(starts, leaders, func(miss map[TopicPartition]int32) map[TopicPartition]time.Time {
		return c.oldestTimestamps(ctx, miss, starts, byTime)
	})
	for i := range topics {
		expiry(&topics[i], oldest, sizes, now)
	}
}

// cachedLogSizes is logSizes, reused for a while (see headCache.logSizes); nil when unknown.
func (c *Client) cachedLogSizes(ctx context.Context, now time.Time) map[TopicPartition]int64 {
	sizes, err := c.heads.logSizes(now, func() (map[TopicPartition]int64, error) { return c.logSizes(ctx) })
	if err != nil {
		c.log.Debug("log sizes unknown", "err", err)
	}
	return sizes
}

// expiry sets t's oldest record time, log size and the earliest time retention may delete
// its oldest record: retention.ms after that record's time (segments go whole, so it may
// live longer, never shorter), or now when a partition's log already exceeds retention.bytes.
func expiry(t *TopicInfo, oldest map[TopicPartition]time.Time, sizes map[TopicPartition]int64, now time.Time) {
	t.LogBytes = -1
	deletes := t.CleanupPolicy == "" || strings.Contains(t.CleanupPolicy, "delete")
	for _, p := range t.Partitions {
		tp := TopicPartition{t.Name, p.ID}
		if ts, ok := oldest[tp]; ok && (t.OldestTimestamp.IsZero() || ts.Before(t.OldestTimestamp)) {
			t.OldestTimestamp = ts
		}
		size, ok := sizes[tp]
		if !ok {
			continue
		}
		t.LogBytes = max(t.LogBytes, 0) + size
		if deletes && t.ConfigErr == nil && t.RetentionBytes >= 0 && size > t.RetentionBytes {
			t.ExpiresAt, t.ExpiresBy = now, ExpiryByBytes
		}
	}
	if !deletes || t.ConfigErr != nil || t.RetentionMs < 0 || t.OldestTimestamp.IsZero() {
		return
	}
	at := t.OldestTimestamp.Add(time.Duration(t.RetentionMs) * time.Millisecond)
	if t.ExpiresAt.IsZero() || at.Before(t.ExpiresAt) {
		t.ExpiresAt, t.ExpiresBy = at, ExpiryByTime
	}
}

// oldestTimestamps returns the time of the first record of each partition's log;
// partitions that could not be probed are left out.
//
// One ListOffsets per leader asks for the first record at or after time 0: the broker finds
// it in its time index and answers with its offset and time, without sending any record.
// Where that record is not the one at the log start (records without a time, from before
// Kafka 0.10, or a broker too old to answer), the head of the log is fetched instead: one
// request per leader, then one per partition whose first batch did not fit (a broker sends
// only one batch larger than asked for per request).
//
// byTime, when not nil, is that ListOffsets' answer, asked for already.
func (c *Client) oldestTimestamps(ctx context.Context, leaders map[TopicPartition]int32,
	starts map[TopicPartition]int64, byTime *offsetResult) map[TopicPartition]time.Time {
	out := map[TopicPartition]time.Time{}
	rest := map[TopicPartition]int32{}
	if byTime == nil {
		r := c.listOffsets(ctx, leaders, 0, sarama.ReadUncommitted)
		byTime = &r
	}
	for tp, l := range leaders {
		if off, ok := byTime.offsets[tp]; ok && off == starts[tp] && byTime.times[tp] > 0 {
			out[tp] = time.UnixMilli(byTime.times[tp])
		} else {
			rest[tp] = l
		}
	}
	maps.Copy(out, c.fetchHeads(ctx, rest, starts))
	return out
}

// fetchHeads fetches the head of each partition's log (one request per leader) and returns
// the first record's time; partitions that could not be probed are left out.
func (c *Client) fetchHeads(ctx context.Context, leaders map[TopicPartition]int32,
	starts map[TopicPartition]int64) map[TopicPartition]time.Time {
	byLeader := map[int32][]TopicPartition{}
	for tp, l := range leaders {
		if l >= 0 {
			byLeader[l] = append(byLeader[l], tp)
		}
	}
	out := map[TopicPartition]time.Time{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for leader, tps := range byLeader {
		wg.Go(func() {
			got, err := c.oldestOn(ctx, leader, tps, starts)
			if err != nil {
				c.log.Debug("oldest record probe failed", "broker", leader, "err", err)
			}
			// A broker may answer a partition whose first batch exceeds the probe size with
			// nothing instead of a partial batch; alone in a request, the batch comes whole.
			for _, tp := range tps {
				if _, ok := got[tp]; ok || err != nil {
					continue
				}
				one, oerr := c.oldestOn(ctx, leader, []TopicPartition{tp}, starts)
				if oerr != nil {
					c.log.Debug("oldest record probe failed", "topic", tp.Topic, "partition", tp.Partition, "err", oerr)
				}
				maps.Copy(got, one)
			}
			mu.Lock()
			defer mu.Unlock()
			for tp, ts := range got {
				out[tp] = ts
			}
		})
	}
	wg.Wait()
	return out
}

func (c *Client) oldestOn(ctx context.Context, leader int32, tps []TopicPartition,
	starts map[TopicPartition]int64) (map[TopicPartition]time.Time, error) {
	b, err := c.client.Broker(leader)
	if err != nil {
		return nil, fmt.Errorf("leader broker %d: %w", leader, err)
	}
	// A partial batch is enough: its header carries the timestamps.
	req := &sarama.FetchRequest{Version: 11, MaxWaitTime: 0, MinBytes: 0, MaxBytes: 1 << 20,
		Isolation: sarama.ReadUncommitted, SessionID: 0, SessionEpoch: -1}
	for _, tp := range tps {
		req.AddBlock(tp.Topic, tp.Partition, starts[tp], oldestProbeBytes, -1)
	}
	resp, err := request(ctx, c.client, b, func(b *sarama.Broker) (*sarama.FetchResponse, error) { return b.Fetch(req) })
	if err != nil {
		return nil, c.translate(err, "fetch the oldest records on", fmt.Sprintf("broker %d", leader))
	}
	out := map[TopicPartition]time.Time{}
	for _, tp := range tps {
		blk := resp.GetBlock(tp.Topic, tp.Partition)
		if blk == nil || !errors.Is(blk.Err, sarama.ErrNoError) {
			continue
		}
		if ts, ok := firstTimestamp(blk); ok {
			out[tp] = ts
		}
	}
	return out, nil
}

// firstTimestamp is the time of the first record in a fetched block: the first batch's base
// timestamp, or its append time when the broker stamps records (LogAppendTime).
func firstTimestamp(blk *sarama.FetchResponseBlock) (time.Time, bool) {
	for _, recs := range blk.RecordsSet {
		switch {
		case recs == nil:
		case recs.RecordBatch != nil:
			rb := recs.RecordBatch
			ts := rb.FirstTimestamp
			if rb.LogAppendTime {
				ts = rb.MaxTimestamp
			}
			if ts.UnixMilli() > 0 {
				return ts, true
			}
		case recs.MsgSet != nil && len(recs.MsgSet.Messages) > 0 && recs.MsgSet.Messages[0].Msg != nil:
			if ts := recs.MsgSet.Messages[0].Msg.Timestamp; ts.UnixMilli() > 0 {
				return ts, true
			}
		}
	}
	return time.Time{}, false
}

// logSizes asks every broker for the size of each partition's log (DescribeLogDirs, which
// needs DESCRIBE on the cluster); a partition's size is its largest replica's, the leader's
// unless a follower is ahead of it.
func (c *Client) logSizes(ctx context.Context) (map[TopicPartition]int64, error) {
	var brokers []int32
	for _, b := range c.client.Brokers() {
		brokers = append(brokers, b.ID())
	}
	if len(brokers) == 0 {
		return nil, nil
	}
	dirs, err := request(ctx, c.client, nil, func(*sarama.Broker) (map[int32][]sarama.DescribeLogDirsResponseDirMetadata, error) {
		return c.admin.DescribeLogDirs(brokers)
	})
	if err != nil {
		return nil, c.translate(err, "describe log dirs of", "the cluster")
	}
	out := map[TopicPartition]int64{}
	for _, ds := range dirs {
		onBroker := map[TopicPartition]int64{}
		for _, d := range ds {
			if !errors.Is(d.ErrorCode, sarama.ErrNoError) {
				continue
			}
			for _, t := range d.Topics {
				for _, p := range t.Partitions {
					if !p.IsTemporary {
						onBroker[TopicPartition{t.Topic, p.PartitionID}] += p.Size
					}
				}
			}
		}
		for tp, n := range onBroker {
			out[tp] = max(out[tp], n)
		}
	}
	return out, nil
}

// headCache remembers the time of the record at each partition's log start. That record
// changes only when the log start moves, so a refreshed listing probes only partitions
// whose log start moved. The zero value is ready to use.
type headCache struct {
	mu sync.Mutex
	m  map[TopicPartition]headEntry
	// log sizes of the whole cluster, asked for at most every logSizesTTL
	sizes   map[TopicPartition]int64
	sizesAt time.Time
}

// logSizesTTL is how long log sizes are reused: they matter for an expiry a day away, and
// DescribeLogDirs answers with every partition of every broker.
const logSizesTTL = 30 * time.Second

// logSizes returns the sizes ask returns, reusing an answer younger than logSizesTTL.
// A failure is not remembered, so a grant of DESCRIBE on the cluster shows at once.
func (h *headCache) logSizes(now time.Time, ask func() (map[TopicPartition]int64, error)) (map[TopicPartition]int64, error) {
	h.mu.Lock()
	sizes, at := h.sizes, h.sizesAt
	h.mu.Unlock()
	if sizes != nil && now.Sub(at) < logSizesTTL && now.Sub(at) >= 0 {
		return sizes, nil
	}
	sizes, err := ask()
	if err != nil || sizes == nil {
		return sizes, err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.sizes, h.sizesAt = sizes, now
	return sizes, nil
}

// empty reports whether no head time is known yet (a first listing).
func (h *headCache) empty() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.m) == 0
}

type headEntry struct {
	start int64
	at    time.Time
}

// get returns the head times of the partitions in starts, probing the ones it does not
// know at their current log start with probe (given each one's leader).
func (h *headCache) get(starts map[TopicPartition]int64, leaders map[TopicPartition]int32,
	probe func(map[TopicPartition]int32) map[TopicPartition]time.Time) map[TopicPartition]time.Time {
	out := make(map[TopicPartition]time.Time, len(starts))
	miss := map[TopicPartition]int32{}
	h.mu.Lock()
	for tp, start := range starts {
		if e, ok := h.m[tp]; ok && e.start == start {
			out[tp] = e.at
		} else {
			miss[tp] = leaders[tp]
		}
	}
	h.mu.Unlock()
	if len(miss) == 0 {
		return out
	}
	got := probe(miss)
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.m == nil {
		h.m = map[TopicPartition]headEntry{}
	}
	for tp, at := range got {
		out[tp] = at
		h.m[tp] = headEntry{starts[tp], at}
	}
	return out
}
