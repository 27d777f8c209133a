package messages

import (
	"testing"
	"time"
)

func TestTimeColumnWithoutTimestamp(t *testing.T) {
	if got := timeOf(time.Time{}, "15:04:05.000"); got != "none" {
		t.Fatalf("TIME of a record without a timestamp = %q, want none", got)
	}
	if got := timeOf(time.Date(2026, 11, 26, 2, 14, 7, 0, time.UTC), "15:04:05"); got != "02:14:07" {
		t.Fatalf("TIME = %q", got)
	}
}
