// Package sweep searches one time window across many topics: for each selected topic it
// reads only the records inside the window (offsets looked up by timestamp), decodes
// them as everywhere else, and keeps those a filter or a list of indicators matches.
// Data flows one way: kafka yields records, decode turns them into envelopes, the
// matcher picks hits; the caller prints them.
package sweep

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"path"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kpeek/kpeek/decode/scan"

	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/decode/filter"
	"github.com/kpeek/kpeek/kafka"
)

// DefaultConcurrency is how many topics a sweep reads at once unless told otherwise;
// each read runs all of its topic's partitions in parallel.
const DefaultConcurrency = 4

// progressInterval is the shortest gap between two progress reports.
const progressInterval = 250 * time.Millisecond

// Source is the cluster a sweep reads: *kafka.Client.
type Source interface {
	Topics(ctx context.Context) (kafka.Topics, error)
	Read(ctx context.Context, req kafka.ReadRequest) (*kafka.Stream, error)
}

// Request is one sweep: a window, the topics, and what makes a record a hit.
type Request struct {
	From, To time.Time // the window; records at To are included
	// Topics are glob patterns (path.Match syntax: *, ?, [..]); empty means every topic.
	Topics []string
	// Internal includes internal topics (__consumer_offsets, ...), skipped by default.
	Internal bool
	Filter   *filter.Filter  // the ordinary filter (--match); nil when IOCs are given
	IOCs     *filter.IOCSet  // indicators (--ioc-file); nil when Filter is given
	Decoder  *decode.Decoder // nil means decode.New()
	// Scan, when set, also classifies every record in the window for regulated data
	// (PCI, PII, secrets), per topic: TopicResult.Scan.
	Scan *scan.Scanner
	// Concurrency is how many topics are read at once; 0 means DefaultConcurrency.
	Concurrency int
	// Progress, when set, is called now and then and once at the end, never concurrently.
	Progress func(Progress)
}

// Hit is one record the sweep matched, with what matched where.
type Hit struct {
	Envelope decode.Envelope
	Matched  []filter.IOCHit // for a --match sweep: the filter, kind "filter", path ""
}

// TopicResult is what the sweep found in one topic.
type TopicResult struct {
	Topic    string
	Scanned  int64 // records read inside the window
	Hits     int64
	FirstHit time.Time // zero without hits
	LastHit  time.Time
	Err      error // why the topic could not be (fully) read; the sweep went on
	// Scan is the regulated-data scan of every record read, when Request.Scan was set.
	Scan *scan.TopicReport
}

// Summary is a sweep's outcome per topic, sorted by topic name.
type Summary struct {
	From, To time.Time
	Topics   []TopicResult
	Elapsed  time.Duration
}

// Scanned totals the records read.
func (s Summary) Scanned() int64 {
	var n int64
	for _, t := range s.Topics {
		n += t.Scanned
	}
	return n
}

// Hits totals the hits.
func (s Summary) Hits() int64 {
	var n int64
	for _, t := range s.Topics {
		n += t.Hits
	}
	return n
}

// Failed lists the topics that could not be fully read.
func (s Summary) Failed() []TopicResult {
	var out []TopicResult
	for _, t := range s.Topics {
		if t.Err != nil {
			out = append(out, t)
		}
	}
	return out
}

// Progress is a snapshot of a running sweep.
type Progress struct {
	Topics, TopicsDone int
	Scanned, Hits      int64
	Elapsed            time.Duration
}

// KindFilter marks a hit of a --match sweep in Hit.Matched.
const KindFilter filter.IOCKind = "filter"

// Select picks the topics a sweep reads: those matching any pattern (all when none),
// internal ones only when asked. A malformed pattern is an error, and so is a pattern that
// matches no topic: a sweep must never report "no hits" over topics it did not read.
func Select(topics kafka.Topics, patterns []string, internal bool) ([]string, error) {
	if err := CheckPatterns(patterns); err != nil {
		return nil, err
	}
	var out []string
	matched := make([]bool, len(patterns))
	hiddenInternal := make([]bool, len(patterns))
	for _, t := range topics {
		if len(patterns) == 0 {
			if !t.Internal || internal {
				out = append(out, t.Name)
			}
			continue
		}
		hit := false
		for i, p := range patterns {
			if ok, _ := path.Match(p, t.Name); ok {
				if t.Internal && !internal {
					hiddenInternal[i] = true
					continue
				}
				matched[i], hit = true, true
			}
		}
		if hit {
			out = append(out, t.Name)
		}
	}
	for i, p := range patterns {
		switch {
		case matched[i]:
		case hiddenInternal[i]:
			return nil, fmt.Errorf("topic pattern %q matches only internal topics (add --internal)", decode.Sanitize(p))
		default:
			return nil, fmt.Errorf("topic pattern %q matches none of the %d topics", decode.Sanitize(p), len(topics))
		}
	}
	return out, nil
}

// CheckPatterns reports the first malformed topic pattern, before anything is listed.
func CheckPatterns(patterns []string) error {
	for _, p := range patterns {
		if _, err := path.Match(p, ""); err != nil {
			return fmt.Errorf("topic pattern %q: %w", decode.Sanitize(p), err)
		}
	}
	return nil
}

// Run sweeps the window and hands every hit to emit in time order (timestamp, topic,
// partition, offset) once all topics are read; hits are held until then, records that do
// not match are not. Topics that cannot be read are in the summary with the reason and
// the sweep goes on; Run fails only when the topics cannot be listed, emit fails, or ctx
// ends (then the hits found so far are still emitted, and unfinished topics say so).
func Run(ctx context.Context, src Source, req Request, emit func(*Hit) error) (Summary, error) {
	start := time.Now()
	sum := Summary{From: req.From, To: req.To}
	if (req.Filter == nil) == (req.IOCs == nil) {
		return sum, errors.New("sweep: give either a filter or indicators")
	}
	if !req.To.After(req.From) {
		return sum, fmt.Errorf("sweep: the window ends (%s) before it starts (%s)",
			req.To.UTC().Format(time.RFC3339), req.From.UTC().Format(time.RFC3339))
	}
	if req.Decoder == nil {
		req.Decoder = decode.New()
	}
	all, err := src.Topics(ctx)
	if err != nil {
		return sum, err
	}
	names, err := Select(all, req.Topics, req.Internal)
	if err != nil {
		return sum, err
	}
	s := &sweeper{req: req, src: src, start: start, total: len(names)}
	results := make([]topicHits, len(names))
	stopProgress := s.reportProgress()
	sem := make(chan struct{}, cmp.Or(req.Concurrency, DefaultConcurrency))
	var wg sync.WaitGroup
	// Topics start in name order, at most Concurrency at once; once ctx ends none starts.
	for i, name := range names {
		results[i] = topicHits{res: TopicResult{Topic: name}}
		if !acquire(ctx, sem) {
			results[i].res.Err = ctx.Err()
			continue
		}
		wg.Go(func() {
			defer func() { <-sem }()
			results[i] = s.topic(ctx, name)
			s.done.Add(1)
		})
	}
	wg.Wait()
	stopProgress()

	var hits []*Hit
	for _, r := range results {
		sum.Topics = append(sum.Topics, r.res)
		hits = append(hits, r.hits...)
	}
	sum.Elapsed = time.Since(start)
	// Interrupted, the hits found so far still come out: they are evidence too.
	slices.SortStableFunc(hits, func(a, b *Hit) int {
		ka, kb := position(&a.Envelope), position(&b.Envelope)
		switch {
		case kafka.TimeOrderLess(&ka, &kb):
			return -1
		case kafka.TimeOrderLess(&kb, &ka):
			return 1
		}
		return 0
	})
	for _, h := range hits {
		if err := emit(h); err != nil {
			return sum, err
		}
	}
	return sum, ctx.Err()
}

// acquire takes a slot of sem unless ctx has ended (checked again after the wait, since a
// select between a free slot and an ended ctx picks either).
func acquire(ctx context.Context, sem chan struct{}) bool {
	if ctx.Err() != nil {
		return false
	}
	select {
	case sem <- struct{}{}:
	case <-ctx.Done():
		return false
	}
	if ctx.Err() != nil {
		<-sem
		return false
	}
	return true
}

// position is the part of a record the time order looks at.
func position(e *decode.Envelope) kafka.Record {
	return kafka.Record{Topic: e.Topic, Partition: e.Partition, Offset: e.Offset, Timestamp: e.Timestamp}
}

type sweeper struct {
	req     Request
	src     Source
	start   time.Time
	total   int
	done    atomic.Int64
	scanned atomic.Int64
	hits    atomic.Int64
}

type topicHits struct {
	res  TopicResult
	hits []*Hit
}

// topic reads one topic's window and keeps its hits.
func (s *sweeper) topic(ctx context.Context, name string) (out topicHits) {
	out = topicHits{res: TopicResult{Topic: name}}
	stream, err := s.src.Read(ctx, kafka.ReadRequest{Topic: name, Order: kafka.OrderTime,
		From: kafka.Start{Kind: kafka.StartTime, Time: s.req.From},
		To:   kafka.Stop{Kind: kafka.StopTime, Time: s.req.To}})
	if err != nil {
		out.res.Err = err
		return out
	}
	defer stream.Close()
	var tally *scan.Tally
	if s.req.Scan != nil {
		tally = scan.NewTally(s.req.Scan, name)
		defer func() {
			r := tally.Report()
			out.res.Scan = &r
		}()
	}
	for b := range stream.Batches() {
		if b.Err != nil {
			out.res.Err = b.Err
			break
		}
		before := out.res.Hits
		for i := range b.Records {
			out.res.Scanned++
			env := s.req.Decoder.Decode(ctx, &b.Records[i])
			if tally != nil {
				tally.Add(&env)
			}
			matched := s.match(&env)
			if matched == nil {
				continue
			}
			if out.res.Hits == 0 {
				out.res.FirstHit = env.Timestamp
			}
			out.res.Hits++
			out.res.FirstHit = minTime(out.res.FirstHit, env.Timestamp)
			out.res.LastHit = maxTime(out.res.LastHit, env.Timestamp)
			out.hits = append(out.hits, &Hit{Envelope: detach(env), Matched: matched})
		}
		s.scanned.Add(int64(len(b.Records)))
		s.hits.Add(out.res.Hits - before)
	}
	if out.res.Err == nil {
		out.res.Err = ctx.Err()
	}
	return out
}

// detach copies the envelope's bytes: a record's key and value share the fetch response
// they came in, and a hit held until the sweep ends must not keep megabytes of it alive.
func detach(env decode.Envelope) decode.Envelope {
	cp := func(d *decode.Decoded) {
		d.JSON, d.Raw = bytes.Clone(d.JSON), bytes.Clone(d.Raw)
	}
	cp(&env.Key)
	cp(&env.Value)
	env.Headers = slices.Clone(env.Headers)
	for i := range env.Headers {
		cp(&env.Headers[i].Value)
	}
	return env
}

// match returns what made env a hit, or nil.
func (s *sweeper) match(env *decode.Envelope) []filter.IOCHit {
	if s.req.IOCs != nil {
		return s.req.IOCs.Match(env)
	}
	if s.req.Filter.Match(env) {
		return []filter.IOCHit{{Indicator: s.req.Filter.String(), Kind: KindFilter}}
	}
	return nil
}

// reportProgress calls Progress every progressInterval until the returned stop, which
// reports once more.
func (s *sweeper) reportProgress() (stop func()) {
	fn := s.req.Progress
	if fn == nil {
		return func() {}
	}
	snap := func() Progress {
		return Progress{Topics: s.total, TopicsDone: int(s.done.Load()), Scanned: s.scanned.Load(),
			Hits: s.hits.Load(), Elapsed: time.Since(s.start)}
	}
	quit, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(progressInterval)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				fn(snap())
			case <-quit:
				fn(snap())
				return
			}
		}
	}()
	return func() {
		close(quit)
		<-finished
	}
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
