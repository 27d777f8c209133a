package kafka

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"go.uber.org/goleak"
)

// base is the timestamp of record 0 in every seeded partition; record i is base+i seconds.
var base = time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)

func TestReadRanges(t *testing.T) {
	c := newCluster(t, kfake.SeedTopics(2, "orders"), kfake.SeedTopics(2, "sparse"))
	pc := producer(t, c)
	produce(t, pc, "orders", []int32{0, 1}, 10, base)
	produce(t, pc, "sparse", []int32{1}, 3, base) // partition 0 stays empty
	kc := connectTo(t, c)

	tests := []struct {
		name string
		req  ReadRequest
		want []string // values, per partition in order; partitions are compared separately
	}{
		{"all from beginning", ReadRequest{Topic: "orders"},
			seq(0, 0, 10, 1, 0, 10)},
		{"last 3 per partition", ReadRequest{Topic: "orders", From: Start{Kind: StartLast, N: 3}},
			seq(0, 7, 10, 1, 7, 10)},
		{"last N larger than the log", ReadRequest{Topic: "orders", Partitions: []int32{0}, From: Start{Kind: StartLast, N: 50}},
			seq(0, 0, 10, 1, 0, 0)},
		{"from offset to offset inclusive", ReadRequest{Topic: "orders", Partitions: []int32{1},
			From: Start{Kind: StartOffset, Offset: 4}, To: Stop{Kind: StopOffset, Offset: 6}},
			seq(1, 4, 7, 0, 0, 0)},
		{"offset past the end is clamped", ReadRequest{Topic: "orders", Partitions: []int32{0},
			From: Start{Kind: StartOffset, Offset: 999}}, nil},
		{"from time", ReadRequest{Topic: "orders", Partitions: []int32{0},
			From: Start{Kind: StartTime, Time: base.Add(8 * time.Second)}},
			seq(0, 8, 10, 0, 0, 0)},
		{"to time keeps records at that time", ReadRequest{Topic: "orders", Partitions: []int32{0},
			To: Stop{Kind: StopTime, Time: base.Add(2 * time.Second)}},
			seq(0, 0, 3, 0, 0, 0)},
		{"time window", ReadRequest{Topic: "orders", Partitions: []int32{1},
			From: Start{Kind: StartTime, Time: base.Add(5*time.Second - time.Millisecond)},
			To:   Stop{Kind: StopTime, Time: base.Add(6 * time.Second)}},
			seq(1, 5, 7, 0, 0, 0)},
		{"from a time after every record", ReadRequest{Topic: "orders",
			From: Start{Kind: StartTime, Time: base.Add(time.Hour)}}, nil},
		{"from end", ReadRequest{Topic: "orders", From: Start{Kind: StartEnd}}, nil},
		{"empty partition ends at once", ReadRequest{Topic: "sparse"},
			seq(1, 0, 3, 0, 0, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := kc.Read(testCtx(t), tt.req)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			got := readAll(t, s)
			if !perPartitionOrdered(got) {
				t.Errorf("records out of order within a partition: %v", values(got))
			}
			g, w := sortedCopy(values(got)), sortedCopy(tt.want)
			if !slices.Equal(g, w) {
				t.Errorf("got %v, want %v", g, w)
			}
		})
	}
}

// seq lists the values "p<P>-<i>" for i in [from, to) of partition a, then of partition b.
func seq(a, afrom, ato, b, bfrom, bto int) []string {
	var out []string
	for i := afrom; i < ato; i++ {
		out = append(out, fmt.Sprintf("p%d-%d", a, i))
	}
	for i := bfrom; i < bto; i++ {
		out = append(out, fmt.Sprintf("p%d-%d", b, i))
	}
	return out
}

func sortedCopy(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

func perPartitionOrdered(recs []Record) bool {
	last := map[int32]int64{}
	for _, r := range recs {
		if o, ok := last[r.Partition]; ok && r.Offset <= o {
			return false
		}
		last[r.Partition] = r.Offset
	}
	return true
}

func TestReadRecordFields(t *testing.T) {
	c := newCluster(t, kfake.SeedTopics(1, "t"))
	produce(t, producer(t, c), "t", []int32{0}, 1, base)
	s, err := connectTo(t, c).Read(testCtx(t), ReadRequest{Topic: "t"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got := readAll(t, s)
	if len(got) != 1 {
		t.Fatalf("got %d records, want 1", len(got))
	}
	r := got[0]
	if r.TimestampType != TimestampCreate {
		t.Errorf("timestamp type = %q, want create", r.TimestampType)
	}
	if r.Topic != "t" || r.Partition != 0 || r.Offset != 0 || string(r.Key) != "k0" || string(r.Value) != "p0-0" ||
		!r.Timestamp.Equal(base) || len(r.Headers) != 1 || r.Headers[0].Key != "h" || string(r.Headers[0].Value) != "v" {
		t.Errorf("record = %+v", r)
	}
	rs := s.Ranges()
	if len(rs) != 1 || rs[0] != (PartitionRange{Partition: 0, Start: 0, End: 1, Earliest: 0, Latest: 1}) {
		t.Errorf("ranges = %+v", rs)
	}
}

func TestReadLogAppendTime(t *testing.T) {
	c := newCluster(t, kfake.SeedTopics(1, "stamped"))
	setTopicConfig(t, c, "stamped", "message.timestamp.type", "LogAppendTime")
	produce(t, producer(t, c), "stamped", []int32{0}, 2, base)
	s, err := connectTo(t, c).Read(testCtx(t), ReadRequest{Topic: "stamped"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, r := range readAll(t, s) {
		if r.TimestampType != TimestampLogAppend {
			t.Errorf("offset %d: timestamp type %q, want log_append", r.Offset, r.TimestampType)
		}
	}
}

func TestReadMaxAndBatches(t *testing.T) {
	c := newCluster(t, kfake.SeedTopics(3, "t"))
	produce(t, producer(t, c), "t", []int32{0, 1, 2}, 100, base)
	kc := connectTo(t, c)
	s, err := kc.Read(testCtx(t), ReadRequest{Topic: "t", Max: 25, BatchSize: 10})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	n := 0
	for b := range s.Batches() {
		if b.Err != nil {
			t.Fatal(b.Err)
		}
		if len(b.Records) > 10 {
			t.Errorf("batch of %d records, want at most 10", len(b.Records))
		}
		n += len(b.Records)
	}
	if n != 25 {
		t.Errorf("read %d records, want Max 25", n)
	}
}

func TestReadUnknownTopicAndPartition(t *testing.T) {
	c := newCluster(t, kfake.SeedTopics(2, "t"))
	kc := connectTo(t, c)
	_, err := kc.Read(testCtx(t), ReadRequest{Topic: "missing"})
	var nf *TopicNotFoundError
	if !errors.As(err, &nf) || !strings.Contains(err.Error(), `"missing"`) {
		t.Errorf("missing topic: err = %v, want *TopicNotFoundError", err)
	}
	_, err = kc.Read(testCtx(t), ReadRequest{Topic: "t", Partitions: []int32{0, 7}})
	var pe *PartitionNotFoundError
	if !errors.As(err, &pe) || pe.Partition != 7 {
		t.Errorf("partition 7: err = %v, want *PartitionNotFoundError for 7", err)
	}
}

func TestReadFollowAndCancel(t *testing.T) {
	c := newCluster(t, kfake.SeedTopics(2, "live"))
	pc := producer(t, c)
	produce(t, pc, "live", []int32{0}, 2, base)
	ignore := goleak.IgnoreCurrent()
	kc := connectTo(t, c)

	ctx, cancel := context.WithCancel(testCtx(t))
	s, err := kc.Read(ctx, ReadRequest{Topic: "live", From: Start{Kind: StartEnd}, Follow: true})
	if err != nil {
		t.Fatal(err)
	}
	if r := s.Ranges(); r[0].End != -1 || r[0].Start != 2 {
		t.Errorf("follow ranges = %+v, want start 2, end -1", r)
	}
	// Records produced after the read started must arrive.
	produced := make(chan error, 1)
	go func() {
		var recs []*kgo.Record
		for _, p := range []int32{0, 1} {
			for i := range 3 {
				if p == 0 && i < 2 {
					continue // already there before the read started
				}
				recs = append(recs, &kgo.Record{Topic: "live", Partition: p, Value: []byte(fmt.Sprintf("p%d-%d", p, i))})
			}
		}
		produced <- pc.ProduceSync(ctx, recs...).FirstErr()
	}()
	var got []Record
	for len(got) < 4 {
		b, ok := <-s.Batches()
		if !ok || b.Err != nil {
			t.Fatalf("stream ended early: ok=%v err=%v", ok, b.Err)
		}
		got = append(got, b.Records...)
	}
	if err := <-produced; err != nil {
		t.Fatal(err)
	}
	if want := seq(0, 2, 3, 1, 0, 3); !slices.Equal(sortedCopy(values(got)), sortedCopy(want)) {
		t.Errorf("followed %v, want %v", values(got), want)
	}
	cancel()
	for range s.Batches() {
	}
	s.Close()
	kc.Close()
	pc.Close()
	goleak.VerifyNone(t, append(leakOptions(), ignore)...)
}

func TestReadCloseWithoutDraining(t *testing.T) {
	c := newCluster(t, kfake.SeedTopics(1, "t"))
	pc := producer(t, c)
	produce(t, pc, "t", []int32{0}, 2000, base)
	pc.Close()
	ignore := goleak.IgnoreCurrent()
	kc := connectTo(t, c)
	s, err := kc.Read(testCtx(t), ReadRequest{Topic: "t", BatchSize: 10})
	if err != nil {
		t.Fatal(err)
	}
	<-s.Batches()
	s.Close() // must return although nobody reads the rest
	if _, ok := <-s.Batches(); ok {
		// A batch may have been in flight; the channel must be closed right after.
		if _, ok := <-s.Batches(); ok {
			t.Error("Batches still open after Close")
		}
	}
	kc.Close()
	goleak.VerifyNone(t, append(leakOptions(), ignore)...)
}

func TestReadLargeRecord(t *testing.T) {
	c := newCluster(t, kfake.SeedTopics(1, "big"), kfake.BrokerConfigs(map[string]string{"message.max.bytes": "20000000"}))
	big := bytes.Repeat([]byte("x"), 5<<20)
	pc := producer(t, c, kgo.ProducerBatchMaxBytes(16<<20), kgo.ProducerBatchCompression(kgo.NoCompression()))
	if err := pc.ProduceSync(testCtx(t), &kgo.Record{Topic: "big", Value: []byte("small")},
		&kgo.Record{Topic: "big", Value: big}, &kgo.Record{Topic: "big", Value: []byte("after")}).FirstErr(); err != nil {
		t.Fatal(err)
	}
	s, err := connectTo(t, c).Read(testCtx(t), ReadRequest{Topic: "big", MaxBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got := readAll(t, s)
	if len(got) != 3 || len(got[1].Value) != 5<<20 || string(got[2].Value) != "after" {
		t.Fatalf("got %d records (sizes %v), want small, 5 MB, after", len(got), sizes(got))
	}
}

func sizes(recs []Record) []int {
	out := make([]int, len(recs))
	for i, r := range recs {
		out[i] = len(r.Value)
	}
	return out
}

func TestReadSkipsAbortedAndEndsAfterMarkers(t *testing.T) {
	c := newCluster(t, kfake.SeedTopics(1, "tx"))
	txn := producer(t, c, kgo.TransactionalID("kpeek-test"))
	ctx := testCtx(t)
	write := func(v string, commit bool) {
		if err := txn.BeginTransaction(); err != nil {
			t.Fatal(err)
		}
		if err := txn.ProduceSync(ctx, &kgo.Record{Topic: "tx", Value: []byte(v)}).FirstErr(); err != nil {
			t.Fatal(err)
		}
		if err := txn.EndTransaction(ctx, kgo.TransactionEndTry(commit)); err != nil {
			t.Fatal(err)
		}
	}
	write("committed-1", true)
	write("aborted", false)
	write("committed-2", true)

	s, err := connectTo(t, c).Read(ctx, ReadRequest{Topic: "tx"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// The log ends with a commit marker the consumer never sees: the read must still end.
	got := values(readAll(t, s))
	if !slices.Equal(got, []string{"committed-1", "committed-2"}) {
		t.Errorf("got %v, want only the committed records", got)
	}
}

// TestReadEndsAfterFinalAbortedTransaction: the log ends in an aborted transaction that
// follows a commit marker of the same producer; the read must end, not wait for it.
func TestReadEndsAfterFinalAbortedTransaction(t *testing.T) {
	c := newCluster(t, kfake.SeedTopics(1, "tx"))
	txn := producer(t, c, kgo.TransactionalID("kpeek-test-final-abort"))
	ctx := testCtx(t)
	write := func(commit bool, vs ...string) {
		if err := txn.BeginTransaction(); err != nil {
			t.Fatal(err)
		}
		for _, v := range vs {
			if err := txn.ProduceSync(ctx, &kgo.Record{Topic: "tx", Value: []byte(v)}).FirstErr(); err != nil {
				t.Fatal(err)
			}
		}
		if err := txn.EndTransaction(ctx, kgo.TransactionEndTry(commit)); err != nil {
			t.Fatal(err)
		}
	}
	write(true, "committed-1", "committed-2")
	write(false, "aborted-1", "aborted-2")
	write(true, "committed-3")
	write(false, "aborted-3")

	s, err := connectTo(t, c).Read(ctx, ReadRequest{Topic: "tx"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got := values(readAll(t, s))
	if !slices.Equal(got, []string{"committed-1", "committed-2", "committed-3"}) {
		t.Errorf("got %v, want only the committed records", got)
	}
}

func TestReadCompactedTopicEnds(t *testing.T) {
	c := newCluster(t, kfake.SeedTopics(1, "compacted"))
	pc := producer(t, c)
	var recs []*kgo.Record
	for i := range 20 {
		recs = append(recs, &kgo.Record{Topic: "compacted", Key: []byte(fmt.Sprintf("k%d", i%3)), Value: []byte(fmt.Sprint(i))})
	}
	if err := pc.ProduceSync(testCtx(t), recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
	setTopicConfig(t, c, "compacted", "cleanup.policy", "compact")
	c.Compact()
	s, err := connectTo(t, c).Read(testCtx(t), ReadRequest{Topic: "compacted"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got := readAll(t, s)
	if len(got) == 0 || len(got) > 20 || got[len(got)-1].Value == nil {
		t.Fatalf("got %v", values(got))
	}
	if string(got[len(got)-1].Value) != "19" {
		t.Errorf("last record %q, want 19 (the newest survives compaction)", got[len(got)-1].Value)
	}
}

// TestReadRecordsDeletedMidRead: retention removes what the reader was about to fetch and the
// broker answers OFFSET_OUT_OF_RANGE (kfake keeps whole segments, so the test makes the
// broker say it); the stream must end with an error naming the partition, not hang.
func TestReadRecordsDeletedMidRead(t *testing.T) {
	c := newCluster(t, kfake.SeedTopics(1, "shrinking"))
	produce(t, producer(t, c), "shrinking", []int32{0}, 10, base)
	c.ControlKey(kmsg.Fetch.Int16(), func(req kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		return fetchAnswer(req, func(_ *kmsg.FetchRequestTopicPartition, sp *kmsg.FetchResponseTopicPartition) {
			sp.ErrorCode = kerr.OffsetOutOfRange.Code
			sp.HighWatermark, sp.LastStableOffset, sp.LogStartOffset = -1, -1, -1
		}), nil, true
	})
	s, err := connectTo(t, c).Read(testCtx(t), ReadRequest{Topic: "shrinking"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var last error
	for b := range s.Batches() {
		if b.Err != nil {
			last = b.Err
		}
	}
	t.Logf("stream error: %v", last)
	if last == nil || !strings.Contains(last.Error(), `topic "shrinking" partition 0`) || !strings.Contains(last.Error(), "deleted") {
		t.Errorf("stream ended with %v, want an error naming the partition and the deletion", last)
	}
}

func TestHasReadable(t *testing.T) {
	batch := func(first int64, n int, pid int64, txn, control bool) *sarama.Records {
		rb := &sarama.RecordBatch{FirstOffset: first, ProducerID: pid, IsTransactional: txn, Control: control}
		for i := range n {
			rb.Records = append(rb.Records, &sarama.Record{OffsetDelta: int64(i)})
		}
		return &sarama.Records{RecordBatch: rb}
	}
	// marker is a control batch whose key says COMMIT or ABORT (version 0, then the type).
	marker := func(at, pid int64, commit bool) *sarama.Records {
		typ := byte(0)
		if commit {
			typ = 1
		}
		rb := &sarama.RecordBatch{FirstOffset: at, ProducerID: pid, IsTransactional: true, Control: true,
			Records: []*sarama.Record{{Key: []byte{0, 0, 0, typ}}}}
		return &sarama.Records{RecordBatch: rb}
	}
	tests := []struct {
		name      string
		sets      []*sarama.Records
		aborted   []*sarama.AbortedTransaction
		from, end int64
		want      bool
	}{
		{"records in range", []*sarama.Records{batch(5, 3, -1, false, false)}, nil, 6, 10, true},
		{"records before from only", []*sarama.Records{batch(0, 3, -1, false, false)}, nil, 3, 10, false},
		{"records at end or later", []*sarama.Records{batch(10, 3, -1, false, false)}, nil, 3, 10, false},
		{"only a commit marker", []*sarama.Records{batch(9, 1, 7, true, true)}, nil, 9, 10, false},
		{"aborted transaction then its marker", []*sarama.Records{batch(5, 3, 7, true, false), batch(8, 1, 7, true, true)},
			[]*sarama.AbortedTransaction{{ProducerID: 7, FirstOffset: 5}}, 5, 9, false},
		{"committed after an aborted one", []*sarama.Records{batch(5, 2, 7, true, false), batch(7, 1, 7, true, true), batch(8, 1, 7, true, false)},
			[]*sarama.AbortedTransaction{{ProducerID: 7, FirstOffset: 5}}, 5, 10, true},
		{"aborted after a commit marker", []*sarama.Records{batch(5, 2, 7, true, false), marker(7, 7, false), batch(8, 2, 7, true, false), marker(10, 7, true), batch(11, 1, 7, true, false), marker(12, 7, false)},
			[]*sarama.AbortedTransaction{{ProducerID: 7, FirstOffset: 5}, {ProducerID: 7, FirstOffset: 11}}, 10, 12, false},
		{"committed between aborted ones", []*sarama.Records{batch(5, 2, 7, true, false), marker(7, 7, false), batch(8, 2, 7, true, false), marker(10, 7, true), batch(11, 1, 7, true, false), marker(12, 7, false)},
			[]*sarama.AbortedTransaction{{ProducerID: 7, FirstOffset: 11}, {ProducerID: 7, FirstOffset: 5}}, 5, 12, true},
		{"other producer's commit does not end an abort", []*sarama.Records{batch(5, 2, 7, true, false), marker(7, 8, true), batch(8, 1, 7, true, false), marker(9, 7, false)},
			[]*sarama.AbortedTransaction{{ProducerID: 7, FirstOffset: 5}}, 5, 10, false},
		{"empty answer", nil, nil, 0, 10, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			blk := &sarama.FetchResponseBlock{RecordsSet: tt.sets, AbortedTransactions: tt.aborted}
			if got := hasReadable(blk, tt.from, tt.end); got != tt.want {
				t.Errorf("hasReadable = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestReadRetriesNotLeaderOnListOffsets: the first ListOffsets answers NOT_LEADER for every
// partition, as after a leader election; the read retries and still reads everything.
func TestReadRetriesNotLeaderOnListOffsets(t *testing.T) {
	c := newCluster(t, kfake.SeedTopics(2, "moving"))
	produce(t, producer(t, c), "moving", []int32{0, 1}, 3, base)
	c.ControlKey(kmsg.ListOffsets.Int16(), func(req kmsg.Request) (kmsg.Response, error, bool) {
		lreq := req.(*kmsg.ListOffsetsRequest)
		resp := lreq.ResponseKind().(*kmsg.ListOffsetsResponse)
		resp.Version = lreq.Version
		for _, rt := range lreq.Topics {
			st := kmsg.NewListOffsetsResponseTopic()
			st.Topic = rt.Topic
			for _, rp := range rt.Partitions {
				sp := kmsg.NewListOffsetsResponseTopicPartition()
				sp.Partition, sp.ErrorCode = rp.Partition, kerr.NotLeaderForPartition.Code
				st.Partitions = append(st.Partitions, sp)
			}
			resp.Topics = append(resp.Topics, st)
		}
		return resp, nil, true
	})
	s, err := connectTo(t, c).Read(testCtx(t), ReadRequest{Topic: "moving"})
	if err != nil {
		t.Fatalf("read after one NOT_LEADER answer: %v", err)
	}
	defer s.Close()
	if got := readAll(t, s); len(got) != 6 {
		t.Errorf("got %d records, want 6", len(got))
	}
}
