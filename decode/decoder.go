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

// Decode decodes one record. It never fails: a payload that cannot be decoded is
// returned with a fallback rendering and a reason in Decoded.Error.
func (d *Decoder) Decode(ctx context.Context, rec *kafka.Record) Envelope {
	key, value := d.specs(rec.Topic)
	e := Envelope{
		Topic:         rec.Topic,
		Partition:     rec.Partition,
		Offset:        rec.Offset,
		Timestamp:     rec.Timestamp,
		TimestampType: string(rec.TimestampType),
		Key:           d.decodeBytes(ctx, rec.Key, key),
		Value:         d.decodeBytes(ctx, rec.Value, value),
		Size:          rec.Size(),
	}
	if len(rec.Headers) > 0 {
		e.Headers = make([]HeaderValue, len(rec.Headers))
		for i, h := range rec.Headers {
			e.Headers[i] = HeaderValue{Key: h.Key, Value: decodePlain(h.Value)}
		}
	}
	return e
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

// isFramed reports whether b starts with the Confluent wire-format header: magic byte 0
// and a 4-byte big-endian schema id.
func isFramed(b []byte) bool {
	return len(b) >= 5 && b[0] == 0
}

// decodeWire decodes a framed payload with the writer's schema from the registry. want,
// when set, is the encoding a format override asked for; a different one is an error.
func (d *Decoder) decodeWire(ctx context.Context, b []byte, want Encoding) Decoded {
	id := int(uint32(b[1])<<24 | uint32(b[2])<<16 | uint32(b[3])<<8 | uint32(b[4]))
	out, err := d.renderWire(ctx, b, id, want)
	out.SchemaID = &id
	if err != nil {
		fb := failed(b, err.Error())
		fb.SchemaID, fb.Subject, fb.Version = out.SchemaID, out.Subject, out.Version
		return fb
	}
	return out
}

func (d *Decoder) renderWire(ctx context.Context, b []byte, id int, want Encoding) (Decoded, error) {
	s, err := d.reg.schema(ctx, id)
	if err != nil {
		return Decoded{}, err
	}
	out := Decoded{Encoding: s.encoding, Subject: s.subject, Version: s.version, Raw: b}
	if want != "" && want != s.encoding {
		return out, fmt.Errorf("schema id %d is %s, not %s", id, s.encoding, want)
	}
	payload := b[5:]
	dst := make([]byte, 0, 2*len(payload)+16)
	switch s.encoding {
	case EncodingAvro:
		out.JSON, err = s.avro.render(dst, payload)
	case EncodingProtobuf:
		idx, rest, ierr := readMessageIndexes(payload)
		if ierr != nil {
			return out, ierr
		}
		md, merr := s.proto.messageAt(idx)
		if merr != nil {
			return out, merr
		}
		out.JSON, err = s.proto.render(dst, md, rest)
	case EncodingJSONSchema:
		var ok bool
		if out.JSON, ok = compactJSON(dst, payload); !ok {
			err = fmt.Errorf("json schema: payload is not valid JSON")
		}
	}
	return out, err
}

// Config is how main.go asks for a decoder: the cluster's registry and per-topic
// overrides, plus the --key-format / --value-format flags.
type Config struct {
	Registry    *kafka.RegistryConfig
	Topics      map[string]kafka.TopicFormat
	KeyFormat   string // auto|avro|protobuf|json|string|hex|base64|msgpack|cbor; "" means auto
	ValueFormat string
	Logger      *slog.Logger // nil discards logs
}

// FromConfig builds the decoder main.go and the explorer use; it fails on a bad format
// name or an unreadable local schema file, naming it.
func FromConfig(cfg Config) (*Decoder, error) {
	keyFormat, err := parseFormatFlag(cfg.KeyFormat)
	if err != nil {
		return nil, fmt.Errorf("--key-format: %w", err)
	}
	valueFormat, err := parseFormatFlag(cfg.ValueFormat)
	if err != nil {
		return nil, fmt.Errorf("--value-format: %w", err)
	}
	opts := []Option{WithFormats(keyFormat, valueFormat)}
	if cfg.Logger != nil {
		opts = append(opts, WithLogger(cfg.Logger))
	}
	if cfg.Registry != nil && cfg.Registry.URL != "" {
		var ropts []RegistryOption
		if cfg.Logger != nil {
			ropts = append(ropts, WithRegistryLogger(cfg.Logger))
		}
		reg, err := NewRegistry(*cfg.Registry, ropts...)
		if err != nil {
			return nil, err
		}
		opts = append(opts, WithRegistry(reg))
	}
	d := New(opts...)
	files := map[string]*localSchema{}
	for topic, tf := range cfg.Topics {
		key, err := topicSide(tf.KeyFormat, tf.KeySchema, tf.KeyMessage, files)
		if err != nil {
			return nil, fmt.Errorf("topic %s key: %w", topic, err)
		}
		value, err := topicSide(tf.ValueFormat, tf.ValueSchema, tf.ValueMessage, files)
		if err != nil {
			return nil, fmt.Errorf("topic %s value: %w", topic, err)
		}
		d.topics[topic] = topicSpec{key: key, value: value}
	}
	return d, nil
}

// parseFormatFlag parses a flag value; "" and auto both mean "as configured per topic".
func parseFormatFlag(s string) (Format, error) {
	f, err := ParseFormat(s)
	if f == FormatAuto {
		f = ""
	}
	return f, err
}

func topicSide(format, schema, message string, files map[string]*localSchema) (sideSpec, error) {
	f, err := ParseFormat(format)
	if err != nil {
		return sideSpec{}, err
	}
	spec := sideSpec{format: f}
	if schema == "" {
		return spec, nil
	}
	key := schema + "\x00" + message
	if spec.local = files[key]; spec.local == nil {
		if spec.local, err = loadLocalSchema(schema, message); err != nil {
			return sideSpec{}, err
		}
		files[key] = spec.local
	}
	return spec, nil
}
