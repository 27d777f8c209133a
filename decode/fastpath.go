package decode

import (
	"bytes"
	"context"

	"github.com/kpeek/kpeek/kafka"
)

// Filtering a million records is dominated by decoding them (JSON validation and
// compaction). Most records decode to something that can be rebuilt from their raw bytes
// without work: compact JSON stays itself, plain ASCII text is only quoted. A caller that
// decodes the same records again and again (the explorer's filter) remembers, per record,
// whether Decode's output was exactly that rebuild (Classify, checked byte for byte the
// first time the record is decoded); DecodeParts then rebuilds the envelope instead of
// decoding. Anything else (schemas, registry framing, errors, escapes, non-compact JSON)
// is decoded every time.

// Parts names the decoded parts of a record's envelope; its metadata (topic, partition,
// offset, timestamp, size) needs no decoding.
type Parts uint8

// The decoded parts of a record.
const (
	PartKey Parts = 1 << iota
	PartValue
	PartHeaders
	PartAll = PartKey | PartValue | PartHeaders
)

// Class says whether a record's envelope can be rebuilt from its bytes alone.
type Class uint8

// Record classes; ClassUnknown is the zero value, for a record not classified yet.
const (
	ClassUnknown Class = iota
	ClassRebuild       // decoding gives exactly the rebuild: skip the decoder
	ClassDecode        // always decode
)

// Scratch is one worker's reusable memory for DecodeParts, so the fast path allocates
// nothing per record. An envelope built in it is valid until the next call with it.
type Scratch struct {
	e       Envelope
	json    []byte
	headers []HeaderValue
	cmp     []byte // classifyWith's rebuilt sides
}

// DecodeParts decodes r, or rebuilds it when class allows, into sc (so the envelope is
// valid until the next call with sc). Only the parts in need are decoded; the others are
// left zero, for a reader that does not look at them. It also returns r's class when class
// was unknown and this call found it out (else ClassUnknown): only a full decode can, so a
// partial one leaves the record unclassified.
func (d *Decoder) DecodeParts(ctx context.Context, r *kafka.Record, class Class, need Parts, sc *Scratch) (*Envelope, Class) {
	if class == ClassRebuild && sc.rebuild(r, need) {
		return &sc.e, ClassUnknown
	}
	if need != PartAll {
		sc.e = metadata(r)
		if need&PartKey != 0 {
			sc.e.Key = d.DecodeKey(ctx, r)
		}
		if need&PartValue != 0 {
			sc.e.Value = d.DecodeValue(ctx, r)
		}
		if need&PartHeaders != 0 && len(r.Headers) > 0 {
			sc.headers = d.AppendHeaders(sc.headers[:0], r)
			sc.e.Headers = sc.headers
		}
		return &sc.e, ClassUnknown
	}
	sc.e = d.Decode(ctx, r)
	if class != ClassUnknown {
		return &sc.e, ClassUnknown
	}
	return &sc.e, classifyWith(r, &sc.e, &sc.cmp)
}

// Classify says whether e, Decode's output for r, equals the rebuild of r from its bytes.
func Classify(r *kafka.Record, e *Envelope) Class {
	var buf []byte
	return classifyWith(r, e, &buf)
}

// classifyWith is Classify building the rebuilt sides in *buf, so a worker reusing one
// buffer classifies without allocating.
func classifyWith(r *kafka.Record, e *Envelope, buf *[]byte) Class {
	if !sameSide(r.Key, &e.Key, buf) || !sameSide(r.Value, &e.Value, buf) || len(r.Headers) != len(e.Headers) {
		return ClassDecode
	}
	for i, h := range r.Headers {
		if h.Key != e.Headers[i].Key || !sameSide(h.Value, &e.Headers[i].Value, buf) {
			return ClassDecode
		}
	}
	return ClassRebuild
}

func sameSide(raw []byte, d *Decoded, buf *[]byte) bool {
	*buf = (*buf)[:0]
	want, ok := rebuildSide(raw, buf)
	return ok && d.Encoding == want.Encoding && bytes.Equal(d.JSON, want.JSON) && bytes.Equal(d.Raw, want.Raw) &&
		d.SchemaID == nil && d.Subject == "" && d.Version == 0 && d.Error == ""
}

// rebuild builds the parts in need of r's envelope from its bytes alone into sc.e; false
// when it cannot.
func (sc *Scratch) rebuild(r *kafka.Record, need Parts) bool {
	sc.json, sc.headers = sc.json[:0], sc.headers[:0]
	sc.e = metadata(r)
	var ok bool
	if need&PartKey != 0 {
		if sc.e.Key, ok = rebuildSide(r.Key, &sc.json); !ok {
			return false
		}
	}
	if need&PartValue != 0 {
		if sc.e.Value, ok = rebuildSide(r.Value, &sc.json); !ok {
			return false
		}
	}
	if need&PartHeaders == 0 {
		return true
	}
	for _, h := range r.Headers {
		v, ok := rebuildSide(h.Value, &sc.json)
		if !ok {
			return false
		}
		sc.headers = append(sc.headers, HeaderValue{Key: h.Key, Value: v})
	}
	if len(sc.headers) > 0 {
		sc.e.Headers = sc.headers
	}
	return true
}

// metadata is r's envelope with nothing decoded: what Decode gives but key, value and
// headers.
func metadata(r *kafka.Record) Envelope {
	return Envelope{
		Topic: r.Topic, Partition: r.Partition, Offset: r.Offset, Timestamp: r.Timestamp,
		TimestampType: string(r.TimestampType), Size: r.Size(),
	}
}

// rebuildSide is what a schemaless decode of raw gives when that is trivial: null, the
// bytes themselves for JSON (correct only if they are compact, which Classify checks), or
// plain printable ASCII in quotes (appended to buf).
func rebuildSide(raw []byte, buf *[]byte) (Decoded, bool) {
	switch {
	case raw == nil:
		return Decoded{Encoding: EncodingNull}, true
	case len(raw) > 0 && (raw[0] == '{' || raw[0] == '['):
		return Decoded{JSON: raw, Encoding: EncodingJSON, Raw: raw}, true
	}
	for _, c := range raw {
		if c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			return Decoded{}, false
		}
	}
	at := len(*buf)
	*buf = append(append(append(*buf, '"'), raw...), '"')
	return Decoded{JSON: (*buf)[at:len(*buf):len(*buf)], Encoding: EncodingString, Raw: raw}, true
}
