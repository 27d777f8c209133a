package decode

import (
	"fmt"
	"log/slog"

	"github.com/kpeek/kpeek/config"
)

// Config is how main.go asks for a decoder: the cluster's registry and per-topic
// overrides, plus the --key-format / --value-format flags.
type Config struct {
	Registry    *config.Registry
	Topics      map[string]config.TopicFormat
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
