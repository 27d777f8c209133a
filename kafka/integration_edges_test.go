//go:build integration

package kafka_test

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kpeek/kpeek/config"
	"github.com/kpeek/kpeek/export"
	"github.com/kpeek/kpeek/kafka"
	"github.com/kpeek/kpeek/kafka/kafkatest"
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

// TestIntegrationEdgesPartitionRange: a -p range past the topic's last partition is refused
// at once with the real partition count; a range inside it reads exactly those partitions.
func TestIntegrationEdgesPartitionRange(t *testing.T) {
	e := env(t)
	admin := adminClient(t, e)
	topic := topicName(itAllowedPrefix, "ranges")
	createTopic(t, admin, topic, 3, nil)
	for p := range int32(3) {
		produce(t, admin, &kgo.Record{Topic: topic, Partition: p, Value: fmt.Appendf(nil, "p%d", p)})
	}
	cl := connect(t, plaintextConfig(e, t))
	_, err := cl.Read(ctxFor(t), kafka.ReadRequest{Topic: topic, PartitionSpec: "1,0-99999999"})
	pe := asType[*kafka.PartitionNotFoundError](t, err)
	if pe.Partitions != 3 {
		t.Errorf("error names %d partitions, want 3: %v", pe.Partitions, err)
	}
	assertOneLine(t, err, "has 3 partitions, 0-2")
	rs, ranges := readAll(t, cl, kafka.ReadRequest{Topic: topic, PartitionSpec: "2,1-1,2"})
	got := byPartition(rs)
	if len(ranges) != 2 || len(got) != 2 || len(got[1]) != 1 || len(got[2]) != 1 {
		t.Errorf("-p 2,1-1,2 read %v over ranges %+v, want partitions 1 and 2 once each", got, ranges)
	}
}

// TestIntegrationEdgesTimes: the earliest time Kafka can look up reads from the first
// record; a window that ends before it starts is refused before anything is asked.
func TestIntegrationEdgesTimes(t *testing.T) {
	e := env(t)
	admin := adminClient(t, e)
	topic := topicName(itAllowedPrefix, "times")
	createTopic(t, admin, topic, 1, nil)
	for i := range 3 {
		produce(t, admin, &kgo.Record{Topic: topic, Value: fmt.Appendf(nil, "%d", i)})
	}
	cl := connect(t, plaintextConfig(e, t))
	now := time.Now()
	epoch, err := kafka.ParseStart("1970-01-01T00:00:00Z", now)
	if err != nil {
		t.Fatal(err)
	}
	if rs, _ := readAll(t, cl, kafka.ReadRequest{Topic: topic, From: epoch}); len(rs) != 3 {
		t.Errorf("from 1970-01-01 read %d records, want all 3", len(rs))
	}
	if _, err := kafka.ParseStart("1969-12-31T23:59:59.999Z", now); err == nil {
		t.Error("a start before 1970 was accepted: it would be ListOffsets' 'latest' (-1)")
	}
	from, _ := kafka.ParseStart("-2h", now)
	to, _ := kafka.ParseStop("-3h", now)
	_, err = cl.Read(ctxFor(t), kafka.ReadRequest{Topic: topic, From: from, To: to})
	asType[*kafka.RequestError](t, err)
	assertOneLine(t, err, "ends at", "before it starts")
}

// TestIntegrationEdgesSilentBroker: a listener that accepts and never answers is named; beside
// the real broker it is routed around, with a note.
func TestIntegrationEdgesSilentBroker(t *testing.T) {
	e := env(t)
	silent := kafkatest.SilentBroker(t)

	_, err := kafka.New(ctxFor(t), config.Connection{Brokers: []string{silent}, SocketTimeoutMs: 1000})
	na := asType[*kafka.NoAnswerError](t, err)
	if !slices.Equal(na.Addrs, []string{silent}) {
		t.Errorf("silent brokers %v, want %s", na.Addrs, silent)
	}
	assertOneLine(t, err, silent, "did not answer within 1s", "socket.timeout.ms")

	good := e.get(t, "KPEEK_IT_PLAINTEXT")
	for range 2 { // sarama picks the first seed at random
		cl := connect(t, config.Connection{Name: "it-silent", Brokers: []string{silent, good}, SocketTimeoutMs: 1000})
		if _, err := cl.Topics(ctxFor(t)); err != nil {
			t.Errorf("topics through %s beside a silent %s: %v", good, silent, err)
		}
		for _, n := range cl.Notes() {
			if !strings.Contains(n, silent) || !strings.Contains(n, "connected through "+good) {
				t.Errorf("note %q", n)
			}
		}
	}
}

// TestIntegrationEdgesRestrictedPrincipal: READ+DESCRIBE on topics and nothing on groups or
// the cluster: the group listing says it is filtered, retention is unknown (null), never 0.
func TestIntegrationEdgesRestrictedPrincipal(t *testing.T) {
	e := env(t)
	admin := adminClient(t, e)
	topic := topicName(itAllowedPrefix, "restricted")
	createTopic(t, admin, topic, 1, map[string]string{"retention.ms": "259200000"})
	produce(t, admin, &kgo.Record{Topic: topic, Value: []byte("x")})
	commitOffsets(t, admin, uniq("it-edges-hidden"), topic, map[int32]int64{0: 1})

	cl := connect(t, readerConfig(e, t))
	ctx := ctxFor(t)
	gs, err := cl.Groups(ctx)
	hidden := asType[*kafka.IncompleteError](t, err)
	asType[*kafka.NotAuthorizedError](t, err)
	if len(gs) != hidden.Visible {
		t.Errorf("%d groups returned, the note says %d", len(gs), hidden.Visible)
	}
	assertOneLine(t, err, "not authorized to describe the cluster", "only the groups this account may DESCRIBE")

	info, err := cl.Topic(ctx, topic)
	if err != nil {
		t.Fatal(err)
	}
	asType[*kafka.NotAuthorizedError](t, info.ConfigErr)
	if info.Retention() != "?" || !info.RecordsKnown() || info.Records() != 1 {
		t.Errorf("as the reader: retention %q, records %d (known %v); want ?, 1", info.Retention(), info.Records(), info.RecordsKnown())
	}
	var js bytes.Buffer
	if err := export.WriteTopics(&js, kafka.Topics{info}, "json"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(js.String(), `"retention_ms": null`) || !strings.Contains(js.String(), `"cleanup_policy": null`) {
		t.Errorf("unknown retention is not null in JSON:\n%s", js.String())
	}

	// The super user sees the real value, in the one format the explorer shows too.
	if info, err := connect(t, plaintextConfig(e, t)).Topic(ctx, topic); err != nil || info.Retention() != "3d" {
		t.Errorf("as admin: retention %q, %v; want 3d", info.Retention(), err)
	}
	if _, err := connect(t, plaintextConfig(e, t)).Groups(ctx); err != nil {
		t.Errorf("as admin, the group listing is complete, yet: %v", err)
	}
}
