package messages

import (
	"bytes"
	"context"

	tea "charm.land/bubbletea/v2"

	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/decode/filter"
	"github.com/kpeek/kpeek/kafka"
)

// Filtering a million records is dominated by decoding them (JSON validation and
// compaction). Most records decode to something that can be rebuilt from their raw
// bytes without work: compact JSON stays itself, plain ASCII text is only quoted.
// The pane remembers, per record, whether the decoder's output was exactly that
// rebuild (checked byte for byte the first time the record is decoded); later
// filters then rebuild the envelope instead of decoding. Anything else — schemas,
// registry framing, errors, escapes, non-compact JSON — is decoded every time.

// Record classes, one byte per record in the store.
const (
	classUnknown uint8 = iota
	classRebuild       // decoding gives exactly rebuild(): skip the decoder
	classDecode        // always decode
)

// warmJob is how many records a background classification pass takes at once; small,
// so a filter typed meanwhile waits little for the job slot.
const warmJob = 1 << 14

// warmState is the background pass that classifies records as they arrive, so the
// first filter over them is already fast.
type warmState struct {
	running bool
	upTo    int64 // every seq below was classified (or dropped)
	off     bool  // the records here need the decoder anyway: stop spending CPU
}

// warmResultMsg carries the classes of seqs [from, from+len(classes)) of read id.
type warmResultMsg struct {
	read    int
	from    int64
	classes []uint8
}

// scratch is one worker's reusable memory for rebuilt envelopes, so the fast path
// allocates nothing per record. An envelope built in it is valid until the next one.
type scratch struct {
	rec     kafka.Record   // the record being matched
	hbuf    []kafka.Header // its headers' array, reused
	e       decode.Envelope
	json    []byte
	headers []decode.HeaderValue
	cmp     []byte // classifyWith's rebuilt sides
}

// envelope decodes r, or rebuilds it when its class allows, into sc (so it is valid
// until the next call with sc, and costs no allocation of its own). Only the parts in
// need are decoded; the others are left zero, for a filter that does not read them.
// It also returns the record's class when it was unknown and this call found it out
// (else classUnknown): only a full decode can, so a partial one leaves the record to
// the background pass.
func envelope(ctx context.Context, dec *decode.Decoder, r *kafka.Record, class uint8, need filter.Parts, sc *scratch) (*decode.Envelope, uint8) {
	if class == classRebuild && sc.rebuild(r, need) {
		return &sc.e, classUnknown
	}
	if need != filter.PartAll {
		sc.decodeParts(ctx, dec, r, need)
		return &sc.e, classUnknown
	}
	sc.e = dec.Decode(ctx, r)
	if class != classUnknown {
		return &sc.e, classUnknown
	}
	return &sc.e, classifyWith(r, &sc.e, &sc.cmp)
}

// classify says whether e (the decoder's output for r) equals rebuild(r).
func classify(r *kafka.Record, e *decode.Envelope) uint8 {
	var buf []byte
	return classifyWith(r, e, &buf)
}

// classifyWith is classify building the rebuilt sides in *buf, so a worker reusing
// one buffer classifies without allocating.
func classifyWith(r *kafka.Record, e *decode.Envelope, buf *[]byte) uint8 {
	if !sameSide(r.Key, &e.Key, buf) || !sameSide(r.Value, &e.Value, buf) || len(r.Headers) != len(e.Headers) {
		return classDecode
	}
	for i, h := range r.Headers {
		if h.Key != e.Headers[i].Key || !sameSide(h.Value, &e.Headers[i].Value, buf) {
			return classDecode
		}
	}
	return classRebuild
}

func sameSide(raw []byte, d *decode.Decoded, buf *[]byte) bool {
	*buf = (*buf)[:0]
	want, ok := rebuildSide(raw, buf)
	return ok && d.Encoding == want.Encoding && bytes.Equal(d.JSON, want.JSON) && bytes.Equal(d.Raw, want.Raw) &&
		d.SchemaID == nil && d.Subject == "" && d.Version == 0 && d.Error == ""
}

// rebuild builds the parts in need of r's envelope from its bytes alone into sc.e;
// false when it cannot.
func (sc *scratch) rebuild(r *kafka.Record, need filter.Parts) bool {
	sc.json, sc.headers = sc.json[:0], sc.headers[:0]
	sc.e = metadata(r)
	var ok bool
	if need&filter.PartKey != 0 {
		if sc.e.Key, ok = rebuildSide(r.Key, &sc.json); !ok {
			return false
		}
	}
	if need&filter.PartValue != 0 {
		if sc.e.Value, ok = rebuildSide(r.Value, &sc.json); !ok {
			return false
		}
	}
	if need&filter.PartHeaders == 0 {
		return true
	}
	for _, h := range r.Headers {
		v, ok := rebuildSide(h.Value, &sc.json)
		if !ok {
			return false
		}
		sc.headers = append(sc.headers, decode.HeaderValue{Key: h.Key, Value: v})
	}
	if len(sc.headers) > 0 {
		sc.e.Headers = sc.headers
	}
	return true
}

// decodeParts decodes the parts in need of r into sc.e, the others left zero.
func (sc *scratch) decodeParts(ctx context.Context, dec *decode.Decoder, r *kafka.Record, need filter.Parts) {
	sc.e = metadata(r)
	if need&filter.PartKey != 0 {
		sc.e.Key = dec.DecodeKey(ctx, r)
	}
	if need&filter.PartValue != 0 {
		sc.e.Value = dec.DecodeValue(ctx, r)
	}
	if need&filter.PartHeaders != 0 && len(r.Headers) > 0 {
		sc.headers = dec.AppendHeaders(sc.headers[:0], r)
		sc.e.Headers = sc.headers
	}
}

// metadata is r's envelope with nothing decoded: what Decode gives but key, value and
// headers.
func metadata(r *kafka.Record) decode.Envelope {
	return decode.Envelope{
		Topic: r.Topic, Partition: r.Partition, Offset: r.Offset, Timestamp: r.Timestamp,
		TimestampType: string(r.TimestampType), Size: r.Size(),
	}
}

// rebuildSide is what a schemaless decode of raw gives when that is trivial: null,
// the bytes themselves for JSON (correct only if they are compact, which classify
// checks), or plain printable ASCII in quotes (appended to buf).
func rebuildSide(raw []byte, buf *[]byte) (decode.Decoded, bool) {
	switch {
	case raw == nil:
		return decode.Decoded{Encoding: decode.EncodingNull}, true
	case startsJSON(raw):
		return decode.Decoded{JSON: raw, Encoding: decode.EncodingJSON, Raw: raw}, true
	}
	for _, c := range raw {
		if c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			return decode.Decoded{}, false
		}
	}
	at := len(*buf)
	*buf = append(append(append(*buf, '"'), raw...), '"')
	return decode.Decoded{JSON: (*buf)[at:len(*buf):len(*buf)], Encoding: decode.EncodingString, Raw: raw}, true
}

func startsJSON(b []byte) bool { return len(b) > 0 && (b[0] == '{' || b[0] == '[') }

// warmMore starts classifying the next records in the background when nothing else
// is running.
func (m Model) warmMore() (Model, tea.Cmd) {
	w := &m.warm
	w.upTo = max(w.upTo, m.store.First())
	if w.off || w.running || m.filter.running || w.upTo >= m.store.End() {
		return m, nil
	}
	w.running = true
	from, to := w.upTo, min(m.store.End(), w.upTo+warmJob)
	read, dec, snap, ctx := m.rd.id, m.dec, m.store.Snapshot(), m.ctx
	return m, func() tea.Msg {
		_, classes := matchRange(ctx, nil, dec, snap, from, to)
		return warmResultMsg{read: read, from: from, classes: classes}
	}
}

func (m Model) updateWarm(msg warmResultMsg) (Model, tea.Cmd) {
	if msg.read != m.rd.id {
		return m, nil
	}
	m.warm.running = false
	m.store.SetClasses(msg.from, msg.classes)
	m.warm.upTo = max(m.warm.upTo, msg.from+int64(len(msg.classes)))
	slow := 0
	for _, c := range msg.classes {
		if c == classDecode {
			slow++
		}
	}
	if len(msg.classes) >= 1024 && slow*10 >= len(msg.classes)*9 {
		m.warm.off = true
	}
	return m.background()
}

// background starts the next filter slice, else the next warm-up slice.
func (m Model) background() (Model, tea.Cmd) {
	m, cmd := m.filterMore()
	if cmd != nil {
		return m, cmd
	}
	return m.warmMore()
}
