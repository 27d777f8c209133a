package export

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/kafka"
)

var testEpoch = time.Date(2026, 11, 26, 2, 14, 7, 123_000_000, time.UTC)

// sampleRecords returns n records across 3 partitions with the shapes that matter:
// exact big numbers, PII fields, text, binary, tombstones, null keys, repeated headers.
func sampleRecords(n int) []kafka.Record {
	recs := make([]kafka.Record, n)
	for i := range recs {
		r := kafka.Record{
			Topic: "crm.customers", Partition: int32(i % 3), Offset: int64(i / 3),
			Timestamp: testEpoch.Add(time.Duration(i) * time.Second), TimestampType: kafka.TimestampCreate,
			Key:     []byte(fmt.Sprintf("c-%d", i)),
			Headers: []kafka.Header{{Key: "trace_id", Value: []byte(fmt.Sprintf("t%04d", i))}, {Key: "source", Value: []byte("idp")}},
		}
		switch i % 7 {
		case 3:
			r.Value = []byte(fmt.Sprintf("audit line %d, with \"quotes\", commas\nand a newline", i))
		case 4:
			r.Value = []byte{0xff, 0x00, 0x1b, '[', '2', 'J', byte(i)}
			r.TimestampType = kafka.TimestampLogAppend
		case 5:
			r.Value, r.Key = nil, nil // tombstone with a null key
			r.Headers = append(r.Headers, kafka.Header{Key: "source", Value: []byte("replay")})
		default:
			r.Value = []byte(fmt.Sprintf(`{"id": 12345678901234567890, "name": "Customer %d", "email": "c%d@example.com",`+
				` "card_number": "4111111111111111", "amount": 10.50, "tags": ["a", "b"], "address": {"city": "Lyon", "zip": "69001"}}`, i, i))
		}
		recs[i] = r
	}
	return recs
}

// feed returns a closed-at-the-end stream of recs in batches of size.
func feed(recs []kafka.Record, size int) <-chan kafka.Batch {
	ch := make(chan kafka.Batch, len(recs)/size+2)
	for i := 0; i < len(recs); i += size {
		ch <- kafka.Batch{Records: recs[i:min(i+size, len(recs))]}
	}
	close(ch)
	return ch
}

func testRequest(recs []kafka.Record) Request {
	return Request{
		Records: feed(recs, 50), Total: int64(len(recs)), Decoder: decode.New(),
		Capture: Capture{Cluster: "demo", ClusterID: "kfake-1", Bootstrap: []string{"127.0.0.1:9092"},
			Topic: "crm.customers", Selection: "--from beginning --to end", Analyst: "slyon@jump", Version: "test",
			Ranges: []kafka.PartitionRange{{Partition: 0, Start: 0, End: 100, Earliest: 0, Latest: 100},
				{Partition: 1, Start: 0, End: 100, Earliest: 0, Latest: 100}, {Partition: 2, Start: 0, End: 100, Earliest: 0, Latest: 100}}},
	}
}

// consumeOutput is what `consume -o ndjson` prints for recs.
func consumeOutput(t testing.TB, recs []kafka.Record, redact ...string) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "consume.ndjson")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w, err := NewRecordWriter(f, "ndjson")
	if err != nil {
		t.Fatal(err)
	}
	rd, err := newRedactor(redact)
	if err != nil {
		t.Fatal(err)
	}
	dec := decode.New()
	for i := range recs {
		env := dec.Decode(t.Context(), &recs[i])
		rd.apply(&env)
		if err := w.Write(&env); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	out, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// dirNames lists the entries of dir, for "nothing left behind" checks.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		out = append(out, e.Name())
	}
	return out
}
