package decode

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/kpeek/kpeek/kafka"
)

// Decoder turns raw records into envelopes. It is safe for concurrent use.
type Decoder struct {
	log    *slog.Logger
	reg    *Registry
	key    sideSpec // from --key-format: applies to every topic
	value  sideSpec
	topics map[string]topicSpec
}

// sideSpec is how to decode a key or a value: a format and maybe a local schema.
type sideSpec struct {
	format Format // "" when not set
	local  *localSchema
}

type topicSpec struct {
	key, value sideSpec
}

// Option configures a Decoder.
type Option func(*Decoder)

// WithLogger routes the decoder's logs (registry failures, mostly) to l.
func WithLogger(l *slog.Logger) Option { return func(d *Decoder) { d.log = l } }

// WithRegistry decodes schema-registry wire format through r.
func WithRegistry(r *Registry) Option { return func(d *Decoder) { d.reg = r } }

// WithFormats forces the key and value formats for every topic; "" leaves a side as
// configured per topic (or auto).
func WithFormats(key, value Format) Option {
	return func(d *Decoder) { d.key.format, d.value.format = key, value }
}

// New returns a Decoder; with no options it decodes JSON, text and binary, per record.
func New(opts ...Option) *Decoder {
	d := &Decoder{topics: map[string]topicSpec{}}
	for _, o := range opts {
		o(d)
	}
	if d.log == nil {
		d.log = slog.New(slog.DiscardHandler)
	}
	return d
}

// SchemaText returns the registry's text of schema id, so exports can keep the schemas
// they decoded with; without a registry it is an error.
func (d *Decoder) SchemaText(ctx context.Context, id int) (string, error) {
	if d.reg == nil {
		return "", fmt.Errorf("schema id %d: no schema registry configured", id)
	}
	return d.reg.SchemaText(ctx, id)
}

// Decode decodes one record. It never fails: a payload that cannot be decoded is
// returned with a fallback rendering and a reason in Decoded.Error.
func (d *Decoder) Decode(ctx context.Context, rec *kafka.Record) Envelope {
	key, value := d.specs(rec.Topic)
	e := metadata(rec)
	e.Key = d.decodeBytes(ctx, rec.Key, key)
	e.Value = d.decodeBytes(ctx, rec.Value, value)
	if len(rec.Headers) > 0 {
		e.Headers = d.AppendHeaders(make([]HeaderValue, 0, len(rec.Headers)), rec)
	}
	return e
}

// DecodeKey decodes rec's key alone, exactly as Decode does: for a caller that reads
// only some parts of many records (a filter) and should not pay for the others.
func (d *Decoder) DecodeKey(ctx context.Context, rec *kafka.Record) Decoded {
	key, _ := d.specs(rec.Topic)
	return d.decodeBytes(ctx, rec.Key, key)
}

// DecodeValue decodes rec's value alone, exactly as Decode does.
func (d *Decoder) DecodeValue(ctx context.Context, rec *kafka.Record) Decoded {
	_, value := d.specs(rec.Topic)
	return d.decodeBytes(ctx, rec.Value, value)
}

// AppendHeaders appends rec's headers, decoded exactly as Decode does, to dst; a
// caller decoding many records reuses one dst.
func (d *Decoder) AppendHeaders(dst []HeaderValue, rec *kafka.Record) []HeaderValue {
	for _, h := range rec.Headers {
		dst = append(dst, HeaderValue{Key: h.Key, Value: decodePlain(h.Value)})
	}
	return dst
}

// specs merges the flags over the topic's settings: a flag wins, a topic's local schema stays.
func (d *Decoder) specs(topic string) (key, value sideSpec) {
	t := d.topics[topic]
	key, value = t.key, t.value
	if d.key.format != "" {
		key.format = d.key.format
	}
	if d.value.format != "" {
		value.format = d.value.format
	}
	return key, value
}

// decodeBytes decodes one key or value as spec says.
func (d *Decoder) decodeBytes(ctx context.Context, b []byte, spec sideSpec) Decoded {
	if b == nil {
		return Decoded{Encoding: EncodingNull}
	}
	switch spec.format {
	case FormatString:
		return decodeText(b)
	case FormatHex:
		return decodeHex(b)
	case FormatBase64:
		return decodeBase64(b)
	case FormatMsgPack:
		return decodeWith(b, EncodingMsgPack, renderMsgPack)
	case FormatCBOR:
		return decodeWith(b, EncodingCBOR, renderCBOR)
	case FormatJSON:
		if isFramed(b) && d.reg != nil && !looksLikeJSON(b) {
			return d.decodeWire(ctx, b, EncodingJSONSchema)
		}
		return decodeJSON(b)
	case FormatAvro, FormatProtobuf:
		want := EncodingAvro
		if spec.format == FormatProtobuf {
			want = EncodingProtobuf
		}
		if spec.local != nil && spec.local.encoding() == want {
			return spec.local.decode(b)
		}
		if isFramed(b) && d.reg != nil {
			return d.decodeWire(ctx, b, want)
		}
		if d.reg == nil {
			return failed(b, fmt.Sprintf("%s: no schema registry and no local schema file configured", spec.format))
		}
		return failed(b, fmt.Sprintf("%s: not in schema-registry wire format", spec.format))
	}
	if spec.local != nil {
		return spec.local.decode(b)
	}
	if isFramed(b) && d.reg != nil {
		return d.decodeWire(ctx, b, "")
	}
	return decodePlain(b)
}
