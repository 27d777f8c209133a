package messages

import (
	"strings"
	"testing"
	"time"

	"github.com/kpeek/kpeek/kafka"
)

// byPartitionArrival is logins as a reader fetches them: partition by partition,
// so arrival order is not time order.
func byPartitionArrival(n int) []kafka.Record {
	recs := logins(n)
	var out []kafka.Record
	for p := range int32(3) {
		for _, r := range recs {
			if r.Partition == p {
				out = append(out, r)
			}
		}
	}
	return out
}

func rowsOf(m Model) []*kafka.Record {
	out := make([]*kafka.Record, m.rowCount())
	for i := range out {
		out[i] = m.store.At(m.rowSeq(i))
	}
	return out
}

func TestRowsInTimeOrderByDefault(t *testing.T) {
	recs := byPartitionArrival(30)
	// Two records at the same instant: ties go by partition, then offset.
	recs[0].Timestamp, recs[len(recs)-1].Timestamp = base.Add(90*time.Second), base.Add(90*time.Second)
	m := loaded(t, 120, 40, recs)
	rows := rowsOf(m)
	if len(rows) != 30 {
		t.Fatalf("%d rows, want 30", len(rows))
	}
	for i := 1; i < len(rows); i++ {
		a, b := rows[i-1], rows[i]
		if a.Timestamp.After(b.Timestamp) ||
			(a.Timestamp.Equal(b.Timestamp) && (a.Partition > b.Partition || (a.Partition == b.Partition && a.Offset > b.Offset))) {
			t.Fatalf("row %d (p%d@%d %s) before row %d (p%d@%d %s)", i-1, a.Partition, a.Offset, a.Timestamp, i, b.Partition, b.Offset, b.Timestamp)
		}
	}
	if !strings.Contains(plain(m), "by time") || !strings.Contains(plain(m), "TIME UTC") {
		t.Errorf("the order or the zone is not shown:\n%s", plain(m))
	}
}

func TestOrderKeyCyclesAndKeepsTheCursor(t *testing.T) {
	m := loaded(t, 120, 40, byPartitionArrival(30))
	m = keys(t, m, "j", "j", "j", "j", "j") // row 5 in time order: the sixth login
	want := m.rowSeq(m.cursor)
	m = keys(t, m, "o")
	if m.ord.by != byPartition || m.rowSeq(m.cursor) != want {
		t.Fatalf("o: order %s, cursor on seq %d, want partition order on %d", sortNames[m.ord.by], m.rowSeq(m.cursor), want)
	}
	rows := rowsOf(m)
	for i := 1; i < len(rows); i++ {
		a, b := rows[i-1], rows[i]
		if a.Partition > b.Partition || (a.Partition == b.Partition && a.Offset >= b.Offset) {
			t.Fatalf("partition order broken at row %d", i)
		}
	}
	m = keys(t, m, "o", "o") // offset, then size
	if m.ord.by != bySize {
		t.Fatalf("order %s, want size", sortNames[m.ord.by])
	}
	rows = rowsOf(m)
	for i := 1; i < len(rows); i++ {
		if rows[i-1].Size() < rows[i].Size() {
			t.Fatalf("size order broken at row %d", i)
		}
	}
	m = keys(t, m, "o", "o")
	if m.ord.by != byTime {
		t.Fatalf("order did not cycle back to time: %s", sortNames[m.ord.by])
	}
}

func TestFilteredRowsFollowTheOrder(t *testing.T) {
	m := loaded(t, 120, 40, byPartitionArrival(60))
	m = keys(t, m, "/")
	m = typeText(t, m, "slyon")
	m = keys(t, m, "enter")
	rows := rowsOf(m)
	if len(rows) == 0 {
		t.Fatal("no matches")
	}
	for i, r := range rows {
		if !strings.Contains(string(r.Value), "slyon") {
			t.Fatalf("row %d does not match", i)
		}
		if i > 0 && rows[i-1].Timestamp.After(r.Timestamp) {
			t.Fatalf("filtered rows out of time order at %d", i)
		}
	}
}

func TestZoneToggleAndTimestampType(t *testing.T) {
	recs := logins(10)
	recs[3].TimestampType = kafka.TimestampLogAppend
	m := loaded(t, 120, 40, recs)
	if v := plain(m); !strings.Contains(v, "mixed CreateTime/LogAppendTime") {
		t.Errorf("mixed timestamp types not said:\n%s", v)
	}
	m = keys(t, m, "z")
	if !m.local || strings.Contains(plain(m), "TIME UTC") {
		t.Errorf("z did not switch to local time:\n%s", plain(m))
	}
	m = keys(t, m, "z")
	if m.local || !strings.Contains(plain(m), "TIME UTC") {
		t.Errorf("z did not switch back to UTC")
	}
}
