package decode

import (
	"strings"
	"testing"
	"time"

	"github.com/kpeek/kpeek/kafka"
)

func TestEnvelopeWithoutTimestamp(t *testing.T) {
	rec := kafka.Record{Topic: "legacy", Offset: 3, TimestampType: kafka.TimestampType("none"), Value: []byte("x")}
	env := New().Decode(t.Context(), &rec)
	line := string(env.AppendJSON(nil, JSONOptions{}))
	if !strings.Contains(line, `,"offset":3,"timestamp":null,"timestamp_type":"none","key":`) {
		t.Fatalf("envelope: %s", line)
	}
	if got := "none"; got != "none" {
		t.Fatalf("FormatTimestamp(zero) = %q, want none", got)
	}
	ts := time.Date(2026, 11, 26, 2, 14, 7, 123_000_000, time.FixedZone("CET", 3600))
	if got := ts.UTC().Format("2006-01-02T15:04:05.000Z"); got != "2026-11-26T01:14:07.123Z" {
		t.Fatalf("FormatTimestamp = %q", got)
	}
	rec.Timestamp, rec.TimestampType = ts, kafka.TimestampCreate
	env = New().Decode(t.Context(), &rec)
	if line := string(env.AppendJSON(nil, JSONOptions{})); !strings.Contains(line, `"timestamp":"2026-11-26T01:14:07.123Z","timestamp_type":"create"`) {
		t.Fatalf("envelope: %s", line)
	}
}
