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

// toSplunk checks the collector's health, then streams the selected records to it.
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
	if err := preflight(ctx, client); err != nil {
		sum.Progress = m.done()
		return sum, fmt.Errorf("splunk at %s: nothing was read or sent: %w", opts.URL, err)
	}
	src := &recordSource{sel: sel, render: newRenderer(opts, sel.redact.active())}
	spool := newSpoolWriter(opts.SpoolDir, SpoolHeader{
		Destination: destOf(opts), Cluster: req.Capture.Cluster, Topic: req.Capture.Topic,
	})
	return deliver(ctx, opts, client, m, src, spool, func(h *SpoolHeader) {
		if ctx.Err() != nil {
			h.Interrupted, h.ReadUntil = true, sel.readUntil()
		}
	}, sum)
}

// resume sends a spool's events with the caller's token; what is still not confirmed
// goes to a new spool, and the old one is removed once its events are safe elsewhere.
func resume(ctx context.Context, path, token string, progress func(Progress)) (Summary, error) {
	sr, err := openSpool(path)
	if err != nil {
		return Summary{}, err
	}
	defer sr.close()
	opts := sr.header.Destination.options()
	opts.Token = token
	opts.SpoolDir = dirOf(path)
	opts = opts.withDefaults()
	sum := Summary{Destination: opts.URL}
	m := newMeter(max(countLines(path)-1, 0), progress) // minus the header line
	client, err := newHECClient(opts, token)
	if err != nil {
		return sum, err
	}
	if err := preflight(ctx, client); err != nil {
		sum.Progress = m.done()
		sum.Spool = path
		return sum, fmt.Errorf("splunk at %s: %s is unchanged: %w", opts.URL, path, err)
	}
	src := &countingSource{src: sr, m: m}
	hdr := sr.header
	hdr.Reason = ""
	spool := newSpoolWriter(opts.SpoolDir, hdr)
	sum, err = deliver(ctx, opts, client, m, src, spool, nil, sum)
	if spool.n == 0 || spool.path != "" {
		// Every event is now confirmed or in the new spool (the spool source reads to its
		// end even when interrupted, so nothing is left only in the old file).
		if rmErr := os.Remove(path); rmErr != nil && err == nil {
			err = fmt.Errorf("remove finished spool: %w", rmErr)
		}
	}
	return sum, err
}

// preflight checks the collector's health, then the token, before anything is taken.
func preflight(ctx context.Context, c *hec.Client) error {
	if err := c.Health(ctx); err != nil {
		return fmt.Errorf("collector not ready: %w", err)
	}
	return c.CheckToken(ctx)
}

// deliver runs the HEC delivery and writes the spool for whatever was not confirmed.
func deliver(ctx context.Context, opts HECOptions, client *hec.Client, m *meter, src eventSource,
	spool *spoolWriter, amend func(*SpoolHeader), sum Summary) (Summary, error) {
	run := newHECRun(opts, client, m, spool)
	err := run.run(ctx, src)
	reason := "interrupted"
	if err != nil {
		reason = err.Error()
	} else if spool.n > 0 {
		reason = "rejected by the collector or not acknowledged"
	}
	if amend != nil {
		amend(&spool.header)
	}
	path, serr := spool.finish(reason)
	if serr != nil {
		err = errors.Join(err, fmt.Errorf("spool unconfirmed records: %w", serr))
	}
	sum.Spool = path
	sum.Duplicates = run.dups
	m.failed.Store(spool.n)
	sum.Progress = m.done()
	if err == nil && spool.n > 0 {
		err = fmt.Errorf("%d records were not confirmed by splunk; they are in %s", spool.n, path)
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

// countingSource counts what it yields as selected (a resumed spool has no filter).
type countingSource struct {
	src eventSource
	m   *meter
}

func (c *countingSource) next(ctx context.Context) ([]byte, error) {
	ev, err := c.src.next(ctx)
	if err == nil {
		c.m.selected.Add(1)
	}
	return ev, err
}

// recordSource renders selected records as HEC events.
type recordSource struct {
	sel    *selector
	render *renderer
	buf    []byte
}

func (s *recordSource) next(ctx context.Context) ([]byte, error) {
	rec, env, ok, err := s.sel.next(ctx)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, io.EOF
	}
	s.buf = s.render.event(s.buf[:0], rec, env)
	return s.buf, nil
}

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
		r.meta = append(r.meta, q...)
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
		r.topicJSON, _ = json.Marshal(rec.Topic)
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
