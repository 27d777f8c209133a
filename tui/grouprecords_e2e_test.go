package tui

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// TestE2EGroupSpanToItsRecords follows "show me exactly what backup-agent took": on the demo,
// groups → backup-agent → its history; down selects the first commit span, enter opens the
// topic's messages with that partition and those offsets in the start prompt, and enter reads
// exactly those records, no more and no fewer.
func TestE2EGroupSpanToItsRecords(t *testing.T) {
	tm, all := startDemo(t)
	waitFor(t, tm, all, "erp.purchasing.orders")
	typeKeys(tm, "tab", "j", "enter")
	waitFor(t, tm, all, "backup-agent")
	typeKeys(tm, "/", "backup", "enter", "enter")
	waitFor(t, tm, all, "Events (newest first")
	spanLine := regexp.MustCompile(`its records: kpeek consume -t (\S+) -p (\d+) --from (\d+) --to (\d+)`)
	span := spanLine.FindStringSubmatch(ansi.Strip(all.String()))
	if span == nil {
		t.Fatalf("the history shows no commit span:\n%s", ansi.Strip(all.String()))
	}
	topic, part := span[1], span[2]
	from, _ := strconv.ParseInt(span[3], 10, 64)
	to, _ := strconv.ParseInt(span[4], 10, 64)
	typeKeys(tm, "j", "enter")
	waitFor(t, tm, all, "which window?")
	typeKeys(tm, "enter")
	loaded := fmt.Sprintf("%d loaded", to-from+1)
	waitFor(t, tm, all, loaded)
	screen := finalScreen(t, tm)
	if !strings.Contains(screen, loaded) {
		t.Errorf("want exactly the span's %d records (%s/%s offsets %d-%d):\n%s", to-from+1, topic, part, from, to, screen)
	}
	// Every row on screen is of the span's partition and inside its offsets, the first the
	// span's first.
	row := regexp.MustCompile(`│\s*▸?\s*\d\d-\d\d \d\d:\d\d:\d\d\s+(\d+)\s+(\d+)\s`)
	rows := row.FindAllStringSubmatch(screen, -1)
	if len(rows) == 0 {
		t.Fatalf("no record rows:\n%s", screen)
	}
	for i, r := range rows {
		off, _ := strconv.ParseInt(r[2], 10, 64)
		if r[1] != part || off < from || off > to || (i == 0 && off != from) {
			t.Errorf("row %d is partition %s offset %d, want partition %s offsets %d-%d starting at %d",
				i, r[1], off, part, from, to, from)
		}
	}
}
