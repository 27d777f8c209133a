package kafka_test

import (
	"log/slog"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kpeek/kpeek/config"
	"github.com/kpeek/kpeek/kafka"
	"github.com/kpeek/kpeek/kafka/demo"
)

// BenchmarkFirstBatch is the time from Read to the first batch of records on a Client that
// is already connected, what the explorer pays each time it opens a topic or widens a
// window: on kfake (3 partitions of 100 small records, the last 100) and on the demo
// (auth.logins, the last 100 per partition).
func BenchmarkFirstBatch(b *testing.B) {
	ctx := b.Context()
	b.Run("kfake", func(b *testing.B) {
		c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(3, "first"))
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		pc, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.RecordPartitioner(kgo.ManualPartitioner()))
		if err != nil {
			b.Fatal(err)
		}
		for p := range int32(3) {
			for i := range 100 {
				pc.Produce(ctx, &kgo.Record{Topic: "first", Partition: p, Value: []byte{byte(i)}}, nil)
			}
		}
		if err := pc.Flush(ctx); err != nil {
			b.Fatal(err)
		}
		pc.Close()
		benchFirstBatch(b, config.Connection{Name: "kfake", Brokers: c.ListenAddrs()}, "first")
	})
	b.Run("demo", func(b *testing.B) {
		d, err := demo.Start(ctx, demo.WithoutLiveMember(), demo.WithLogger(slog.New(slog.DiscardHandler)))
		if err != nil {
			b.Fatal(err)
		}
		defer d.Close()
		benchFirstBatch(b, d.ClusterConfig().Connection, demo.TopicLogins)
	})
}

func benchFirstBatch(b *testing.B, conn config.Connection, topic string) {
	ctx := b.Context()
	kc, err := kafka.New(ctx, conn)
	if err != nil {
		b.Fatal(err)
	}
	defer kc.Close()
	var total time.Duration
	for b.Loop() {
		start := time.Now()
		s, err := kc.Read(ctx, kafka.ReadRequest{Topic: topic, From: kafka.Start{Kind: kafka.StartLast, N: 100},
			To: kafka.Stop{Kind: kafka.StopEnd}})
		if err != nil {
			b.Fatal(err)
		}
		first, ok := <-s.Batches()
		total += time.Since(start)
		if !ok || first.Err != nil || len(first.Records) == 0 {
			b.Fatalf("first batch: %d records, err %v", len(first.Records), first.Err)
		}
		s.Close()
	}
	b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms/first-batch")
}
