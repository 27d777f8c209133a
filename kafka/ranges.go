package kafka

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/IBM/sarama"
)

// resolveRanges turns a request into concrete offsets per partition, as of now: watermarks,
// start and end offsets (times become offsets through ListOffsets), clamped to the log.
func (c *Client) resolveRanges(ctx context.Context, req ReadRequest) ([]PartitionRange, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	topic := fmt.Sprintf("topic %q", req.Topic)
	md, err := c.metadata(ctx, []string{req.Topic})
	if err != nil {
		return nil, c.explain(ctx, err, "read", topic)
	}
	var tm *sarama.TopicMetadata
	for _, t := range md.Topics {
		if t.Name == req.Topic {
			tm = t
		}
	}
	if tm == nil {
		return nil, &TopicNotFoundError{Topic: req.Topic}
	}
	if !errors.Is(tm.Err, sarama.ErrNoError) {
		return nil, c.translate(tm.Err, "read", topic)
	}
	all := map[int32]int32{}
	for _, p := range tm.Partitions {
		all[p.ID] = p.Leader
	}
	parts := slices.Clone(req.Partitions)
	if len(parts) == 0 && req.PartitionSpec != "" {
		if parts, err = ParsePartitions(req.PartitionSpec, req.Topic, len(all)); err != nil {
			return nil, err
		}
	}
	if len(parts) == 0 {
		for id := range all {
			parts = append(parts, id)
		}
	}
	slices.Sort(parts)
	parts = slices.Compact(parts)
	leaders := map[TopicPartition]int32{}
	for _, p := range parts {
		l, ok := all[p]
		if !ok {
			return nil, &PartitionNotFoundError{Topic: req.Topic, Partition: p, Partitions: len(all)}
		}
		leaders[TopicPartition{req.Topic, p}] = l
	}

	// Read committed: the end is the last stable offset, where the consumer will stop too.
	earliest := c.listOffsetsSettled(ctx, req.Topic, leaders, sarama.OffsetOldest)
	latest := c.listOffsetsSettled(ctx, req.Topic, leaders, sarama.OffsetNewest)
	var startAt, stopAt offsetResult
	if req.From.Kind == StartTime {
		startAt = c.listOffsetsSettled(ctx, req.Topic, leaders, req.From.Time.UnixMilli())
	}
	follow := req.Follow || req.To.Kind == StopNever
	if !follow && req.To.Kind == StopTime {
		// The first offset at or after T+1ms is the first one strictly after T.
		stopAt = c.listOffsetsSettled(ctx, req.Topic, leaders, req.To.Time.Add(time.Millisecond).UnixMilli())
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	ranges := make([]PartitionRange, 0, len(parts))
	for _, p := range parts {
		tp := TopicPartition{req.Topic, p}
		for _, res := range []offsetResult{earliest, latest, startAt, stopAt} {
			if err := res.errs[tp]; err != nil {
				return nil, fmt.Errorf("read topic %q partition %d: %w", req.Topic, p, err)
			}
		}
		pr := PartitionRange{Partition: p, Earliest: earliest.offsets[tp], Latest: latest.offsets[tp]}
		pr.Start = startOffset(req.From, pr, startAt.offsets, tp)
		pr.End = endOffset(req.To, follow, pr, stopAt.offsets, tp)
		if pr.End >= 0 && pr.End < pr.Start {
			pr.End = pr.Start
		}
		ranges = append(ranges, pr)
	}
	return ranges, nil
}

// listOffsetsSettled is a read-committed listOffsets that retries, a few times and with
// leaders from refreshed metadata, the partitions whose leader moved or whose broker
// connection was not up yet.
func (c *Client) listOffsetsSettled(ctx context.Context, topic string, leaders map[TopicPartition]int32, ts int64) offsetResult {
	res := c.listOffsets(ctx, leaders, ts, sarama.ReadCommitted)
	for try := 1; try < transientTries; try++ {
		retry := map[TopicPartition]int32{}
		for tp, err := range res.errs {
			if transient(err) {
				retry[tp] = leaders[tp]
			}
		}
		if len(retry) == 0 || pause(ctx, try) != nil {
			break
		}
		c.log.Debug("list offsets retrying", "topic", topic, "partitions", len(retry), "try", try)
		if err := c.client.RefreshMetadata(topic); err != nil {
			c.log.Debug("refresh metadata", "topic", topic, "err", err)
		}
		for tp := range retry {
			if b, err := c.client.Leader(tp.Topic, tp.Partition); err == nil {
				retry[tp] = b.ID()
			}
		}
		again := c.listOffsets(ctx, retry, ts, sarama.ReadCommitted)
		for tp := range retry {
			delete(res.errs, tp)
		}
		maps.Copy(res.offsets, again.offsets)
		maps.Copy(res.errs, again.errs)
	}
	return res
}

// startOffset resolves where one partition's read starts; offsets outside the log are
// clamped to the nearest one that exists.
func startOffset(s Start, pr PartitionRange, atTime map[TopicPartition]int64, tp TopicPartition) int64 {
	switch s.Kind {
	case StartEnd:
		return pr.Latest
	case StartOffset:
		return min(max(s.Offset, pr.Earliest), pr.Latest)
	case StartLast:
		return max(pr.Latest-s.N, pr.Earliest)
	case StartTime:
		if off, ok := atTime[tp]; ok && off >= 0 {
			return min(max(off, pr.Earliest), pr.Latest)
		}
		return pr.Latest // no record at or after that time
	}
	return pr.Earliest
}

// endOffset resolves the exclusive end of one partition's read; -1 while following.
func endOffset(s Stop, follow bool, pr PartitionRange, atTime map[TopicPartition]int64, tp TopicPartition) int64 {
	if follow {
		return -1
	}
	switch s.Kind {
	case StopOffset:
		return min(s.Offset+1, pr.Latest)
	case StopTime:
		if off, ok := atTime[tp]; ok && off >= 0 {
			return min(off, pr.Latest)
		}
		return pr.Latest // every record is at or before that time
	}
	return pr.Latest
}

// timestampType says how the topic stamps records. sarama does not pass on the per-batch
// flag, so the topic's message.timestamp.type config decides; without leave to read it,
// records count as producer-stamped, which is Kafka's default.
func (c *Client) timestampType(ctx context.Context, topic string) TimestampType {
	res := []*sarama.ConfigResource{{Type: sarama.TopicResource, Name: topic, ConfigNames: []string{"message.timestamp.type"}}}
	results, err := request(ctx, c.client, nil, func(*sarama.Broker) ([]*sarama.ConfigResourceResult, error) {
		return c.admin.DescribeConfigs(res, sarama.DescribeConfigsOptions{})
	})
	if err != nil || len(results) == 0 {
		c.log.Debug("timestamp type unknown, assuming create time", "topic", topic, "err", err)
		return TimestampCreate
	}
	for _, e := range results[0].Configs {
		if e.Name == "message.timestamp.type" && e.Value == "LogAppendTime" {
			return TimestampLogAppend
		}
	}
	return TimestampCreate
}

// readableBefore asks the partition's leader whether any record the consumer would deliver
// (committed, not a control marker) lies in [from, end). It is the exact end check for
// partitions whose last offsets are transaction markers or were compacted away.
func (r *rangeRead) readableBefore(ctx context.Context, partition int32, from, end int64) (bool, error) {
	b, err := r.rc.Leader(r.req.Topic, partition)
	if err != nil {
		return false, err
	}
	sc := r.rc.Config()
	req := &sarama.FetchRequest{Version: 11, MaxWaitTime: 0, MinBytes: 0, MaxBytes: sc.Consumer.Fetch.MaxBytes,
		Isolation: sarama.ReadCommitted, SessionID: 0, SessionEpoch: -1}
	req.AddBlock(r.req.Topic, partition, from, sc.Consumer.Fetch.Default, -1)
	resp, err := request(ctx, r.rc, b, func(b *sarama.Broker) (*sarama.FetchResponse, error) { return b.Fetch(req) })
	if err != nil {
		return false, err
	}
	blk := resp.GetBlock(r.req.Topic, partition)
	if blk == nil {
		return false, errors.New("no answer for the partition")
	}
	if !errors.Is(blk.Err, sarama.ErrNoError) {
		return false, blk.Err
	}
	return hasReadable(blk, from, end), nil
}

// hasReadable reports whether blk holds a record in [from, end) that a read delivers: the
// read's own rule (blockRecords, with its read-committed filter), so the end check and the
// read never disagree about what counts.
func hasReadable(blk *sarama.FetchResponseBlock, from, end int64) bool {
	recs, _ := blockRecords("", 0, blk, from, end, TimestampCreate)
	return len(recs) > 0
}

// controlType reads a control batch's marker type from its first record's key (int16
// version, int16 type); ok is false when the key is missing or too short.
func controlType(rb *sarama.RecordBatch) (sarama.ControlRecordType, bool) {
	if len(rb.Records) == 0 || rb.Records[0] == nil || len(rb.Records[0].Key) < 4 {
		return sarama.ControlRecordUnknown, false
	}
	switch binary.BigEndian.Uint16(rb.Records[0].Key[2:4]) {
	case 0:
		return sarama.ControlRecordAbort, true
	case 1:
		return sarama.ControlRecordCommit, true
	}
	return sarama.ControlRecordUnknown, true
}
