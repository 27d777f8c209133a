package export

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/kafka"
)

// v0Record is a record in message format v0: no timestamp at all.
func v0Record() kafka.Record {
	return kafka.Record{Topic: "legacy", Partition: 2, Offset: 7, TimestampType: kafka.TimestampType("none"),
		Key: []byte("k"), Value: []byte(`{"a":1}`)}
}

func TestNoTimestampInEveryOutput(t *testing.T) {
	recs := []kafka.Record{v0Record()}

	t.Run("ndjson", func(t *testing.T) {
		out := string(consumeOutput(t, recs))
		if !strings.Contains(out, `"timestamp":null,"timestamp_type":"none"`) || strings.Contains(out, "0001-") {
			t.Fatalf("ndjson line: %s", out)
		}
	})

	t.Run("table", func(t *testing.T) {
		var buf bytes.Buffer
		w, err := NewRecordWriter(&buf, "table")
		if err != nil {
			t.Fatal(err)
		}
		env := decode.New().Decode(t.Context(), &recs[0])
		if err := w.Write(&env); err != nil {
			t.Fatal(err)
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
		if len(lines) != 2 || !strings.HasPrefix(lines[1], "none ") {
			t.Fatalf("table:\n%s", buf.String())
		}
	})

	t.Run("csv", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "x.csv")
		if _, err := ToFile(t.Context(), testRequest(recs), FileOptions{Path: path, Format: "csv"}); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
		if err != nil || len(rows) != 2 {
			t.Fatalf("csv %v:\n%s", err, b)
		}
		if rows[0][3] != "timestamp" || rows[1][3] != "" || rows[0][4] != "timestamp_type" || rows[1][4] != "none" {
			t.Fatalf("csv timestamp cells %q %q, want empty and none", rows[1][3], rows[1][4])
		}
	})

	t.Run("raw frame", func(t *testing.T) {
		got, err := parseFrame(appendFrame(nil, &recs[0]))
		if err != nil {
			t.Fatal(err)
		}
		if !got.Timestamp.IsZero() || got.TimestampType != kafka.TimestampType("none") {
			t.Fatalf("raw frame round trip: timestamp %v type %q, want none", got.Timestamp, got.TimestampType)
		}
		// A timestamped record keeps its time and type through the same frame.
		ts := sampleRecords(5)[4]
		got, err = parseFrame(appendFrame(nil, &ts))
		if err != nil || !got.Timestamp.Equal(ts.Timestamp) || got.TimestampType != kafka.TimestampLogAppend {
			t.Fatalf("raw frame round trip of a log_append record: %v %v %q", err, got.Timestamp, got.TimestampType)
		}
	})
}
