package decode

// OWNER: decode helper. This is the foundation's minimal decoder (JSON, text, base64);
// the decoding issue extends it with the schema registry, Avro, Protobuf and the rest.

import (
	"context"
	"encoding/base64"
	"unicode/utf8"

	"github.com/kpeek/kpeek/kafka"
)

// Decoder turns raw records into envelopes. It is safe for concurrent use.
type Decoder struct{}

// Option configures a Decoder.
type Option func(*Decoder)

// New returns a Decoder.
func New(opts ...Option) *Decoder {
	d := &Decoder{}
	for _, o := range opts {
		o(d)
	}
	return d
}

// Decode decodes one record. It never fails: a payload that cannot be decoded is
// returned with a fallback rendering and a reason in Decoded.Error.
func (d *Decoder) Decode(ctx context.Context, rec *kafka.Record) Envelope {
	e := Envelope{
		Topic:         rec.Topic,
		Partition:     rec.Partition,
		Offset:        rec.Offset,
		Timestamp:     rec.Timestamp,
		TimestampType: string(rec.TimestampType),
		Key:           decodePlain(rec.Key),
		Value:         decodePlain(rec.Value),
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

// decodePlain decodes bytes without a schema: JSON object/array, else UTF-8 text, else base64.
func decodePlain(b []byte) Decoded {
	if b == nil {
		return Decoded{Encoding: EncodingNull}
	}
	if len(b) > 0 && (b[0] == '{' || b[0] == '[') {
		if j, ok := compactJSON(b); ok {
			return Decoded{JSON: j, Encoding: EncodingJSON, Raw: b}
		}
	}
	if utf8.Valid(b) {
		return Decoded{JSON: quoteJSON(string(b)), Encoding: EncodingString, Raw: b}
	}
	out := make([]byte, 0, base64.StdEncoding.EncodedLen(len(b))+2)
	out = append(out, '"')
	out = base64.StdEncoding.AppendEncode(out, b)
	out = append(out, '"')
	return Decoded{JSON: out, Encoding: EncodingBase64, Raw: b}
}

// Config is how main.go asks for a decoder: the cluster's registry and per-topic
// overrides, plus the --key-format / --value-format flags.
type Config struct {
	Registry    *kafka.RegistryConfig
	Topics      map[string]kafka.TopicFormat
	KeyFormat   string // auto|avro|protobuf|json|string|hex|base64; "" means auto
	ValueFormat string
}

// FromConfig builds the decoder main.go and the explorer use; it fails on a bad format
// name or an unreadable local schema file, naming it.
func FromConfig(cfg Config) (*Decoder, error) {
	return New(), nil
}
