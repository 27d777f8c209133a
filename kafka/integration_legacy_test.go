//go:build integration

package kafka_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kpeek/kpeek/config"
	"github.com/kpeek/kpeek/kafka"
	"github.com/twmb/franz-go/pkg/kgo"
)

// legacyEnv returns the env of a ZooKeeper-era broker (up.sh 2.8.2) or skips: only such a
// broker still accepts topics kept in the pre-0.10 message format.
func legacyEnv(t *testing.T) itEnv {
	t.Helper()
	e := env(t)
	if e["KPEEK_IT_LEGACY"] != "1" {
		t.Skipf("Kafka %s keeps no pre-0.10 message format; run on 2.8.2 (KAFKA_VERSIONS=2.8.2 testdata/kafka/ci.sh)",
			e["KPEEK_IT_KAFKA_VERSION"])
	}
	return e
}

// Offsets of the legacy topic's records in partition 0: 50 plain v0 records, then one
// LZ4-compressed v0 wrapper of 10 (the broker writes its LZ4 frame with the pre-0.10 header
// checksum), then 5 more plain ones. Partition 1 holds 5 plain records: it shares partition
// 0's fetch responses, so it sees partition 0's failure too.
const (
	legacyPlain   = 50
	legacyLZ4     = 10
	legacyTrailer = 5
	legacyOther   = 5
)

// legacyTopic creates a topic in message format 0.9.0 (v0: no timestamps) and fills it.
func legacyTopic(t *testing.T, e itEnv) string {
	t.Helper()
	admin := adminClient(t, e)
	topic := topicName(itAllowedPrefix, "legacy-v0")
	createTopic(t, admin, topic, 2, map[string]string{"message.format.version": "0.9.0"})
	// Idempotent writes need format v2; the broker converts these batches down to v0.
	plain := adminClient(t, e, kgo.DisableIdempotentWrite(), kgo.ProducerBatchCompression(kgo.NoCompression()))
	lz4 := adminClient(t, e, kgo.DisableIdempotentWrite(), kgo.ProducerBatchCompression(kgo.Lz4Compression()))
	batch := func(n, from int) []*kgo.Record {
		rs := make([]*kgo.Record, n)
		for i := range rs {
			rs[i] = &kgo.Record{Topic: topic, Partition: int32(from / (legacyPlain + legacyLZ4 + legacyTrailer)), Key: []byte(fmt.Sprintf("k%d", from+i)),
				Value: []byte(fmt.Sprintf(`{"n":%d}`, from+i))}
		}
		return rs
	}
	produce(t, plain, batch(legacyPlain, 0)...)
	produce(t, lz4, batch(legacyLZ4, legacyPlain)...)
	produce(t, plain, batch(legacyTrailer, legacyPlain+legacyLZ4)...)
	produce(t, plain, batch(legacyOther, legacyPlain+legacyLZ4+legacyTrailer)...)
	return topic
}

// readUntilEnd reads like readAll but returns the stream's error instead of failing on it.
func readUntilEnd(t *testing.T, cl *kafka.Client, req kafka.ReadRequest) ([]kafka.Record, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), readHangBound)
	defer cancel()
	s, err := cl.Read(ctx, req)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	var out []kafka.Record
	for {
		select {
		case b, ok := <-s.Batches():
			if !ok {
				return out, nil
			}
			out = append(out, b.Records...)
			if b.Err != nil {
				return out, b.Err
			}
		case <-ctx.Done():
			t.Fatalf("Read(%s): hung: no end within %v, %d records so far", req.Topic, readHangBound, len(out))
		}
	}
}

func TestIntegrationLegacyFormat(t *testing.T) {
	e := legacyEnv(t)
	topic := legacyTopic(t, e)
	cl := connect(t, plaintextConfig(e, t))

	t.Run("records without a timestamp", func(t *testing.T) {
		recs, _ := readAll(t, cl, kafka.ReadRequest{Topic: topic, Partitions: []int32{0},
			To: kafka.Stop{Kind: kafka.StopOffset, Offset: legacyPlain - 1}})
		if len(recs) != legacyPlain {
			t.Fatalf("%d records, want %d", len(recs), legacyPlain)
		}
		for _, r := range recs {
			if !r.Timestamp.IsZero() || r.TimestampType != kafka.TimestampNone {
				t.Fatalf("offset %d: timestamp %v type %q, want none", r.Offset, r.Timestamp, r.TimestampType)
			}
		}
		stdout, _, code := runKpeek(t, buildKpeek(t), "-b", e.get(t, "KPEEK_IT_PLAINTEXT"), "consume", "-t", topic, "-p", "0",
			"--to", fmt.Sprint(legacyPlain-1), "-o", "ndjson")
		lines := strings.Split(strings.TrimSpace(stdout), "\n")
		if code != 0 || len(lines) != legacyPlain {
			t.Fatalf("consume: exit %d, %d lines", code, len(lines))
		}
		if !strings.Contains(lines[0], `"offset":0,"timestamp":null,"timestamp_type":"none"`) {
			t.Fatalf("consume printed %s", lines[0])
		}
	})

	t.Run("--from a time asks for an offset", func(t *testing.T) {
		_, err := cl.Read(ctxFor(t), kafka.ReadRequest{Topic: topic,
			From: kafka.Start{Kind: kafka.StartTime, Time: time.Now().Add(-time.Hour)}})
		assertOneLine(t, err, topic, "pre-0.10 message format", "select by offset")
		_, stderr, code := runKpeek(t, buildKpeek(t), "-b", e.get(t, "KPEEK_IT_PLAINTEXT"), "consume", "-t", topic, "--from", "-1h")
		assertFailsOneLine(t, stderr, code, "select by offset")
	})

	t.Run("LZ4 batch with the pre-0.10 frame checksum is read as Java reads it", func(t *testing.T) {
		// The mending sits below TLS, so it is proven on the TLS listeners too.
		ca := e.get(t, "KPEEK_IT_CA")
		ssl := config.Connection{Name: "it-ssl", Brokers: []string{e.get(t, "KPEEK_IT_SSL")}, TLS: tlsConfig(ca, "", "", "")}
		mtls := config.Connection{Name: "it-mtls", Brokers: []string{e.get(t, "KPEEK_IT_MTLS")},
			TLS: tlsConfig(ca, e.get(t, "KPEEK_IT_CLIENT_CERT"), e.get(t, "KPEEK_IT_CLIENT_KEY"), "")}
		for _, tc := range []struct {
			cl    *kafka.Client
			order kafka.Order
		}{{cl, kafka.OrderAuto}, {cl, kafka.OrderPartition}, {connect(t, ssl), kafka.OrderAuto}, {connect(t, mtls), kafka.OrderAuto}} {
			recs, err := readUntilEnd(t, tc.cl, kafka.ReadRequest{Topic: topic, Order: tc.order})
			if err != nil {
				t.Fatalf("%v: read failed after %d records: %v", tc, len(recs), err)
			}
			total := legacyPlain + legacyLZ4 + legacyTrailer
			if got := byPartition(recs); fmt.Sprint(got[0]) != fmt.Sprint(span(0, int64(total-1))) ||
				fmt.Sprint(got[1]) != fmt.Sprint(span(0, legacyOther-1)) {
				t.Fatalf("%v: offsets %v", tc, got)
			}
			for _, r := range recs {
				n := r.Offset + int64(r.Partition)*(legacyPlain+legacyLZ4+legacyTrailer)
				if string(r.Value) != fmt.Sprintf(`{"n":%d}`, n) || r.TimestampType != kafka.TimestampNone {
					t.Fatalf("offset %d: value %q, timestamp type %q", r.Offset, r.Value, r.TimestampType)
				}
			}
		}
	})

	t.Run("a read from after the batch", func(t *testing.T) {
		after := int64(legacyPlain + legacyLZ4)
		recs, _ := readAll(t, cl, kafka.ReadRequest{Topic: topic, From: kafka.Start{Kind: kafka.StartOffset, Offset: after}})
		if got := byPartition(recs)[0]; fmt.Sprint(got) != fmt.Sprint(span(after, after+legacyTrailer-1)) {
			t.Fatalf("offsets %v after the LZ4 batch", got)
		}
	})

	t.Run("consume prints every record", func(t *testing.T) {
		stdout, stderr, code := runKpeek(t, buildKpeek(t), "-b", e.get(t, "KPEEK_IT_PLAINTEXT"), "consume", "-t", topic, "-o", "ndjson")
		lines := strings.Split(strings.TrimSpace(stdout), "\n")
		if code != 0 || stderr != "" || len(lines) != legacyPlain+legacyLZ4+legacyTrailer+legacyOther {
			t.Fatalf("consume: exit %d, %d records, stderr %q", code, len(lines), stderr)
		}
		if want := fmt.Sprintf(`"offset":%d,"timestamp":null,"timestamp_type":"none","key":"k%d"`, legacyPlain, legacyPlain); !strings.Contains(lines[legacyPlain], want) {
			t.Fatalf("the first record of the LZ4 batch: %s", lines[legacyPlain])
		}
	})
}
