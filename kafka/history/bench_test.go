package history

import (
	"fmt"
	"testing"
	"time"

	"github.com/kpeek/kpeek/kafka"
)

// BenchmarkDecode decodes a mix of what a busy __consumer_offsets holds: mostly commits, some
// group metadata. Reports records per second.
func BenchmarkDecode(b *testing.B) {
	type kv struct{ k, v []byte }
	var recs []kv
	for i := range 90 {
		k, v := EncodeOffsetCommit("erp-sync", "erp.purchasing.orders", int32(i%3), OffsetCommit{Offset: int64(i), CommitTime: t0})
		recs = append(recs, kv{k, v})
	}
	members := make([]Member, 10)
	for i := range members {
		members[i] = Member{ID: fmt.Sprintf("m-%d", i), ClientID: "consumer-erp-sync-1", ClientHost: "/10.0.0.1",
			Topics: []string{"a", "b"}, Assigned: []kafka.TopicPartition{{Topic: "a", Partition: int32(i)}}}
	}
	k, v := EncodeGroupMetadata("erp-sync", &ClassicGroup{ProtocolType: "consumer", Generation: 3, Members: members})
	for range 10 {
		recs = append(recs, kv{k, v})
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		r := recs[i%len(recs)]
		if _, err := Decode(r.k, r.v); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkBuild builds a day of commits of 50 groups on 10 partitions each, every minute.
func BenchmarkBuild(b *testing.B) {
	var recs []Record
	for g := range 50 {
		for m := range 24 * 60 / 10 {
			at := t0.Add(time.Duration(m) * time.Minute)
			for p := range 10 {
				recs = append(recs, Record{Entry: Entry{Kind: KindOffsetCommit, Group: fmt.Sprint("g", g), Topic: "t",
					Partition: int32(p), Commit: &OffsetCommit{Offset: int64(m * 10), CommitTime: at}}, LogOffset: int64(len(recs)), Time: at})
			}
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		Build(recs, Query{From: t0.Add(6 * time.Hour), To: t0.Add(7 * time.Hour)})
	}
	b.ReportMetric(float64(len(recs)), "records/op")
}
