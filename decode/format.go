package decode

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/hamba/avro/v2"
)

// Format is how one side of a record (key or value) is decoded: the --key-format and
// --value-format flags and the per-topic key_format / value_format settings.
type Format string

// Formats kpeek accepts.
const (
	FormatAuto     Format = "auto"     // per record: registry wire format, JSON, text, else base64
	FormatAvro     Format = "avro"     // registry wire format or a local .avsc
	FormatProtobuf Format = "protobuf" // registry wire format or a local .proto + message
	FormatJSON     Format = "json"
	FormatString   Format = "string" // text, whatever the bytes (invalid UTF-8 shown escaped)
	FormatHex      Format = "hex"
	FormatBase64   Format = "base64"
	FormatMsgPack  Format = "msgpack"
	FormatCBOR     Format = "cbor"
)

// Formats lists the valid format names in the order help text shows them.
func Formats() []Format {
	return []Format{FormatAuto, FormatAvro, FormatProtobuf, FormatJSON, FormatString, FormatHex, FormatBase64,
		FormatMsgPack, FormatCBOR}
}

// ParseFormat parses a format name; "" means auto. A bad name is an error listing the valid ones.
func ParseFormat(s string) (Format, error) {
	name := strings.ToLower(strings.TrimSpace(s))
	if name == "" {
		return FormatAuto, nil
	}
	names := make([]string, 0, 9)
	for _, f := range Formats() {
		if string(f) == name {
			return f, nil
		}
		names = append(names, string(f))
	}
	if name == "proto" {
		return FormatProtobuf, nil
	}
	return "", fmt.Errorf("unknown format %q (valid: %s)", s, strings.Join(names, ", "))
}

// localSchema is a schema file given in the config for a topic without a registry.
type localSchema struct {
	path  string
	avro  *avroProgram
	proto *protoSchema
}

// loadLocalSchema reads an Avro (.avsc, .json) or Protobuf (.proto, with message) schema file.
func loadLocalSchema(path, message string) (*localSchema, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".avsc", ".json":
		src, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("avro schema: %w", err)
		}
		s, err := avro.ParseBytesWithCache(src, "", &avro.SchemaCache{})
		if err != nil {
			return nil, fmt.Errorf("avro schema %s: %w", path, err)
		}
		p, err := compileAvro(s)
		if err != nil {
			return nil, fmt.Errorf("avro schema %s: %w", path, err)
		}
		return &localSchema{path: path, avro: p}, nil
	case ".proto":
		p, err := loadProtoFile(path, message)
		if err != nil {
			return nil, err
		}
		return &localSchema{path: path, proto: p}, nil
	}
	return nil, fmt.Errorf("schema file %s: want .avsc or .proto", path)
}

// encoding is what the schema decodes to.
func (l *localSchema) encoding() Encoding {
	if l.proto != nil {
		return EncodingProtobuf
	}
	return EncodingAvro
}

// decode renders b with the local schema. Bytes that fail as a bare payload but carry the
// registry framing are retried after it, since producers often frame anyway.
func (l *localSchema) decode(b []byte) Decoded {
	d := Decoded{Encoding: l.encoding(), Raw: b}
	out, err := l.render(b)
	if err != nil && isFramed(b) {
		rest := b[5:]
		if l.proto != nil {
			if _, r, ierr := readMessageIndexes(rest); ierr == nil {
				rest = r
			}
		}
		if o, err2 := l.render(rest); err2 == nil {
			out, err = o, nil
		}
	}
	if err != nil {
		return failed(b, fmt.Sprintf("%s (schema file %s)", err, filepath.Base(l.path)))
	}
	d.JSON = out
	return d
}

func (l *localSchema) render(b []byte) ([]byte, error) {
	if l.proto != nil {
		return l.proto.render(make([]byte, 0, 2*len(b)+16), l.proto.message, b)
	}
	return l.avro.render(make([]byte, 0, 2*len(b)+16), b)
}
