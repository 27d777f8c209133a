package kafka

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/IBM/sarama"
)

// ClusterInfo returns the cluster id, controller and brokers.
func (c *Client) ClusterInfo(ctx context.Context) (ClusterInfo, error) {
	md, err := c.metadata(ctx, nil)
	if err != nil {
		return ClusterInfo{}, c.explain(ctx, err, "describe", "the cluster")
	}
	info := ClusterInfo{Controller: md.ControllerID}
	if md.ClusterID != nil {
		info.ID = *md.ClusterID
	}
	for _, b := range md.Brokers {
		info.Brokers = append(info.Brokers, Broker{ID: b.ID(), Addr: b.Addr(), Rack: b.Rack()})
	}
	slices.SortFunc(info.Brokers, func(a, b Broker) int { return cmp.Compare(a.ID, b.ID) })
	return info, nil
}

// Topics lists every topic with its partitions' watermarks and main configs, sorted by name.
// A topic that cannot be fully described keeps what was learnt and has Err set; the call
// itself fails only when the cluster cannot be asked at all.
func (c *Client) Topics(ctx context.Context) (Topics, error) {
	md, err := c.metadata(ctx, nil)
	if err != nil {
		return nil, c.explain(ctx, err, "list", "topics")
	}
	return c.describeTopics(ctx, md.Topics), nil
}

// Topic describes one topic; a missing topic is a *TopicNotFoundError.
func (c *Client) Topic(ctx context.Context, name string) (TopicInfo, error) {
	md, err := c.metadata(ctx, []string{name})
	if err != nil {
		return TopicInfo{}, c.explain(ctx, err, "describe", fmt.Sprintf("topic %q", name))
	}
	for _, t := range md.Topics {
		if t.Name != name {
			continue
		}
		if !errors.Is(t.Err, sarama.ErrNoError) {
			return TopicInfo{}, c.translate(t.Err, "describe", fmt.Sprintf("topic %q", name))
		}
		ts := c.describeTopics(ctx, []*sarama.TopicMetadata{t})
		return ts[0], nil
	}
	return TopicInfo{}, &TopicNotFoundError{Topic: name}
}

// metadata asks one broker for topic metadata; nil topics means all of them, and then the
// metadata fetched while connecting serves the first call if it is fresh (see
// trackedClient.list).
func (c *Client) metadata(ctx context.Context, topics []string) (*sarama.MetadataResponse, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if tc, ok := c.client.(*trackedClient); ok && topics == nil {
		if md := tc.freshListing(); md != nil {
			return md, nil
		}
	}
	b := c.client.LeastLoadedBroker()
	if b == nil {
		return nil, sarama.ErrOutOfBrokers
	}
	req := sarama.NewMetadataRequest(c.sc.Version, topics)
	req.AllowAutoTopicCreation = false
	return request(ctx, c.client, b, func(b *sarama.Broker) (*sarama.MetadataResponse, error) { return b.GetMetadata(req) })
}

// describeTopics fills in watermarks and configs for topics from a metadata response.
func (c *Client) describeTopics(ctx context.Context, mds []*sarama.TopicMetadata) Topics {
	out := make(Topics, 0, len(mds))
	leaders := map[TopicPartition]int32{}
	for _, t := range mds {
		info := TopicInfo{Name: t.Name, Internal: t.IsInternal, RetentionMs: -1, RetentionBytes: -1, LogBytes: -1}
		if !errors.Is(t.Err, sarama.ErrNoError) {
			info.Err = c.translate(t.Err, "describe", fmt.Sprintf("topic %q", t.Name))
		}
		for _, p := range t.Partitions {
			info.Partitions = append(info.Partitions, PartitionInfo{
				ID: p.ID, Leader: p.Leader, Replicas: p.Replicas, ISR: p.Isr, Earliest: -1, Latest: -1,
			})
			info.ReplicationFactor = max(info.ReplicationFactor, len(p.Replicas))
			leaders[TopicPartition{t.Name, p.ID}] = p.Leader
		}
		slices.SortFunc(info.Partitions, func(a, b PartitionInfo) int { return cmp.Compare(a.ID, b.ID) })
		out = append(out, info)
	}
	slices.SortFunc(out, func(a, b TopicInfo) int { return cmp.Compare(a.Name, b.Name) })

	// Every request that does not need another's answer is sent at once: requests to
	// different brokers overlap (those to one broker take turns on its connection).
	now := time.Now()
	var earliest, latest offsetResult
	var byTime *offsetResult
	var configs map[string]topicConfig
	var configErr error
	var sizes map[TopicPartition]int64
	var wg sync.WaitGroup
	wg.Go(func() { earliest = c.listOffsets(ctx, leaders, sarama.OffsetOldest, sarama.ReadUncommitted) })
	wg.Go(func() { latest = c.listOffsets(ctx, leaders, sarama.OffsetNewest, sarama.ReadUncommitted) })
	wg.Go(func() { configs, configErr = c.topicConfigs(ctx, out) })
	wg.Go(func() { sizes = c.cachedLogSizes(ctx, now) })
	if c.heads.empty() { // a first listing: ask for the oldest records now rather than after
		wg.Go(func() {
			r := c.listOffsets(ctx, leaders, 0, sarama.ReadUncommitted)
			byTime = &r
		})
	}
	wg.Wait()

	for i := range out {
		t := &out[i]
		if t.Err != nil {
			continue
		}
		part := partial{op: fmt.Sprintf("list offsets of topic %q", t.Name), total: len(t.Partitions)}
		for j := range t.Partitions {
			p := &t.Partitions[j]
			tp := TopicPartition{t.Name, p.ID}
			p.Earliest, p.Latest = earliest.offsets[tp], latest.offsets[tp]
			part.add("partition "+strconv.Itoa(int(p.ID)), cmp.Or(earliest.errs[tp], latest.errs[tp]))
		}
		t.Err = part.err()
		cf, ok := configs[t.Name]
		switch {
		case ok && cf.err == nil:
			t.CleanupPolicy, t.RetentionMs, t.RetentionBytes = cf.cleanupPolicy, cf.retentionMs, cf.retentionBytes
		case ok:
			t.ConfigErr = cf.err
		case configErr != nil:
			t.ConfigErr = configErr
		default:
			t.ConfigErr = fmt.Errorf("describe configs of topic %q: the broker left it out of its answer", t.Name)
		}
		if t.ConfigErr != nil {
			t.RetentionMs, t.RetentionBytes = 0, 0 // unknown, not infinite
			t.Err = cmp.Or(t.Err, t.ConfigErr)
		}
	}
	c.retention(ctx, out, sizes, byTime, now)
	return out
}

// offsetResult is a ListOffsets answer per partition; a partition is in offsets or in errs.
// times holds the time of the record found, for a lookup by time (ListOffsets v1 and later).
type offsetResult struct {
	offsets map[TopicPartition]int64
	times   map[TopicPartition]int64
	errs    map[TopicPartition]error
}

func newOffsetResult() offsetResult {
	return offsetResult{offsets: map[TopicPartition]int64{}, times: map[TopicPartition]int64{}, errs: map[TopicPartition]error{}}
}

// listOffsets asks each partition's leader for the offset at ts (a time in ms, or
// sarama.OffsetOldest/OffsetNewest), one request per leader, all leaders at once.
func (c *Client) listOffsets(ctx context.Context, leaders map[TopicPartition]int32, ts int64,
	iso sarama.IsolationLevel) offsetResult {
	res := newOffsetResult()
	byLeader := map[int32][]TopicPartition{}
	for tp, l := range leaders {
		byLeader[l] = append(byLeader[l], tp)
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for leader, tps := range byLeader {
		wg.Go(func() {
			on := c.listOffsetsOn(ctx, leader, tps, ts, iso)
			mu.Lock()
			defer mu.Unlock()
			maps.Copy(res.offsets, on.offsets)
			maps.Copy(res.times, on.times)
			maps.Copy(res.errs, on.errs)
		})
	}
	wg.Wait()
	return res
}

func (c *Client) listOffsetsOn(ctx context.Context, leader int32, tps []TopicPartition, ts int64,
	iso sarama.IsolationLevel) offsetResult {
	res := newOffsetResult()
	offs, errs := res.offsets, res.errs
	failAll := func(err error) {
		for _, tp := range tps {
			errs[tp] = err
		}
	}
	if leader < 0 {
		failAll(errors.New("partition has no leader"))
		return res
	}
	b, err := c.client.Broker(leader)
	if err != nil {
		failAll(fmt.Errorf("leader broker %d: %w", leader, err))
		return res
	}
	req := sarama.NewOffsetRequest(c.sc.Version)
	req.IsolationLevel = iso
	for _, tp := range tps {
		req.AddBlock(tp.Topic, tp.Partition, ts, 1)
	}
	resp, err := request(ctx, c.client, b, func(b *sarama.Broker) (*sarama.OffsetResponse, error) {
		return b.GetAvailableOffsets(req)
	})
	if err != nil {
		failAll(c.translate(err, "list offsets on", fmt.Sprintf("broker %d", leader)))
		return res
	}
	for _, tp := range tps {
		blk := resp.GetBlock(tp.Topic, tp.Partition)
		switch {
		case blk == nil:
			errs[tp] = errors.New("broker left the partition out of its answer")
		case !errors.Is(blk.Err, sarama.ErrNoError):
			errs[tp] = c.translate(blk.Err, "list offsets of", fmt.Sprintf("topic %q", tp.Topic))
		case resp.Version == 0 && len(blk.Offsets) > 0:
			offs[tp] = blk.Offsets[0]
		default:
			offs[tp] = blk.Offset
			res.times[tp] = blk.Timestamp
		}
	}
	return res
}

// topicConfig is the part of a topic's configuration kpeek shows.
type topicConfig struct {
	cleanupPolicy  string
	retentionMs    int64
	retentionBytes int64
	err            error
}

// topicConfigs describes cleanup.policy and retention.ms of every topic in one request.
func (c *Client) topicConfigs(ctx context.Context, topics Topics) (map[string]topicConfig, error) {
	if len(topics) == 0 {
		return nil, nil
	}
	res := make([]*sarama.ConfigResource, 0, len(topics))
	for _, t := range topics {
		res = append(res, &sarama.ConfigResource{Type: sarama.TopicResource, Name: t.Name,
			ConfigNames: []string{"cleanup.policy", "retention.ms", "retention.bytes"}})
	}
	results, err := request(ctx, c.client, nil, func(*sarama.Broker) ([]*sarama.ConfigResourceResult, error) {
		return c.admin.DescribeConfigs(res, sarama.DescribeConfigsOptions{})
	})
	if err != nil {
		return nil, c.translate(err, "describe configs of", "topics")
	}
	out := make(map[string]topicConfig, len(results))
	for _, r := range results {
		cf := topicConfig{retentionMs: -1, retentionBytes: -1}
		if !errors.Is(r.ErrorCode, sarama.ErrNoError) {
			cf.err = c.translate(r.ErrorCode, "describe configs of", fmt.Sprintf("topic %q", r.Name))
		}
		for _, e := range r.Configs {
			switch e.Name {
			case "cleanup.policy":
				cf.cleanupPolicy = e.Value
			case "retention.ms":
				if n, err := strconv.ParseInt(e.Value, 10, 64); err == nil {
					cf.retentionMs = n
				}
			case "retention.bytes":
				if n, err := strconv.ParseInt(e.Value, 10, 64); err == nil {
					cf.retentionBytes = n
				}
			}
		}
		out[r.Name] = cf
	}
	return out, nil
}

// Retention renders the topic's retention.ms the one way kpeek shows it (see
// FormatRetention), or "?" when the configs could not be read: unknown is never 0.
func (t *TopicInfo) Retention() string {
	if t.ConfigErr != nil {
		return "?"
	}
	return FormatRetention(t.RetentionMs)
}

// RecordsKnown reports whether every partition's watermarks were listed, so Records is an
// estimate rather than a sum over partitions that did not answer.
func (t *TopicInfo) RecordsKnown() bool {
	for _, p := range t.Partitions {
		if p.Earliest < 0 || p.Latest < 0 {
			return false
		}
	}
	return true
}

// FormatRetention renders a retention.ms briefly: 7d, 12h, 30m, 1m30s, "forever" for -1.
func FormatRetention(ms int64) string {
	if ms < 0 {
		return "forever"
	}
	d := time.Duration(ms) * time.Millisecond
	switch {
	case d == 0:
		return "0s"
	case d%(24*time.Hour) == 0:
		return strconv.FormatInt(int64(d/(24*time.Hour)), 10) + "d"
	case d%time.Hour == 0:
		return strconv.FormatInt(int64(d/time.Hour), 10) + "h"
	case d%time.Minute == 0:
		return strconv.FormatInt(int64(d/time.Minute), 10) + "m"
	}
	return d.String()
}
