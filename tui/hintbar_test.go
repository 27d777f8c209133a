package tui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/kpeek/kpeek/kafka"
	"github.com/kpeek/kpeek/tui/common"
	"github.com/kpeek/kpeek/tui/messages"
)

// doneStream is a finished read of fixed records.
type doneStream struct{ ch chan kafka.Batch }

func (s doneStream) Batches() <-chan kafka.Batch { return s.ch }
func (s doneStream) Ranges() []kafka.PartitionRange {
	return []kafka.PartitionRange{{Partition: 0, Start: 0, End: 20}}
}
func (s doneStream) Close() error { return nil }

// withRealMessages makes the harness open real messages panes over 20 fixed logins.
func withRealMessages(h *harness) {
	at := time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)
	h.app.newMsgs = func(c *common.Common, src messages.Source) messagesPane {
		read := func(context.Context, kafka.ReadRequest) (messages.Stream, error) {
			recs := make([]kafka.Record, 20)
			for i := range recs {
				recs[i] = kafka.Record{Topic: src.Topic.Name, Offset: int64(i), Timestamp: at.Add(time.Duration(i) * time.Minute),
					TimestampType: kafka.TimestampCreate, Key: fmt.Appendf(nil, "u%02d", i),
					Value: fmt.Appendf(nil, `{"user":"u%02d","result":"success"}`, i)}
			}
			ch := make(chan kafka.Batch, 1)
			ch <- kafka.Batch{Records: recs}
			close(ch)
			return doneStream{ch}, nil
		}
		clock := func() time.Time { return at.Add(time.Hour) }
		return realMessages{messages.New(c, src, messages.WithReader(read), messages.WithClock(clock))}
	}
}

// TestHintBarGolden pins the footer of the messages pane at 80×24: mark, export and
// help must survive the narrow width. `go test ./tui -run HintBar -update` rewrites.
func TestHintBarGolden(t *testing.T) {
	scenes := []struct {
		name string
		keys []string
		want []string // footer entries that must show
	}{
		{"table", []string{"enter"}, []string{"space mark", "e export", "? help"}},
		{"marked", []string{"enter", "space", "space"}, []string{"space mark", "e export", "? help"}},
		{"detail", []string{"enter", "enter"}, []string{"y copy", "n/→ next record", "? help"}},
	}
	for _, sc := range scenes {
		t.Run(sc.name, func(t *testing.T) {
			h := newHarness(t, 80, 24)
			withRealMessages(h)
			h.openTopic("auth.logins")
			h.press(sc.keys...)
			screen := h.screen()
			lines := strings.Split(screen, "\n")
			footer := lines[len(lines)-1]
			for _, w := range sc.want {
				if !strings.Contains(footer, w) {
					t.Errorf("the 80-column footer lacks %q: %q", w, footer)
				}
			}
			golden.RequireEqual(t, screen)
		})
	}
}

// Each pane numbers its reads from 1: a kept pane must never take another pane's read
// (before routing by pane, the kept pane closed the new pane's stream as a stale read
// of its own, and the new topic showed 0 of 13 records).
func TestKeptPaneNeverTakesAnotherPanesRead(t *testing.T) {
	h := newHarness(t, 120, 40)
	withRealMessages(h)
	h.openTopic("auth.logins")
	h.press("enter")
	h.mustSee("auth.logins  20 / 20 in range · done")
	h.press("esc")
	h.openTopic("erp.audit")
	h.press("enter")
	h.mustSee("erp.audit  20 / 20 in range · done")
	h.press("esc")
	h.openTopic("auth.logins")
	h.mustSee("auth.logins  20 / 20 in range · done", "restored auth.logins")
}
