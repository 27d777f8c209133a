package export

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync"

	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/decode/filter"
	"github.com/kpeek/kpeek/kafka"
)

// RecordReader reads a range of records; *kafka.Client is one.
type RecordReader interface {
	Read(ctx context.Context, req kafka.ReadRequest) (*kafka.Stream, error)
}

// ResumeRequest is what finishing an export from its spool needs.
type ResumeRequest struct {
	Spool string
	Token string // the HEC token, resolved by the caller; never written
	// Reader reads the part of the selection never read; needed when the spool's
	// Remaining is not empty. Decoder decodes it (built from the spool's formats).
	Reader   RecordReader
	Decoder  *decode.Decoder
	Progress func(Progress)
}

// AgedOutError says which parts of a resumed selection Kafka no longer had: the log
// start offset had moved past them. Everything else was delivered or spooled.
type AgedOutError struct {
	Topic  string
	Ranges []kafka.PartitionRange // offsets [Start, End) per partition
}

func (e *AgedOutError) Error() string {
	parts := make([]string, 0, len(e.Ranges))
	var n int64
	for _, r := range e.Ranges {
		parts = append(parts, fmt.Sprintf("partition %d offsets %d-%d", r.Partition, r.Start, r.End-1))
		n += r.End - r.Start
	}
	return fmt.Sprintf("resume: %d offsets of topic %q aged out of Kafka before they were read (%s); the rest was delivered",
		n, e.Topic, strings.Join(parts, ", "))
}

// resume delivers a spool's unconfirmed events and reads and delivers the rest of its
// selection, journaling into the same spool file, so a crash during the resume still
// leaves one spool that neither loses nor resends anything confirmed.
func resume(ctx context.Context, rq ResumeRequest) (Summary, error) {
	// Locked before it is read and until it is finished: two resumes of one spool, or a
	// resume of a spool still being written, would send its events twice.
	lock, err := lockedSpool(rq.Spool)
	if err != nil {
		return Summary{}, err
	}
	delivered := false
	defer func() {
		if !delivered {
			lock.Close()
		}
	}()
	sc, err := scanJournal(rq.Spool)
	if err != nil {
		return Summary{}, err
	}
	if sc.v1 {
		if sc, err = upgradeSpool(sc); err != nil {
			return Summary{}, err
		}
		lock.Close() // the upgrade replaced the file
		if lock, err = lockedSpool(rq.Spool); err != nil {
			return Summary{}, err
		}
	}
	h := sc.header
	opts := h.Destination.options()
	opts.Token = rq.Token
	opts.SpoolDir = filepath.Dir(rq.Spool)
	opts = opts.withDefaults()
	sum := Summary{Destination: opts.URL, Spool: rq.Spool}
	remaining := h.Remaining()
	if len(remaining) > 0 && rq.Reader == nil {
		return sum, fmt.Errorf("resume %s: part of topic %q was never read, and no cluster was given to read it from", rq.Spool, h.Topic)
	}
	total := sc.left
	var toRead int64
	for _, r := range remaining {
		toRead += r.End - r.Start
	}
	if mx := h.Selection; mx != nil && mx.Max > 0 {
		toRead = min(toRead, mx.Max-h.ReadCount)
	}
	m := newMeter(total+toRead, rq.Progress)
	client, err := newHECClient(opts, rq.Token)
	if err != nil {
		return sum, err
	}
	j, err := reopenJournal(sc, lock)
	if err != nil {
		return sum, err
	}
	if err := preflight(ctx, client, opts.Ack); err != nil {
		sum.Progress = m.done()
		return sum, fmt.Errorf("splunk at %s: %s is unchanged: %w", opts.URL, rq.Spool, err)
	}
	var rest *rereadSource
	if len(remaining) > 0 {
		if rest, err = newRereadSource(ctx, rq, h, remaining, m); err != nil {
			return sum, err
		}
		defer rest.agedOut()
	}
	spooled, err := openSpoolSource(rq.Spool, sc.end, false, cloneDone(sc.done), m)
	if err != nil {
		return sum, err
	}
	defer spooled.close()
	var src eventSource = spooled
	if rest != nil {
		src = &chainSource{srcs: []eventSource{spooled, rest}}
	}
	delivered = true // deliver finishes the journal
	sum, err = deliver(ctx, opts, client, m, src, j, false, sum)
	if !h.Closed {
		sum.Crashed = sc.left
	}
	if rest != nil { // after deliver: the selector must not see the read's end as the selection's
		if gone := rest.agedOut(); len(gone) > 0 {
			err = errors.Join(err, &AgedOutError{Topic: h.Topic, Ranges: gone})
		}
	}
	return sum, err
}

// upgradeSpool rewrites a format 1 spool (events only) as a journal.
func upgradeSpool(sc *journalScan) (*journalScan, error) {
	j := &journal{path: sc.path, header: sc.header, v1: true, done: sc.done, left: sc.left}
	h := sc.header
	h.Spool = SpoolFormat
	if err := j.compact(h); err != nil {
		return nil, fmt.Errorf("upgrade spool %s: %w", sc.path, err)
	}
	return scanJournal(sc.path)
}

func cloneDone(d map[int64][]bool) map[int64][]bool {
	out := make(map[int64][]bool, len(d))
	for k, v := range d {
		out[k] = append([]bool(nil), v...)
	}
	return out
}

// chainSource yields its sources one after the other.
type chainSource struct {
	srcs []eventSource
	i    int
}

func (c *chainSource) next(ctx context.Context) ([]byte, jref, error) {
	for {
		ev, ref, err := c.srcs[c.i].next(ctx)
		if errors.Is(err, io.EOF) && c.i < len(c.srcs)-1 {
			c.i++
			continue
		}
		return ev, ref, err
	}
}

func (c *chainSource) mark(pending bool) *readMark { return c.srcs[c.i].mark(pending) }

// rereadSource reads the never-read part of a spool's selection, partition after
// partition, with the original filter, redaction and rendering.
type rereadSource struct {
	recordSource
	cancel context.CancelFunc
	done   chan struct{}
	mu     sync.Mutex
	gone   []kafka.PartitionRange
}

func newRereadSource(ctx context.Context, rq ResumeRequest, h SpoolHeader, remaining []kafka.PartitionRange, m *meter) (*rereadSource, error) {
	flt, err := filter.Compile(h.Selection.Filter)
	if err != nil {
		return nil, fmt.Errorf("resume %s: filter: %w", rq.Spool, err)
	}
	ch := make(chan kafka.Batch)
	req := Request{Records: ch, Decoder: rq.Decoder, Filter: flt, Redact: h.Selection.Redact,
		Capture: Capture{Cluster: h.Cluster, Topic: h.Topic, Ranges: remaining}}
	sel, err := newSelector(req, m)
	if err != nil {
		return nil, fmt.Errorf("resume %s: %w", rq.Spool, err)
	}
	sel.count = h.ReadCount
	opts := h.Destination.options().withDefaults()
	s := &rereadSource{recordSource: recordSource{sel: sel, render: newRenderer(opts, sel.redact.active())},
		done: make(chan struct{})}
	left := int64(0)
	if h.Selection.Max > 0 {
		left = h.Selection.Max - h.ReadCount
	}
	rctx, cancel := context.WithCancel(ctx)
	s.cancel = cancel
	go func() {
		defer close(s.done)
		s.read(rctx, rq.Reader, h.Topic, remaining, left, ch)
	}()
	return s, nil
}

// read streams each remaining range into out; limit > 0 bounds the records read in all.
func (s *rereadSource) read(ctx context.Context, rd RecordReader, topic string, remaining []kafka.PartitionRange, limit int64, out chan<- kafka.Batch) {
	defer close(out)
	send := func(b kafka.Batch) bool {
		select {
		case out <- b:
			return true
		case <-ctx.Done():
			return false
		}
	}
	limited := limit > 0
	for _, r := range remaining {
		if limited && limit <= 0 {
			return
		}
		req := kafka.ReadRequest{Topic: topic, Partitions: []int32{r.Partition},
			From: kafka.Start{Kind: kafka.StartOffset, Offset: r.Start},
			To:   kafka.Stop{Kind: kafka.StopOffset, Offset: r.End - 1}}
		if limited {
			req.Max = limit
		}
		st, err := rd.Read(ctx, req)
		if err != nil {
			send(kafka.Batch{Err: fmt.Errorf("resume: read partition %d from offset %d: %w", r.Partition, r.Start, err)})
			return
		}
		for _, got := range st.Ranges() {
			if got.Partition != r.Partition {
				continue
			}
			s.mu.Lock()
			if got.Earliest > r.Start { // retention or deleteRecords moved the log start past it
				s.gone = append(s.gone, kafka.PartitionRange{Partition: r.Partition, Start: r.Start, End: min(got.Earliest, r.End)})
			}
			if got.Latest < r.End { // the log ends before the recorded end: the topic was recreated
				s.gone = append(s.gone, kafka.PartitionRange{Partition: r.Partition, Start: max(got.Latest, got.Earliest, r.Start), End: r.End})
			}
			s.mu.Unlock()
		}
		for b := range st.Batches() {
			limit -= int64(len(b.Records))
			if !send(b) || b.Err != nil {
				st.Close()
				return
			}
		}
		st.Close()
		if ctx.Err() != nil {
			return
		}
	}
}

// agedOut stops the read and says what it found gone; call it after the delivery ended.
func (s *rereadSource) agedOut() []kafka.PartitionRange {
	s.cancel()
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]kafka.PartitionRange(nil), s.gone...)
}
