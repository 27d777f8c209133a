package export

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/export/hec"
	"github.com/kpeek/kpeek/kafka"
)

// withDefaults fills HECOptions' zero values.
func (o HECOptions) withDefaults() HECOptions {
	if o.BatchBytes <= 0 {
		o.BatchBytes = 1 << 20
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 4
	}
	if o.Sourcetype == "" {
		o.Sourcetype = "_json"
	}
	if o.AckTimeout <= 0 {
		o.AckTimeout = 2 * time.Minute
	}
	if o.AckPoll <= 0 {
		o.AckPoll = time.Second
	}
	if o.AckResends <= 0 {
		o.AckResends = 2
	}
	if o.Grace <= 0 {
		o.Grace = 3 * time.Second
	}
	return o
}

func newHECClient(o HECOptions, token string) (*hec.Client, error) {
	opts := []hec.Option{hec.WithCAFile(o.CAFile)}
	if o.NoGzip {
		opts = append(opts, hec.WithGzip(0))
	} else {
		opts = append(opts, hec.WithGzip(gzip.BestSpeed))
	}
	if o.Ack {
		opts = append(opts, hec.WithChannel(hec.NewChannel()))
	}
	return hec.New(o.URL, token, opts...)
}

// toSplunk checks the collector's health, then streams the selected records to it,
// journaling them in a spool as it goes.
func toSplunk(ctx context.Context, req Request, opts HECOptions) (Summary, error) {
	opts = opts.withDefaults()
	if opts.Source == "" {
		opts.Source = "kafka:" + clusterLabel(req.Capture) + ":" + req.Capture.Topic
	}
	sum := Summary{Destination: opts.URL}
	m := newMeter(req.Total, req.Progress)
	client, err := newHECClient(opts, opts.Token)
	if err != nil {
		return sum, err
	}
	sel, err := newSelector(req, m)
	if err != nil {
		return sum, err
	}
	if err := checkSpoolDir(opts.SpoolDir); err != nil {
		return sum, err
	}
	if err := preflight(ctx, client, opts.Ack); err != nil {
		sum.Progress = m.done()
		return sum, fmt.Errorf("splunk at %s: nothing was read or sent: %w", opts.URL, err)
	}
	h := SpoolHeader{Destination: destOf(opts), Cluster: req.Capture.Cluster, ClusterID: req.Capture.ClusterID,
		Topic: req.Capture.Topic}
	selectionHeader(&h, req)
	j, err := createJournal(spoolName(opts.SpoolDir, req.Capture.Topic), h)
	if err != nil {
		return sum, err
	}
	src := &recordSource{sel: sel, render: newRenderer(opts, sel.redact.active())}
	return deliver(ctx, opts, client, m, src, j, req.Reread == nil, sum)
}

// preflight checks the collector's health, then the token, before anything is taken;
// with ack, also that acknowledgement is on for the token.
func preflight(ctx context.Context, c *hec.Client, ack bool) error {
	if err := c.Health(ctx); err != nil {
		return fmt.Errorf("collector not ready: %w", err)
	}
	if err := c.CheckToken(ctx); err != nil {
		return err
	}
	if ack {
		if _, err := c.Ack(ctx, []int64{0}); err != nil {
			return fmt.Errorf("--ack: %w", err)
		}
	}
	return nil
}

// deliver runs the HEC delivery and finishes the journal: removed when everything was
// confirmed and read, else compacted to what a resume has to do.
func deliver(ctx context.Context, opts HECOptions, client *hec.Client, m *meter, src eventSource,
	j *journal, drain bool, sum Summary) (Summary, error) {
	run := newHECRun(opts, client, m, j)
	run.drain = drain
	err := run.run(ctx, src)
	reason := ""
	if err != nil {
		reason = err.Error()
	} else if j.unconfirmed() > 0 {
		reason = "rejected by the collector or not acknowledged"
	}
	path, left, serr := j.finish(reason, ctx.Err() != nil)
	if serr != nil {
		err = errors.Join(err, fmt.Errorf("spool unconfirmed records: %w", serr))
	}
	sum.Spool = path
	sum.Duplicates, sum.AckTimeouts, sum.Unacked = run.dups, run.ackDups, run.noAck
	for _, r := range j.header.Remaining() {
		sum.Unread += r.End - r.Start
	}
	m.failed.Store(left)
	sum.Progress = m.done()
	switch {
	case err != nil:
	case left > 0:
		err = fmt.Errorf("%d records were not confirmed by splunk; they are in %s", left, path)
	case sum.Unread > 0:
		err = fmt.Errorf("the read of the selection stopped early; %s says where", path)
	}
	return sum, err
}

func dirOf(path string) string {
	for i := len(path) - 1; i >= 0; i-- {
		if os.IsPathSeparator(path[i]) {
			return path[:i+1]
		}
	}
	return "."
}

// recordSource renders selected records as HEC events.
type recordSource struct {
	sel    *selector
	render *renderer
	buf    []byte
}

func (s *recordSource) next(ctx context.Context) ([]byte, jref, error) {
	rec, env, ok, err := s.sel.next(ctx)
	if err != nil {
		return nil, jref{}, err
	}
	if !ok {
		return nil, jref{}, io.EOF
	}
	s.buf = s.render.event(s.buf[:0], rec, env)
	return s.buf, jref{}, nil
}

func (s *recordSource) mark(pending bool) *readMark { return s.sel.mark(pending) }

// renderer writes one HEC event per record: time = the Kafka timestamp in epoch seconds
// with milliseconds, event = the envelope, fields = topic, partition, offset and the
// record's SHA-256 (see RecordHashRaw), flat strings as indexed fields must be.
type renderer struct {
	meta      []byte // ,"host":…,"source":…,"sourcetype":…,"index":…
	hasher    recordHasher
	env       []byte
	topic     string
	topicJSON []byte
}

func newRenderer(o HECOptions, redacted bool) *renderer {
	r := &renderer{hasher: recordHasher{redacted: redacted}}
	add := func(name, v string) {
		if v == "" {
			return
		}
		q, _ := json.Marshal(v) // a string always marshals
		r.meta = append(r.meta, ',', '"')
		r.meta = append(r.meta, name...)
		r.meta = append(r.meta, '"', ':')
		r.meta = decode.EscapeJSON(r.meta, q)
	}
	add("host", o.Host)
	add("source", o.Source)
	add("sourcetype", o.Sourcetype)
	add("index", o.Index)
	return r
}

func (r *renderer) event(dst []byte, rec *kafka.Record, env *decode.Envelope) []byte {
	r.env = env.AppendJSON(r.env[:0], decode.JSONOptions{})
	sum := r.hasher.hash(rec, r.env)
	if rec.Topic != r.topic || r.topicJSON == nil {
		r.topic = rec.Topic
		q, _ := json.Marshal(rec.Topic)
		r.topicJSON = decode.EscapeJSON(nil, q) // no control or bidi rune from a topic name reaches Splunk
	}
	dst = append(dst, '{')
	if ms := rec.Timestamp.UnixMilli(); ms >= 0 && !rec.Timestamp.IsZero() {
		dst = append(dst, `"time":`...)
		dst = strconv.AppendInt(dst, ms/1000, 10)
		dst = append(dst, '.', byte('0'+ms%1000/100), byte('0'+ms%100/10), byte('0'+ms%10), ',')
	}
	dst = append(dst, `"event":`...)
	dst = append(dst, r.env...)
	dst = append(dst, `,"fields":{"topic":`...)
	dst = append(dst, r.topicJSON...)
	dst = append(dst, `,"partition":"`...)
	dst = strconv.AppendInt(dst, int64(rec.Partition), 10)
	dst = append(dst, `","offset":"`...)
	dst = strconv.AppendInt(dst, rec.Offset, 10)
	dst = append(dst, `","sha256":"`...)
	dst = append(dst, hexHash(sum)...)
	dst = append(dst, `"}`...)
	dst = append(dst, r.meta...)
	return append(dst, '}', '\n')
}
