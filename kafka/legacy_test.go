package kafka

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/pierrec/lz4/v4"
	"github.com/twmb/franz-go/pkg/kfake"
)

// TestLegacyLZ4Recognised checks that the error pierrec/lz4 (sarama's LZ4 reader) returns for
// a frame with the pre-0.10 header checksum is the one the reader salvages from.
func TestLegacyLZ4Recognised(t *testing.T) {
	var frame bytes.Buffer
	w := lz4.NewWriter(&frame)
	if _, err := w.Write([]byte("a message set")); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	b := frame.Bytes()
	b[6] ^= 0xff // magic (4), FLG, BD, then the header checksum: what a 0.8/0.9 client got wrong
	_, err := io.ReadAll(lz4.NewReader(bytes.NewReader(b)))
	if !legacyLZ4(fmt.Errorf("fetch: %w", err)) {
		t.Fatalf("legacyLZ4(%v) = false", err)
	}
	if legacyLZ4(sarama.ErrOffsetOutOfRange) || legacyLZ4(nil) {
		t.Fatal("legacyLZ4 claims an unrelated error")
	}
	e := &LegacyLZ4Error{Topic: "legacy", Partition: 2, Offset: 50, Err: err}
	if msg := e.Error(); strings.ContainsAny(msg, "\n\r") ||
		!strings.Contains(msg, `read topic "legacy": LZ4 batch written by a pre-0.10 client (legacy frame checksum) at partition 2 offset 50`) ||
		!strings.Contains(msg, "invalid header checksum") {
		t.Fatalf("message: %q", msg)
	}
}

// TestBlockRecords checks the reader's decoding of a fetched block against what
// sarama's consumer delivers: v0 (no timestamp), a compressed v1 wrapper (relative inner
// offsets, log-append time), a v2 batch, and a control batch that is skipped but counted.
func TestBlockRecords(t *testing.T) {
	appended := time.UnixMilli(1_700_000_000_000)
	created := time.UnixMilli(1_600_000_000_000)
	v0 := &sarama.MessageSet{Messages: []*sarama.MessageBlock{
		{Offset: 0, Msg: &sarama.Message{Version: 0, Value: []byte("a")}},
		{Offset: 1, Msg: &sarama.Message{Version: 0, Value: []byte("b")}},
	}}
	inner := &sarama.MessageSet{Messages: []*sarama.MessageBlock{
		{Offset: 0, Msg: &sarama.Message{Version: 1, Value: []byte("c"), Timestamp: created}},
		{Offset: 1, Msg: &sarama.Message{Version: 1, Value: []byte("d"), Timestamp: created}},
		{Offset: 2, Msg: &sarama.Message{Version: 1, Value: []byte("e"), Timestamp: created}},
	}}
	v1 := &sarama.MessageSet{Messages: []*sarama.MessageBlock{
		{Offset: 4, Msg: &sarama.Message{Version: 1, Codec: sarama.CompressionLZ4, LogAppendTime: true, Timestamp: appended, Set: inner}},
	}}
	v2 := &sarama.RecordBatch{Version: 2, FirstOffset: 5, LastOffsetDelta: 1, FirstTimestamp: created,
		Records: []*sarama.Record{{OffsetDelta: 0, Value: []byte("f")}, {OffsetDelta: 1, TimestampDelta: time.Second, Value: []byte("g"),
			Headers: []*sarama.RecordHeader{{Key: []byte("h"), Value: []byte("v")}}}}}
	marker := &sarama.RecordBatch{Version: 2, FirstOffset: 7, Control: true, Records: []*sarama.Record{{Value: []byte{0, 0, 0, 1}}}}
	blk := &sarama.FetchResponseBlock{RecordsSet: []*sarama.Records{{MsgSet: v0}, {MsgSet: v1}, {RecordBatch: v2}, {RecordBatch: marker}}}

	msgs, last := blockRecords("t", 3, blk, 1, -1, TimestampCreate)
	var got []string
	for _, m := range msgs {
		got = append(got, fmt.Sprintf("%d:%s:%d", m.Offset, m.Value, m.Timestamp.UnixMilli()))
		if m.Topic != "t" || m.Partition != 3 {
			t.Fatalf("message %d names %s/%d", m.Offset, m.Topic, m.Partition)
		}
	}
	zero := time.Time{}.UnixMilli()
	want := []string{
		fmt.Sprintf("1:b:%d", zero),
		fmt.Sprintf("2:c:%d", appended.UnixMilli()), fmt.Sprintf("3:d:%d", appended.UnixMilli()), fmt.Sprintf("4:e:%d", appended.UnixMilli()),
		fmt.Sprintf("5:f:%d", created.UnixMilli()), fmt.Sprintf("6:g:%d", created.Add(time.Second).UnixMilli()),
	}
	if !slices.Equal(got, want) || last != 7 {
		t.Fatalf("blockRecords = %v, last %d\nwant %v, last 7", got, last, want)
	}
	if len(msgs[5].Headers) != 1 || msgs[0].TimestampType != TimestampNone {
		t.Fatalf("headers %v, v0 type %q", msgs[5].Headers, msgs[0].TimestampType)
	}
	if msgs, last := blockRecords("t", 3, &sarama.FetchResponseBlock{}, 9, -1, TimestampCreate); len(msgs) != 0 || last != 8 {
		t.Fatalf("empty block: %d messages, last %d", len(msgs), last)
	}
}

// TestSalvageReadsOnThroughTheMendingClient: a partition that only shared a failed response
// (no legacy batch of its own) is left to sarama; read through the mending connection, a
// partition reads every record to the end of its range, in offset order, then says done.
func TestSalvageReadsOnThroughTheMendingClient(t *testing.T) {
	c := newCluster(t, kfake.SeedTopics(1, "shared"))
	produce(t, producer(t, c), "shared", []int32{0}, 40, time.UnixMilli(1_700_000_000_000))
	kc := connectTo(t, c)
	ctx := testCtx(t)
	sc := kc.readerConfig(ReadRequest{})
	rc, err := connect(ctx, kc.cfg.Brokers, sc)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = rc.Close() }()
	r := &rangeRead{c: kc, rc: rc, req: ReadRequest{Topic: "shared"}, tsType: TimestampCreate}
	pr := PartitionRange{Partition: 0, Start: 5, End: 40}
	if r.ownFetchFails(ctx, pr.Partition, 5) {
		t.Fatal("salvage took over a partition that decodes")
	}
	var got []int64
	done := false
	r.readMended(ctx, pr, 5, func(ev event) bool {
		if ev.err != nil {
			t.Fatalf("salvage failed: %v", ev.err)
		}
		for _, rec := range ev.recs {
			got = append(got, rec.Offset)
			if rec.TimestampType != TimestampCreate || len(rec.Headers) != 1 {
				t.Fatalf("offset %d: type %q headers %v", rec.Offset, rec.TimestampType, rec.Headers)
			}
		}
		done = done || ev.done
		return true
	})
	want := make([]int64, 0, 35)
	for o := int64(5); o < 40; o++ {
		want = append(want, o)
	}
	if !slices.Equal(got, want) || !done {
		t.Fatalf("salvage read %v (done %v), want %v and done", got, done, want)
	}
}
