package demo

import (
	"context"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// testNow pins the scenario's clock so every run sees the same timestamps.
var testNow = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

// startDemo starts a demo cluster for one test and a plain client to read it back.
func startDemo(t testing.TB, opts ...Option) (*Cluster, *kgo.Client) {
	t.Helper()
	ctx := t.Context()
	c, err := Start(ctx, append([]Option{WithNow(testNow)}, opts...)...)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(c.Close)
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.ClusterConfig().Brokers...))
	if err != nil {
		t.Fatalf("new client: %v", err)
	}
	t.Cleanup(cl.Close)
	return c, cl
}

// partitionCounts returns every topic's partition count from a metadata request.
func partitionCounts(t testing.TB, ctx context.Context, cl *kgo.Client) map[string]int32 {
	t.Helper()
	resp, err := kmsg.NewPtrMetadataRequest().RequestWith(ctx, cl)
	if err != nil {
		t.Fatalf("metadata: %v", err)
	}
	out := map[string]int32{}
	for _, tp := range resp.Topics {
		if tp.Topic != nil && !tp.IsInternal {
			out[*tp.Topic] = int32(len(tp.Partitions))
		}
	}
	return out
}

// listEnds returns the high watermark of each of the topic's partitions.
func listEnds(t testing.TB, ctx context.Context, cl *kgo.Client, topic string, partitions int32) map[int32]int64 {
	t.Helper()
	req := kmsg.NewPtrListOffsetsRequest()
	rt := kmsg.NewListOffsetsRequestTopic()
	rt.Topic = topic
	for p := range partitions {
		rp := kmsg.NewListOffsetsRequestTopicPartition()
		rp.Partition, rp.Timestamp = p, -1
		rt.Partitions = append(rt.Partitions, rp)
	}
	req.Topics = append(req.Topics, rt)
	resp, err := req.RequestWith(ctx, cl)
	if err != nil {
		t.Fatalf("list offsets of %s: %v", topic, err)
	}
	out := map[int32]int64{}
	for _, tp := range resp.Topics {
		for _, p := range tp.Partitions {
			if err := kerr.ErrorForCode(p.ErrorCode); err != nil {
				t.Fatalf("list offsets of %s/%d: %v", topic, p.Partition, err)
			}
			out[p.Partition] = p.Offset
		}
	}
	return out
}

// readAll reads every record of topic, in partition order.
func readAll(t testing.TB, ctx context.Context, cl *kgo.Client, topic string) []*kgo.Record {
	t.Helper()
	n := partitionCounts(t, ctx, cl)[topic]
	ends := listEnds(t, ctx, cl, topic, n)
	offsets := map[int32]kgo.Offset{}
	want := 0
	for p, end := range ends {
		offsets[p] = kgo.NewOffset().AtStart()
		want += int(end)
	}
	rd, err := kgo.NewClient(kgo.SeedBrokers(cl.OptValue(kgo.SeedBrokers).([]string)...),
		kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{topic: offsets}))
	if err != nil {
		t.Fatalf("new reader: %v", err)
	}
	defer rd.Close()
	var out []*kgo.Record
	for len(out) < want {
		fs := rd.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			t.Fatalf("read %s: got %d of %d records: %v", topic, len(out), want, err)
		}
		fs.EachError(func(tp string, p int32, err error) { t.Fatalf("fetch %s/%d: %v", tp, p, err) })
		out = append(out, fs.Records()...)
	}
	return out
}

// committed returns the offsets group has committed.
func committed(t testing.TB, ctx context.Context, cl *kgo.Client, group string) endOffsets {
	t.Helper()
	req := kmsg.NewPtrOffsetFetchRequest()
	req.Group = group
	resp, err := req.RequestWith(ctx, cl)
	if err != nil {
		t.Fatalf("fetch offsets of %s: %v", group, err)
	}
	out := endOffsets{}
	add := func(topic string, p int32, off int64, code int16) {
		if err := kerr.ErrorForCode(code); err != nil {
			t.Fatalf("fetch offsets of %s on %s/%d: %v", group, topic, p, err)
		}
		if out[topic] == nil {
			out[topic] = map[int32]int64{}
		}
		out[topic][p] = off
	}
	for _, g := range resp.Groups {
		for _, tp := range g.Topics {
			for _, p := range tp.Partitions {
				add(tp.Topic, p.Partition, p.Offset, p.ErrorCode)
			}
		}
	}
	if len(resp.Groups) == 0 {
		for _, tp := range resp.Topics {
			for _, p := range tp.Partitions {
				add(tp.Topic, p.Partition, p.Offset, p.ErrorCode)
			}
		}
	}
	return out
}
