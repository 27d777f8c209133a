package kafka

import (
	"context"
	"errors"
	"fmt"

	"github.com/IBM/sarama"
	"github.com/pierrec/lz4/v4"
)

// legacyLZ4 reports whether err is the mark of an LZ4 batch written in message format v0
// (before Kafka 0.10): its frame's header checksum was computed over the magic number too,
// so a conforming LZ4 reader refuses it. sarama decodes LZ4 with pierrec/lz4, which has no
// option to accept it, and fails the whole fetch response, every partition in it included
// (lz4mend.go has the way around it).
func legacyLZ4(err error) bool { return errors.Is(err, lz4.ErrInvalidHeaderChecksum) }

// LegacyLZ4Error is a read that stopped at an LZ4 batch in the pre-0.10 framing that could
// not be mended: the records before it were delivered; the batch and what follows were not.
type LegacyLZ4Error struct {
	Topic     string
	Partition int32
	Offset    int64 // the first offset the batch holds (as far as the broker tells)
	Err       error
}

func (e *LegacyLZ4Error) Error() string {
	return fmt.Sprintf("read topic %q: LZ4 batch written by a pre-0.10 client (legacy frame checksum) at partition %d "+
		"offset %d cannot be decoded (%v); the records before it were delivered", e.Topic, e.Partition, e.Offset, e.Err)
}

func (e *LegacyLZ4Error) Unwrap() error { return e.Err }

// ownFetchFails reports whether the partition's own fetch at next fails on a legacy LZ4
// batch. sarama decodes a whole fetch response at once, so one such batch fails every
// partition in the response: only those whose own fetch fails too are read by readMended,
// the others are fetched again without them.
func (r *rangeRead) ownFetchFails(ctx context.Context, partition int32, next int64) bool {
	_, err := r.fetchAt(ctx, r.rc, partition, next, r.rc.Config().Consumer.Fetch.Default)
	return legacyLZ4(err)
}

// readMended reads a partition from next with fetches of its own, through a client whose
// connections mend legacy LZ4 frames (mendingClient), so such batches are read as the Java
// client reads them. Should one still fail, a fetch that fails shrinks to the one batch at
// next and one that succeeds doubles, so every record before the bad batch is delivered and
// the read ends with a LegacyLZ4Error naming where it stopped.
func (r *rangeRead) readMended(ctx context.Context, pr PartitionRange, next int64, send func(event) bool) {
	client := r.rc
	if mc, err := mendingClient(ctx, r.c.cfg.Brokers, r.rc.Config()); err == nil {
		defer func() { _ = mc.Close() }()
		client = mc
	} else {
		r.c.log.Debug("legacy LZ4 mending client", "err", err)
	}
	limit := r.rc.Config().Consumer.Fetch.Default
	size := int32(1)
	for ctx.Err() == nil {
		if pr.End >= 0 && next >= pr.End {
			send(event{done: true})
			return
		}
		blk, err := r.fetchAt(ctx, client, pr.Partition, next, size)
		switch {
		case err != nil && legacyLZ4(err) && size > 1:
			size = 1 // the bad batch is somewhere in this response: take one batch at a time
			continue
		case err != nil && legacyLZ4(err):
			send(event{err: &LegacyLZ4Error{Topic: r.req.Topic, Partition: pr.Partition, Offset: next, Err: err}})
			return
		case err != nil:
			send(event{err: r.c.translate(err, "read", fmt.Sprintf("topic %q partition %d", r.req.Topic, pr.Partition))})
			return
		}
		chunk, last := blockRecords(r.req.Topic, pr.Partition, blk, next, pr.End, r.tsType)
		if len(chunk) > 0 && !send(event{recs: chunk}) {
			return
		}
		if last < next {
			if pr.End >= 0 {
				// Nothing left before the end that the broker will give (markers, compaction).
				send(event{done: true})
				return
			}
			continue // following: the fetch waited MaxWaitTime for more
		}
		next = last + 1
		size = min(size*2, limit)
	}
}

// fetchAt fetches one partition from offset with at most maxBytes (the broker still returns
// a whole first batch larger than that), read committed, through client.
func (r *rangeRead) fetchAt(ctx context.Context, client sarama.Client, partition int32, offset int64,
	maxBytes int32) (*sarama.FetchResponseBlock, error) {
	b, err := client.Leader(r.req.Topic, partition)
	if err != nil {
		return nil, err
	}
	sc := client.Config()
	req := &sarama.FetchRequest{Version: 11, MaxWaitTime: int32(sc.Consumer.MaxWaitTime.Milliseconds()), MinBytes: 1,
		MaxBytes: maxBytes, Isolation: sarama.ReadCommitted, SessionID: 0, SessionEpoch: -1}
	req.AddBlock(r.req.Topic, partition, offset, maxBytes, -1)
	// Through request: the read's end cuts a fetch waiting on a silent broker (see fetch.go).
	resp, err := request(ctx, client, b, func(b *sarama.Broker) (*sarama.FetchResponse, error) { return b.Fetch(req) })
	if err != nil {
		return nil, err
	}
	blk := resp.GetBlock(r.req.Topic, partition)
	if blk == nil {
		return nil, errors.New("no answer for the partition")
	}
	if !errors.Is(blk.Err, sarama.ErrNoError) {
		return nil, blk.Err
	}
	return blk, nil
}
