//go:build integration

package kafka_test

import (
	"crypto/rand"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/kpeek/kpeek/kafka"
	"github.com/twmb/franz-go/pkg/kgo"
)

// TestIntegrationTimeOrder reads partitions whose timestamps interleave: the default
// bounded read merges them by timestamp and loses nothing, and -n 5 is the same five
// records every time.
func TestIntegrationTimeOrder(t *testing.T) {
	e := env(t)
	admin := adminClient(t, e)
	topic := topicName(itAllowedPrefix, "timeorder")
	createTopic(t, admin, topic, 4, nil)
	base := time.Now().Add(-3 * time.Hour).Truncate(time.Millisecond)
	var rs []*kgo.Record
	for p := range int32(4) {
		ts := base.Add(time.Duration(p) * 700 * time.Millisecond)
		for i := range 60 {
			ts = ts.Add(time.Duration(1+(i*int(p+2))%5) * time.Second)
			rs = append(rs, &kgo.Record{Topic: topic, Partition: p, Timestamp: ts, Value: fmt.Appendf(nil, "p%d-%d", p, i)})
		}
	}
	produce(t, admin, rs...)
	cl := connect(t, plaintextConfig(e, t))

	merged, _ := readAll(t, cl, kafka.ReadRequest{Topic: topic})
	if len(merged) != len(rs) {
		t.Fatalf("merged read has %d records, want %d", len(merged), len(rs))
	}
	for i := 1; i < len(merged); i++ {
		if kafka.TimeOrderLess(&merged[i], &merged[i-1]) {
			t.Fatalf("record %d (%s at %v) before %s at %v", i, merged[i].Value, merged[i].Timestamp,
				merged[i-1].Value, merged[i-1].Timestamp)
		}
	}
	part, _ := readAll(t, cl, kafka.ReadRequest{Topic: topic, Order: kafka.OrderPartition})
	if len(part) != len(rs) {
		t.Errorf("partition-order read has %d records, want %d", len(part), len(rs))
	}
	var first5 []string
	for _, r := range merged[:5] {
		first5 = append(first5, string(r.Value))
	}
	for range 3 {
		got, _ := readAll(t, cl, kafka.ReadRequest{Topic: topic, Max: 5})
		var vals []string
		for _, r := range got {
			vals = append(vals, string(r.Value))
		}
		if !slices.Equal(vals, first5) {
			t.Fatalf("-n 5 = %v, want %v", vals, first5)
		}
	}
}

// TestIntegrationTopicRetentionAndConfigs checks the oldest record, log size and expiry
// against a real broker (which answers partial batches and DescribeLogDirs), and the full
// config listing with sources.
func TestIntegrationTopicRetentionAndConfigs(t *testing.T) {
	e := env(t)
	admin := adminClient(t, e)
	topic := topicName(itAllowedPrefix, "retention")
	createTopic(t, admin, topic, 3, map[string]string{"retention.ms": "86400000"})
	old := time.Now().Add(-20 * time.Hour).Truncate(time.Millisecond)
	var rs []*kgo.Record
	for p := range int32(3) {
		v := make([]byte, 32<<10) // first batches larger than the probe asks for
		_, _ = rand.Read(v)
		rs = append(rs, &kgo.Record{Topic: topic, Partition: p, Timestamp: old.Add(time.Duration(p) * time.Hour), Value: v})
	}
	produce(t, admin, rs...)
	cl := connect(t, plaintextConfig(e, t))
	info, err := cl.Topic(ctxFor(t), topic)
	if err != nil {
		t.Fatal(err)
	}
	if !info.OldestTimestamp.Equal(old) {
		t.Errorf("oldest = %v, want %v", info.OldestTimestamp, old)
	}
	if want := old.Add(24 * time.Hour); !info.ExpiresAt.Equal(want) || info.ExpiresBy != kafka.ExpiryByTime {
		t.Errorf("expires %v by %q, want %v by retention.ms", info.ExpiresAt, info.ExpiresBy, want)
	}
	if !info.ExpiresWithin(time.Now(), 24*time.Hour) {
		t.Error("not marked as expiring within 24 h")
	}
	if info.LogBytes < 3*(32<<10) {
		t.Errorf("log bytes = %d, want at least the 96 KiB written", info.LogBytes)
	}

	cfgs, err := cl.TopicConfigs(ctxFor(t), topic)
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]kafka.ConfigEntry{}
	for _, c := range cfgs {
		by[c.Name] = c
	}
	if r := by["retention.ms"]; r.Value == nil || *r.Value != "86400000" || r.Source != "topic" || r.Default {
		t.Errorf("retention.ms = %+v", r)
	}
	if s := by["segment.bytes"]; s.Value == nil || s.Source == "topic" {
		t.Errorf("segment.bytes = %+v, want a default", s)
	}

	// The restricted user may not describe configs: the listing says so, the rest stays.
	reader := connect(t, readerConfig(e, t))
	_, err = reader.TopicConfigs(ctxFor(t), topic)
	assertOneLine(t, err, "not authorized")
}
