package history

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/kpeek/kpeek/kafka"
)

// Option tunes Read.
type Option func(*readOptions)

type readOptions struct {
	topic  string
	logger *slog.Logger
}

// WithTopic reads history from topic instead of __consumer_offsets (the demo keeps the same
// records under the same name; tests point elsewhere).
func WithTopic(topic string) Option { return func(o *readOptions) { o.topic = topic } }

// WithLogger logs records that do not decode to l.
func WithLogger(l *slog.Logger) Option { return func(o *readOptions) { o.logger = l } }

// Reader is what Read needs of a cluster: kafka.Client satisfies it.
type Reader interface {
	Read(ctx context.Context, req kafka.ReadRequest) (*kafka.Stream, error)
}

// Read reads the offsets topic from its oldest record to the end of q's window, without
// joining a group or committing, and builds the report. Without READ on the topic the
// report is empty with a note saying so; that is not an error.
func Read(ctx context.Context, cl Reader, q Query, opts ...Option) (Report, error) {
	o := readOptions{topic: OffsetsTopic, logger: slog.New(slog.DiscardHandler)}
	for _, opt := range opts {
		opt(&o)
	}
	req := kafka.ReadRequest{Topic: o.topic, From: kafka.Start{Kind: kafka.StartBeginning}}
	if !q.To.IsZero() && q.To.Before(time.Now()) {
		req.To = kafka.Stop{Kind: kafka.StopTime, Time: q.To}
	}
	s, err := cl.Read(ctx, req)
	if err != nil {
		if note := Unreadable(o.topic, err); note != "" {
			return Report{Notes: []string{note}}, nil
		}
		return Report{}, fmt.Errorf("read history from %s: %w", o.topic, err)
	}
	defer s.Close()
	wantGroup := set(q.Groups)
	var recs []Record
	malformed := 0
	total := 0
	var oldest, newest time.Time
	for b := range s.Batches() {
		if b.Err != nil {
			if note := Unreadable(o.topic, b.Err); note != "" {
				return Report{Notes: []string{note}}, nil
			}
			return Report{}, fmt.Errorf("read history from %s: %w", o.topic, b.Err)
		}
		for _, r := range b.Records {
			total++
			if oldest.IsZero() || r.Timestamp.Before(oldest) {
				oldest = r.Timestamp
			}
			if r.Timestamp.After(newest) {
				newest = r.Timestamp
			}
			e, err := Decode(r.Key, r.Value)
			if err != nil {
				malformed++
				o.logger.Debug("undecodable record", "topic", o.topic, "partition", r.Partition, "offset", r.Offset, "err", err)
				continue
			}
			if e.Kind == KindOther || (len(wantGroup) > 0 && !wantGroup[e.Group]) {
				continue
			}
			recs = append(recs, Record{Entry: e, LogPartition: r.Partition, LogOffset: r.Offset, Time: r.Timestamp})
		}
	}
	if err := ctx.Err(); err != nil {
		return Report{}, fmt.Errorf("read history from %s: %w", o.topic, err)
	}
	rep := Build(recs, q)
	rep.Records, rep.Malformed, rep.Oldest, rep.Newest = total, malformed, oldest, newest
	if malformed > 0 {
		rep.Notes = append(rep.Notes, fmt.Sprintf("%d records of %s did not decode and are left out", malformed, o.topic))
	}
	if total == 0 {
		rep.Notes = append(rep.Notes, fmt.Sprintf("%s holds no records: no group has committed, or retention removed them", o.topic))
	}
	return rep, nil
}

// Unreadable returns the note to show when err means the account may not read the offsets
// topic, and "" for any other error.
func Unreadable(topic string, err error) string {
	var na *kafka.NotAuthorizedError
	var nf *kafka.TopicNotFoundError
	if errors.As(err, &na) || errors.As(err, &nf) {
		return fmt.Sprintf("cannot read topic %s (needs DESCRIBE and READ on it): commit history, past members, client ids and hosts are not shown", topic)
	}
	return ""
}
