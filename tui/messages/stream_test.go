package messages

import (
	"errors"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/kpeek/kpeek/kafka"
)

// queued is a stream channel holding batches of n records each, closed after them.
func queued(closed bool, sizes ...int) chan kafka.Batch {
	ch := make(chan kafka.Batch, len(sizes))
	for _, n := range sizes {
		ch <- kafka.Batch{Records: logins(n)}
	}
	if closed {
		close(ch)
	}
	return ch
}

func TestWaitBatchGathersWhatArrivesTogether(t *testing.T) {
	msg := waitBatch(7, queued(true, 500, 500, 20), time.Hour)().(batchMsg)
	got := len(msg.batch.Records)
	for _, b := range msg.more {
		got += len(b.Records)
	}
	if msg.id != 7 || got != 1020 || !msg.closed {
		t.Fatalf("one message should carry the 1020 queued records and the close: id %d, %d records, closed %v",
			msg.id, got, msg.closed)
	}
}

func TestWaitBatchFirstWaitDoesNotGather(t *testing.T) {
	msg := waitBatch(1, queued(false, 3, 500), 0)().(batchMsg)
	if len(msg.batch.Records) != 3 || len(msg.more) != 0 || msg.closed {
		t.Fatalf("the first wait should hand over the first batch alone: %d records, %d more", len(msg.batch.Records), len(msg.more))
	}
}

func TestWaitBatchStopsAtTheCapAndAtAnError(t *testing.T) {
	sizes := make([]int, gatherMax/500+10)
	for i := range sizes {
		sizes[i] = 500
	}
	msg := waitBatch(1, queued(false, sizes...), time.Hour)().(batchMsg)
	if n := len(msg.batch.Records) + 500*len(msg.more); n < gatherMax || n >= gatherMax+500 {
		t.Fatalf("gathered %d records, want the first batches past %d", n, gatherMax)
	}
	big := make(chan kafka.Batch, 4)
	for range 4 {
		big <- kafka.Batch{Records: []kafka.Record{{Value: make([]byte, 6<<20)}}}
	}
	msg = waitBatch(1, big, time.Hour)().(batchMsg)
	if len(msg.more) != 2 || len(big) != 1 {
		t.Fatalf("gathering should stop past %d bytes: took %d more batches of 6 MB, %d left", gatherBytes, len(msg.more), len(big))
	}
	ch := queued(false, 10)
	ch2 := make(chan kafka.Batch, 3)
	ch2 <- <-ch
	ch2 <- kafka.Batch{Err: errors.New("broker gone")}
	ch2 <- kafka.Batch{Records: logins(5)}
	msg = waitBatch(1, ch2, time.Hour)().(batchMsg)
	if len(msg.more) != 1 || msg.more[0].Err == nil || len(ch2) != 1 {
		t.Fatalf("gathering should end at the failed batch: %d more, %d left", len(msg.more), len(ch2))
	}
}

func TestPaneStoresEveryGatheredBatchAndGathersAfterTheFirst(t *testing.T) {
	var gathers []time.Duration
	m := newTest(t, 120, 30, newFake(false))
	m.wait = func(id int, ch <-chan kafka.Batch, gather time.Duration) tea.Cmd {
		gathers = append(gathers, gather)
		return nil
	}
	m = keys(t, m, "enter")
	m = run(t, m, batchMsg{id: m.rd.id, batch: kafka.Batch{Records: logins(30)},
		more: []kafka.Batch{{Records: logins(20)}, {Err: errors.New("broker gone")}}})
	if m.store.Len() != 50 || m.rd.received != 50 || m.rd.err == nil {
		t.Fatalf("stored %d, received %d, err %v; want 50, 50 and the batch's error", m.store.Len(), m.rd.received, m.rd.err)
	}
	m = run(t, m, batchMsg{id: m.rd.id, batch: kafka.Batch{Records: logins(5)}, closed: true})
	if m.store.Len() != 55 || m.rd.live {
		t.Fatalf("records that came with the close were lost or the read stayed live: %d, live %v", m.store.Len(), m.rd.live)
	}
	if len(gathers) != 2 || gathers[0] != 0 || gathers[1] != gatherFor {
		t.Fatalf("waits gathered %v, want the first at once and the next for %v", gathers, gatherFor)
	}
}

func TestBoundedLoadLeavesClassifyingUntilItEnds(t *testing.T) {
	m := newTest(t, 120, 30, newFake(false))
	m.wait = func(int, <-chan kafka.Batch, time.Duration) tea.Cmd { return nil }
	m = keys(t, m, "enter")
	m = run(t, m, batchMsg{id: m.rd.id, batch: kafka.Batch{Records: logins(100)}})
	if m.warm.running || m.store.Class(m.store.First()) != classUnknown {
		t.Fatal("records were classified while the bounded read was still loading")
	}
	m = run(t, m, batchMsg{id: m.rd.id, closed: true})
	if m.store.Class(m.store.First()) == classUnknown || m.warm.upTo != m.store.End() {
		t.Fatalf("the records were not classified once the read ended: up to %d of %d", m.warm.upTo, m.store.End())
	}
}

func TestFollowedReadClassifiesAsRecordsCome(t *testing.T) {
	m := newTest(t, 120, 30, newFake(false))
	m.wait = func(int, <-chan kafka.Batch, time.Duration) tea.Cmd { return nil }
	m = keys(t, m, "enter")
	m.rd.req.Follow = true
	m = run(t, m, batchMsg{id: m.rd.id, batch: kafka.Batch{Records: logins(100)}})
	if m.store.Class(m.store.First()) == classUnknown {
		t.Fatal("a followed read never ends, so its records must be classified as they come")
	}
}
