package kafka

import (
	"cmp"
	"slices"
	"time"

	"github.com/IBM/sarama"
)

// blockRecords are the records of a fetched block in [from, end) (end < 0: no end) that a
// read-committed consumer delivers, built straight from sarama's decoded batches (keys,
// values and header values share the response's buffers), and the last offset the block
// covers (from-1 when it covers nothing), so the next fetch starts after skipped markers,
// aborted batches and compacted gaps too. A batch cut off by the fetch size is left out.
func blockRecords(topic string, partition int32, blk *sarama.FetchResponseBlock, from, end int64,
	tsType TimestampType) ([]Record, int64) {
	n := 0
	for _, recs := range blk.RecordsSet {
		if recs != nil && recs.RecordBatch != nil {
			n += len(recs.RecordBatch.Records)
		} else if recs != nil && recs.MsgSet != nil {
			n += len(recs.MsgSet.Messages)
		}
	}
	if n == 0 {
		return nil, from - 1
	}
	out := make([]Record, 0, n)
	last := from - 1
	inRange := func(off int64) bool { return off >= from && (end < 0 || off < end) }
	filter := newAbortFilter(blk)
	for _, recs := range blk.RecordsSet {
		switch {
		case recs == nil:
		case recs.MsgSet != nil:
			for _, wrapper := range recs.MsgSet.Messages {
				inner := wrapper.Messages()
				for _, msg := range inner {
					off, ts := msg.Offset, msg.Msg.Timestamp
					if msg.Msg.Version >= 1 && wrapper.Msg.Set != nil {
						// v1 inner offsets are relative; the wrapper holds the last absolute one.
						off += wrapper.Offset - inner[len(inner)-1].Offset
						if wrapper.Msg.LogAppendTime {
							ts = wrapper.Msg.Timestamp
						}
					}
					last = max(last, off)
					if inRange(off) {
						out = append(out, newRecord(topic, partition, off, ts, tsType, msg.Msg.Key, msg.Msg.Value, nil))
					}
				}
			}
		case recs.RecordBatch != nil:
			rb := recs.RecordBatch
			if rb.PartialTrailingRecord {
				continue
			}
			last = max(last, rb.LastOffset())
			if !filter.readable(rb) {
				continue
			}
			for _, rec := range rb.Records {
				off := rb.FirstOffset + rec.OffsetDelta
				if !inRange(off) {
					continue
				}
				ts := rb.MaxTimestamp
				if !rb.LogAppendTime {
					ts = rb.FirstTimestamp.Add(rec.TimestampDelta)
				}
				out = append(out, newRecord(topic, partition, off, ts, tsType, rec.Key, rec.Value, rec.Headers))
			}
		}
	}
	return out, last
}

// newRecord builds kpeek's record from decoded wire fields. A record without a timestamp
// (message format v0, or v1/v2 with -1, which sarama decodes as the zero time) has type
// TimestampNone whatever the topic's configuration says.
func newRecord(topic string, partition int32, offset int64, ts time.Time, tsType TimestampType,
	key, value []byte, headers []*sarama.RecordHeader) Record {
	if ts.IsZero() {
		tsType = TimestampNone
	}
	rec := Record{Topic: topic, Partition: partition, Offset: offset, Timestamp: ts, TimestampType: tsType,
		Key: key, Value: value}
	if len(headers) > 0 {
		rec.Headers = make([]Header, 0, len(headers))
		for _, h := range headers {
			if h != nil {
				rec.Headers = append(rec.Headers, Header{Key: string(h.Key), Value: h.Value})
			}
		}
	}
	return rec
}

// abortFilter is the Java consumer's read-committed filter over one fetched block's
// batches, taken in order: aborted transactions are taken in order of their first offset; a
// producer is aborting from the batch that reaches that offset until its ABORT marker (a
// COMMIT marker does not end it); control batches and the aborting producer's
// transactional batches are not delivered.
type abortFilter struct {
	pending  []*sarama.AbortedTransaction
	aborting map[int64]bool
}

func newAbortFilter(blk *sarama.FetchResponseBlock) abortFilter {
	pending := blk.AbortedTransactions
	if len(pending) > 1 && !slices.IsSortedFunc(pending, byFirstOffset) {
		pending = slices.Clone(pending)
		slices.SortFunc(pending, byFirstOffset)
	}
	return abortFilter{pending: pending}
}

func byFirstOffset(a, b *sarama.AbortedTransaction) int {
	return cmp.Compare(a.FirstOffset, b.FirstOffset)
}

// readable reports whether rb's records are delivered, given the batches before it.
func (f *abortFilter) readable(rb *sarama.RecordBatch) bool {
	for len(f.pending) > 0 && f.pending[0].FirstOffset <= rb.LastOffset() {
		if f.aborting == nil {
			f.aborting = map[int64]bool{}
		}
		f.aborting[f.pending[0].ProducerID] = true
		f.pending = f.pending[1:]
	}
	if rb.Control {
		if t, ok := controlType(rb); !ok || t == sarama.ControlRecordAbort {
			// An unreadable marker ends the transaction too: guessing "still aborting"
			// could hide committed records and end the read early.
			delete(f.aborting, rb.ProducerID)
		}
		return false
	}
	return !rb.IsTransactional || !f.aborting[rb.ProducerID]
}
