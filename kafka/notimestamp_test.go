package kafka

import (
	"slices"
	"testing"
	"time"
)

func TestNewRecordWithoutTimestamp(t *testing.T) {
	// sarama leaves Timestamp at the zero time for message format v0 and for a -1 timestamp.
	rec := newRecord("legacy", 0, 4, time.Time{}, TimestampLogAppend, nil, nil, nil)
	if rec.TimestampType != TimestampType("none") || !rec.Timestamp.IsZero() {
		t.Fatalf("v0 record: type %q time %v, want none", rec.TimestampType, rec.Timestamp)
	}
	ts := time.UnixMilli(1_700_000_000_000)
	rec = newRecord("t", 0, 0, ts, TimestampLogAppend, nil, nil, nil)
	if rec.TimestampType != TimestampLogAppend || !rec.Timestamp.Equal(ts) {
		t.Fatalf("v2 record: type %q time %v", rec.TimestampType, rec.Timestamp)
	}
}

func TestTimeOrderPutsRecordsWithoutTimestampFirst(t *testing.T) {
	at := time.UnixMilli(1_700_000_000_000)
	recs := []Record{
		{Topic: "b", Partition: 0, Offset: 1, Timestamp: at},
		{Topic: "b", Partition: 1, Offset: 0, TimestampType: TimestampType("none")},
		{Topic: "a", Partition: 0, Offset: 9, Timestamp: at.Add(-time.Hour)},
		{Topic: "b", Partition: 0, Offset: 0, TimestampType: TimestampType("none")},
		{Topic: "a", Partition: 3, Offset: 2, TimestampType: TimestampType("none")},
	}
	want := []string{"a/3/2", "b/0/0", "b/1/0", "a/0/9", "b/0/1"}
	for _, perm := range [][]int{{0, 1, 2, 3, 4}, {4, 3, 2, 1, 0}, {2, 4, 0, 3, 1}} {
		in := make([]Record, 0, len(recs))
		for _, i := range perm {
			in = append(in, recs[i])
		}
		slices.SortFunc(in, func(a, b Record) int {
			if TimeOrderLess(&a, &b) {
				return -1
			}
			if TimeOrderLess(&b, &a) {
				return 1
			}
			return 0
		})
		var got []string
		for _, r := range in {
			got = append(got, r.Topic+"/"+string(rune('0'+r.Partition))+"/"+string(rune('0'+r.Offset)))
		}
		if !slices.Equal(got, want) {
			t.Fatalf("order from %v: %v, want %v", perm, got, want)
		}
	}
}
