//go:build integration

package kafka_test

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kpeek/kpeek/kafka"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// readsFixture is a 3-partition topic with 10 records per partition, one minute apart.
type readsFixture struct {
	topic string
	base  time.Time // timestamp of offset 0 on every partition; offset i is base + i minutes
}

const readsPerPartition = 10

// newReadsFixture creates and fills the reads topic.
func newReadsFixture(t *testing.T, e itEnv, admin *kgo.Client) readsFixture {
	t.Helper()
	f := readsFixture{
		topic: topicName(itAllowedPrefix, "reads"),
		base:  time.Now().Add(-24 * time.Hour).Truncate(time.Minute).UTC(),
	}
	createTopic(t, admin, f.topic, 3, map[string]string{"retention.ms": "-1"})
	var rs []*kgo.Record
	for p := int32(0); p < 3; p++ {
		for i := 0; i < readsPerPartition; i++ {
			rs = append(rs, &kgo.Record{
				Topic:     f.topic,
				Partition: p,
				Key:       fmt.Appendf(nil, "k-%d-%d", p, i),
				Value:     fmt.Appendf(nil, `{"p":%d,"i":%d}`, p, i),
				Timestamp: f.base.Add(time.Duration(i) * time.Minute),
				Headers:   []kgo.RecordHeader{{Key: "trace", Value: fmt.Appendf(nil, "t%d", i)}, {Key: "trace", Value: []byte("dup")}},
			})
		}
	}
	produce(t, admin, rs...)
	return f
}

// TestIntegrationReads covers every way to select a range on a real broker.
func TestIntegrationReads(t *testing.T) {
	e := env(t)
	admin := adminClient(t, e)
	f := newReadsFixture(t, e, admin)
	cl := connect(t, plaintextConfig(e, t))

	t.Run("beginning to end, content exact", func(t *testing.T) {
		rs, ranges := readAll(t, cl, kafka.ReadRequest{Topic: f.topic})
		if len(rs) != 3*readsPerPartition {
			t.Fatalf("got %d records, want %d", len(rs), 3*readsPerPartition)
		}
		for p, offs := range byPartition(rs) {
			if !slices.Equal(offs, span(0, readsPerPartition-1)) {
				t.Errorf("partition %d offsets %v, want 0..9 in order", p, offs)
			}
		}
		for _, r := range rs {
			i := r.Offset
			if r.Topic != f.topic || string(r.Key) != fmt.Sprintf("k-%d-%d", r.Partition, i) ||
				string(r.Value) != fmt.Sprintf(`{"p":%d,"i":%d}`, r.Partition, i) {
				t.Errorf("record %d/%d: topic %q key %q value %q", r.Partition, i, r.Topic, r.Key, r.Value)
			}
			if want := f.base.Add(time.Duration(i) * time.Minute); !r.Timestamp.Equal(want) {
				t.Errorf("record %d/%d: timestamp %v, want %v", r.Partition, i, r.Timestamp, want)
			}
			if r.TimestampType != kafka.TimestampCreate {
				t.Errorf("record %d/%d: timestamp type %q, want create", r.Partition, i, r.TimestampType)
			}
			if len(r.Headers) != 2 || r.Headers[0].Key != "trace" || string(r.Headers[0].Value) != fmt.Sprintf("t%d", i) ||
				r.Headers[1].Key != "trace" || string(r.Headers[1].Value) != "dup" {
				t.Errorf("record %d/%d: headers %+v, want trace=t%d then trace=dup", r.Partition, i, r.Headers, i)
			}
		}
		if len(ranges) != 3 {
			t.Fatalf("ranges %+v, want 3", ranges)
		}
		for _, pr := range ranges {
			if pr.Earliest != 0 || pr.Latest != readsPerPartition || pr.Start != 0 || pr.End != readsPerPartition {
				t.Errorf("range %+v, want earliest 0, latest/end 10, start 0", pr)
			}
		}
	})

	t.Run("offset on one partition", func(t *testing.T) {
		rs, _ := readAll(t, cl, kafka.ReadRequest{Topic: f.topic, Partitions: []int32{1},
			From: kafka.Start{Kind: kafka.StartOffset, Offset: 5}})
		got := byPartition(rs)
		if len(got) != 1 || !slices.Equal(got[1], span(5, 9)) {
			t.Errorf("got %v, want partition 1 offsets 5..9", got)
		}
	})

	t.Run("offset to inclusive offset", func(t *testing.T) {
		rs, _ := readAll(t, cl, kafka.ReadRequest{Topic: f.topic, Partitions: []int32{2},
			From: kafka.Start{Kind: kafka.StartOffset, Offset: 2}, To: kafka.Stop{Kind: kafka.StopOffset, Offset: 4}})
		if got := byPartition(rs); len(got) != 1 || !slices.Equal(got[2], span(2, 4)) {
			t.Errorf("got %v, want partition 2 offsets 2..4", got)
		}
	})

	t.Run("last N per partition", func(t *testing.T) {
		rs, _ := readAll(t, cl, kafka.ReadRequest{Topic: f.topic, From: kafka.Start{Kind: kafka.StartLast, N: 3}})
		got := byPartition(rs)
		for p := int32(0); p < 3; p++ {
			if !slices.Equal(got[p], span(7, 9)) {
				t.Errorf("partition %d: offsets %v, want 7..9", p, got[p])
			}
		}
	})

	t.Run("from time", func(t *testing.T) {
		from := f.base.Add(6*time.Minute + 30*time.Second) // first record at or after: offset 7
		rs, _ := readAll(t, cl, kafka.ReadRequest{Topic: f.topic, From: kafka.Start{Kind: kafka.StartTime, Time: from}})
		got := byPartition(rs)
		for p := int32(0); p < 3; p++ {
			if !slices.Equal(got[p], span(7, 9)) {
				t.Errorf("partition %d: offsets %v, want 7..9", p, got[p])
			}
		}
	})

	t.Run("time window", func(t *testing.T) {
		from, to := f.base.Add(2*time.Minute), f.base.Add(4*time.Minute) // offsets 2, 3, 4
		rs, _ := readAll(t, cl, kafka.ReadRequest{Topic: f.topic, Partitions: []int32{0},
			From: kafka.Start{Kind: kafka.StartTime, Time: from}, To: kafka.Stop{Kind: kafka.StopTime, Time: to}})
		if got := byPartition(rs); !slices.Equal(got[0], span(2, 4)) {
			t.Errorf("got %v, want partition 0 offsets 2..4", got)
		}
	})

	t.Run("time after the last record reads nothing", func(t *testing.T) {
		rs, _ := readAll(t, cl, kafka.ReadRequest{Topic: f.topic,
			From: kafka.Start{Kind: kafka.StartTime, Time: f.base.Add(time.Hour)}})
		if len(rs) != 0 {
			t.Errorf("got %d records, want none", len(rs))
		}
	})

	t.Run("max", func(t *testing.T) {
		rs, _ := readAll(t, cl, kafka.ReadRequest{Topic: f.topic, Max: 4})
		if len(rs) != 4 {
			t.Errorf("got %d records, want exactly 4", len(rs))
		}
	})

	t.Run("missing partition", func(t *testing.T) {
		_, err := cl.Read(ctxFor(t), kafka.ReadRequest{Topic: f.topic, Partitions: []int32{7}})
		pe := asType[*kafka.PartitionNotFoundError](t, err)
		if pe.Partition != 7 {
			t.Errorf("error names partition %d, want 7", pe.Partition)
		}
		assertOneLine(t, err, f.topic, "7")
	})
}

// TestIntegrationFollow receives records produced after the read started.
func TestIntegrationFollow(t *testing.T) {
	e := env(t)
	admin := adminClient(t, e)
	topic := topicName(itAllowedPrefix, "follow")
	createTopic(t, admin, topic, 2, nil)
	produce(t, admin, &kgo.Record{Topic: topic, Partition: 0, Value: []byte("before")})
	cl := connect(t, plaintextConfig(e, t))

	ctx := ctxFor(t)
	s, err := cl.Read(ctx, kafka.ReadRequest{Topic: topic, From: kafka.Start{Kind: kafka.StartEnd}, Follow: true})
	if err != nil {
		t.Fatalf("Read follow: %v", err)
	}
	defer s.Close()
	for _, pr := range s.Ranges() {
		if pr.End != -1 {
			t.Errorf("follow range %+v: End should be -1", pr)
		}
	}
	// The ranges are resolved when Read returns, so these records are after the start.
	var want []string
	for i := 0; i < 6; i++ {
		v := fmt.Sprintf("live-%d", i)
		want = append(want, v)
		produce(t, admin, &kgo.Record{Topic: topic, Partition: int32(i % 2), Value: []byte(v)})
	}
	var got []string
	for len(got) < len(want) {
		select {
		case b, ok := <-s.Batches():
			if !ok {
				t.Fatalf("follow stream ended early after %v", got)
			}
			if b.Err != nil {
				t.Fatalf("follow stream failed: %v", b.Err)
			}
			for _, r := range b.Records {
				if string(r.Value) == "before" {
					t.Errorf("follow from end returned the record produced before the read")
				}
				got = append(got, string(r.Value))
			}
		case <-ctx.Done():
			t.Fatalf("follow got %v, still waiting for %v: %v", got, want, ctx.Err())
		}
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("follow got %v, want %v", got, want)
	}
	// Closing a follow ends the stream.
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	for range s.Batches() {
	}
}

// TestIntegrationLargeRecord reads a 5 MB record back byte for byte.
func TestIntegrationLargeRecord(t *testing.T) {
	e := env(t)
	admin := adminClient(t, e)
	topic := topicName(itAllowedPrefix, "large")
	createTopic(t, admin, topic, 1, map[string]string{"max.message.bytes": fmt.Sprint(6 << 20)})
	big := make([]byte, 5<<20)
	for i := range big {
		big[i] = byte(i*7 + i>>11)
	}
	produce(t, admin,
		&kgo.Record{Topic: topic, Value: []byte("small-before")},
		&kgo.Record{Topic: topic, Key: []byte("big"), Value: big},
		&kgo.Record{Topic: topic, Value: []byte("small-after")})
	cl := connect(t, plaintextConfig(e, t))
	for _, maxBytes := range []int32{0, 1 << 20} {
		t.Run(fmt.Sprintf("MaxBytes=%d", maxBytes), func(t *testing.T) {
			rs, _ := readAll(t, cl, kafka.ReadRequest{Topic: topic, MaxBytes: maxBytes})
			if len(rs) != 3 {
				t.Fatalf("got %d records, want 3", len(rs))
			}
			if string(rs[0].Value) != "small-before" || string(rs[2].Value) != "small-after" {
				t.Errorf("neighbours of the big record: %q, %q", rs[0].Value, rs[2].Value)
			}
			if !bytes.Equal(rs[1].Value, big) {
				t.Errorf("5 MB record: got %d bytes, differs from what was produced", len(rs[1].Value))
			}
			if rs[1].Size() != len(big)+3 {
				t.Errorf("Size() = %d, want %d", rs[1].Size(), len(big)+3)
			}
		})
	}
}

// TestIntegrationLogAppendTime reports broker-set timestamps as log_append.
func TestIntegrationLogAppendTime(t *testing.T) {
	e := env(t)
	admin := adminClient(t, e)
	topic := topicName(itAllowedPrefix, "log-append-time")
	createTopic(t, admin, topic, 1, map[string]string{"message.timestamp.type": "LogAppendTime"})
	before := time.Now().Add(-time.Minute)
	produce(t, admin, &kgo.Record{Topic: topic, Value: []byte("x"), Timestamp: time.Unix(1, 0)})
	rs, _ := readAll(t, connect(t, plaintextConfig(e, t)), kafka.ReadRequest{Topic: topic})
	if len(rs) != 1 {
		t.Fatalf("got %d records, want 1", len(rs))
	}
	if rs[0].Key != nil {
		t.Errorf("null key read as %q, want nil", rs[0].Key)
	}
	if rs[0].TimestampType != kafka.TimestampLogAppend || rs[0].Timestamp.Before(before) {
		t.Errorf("timestamp %v type %q, want the broker's append time (after %v), log_append", rs[0].Timestamp, rs[0].TimestampType, before)
	}
}

// TestIntegrationCompactedTombstones shows tombstones as nil values, distinct from empty ones.
func TestIntegrationCompactedTombstones(t *testing.T) {
	e := env(t)
	admin := adminClient(t, e)
	topic := topicName(itAllowedPrefix, "compacted")
	createTopic(t, admin, topic, 1, map[string]string{"cleanup.policy": "compact"})
	produce(t, admin,
		&kgo.Record{Topic: topic, Key: []byte("a"), Value: []byte("a1")},
		&kgo.Record{Topic: topic, Key: []byte("b"), Value: []byte("b1")},
		&kgo.Record{Topic: topic, Key: []byte("a"), Value: []byte("a2")},
		&kgo.Record{Topic: topic, Key: []byte("b"), Value: nil},
		&kgo.Record{Topic: topic, Key: []byte("c"), Value: []byte{}},
	)
	cl := connect(t, plaintextConfig(e, t))
	info, err := cl.Topic(ctxFor(t), topic)
	if err != nil {
		t.Fatalf("Topic: %v", err)
	}
	if info.CleanupPolicy != "compact" {
		t.Errorf("CleanupPolicy %q, want compact", info.CleanupPolicy)
	}
	rs, _ := readAll(t, cl, kafka.ReadRequest{Topic: topic})
	// Compaction may or may not have run; the newest value per key is always there.
	last := map[string]kafka.Record{}
	for _, r := range rs {
		last[string(r.Key)] = r
	}
	if r := last["a"]; string(r.Value) != "a2" {
		t.Errorf("key a: latest value %q, want a2", r.Value)
	}
	if r, ok := last["b"]; !ok || r.Value != nil {
		t.Errorf("key b: want a tombstone (nil value), got present=%v value=%q (nil=%v)", ok, r.Value, r.Value == nil)
	}
	if r, ok := last["c"]; !ok || r.Value == nil || len(r.Value) != 0 {
		t.Errorf("key c: want an empty, non-nil value, got present=%v value=%q (nil=%v)", ok, r.Value, r.Value == nil)
	}
}

// waitStable waits until partition 0's last stable offset reaches its high watermark: every
// transaction on it has its marker written.
func waitStable(t *testing.T, admin *kgo.Client, topic string) {
	t.Helper()
	ctx := ctxFor(t)
	end := func(isolation int8) int64 {
		req := kmsg.NewPtrListOffsetsRequest()
		req.IsolationLevel = isolation
		rt := kmsg.NewListOffsetsRequestTopic()
		rt.Topic = topic
		rp := kmsg.NewListOffsetsRequestTopicPartition()
		rp.Timestamp = -1
		rt.Partitions = append(rt.Partitions, rp)
		req.Topics = append(req.Topics, rt)
		resp, err := req.RequestWith(ctx, admin)
		if err != nil || len(resp.Topics) != 1 || len(resp.Topics[0].Partitions) != 1 || resp.Topics[0].Partitions[0].ErrorCode != 0 {
			return -1
		}
		return resp.Topics[0].Partitions[0].Offset
	}
	for {
		if lso, hw := end(1), end(0); lso >= 0 && lso == hw {
			return
		}
		if ctx.Err() != nil {
			t.Fatalf("%s: transaction markers never written: %v", topic, ctx.Err())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestIntegrationTransactions never shows aborted records, and a read to the end finishes
// even when the log ends in transaction markers or an open transaction.
func TestIntegrationTransactions(t *testing.T) {
	e := env(t)
	admin := adminClient(t, e)
	topic := topicName(itAllowedPrefix, "txn")
	createTopic(t, admin, topic, 1, nil)
	txn := adminClient(t, e, kgo.TransactionalID(uniq("kpeek-it-txn")), kgo.DefaultProduceTopic(topic))
	ctx := ctxFor(t)
	inTxn := func(commit kgo.TransactionEndTry, values ...string) {
		t.Helper()
		if err := txn.BeginTransaction(); err != nil {
			t.Fatalf("begin transaction: %v", err)
		}
		for _, v := range values {
			if err := txn.ProduceSync(ctx, &kgo.Record{Value: []byte(v)}).FirstErr(); err != nil {
				t.Fatalf("produce in transaction: %v", err)
			}
		}
		if err := txn.EndTransaction(ctx, commit); err != nil {
			t.Fatalf("end transaction: %v", err)
		}
	}
	inTxn(kgo.TryCommit, "committed-1", "committed-2")
	inTxn(kgo.TryAbort, "ABORTED-1", "ABORTED-2", "ABORTED-3")
	inTxn(kgo.TryCommit, "committed-3")
	// EndTransaction returns before the coordinator has written the markers into the partition;
	// until then the last stable offset is below committed-3 and a read rightly stops there.
	waitStable(t, admin, topic)
	cl := connect(t, plaintextConfig(e, t))

	values := func(rs []kafka.Record) []string {
		var out []string
		for _, r := range rs {
			out = append(out, string(r.Value))
		}
		return out
	}
	want := []string{"committed-1", "committed-2", "committed-3"}
	t.Run("aborted records are not shown", func(t *testing.T) {
		// The log now ends in a commit marker: the read must still end.
		rs, _ := readAll(t, cl, kafka.ReadRequest{Topic: topic})
		if got := values(rs); !slices.Equal(got, want) {
			t.Errorf("read %q, want only committed %q", got, want)
		}
	})
	t.Run("last N counts committed records", func(t *testing.T) {
		rs, _ := readAll(t, cl, kafka.ReadRequest{Topic: topic, From: kafka.Start{Kind: kafka.StartLast, N: 2}})
		for _, v := range values(rs) {
			if v != "committed-3" && v != "committed-2" && v != "committed-1" {
				t.Errorf("last 2 returned %q, which is not committed data", v)
			}
		}
	})
	t.Run("open transaction", func(t *testing.T) {
		if err := txn.BeginTransaction(); err != nil {
			t.Fatalf("begin: %v", err)
		}
		if err := txn.ProduceSync(ctx, &kgo.Record{Value: []byte("PENDING")}).FirstErr(); err != nil {
			t.Fatalf("produce: %v", err)
		}
		defer func() {
			if err := txn.EndTransaction(context.Background(), kgo.TryAbort); err != nil {
				t.Errorf("abort: %v", err)
			}
			waitStable(t, admin, topic)
		}()
		rs, _ := readAll(t, cl, kafka.ReadRequest{Topic: topic})
		if got := values(rs); !slices.Equal(got, want) {
			t.Errorf("with a transaction open, read %q, want %q", got, want)
		}
	})
	t.Run("log ends in an aborted transaction", func(t *testing.T) {
		// The open transaction above was aborted: the partition now ends with an aborted
		// record and its abort marker, so no record at or after the end offset ever arrives.
		rs, _ := readAll(t, cl, kafka.ReadRequest{Topic: topic})
		if got := values(rs); !slices.Equal(got, want) {
			t.Errorf("read %q, want %q", got, want)
		}
		rs, _ = readAll(t, cl, kafka.ReadRequest{Topic: topic, From: kafka.Start{Kind: kafka.StartLast, N: 3}})
		if got := values(rs); slices.ContainsFunc(got, func(v string) bool { return !strings.HasPrefix(v, "committed-") }) {
			t.Errorf("last 3 returned %q, which is not committed data", got)
		}
	})
}
