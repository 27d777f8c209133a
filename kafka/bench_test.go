package kafka

import (
	"bytes"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

// BenchmarkRead reads a 4-partition topic of 20,000 records of 200 bytes from kfake, start
// to end, as `kpeek consume` does, in partition order and merged by time; records/s and
// allocations are the figures to watch.
func BenchmarkRead(b *testing.B) {
	const perPartition = 5000
	c := newCluster(b, kfake.SeedTopics(4, "bench"))
	pc := producer(b, c)
	value := bytes.Repeat([]byte("v"), 200)
	for p := range int32(4) {
		recs := make([]*kgo.Record, perPartition)
		for i := range recs {
			recs[i] = &kgo.Record{Topic: "bench", Partition: p, Key: []byte("key"), Value: value}
		}
		if err := pc.ProduceSync(testCtx(b), recs...).FirstErr(); err != nil {
			b.Fatal(err)
		}
	}
	kc := connectTo(b, c)
	for _, order := range []Order{OrderPartition, OrderTime} {
		b.Run(order.String(), func(b *testing.B) { benchRead(b, kc, order, 4*perPartition) })
	}
}

// benchRead reads the whole bench topic in the given order, want records each time.
func benchRead(b *testing.B, kc *Client, order Order, want int) {
	ctx := testCtx(b)
	b.ReportAllocs()
	total := 0
	for b.Loop() {
		s, err := kc.Read(ctx, ReadRequest{Topic: "bench", Order: order})
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for batch := range s.Batches() {
			if batch.Err != nil {
				b.Fatal(batch.Err)
			}
			n += len(batch.Records)
		}
		s.Close()
		if n != want {
			b.Fatalf("read %d records, want %d", n, want)
		}
		total += n
	}
	b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "records/s")
}
