package kafka

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/kpeek/kpeek/config"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/twmb/franz-go/pkg/kversion"
)

// testCtx bounds a test so a hang fails it instead of the whole package run.
func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// newCluster starts an in-process kfake cluster on loopback.
func newCluster(t testing.TB, opts ...kfake.Opt) *kfake.Cluster {
	t.Helper()
	c, err := kfake.NewCluster(append([]kfake.Opt{kfake.NumBrokers(1)}, opts...)...)
	if err != nil {
		t.Fatalf("start kfake: %v", err)
	}
	t.Cleanup(c.Close)
	return c
}

// producer returns a franz-go client for seeding test data. It sends no client telemetry
// (KIP-714): its background GetTelemetrySubscriptions would look like kpeek's to the
// read-only watcher.
func producer(t testing.TB, c *kfake.Cluster, opts ...kgo.Opt) *kgo.Client {
	t.Helper()
	cl, err := kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(c.ListenAddrs()...),
		kgo.RecordPartitioner(kgo.ManualPartitioner()), kgo.ProducerLinger(0), kgo.DisableClientMetrics()}, opts...)...)
	if err != nil {
		t.Fatalf("kgo client: %v", err)
	}
	t.Cleanup(cl.Close)
	return cl
}

// produce writes n records to each listed partition; record i of a partition has value
// "p<P>-<i>" and a timestamp base+i seconds.
func produce(t testing.TB, cl *kgo.Client, topic string, parts []int32, n int, base time.Time) {
	t.Helper()
	var recs []*kgo.Record
	for _, p := range parts {
		for i := range n {
			recs = append(recs, &kgo.Record{Topic: topic, Partition: p,
				Key:       []byte(fmt.Sprintf("k%d", i)),
				Value:     []byte(fmt.Sprintf("p%d-%d", p, i)),
				Timestamp: base.Add(time.Duration(i) * time.Second),
				Headers:   []kgo.RecordHeader{{Key: "h", Value: []byte("v")}}})
		}
	}
	if err := cl.ProduceSync(testCtx(t), recs...).FirstErr(); err != nil {
		t.Fatalf("produce: %v", err)
	}
}

// commit stores committed offsets for group like an admin tool would, without members.
func commit(t testing.TB, c *kfake.Cluster, group, topic string, offsets map[int32]int64) {
	t.Helper()
	// Pre-KIP-848 versions name topics rather than topic ids, which keeps the request simple.
	cl := producer(t, c, kgo.MaxVersions(kversion.V3_8_0()))
	defer cl.Close() // its background requests (telemetry) must not outlive the commit
	req := kmsg.NewPtrOffsetCommitRequest()
	req.Group = group
	req.Generation = -1
	rt := kmsg.NewOffsetCommitRequestTopic()
	rt.Topic = topic
	for p, o := range offsets {
		rp := kmsg.NewOffsetCommitRequestTopicPartition()
		rp.Partition, rp.Offset = p, o
		rt.Partitions = append(rt.Partitions, rp)
	}
	req.Topics = append(req.Topics, rt)
	resp, err := req.RequestWith(testCtx(t), cl)
	if err != nil {
		t.Fatalf("commit: %v", err)
	}
	for _, rt := range resp.Topics {
		for _, rp := range rt.Partitions {
			if rp.ErrorCode != 0 {
				t.Fatalf("commit %s/%d: error code %d", rt.Topic, rp.Partition, rp.ErrorCode)
			}
		}
	}
}

// connectTo opens a kpeek client on the cluster.
func connectTo(t testing.TB, c *kfake.Cluster, opts ...Option) *Client {
	t.Helper()
	cl, err := New(testCtx(t), config.Connection{Name: "test", Brokers: c.ListenAddrs()},
		append([]Option{WithLogger(testLogger(t))}, opts...)...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { cl.Close() })
	return cl
}

// testLogger sends logs to the test log, so a failing test shows what sarama said.
func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// readAll drains a stream and fails the test on a stream error.
func readAll(t testing.TB, s *Stream) []Record {
	t.Helper()
	var out []Record
	for b := range s.Batches() {
		if b.Err != nil {
			t.Fatalf("stream: %v", b.Err)
		}
		out = append(out, b.Records...)
	}
	return out
}

// values lists the records' values as strings, in order.
func values(recs []Record) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = string(r.Value)
	}
	return out
}

// setTopicConfig sets one topic config (test setup; kpeek itself never alters configs).
func setTopicConfig(t testing.TB, c *kfake.Cluster, topic, name, value string) {
	t.Helper()
	cl := producer(t, c)
	req := kmsg.NewPtrIncrementalAlterConfigsRequest()
	res := kmsg.NewIncrementalAlterConfigsRequestResource()
	res.ResourceType = kmsg.ConfigResourceTypeTopic
	res.ResourceName = topic
	cfg := kmsg.NewIncrementalAlterConfigsRequestResourceConfig()
	cfg.Name = name
	cfg.Value = &value
	res.Configs = append(res.Configs, cfg)
	req.Resources = append(req.Resources, res)
	resp, err := req.RequestWith(testCtx(t), cl)
	if err != nil {
		t.Fatalf("alter configs: %v", err)
	}
	if code := resp.Resources[0].ErrorCode; code != 0 {
		t.Fatalf("alter configs: error code %d", code)
	}
}

// waitJoined polls member until its consumer group has given it a generation.
func waitJoined(t *testing.T, member *kgo.Client) {
	t.Helper()
	ctx := testCtx(t)
	for {
		pctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
		member.PollRecords(pctx, 1)
		cancel()
		if _, gen := member.GroupMetadata(); gen > 0 {
			return
		}
		if ctx.Err() != nil {
			t.Fatal("member never joined")
		}
	}
}

// fetchAnswer builds the answer to a fetch request: each requested partition of each topic,
// filled in by part.
func fetchAnswer(req kmsg.Request, part func(rp *kmsg.FetchRequestTopicPartition, sp *kmsg.FetchResponseTopicPartition)) *kmsg.FetchResponse {
	freq := req.(*kmsg.FetchRequest)
	resp := freq.ResponseKind().(*kmsg.FetchResponse)
	resp.Version = freq.Version
	for _, rt := range freq.Topics {
		st := kmsg.NewFetchResponseTopic()
		st.Topic, st.TopicID = rt.Topic, rt.TopicID
		for i := range rt.Partitions {
			sp := kmsg.NewFetchResponseTopicPartition()
			sp.Partition = rt.Partitions[i].Partition
			part(&rt.Partitions[i], &sp)
			st.Partitions = append(st.Partitions, sp)
		}
		resp.Topics = append(resp.Topics, st)
	}
	return resp
}
