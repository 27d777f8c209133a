package kafka

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// TestReadTimeOrderWhileOnePartitionRunsAhead: both partitions share one leader, so one
// fetcher fetches them together. Partition 0's records are all later than partition 1's,
// so the merge takes only partition 1's while partition 0's pile up far past every buffer;
// the fetcher must keep fetching partition 1 rather than wait for room for partition 0.
func TestReadTimeOrderWhileOnePartitionRunsAhead(t *testing.T) {
	const n = 20000
	c := newCluster(t, kfake.SeedTopics(2, "ahead"))
	pc := producer(t, c, kgo.ProducerBatchMaxBytes(8<<10))
	base := time.UnixMilli(1_700_000_000_000)
	recs := make([]*kgo.Record, 0, 2*n)
	for i := range n {
		recs = append(recs,
			&kgo.Record{Topic: "ahead", Partition: 0, Value: []byte(fmt.Sprintf("late-%d", i)), Timestamp: base.Add(time.Hour + time.Duration(i)*time.Millisecond)},
			&kgo.Record{Topic: "ahead", Partition: 1, Value: []byte(fmt.Sprintf("early-%d", i)), Timestamp: base.Add(time.Duration(i) * time.Millisecond)})
	}
	if err := pc.ProduceSync(testCtx(t), recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
	// Small fetches: many responses per partition, far more than the buffers hold.
	s, err := connectTo(t, c).Read(testCtx(t), ReadRequest{Topic: "ahead", Order: OrderTime, MaxBytes: 16 << 10})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	earlyThenLate(t, readAll(t, s), n, func(r Record) []byte { return r.Value })
}

// earlyThenLate checks a time-ordered read of two partitions, one far ahead in time: the
// n records named early-0.. (by field), then the n named late-0...
func earlyThenLate(t *testing.T, got []Record, n int, field func(Record) []byte) {
	t.Helper()
	if len(got) != 2*n {
		t.Fatalf("read %d records, want %d", len(got), 2*n)
	}
	for i, r := range got {
		want := fmt.Sprintf("early-%d", i)
		if i >= n {
			want = fmt.Sprintf("late-%d", i-n)
		}
		if string(field(r)) != want {
			t.Fatalf("record %d is %s, want %s", i, field(r), want)
		}
	}
}

// TestReadRecordLargerThanTheReadAccepts: a broker that answers every fetch with the start
// of a batch larger than the fetch (as a record bigger than the fetch size is sent) makes
// the reader grow its fetch up to what the read accepts, then fail naming the partition,
// never hang.
func TestReadRecordLargerThanTheReadAccepts(t *testing.T) {
	c := newCluster(t, kfake.SeedTopics(1, "huge"))
	produce(t, producer(t, c), "huge", []int32{0}, 3, base)
	var (
		mu    sync.Mutex
		sizes []int32
	)
	c.ControlKey(kmsg.Fetch.Int16(), func(req kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		return fetchAnswer(req, func(rp *kmsg.FetchRequestTopicPartition, sp *kmsg.FetchResponseTopicPartition) {
			mu.Lock()
			sizes = append(sizes, rp.PartitionMaxBytes)
			mu.Unlock()
			sp.HighWatermark, sp.LastStableOffset = 3, 3
			sp.RecordBatches = truncatedBatch(rp.FetchOffset, 64<<20)
		}), nil, true
	})
	const accepts = 4 << 20
	s, err := connectTo(t, c).Read(testCtx(t), ReadRequest{Topic: "huge", MaxBytes: accepts})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var last error
	n := 0
	for b := range s.Batches() {
		n += len(b.Records)
		if b.Err != nil {
			last = b.Err
		}
	}
	if n != 0 || !errors.Is(last, sarama.ErrMessageTooLarge) || !strings.Contains(last.Error(), `topic "huge" partition 0`) {
		t.Fatalf("read %d records, stream error %v; want none and a too-large error naming the partition", n, last)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(sizes) < 2 || sizes[0] >= sizes[len(sizes)-1] || sizes[len(sizes)-1] != accepts {
		t.Errorf("partition fetch sizes %v: want growing up to %d", sizes, accepts)
	}
}

// truncatedBatch is the first bytes of a v2 record batch at offset whose length says it
// holds batchLen bytes: what a broker sends of a batch larger than the fetch.
func truncatedBatch(offset int64, batchLen int32) []byte {
	b := make([]byte, 61+16) // the batch header, then a little of its records
	binary.BigEndian.PutUint64(b[0:], uint64(offset))
	binary.BigEndian.PutUint32(b[8:], uint32(batchLen))
	b[16] = 2 // magic
	binary.BigEndian.PutUint32(b[57:], 1)
	return b
}

// TestReadRetriesWhenTheLeaderMoves: the first fetch answers NOT_LEADER_FOR_PARTITION for
// every partition (a leader election); the reader learns the leaders again and reads
// everything, each partition in offset order.
func TestReadRetriesWhenTheLeaderMoves(t *testing.T) {
	c := newCluster(t, kfake.SeedTopics(2, "moved"))
	produce(t, producer(t, c), "moved", []int32{0, 1}, 30, base)
	var refused atomic.Int64
	// Handled once: kfake drops the control function after the first fetch it answers.
	c.ControlKey(kmsg.Fetch.Int16(), func(req kmsg.Request) (kmsg.Response, error, bool) {
		return fetchAnswer(req, func(_ *kmsg.FetchRequestTopicPartition, sp *kmsg.FetchResponseTopicPartition) {
			sp.ErrorCode = kerr.NotLeaderForPartition.Code
			sp.HighWatermark, sp.LastStableOffset, sp.LogStartOffset = -1, -1, -1
			refused.Add(1)
		}), nil, true
	})
	s, err := connectTo(t, c).Read(testCtx(t), ReadRequest{Topic: "moved", Order: OrderPartition})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got := readAll(t, s)
	if refused.Load() == 0 {
		t.Fatal("no fetch was refused: the test proves nothing")
	}
	if len(got) != 60 || !perPartitionOrdered(got) {
		t.Fatalf("read %d records (per-partition ordered %v), want 60", len(got), perPartitionOrdered(got))
	}
}
