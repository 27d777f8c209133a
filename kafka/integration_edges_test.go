//go:build integration

package kafka_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/kpeek/kpeek/kafka"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// TestIntegrationCompression reads batches the broker stored compressed with every codec.
func TestIntegrationCompression(t *testing.T) {
	e := env(t)
	admin := adminClient(t, e, kgo.ProducerBatchCompression(kgo.NoCompression()))
	cl := connect(t, plaintextConfig(e, t))
	for _, codec := range []string{"gzip", "snappy", "lz4", "zstd"} {
		t.Run(codec, func(t *testing.T) {
			topic := topicName(itAllowedPrefix, "compressed-"+codec)
			// The topic's compression.type makes the broker recompress whatever arrives.
			createTopic(t, admin, topic, 1, map[string]string{"compression.type": codec})
			var rs []*kgo.Record
			for i := 0; i < 50; i++ {
				rs = append(rs, &kgo.Record{Topic: topic, Key: fmt.Appendf(nil, "%d", i),
					Value: []byte(strings.Repeat(fmt.Sprintf("%s record %d; ", codec, i), 20))})
			}
			produce(t, admin, rs...)
			got, _ := readAll(t, cl, kafka.ReadRequest{Topic: topic})
			if len(got) != len(rs) {
				t.Fatalf("got %d records, want %d", len(got), len(rs))
			}
			for i, r := range got {
				if r.Offset != int64(i) || string(r.Value) != string(rs[i].Value) {
					t.Errorf("record %d: offset %d, value %.40q…", i, r.Offset, r.Value)
				}
			}
		})
	}
}

// TestIntegrationLogStartOffset reads a partition whose start was moved by DeleteRecords:
// watermarks say so, and a read from below the start begins at the first record left.
func TestIntegrationLogStartOffset(t *testing.T) {
	e := env(t)
	admin := adminClient(t, e)
	topic := topicName(itAllowedPrefix, "deleted-records")
	createTopic(t, admin, topic, 1, nil)
	for i := 0; i < 10; i++ {
		produce(t, admin, &kgo.Record{Topic: topic, Value: fmt.Appendf(nil, "%d", i)})
	}
	req := kmsg.NewPtrDeleteRecordsRequest()
	rt := kmsg.NewDeleteRecordsRequestTopic()
	rt.Topic = topic
	rp := kmsg.NewDeleteRecordsRequestTopicPartition()
	rp.Partition, rp.Offset = 0, 6
	rt.Partitions = append(rt.Partitions, rp)
	req.Topics = append(req.Topics, rt)
	req.TimeoutMillis = 30000
	resp, err := req.RequestWith(ctxFor(t), admin)
	if err != nil {
		t.Fatalf("delete records: %v", err)
	}
	if err := kerrOf(resp.Topics[0].Partitions[0].ErrorCode, nil); err != nil {
		t.Fatalf("delete records: %v", err)
	}

	cl := connect(t, plaintextConfig(e, t))
	info, err := cl.Topic(ctxFor(t), topic)
	if err != nil {
		t.Fatalf("Topic: %v", err)
	}
	if p := info.Partitions[0]; p.Earliest != 6 || p.Latest != 10 || info.Records() != 4 {
		t.Errorf("watermarks %d..%d (records %d), want 6..10 (4)", p.Earliest, p.Latest, info.Records())
	}
	for _, from := range []kafka.Start{{Kind: kafka.StartBeginning}, {Kind: kafka.StartOffset, Offset: 2}} {
		rs, ranges := readAll(t, cl, kafka.ReadRequest{Topic: topic, From: from})
		if got := byPartition(rs)[0]; !slices.Equal(got, span(6, 9)) {
			t.Errorf("from %+v: offsets %v, want 6..9", from, got)
		}
		if ranges[0].Earliest != 6 || ranges[0].Start != 6 {
			t.Errorf("from %+v: range %+v, want earliest and start 6", from, ranges[0])
		}
	}
	rs, _ := readAll(t, cl, kafka.ReadRequest{Topic: topic, From: kafka.Start{Kind: kafka.StartLast, N: 100}})
	if len(rs) != 4 {
		t.Errorf("last 100 of 4 remaining records returned %d", len(rs))
	}
}

// TestIntegrationEmptyTopic ends reads of an empty topic at once, whatever the selection.
func TestIntegrationEmptyTopic(t *testing.T) {
	e := env(t)
	admin := adminClient(t, e)
	topic := topicName(itAllowedPrefix, "empty")
	createTopic(t, admin, topic, 3, nil)
	cl := connect(t, plaintextConfig(e, t))
	for _, req := range []kafka.ReadRequest{
		{Topic: topic},
		{Topic: topic, From: kafka.Start{Kind: kafka.StartLast, N: 10}},
		{Topic: topic, From: kafka.Start{Kind: kafka.StartEnd}},
		{Topic: topic, From: kafka.Start{Kind: kafka.StartOffset, Offset: 5}},
	} {
		if rs, _ := readAll(t, cl, req); len(rs) != 0 {
			t.Errorf("read %+v of an empty topic returned %d records", req.From, len(rs))
		}
	}
	info, err := cl.Topic(ctxFor(t), topic)
	if err != nil || info.Records() != 0 || len(info.Partitions) != 3 {
		t.Errorf("Topic: %+v, %v; want 3 empty partitions", info, err)
	}
}
