package decode

import (
	"testing"
	"time"
)

func TestAppendDateTimeMatchesTimeFormat(t *testing.T) {
	times := []time.Time{
		time.Date(2026, 11, 26, 2, 14, 7, 123000000, time.UTC),
		time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 1, 2, 3, 4, 5, 1, time.FixedZone("CET", 3600)),
		time.Date(1, 1, 1, 0, 0, 0, 999999999, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 100, time.UTC),
		time.Date(-44, 3, 15, 12, 0, 0, 0, time.UTC),
		time.UnixMicro(1 << 62),
	}
	for _, tm := range times {
		for _, c := range []struct {
			digits int
			zone   bool
			layout string
		}{
			{3, true, "2006-01-02T15:04:05.000Z07:00"},
			{6, false, "2006-01-02T15:04:05.000000"},
			{0, true, time.RFC3339Nano},
			{0, false, "2006-01-02T15:04:05.999999999"},
		} {
			want := tm.UTC().Format(c.layout)
			if got := string(appendDateTime(nil, tm, c.digits, c.zone)); got != want {
				t.Errorf("appendDateTime(%v, %d, %v) = %s, want %s", tm, c.digits, c.zone, got, want)
			}
		}
	}
}
