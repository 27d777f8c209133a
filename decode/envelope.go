package decode

import (
	"encoding/base64"
	"strconv"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// Encoding names how a key, value or header was decoded; it appears as key_encoding / value_encoding.
type Encoding string

// Encodings kpeek reports.
const (
	EncodingNull       Encoding = "null"
	EncodingJSON       Encoding = "json"
	EncodingString     Encoding = "string"
	EncodingBase64     Encoding = "base64"
	EncodingHex        Encoding = "hex"
	EncodingAvro       Encoding = "avro"
	EncodingProtobuf   Encoding = "protobuf"
	EncodingJSONSchema Encoding = "jsonschema"
	EncodingMsgPack    Encoding = "msgpack"
	EncodingCBOR       Encoding = "cbor"
)

// Decoded is one decoded key, value or header value.
type Decoded struct {
	// JSON is the value rendered as one compact JSON value (exact digits kept); nil means null.
	JSON     []byte
	Encoding Encoding
	SchemaID *int   // registry schema id, when the bytes carried one
	Subject  string // registry subject, when known
	Version  int    // registry version, when known
	Error    string // one-line reason decoding failed; JSON then holds a fallback rendering
	Raw      []byte // the original bytes
}

// HeaderValue is one decoded header.
type HeaderValue struct {
	Key   string
	Value Decoded
}

// Envelope is one record as kpeek shows, filters and exports it; its JSON form is described
// under "The record envelope" in the package documentation.
type Envelope struct {
	Topic         string
	Partition     int32
	Offset        int64
	Timestamp     time.Time // the zero time for a record without one (TimestampType "none")
	TimestampType string
	Key           Decoded
	Value         Decoded
	Headers       []HeaderValue
	Size          int
}

// NoTimestamp is what tables show for a record without a timestamp (message format v0).
const NoTimestamp = "none"

// FormatTimestamp is a record's timestamp as tables show it: UTC with milliseconds, or
// NoTimestamp for the zero time, which stands for a record written without one.
func FormatTimestamp(t time.Time) string {
	if t.IsZero() {
		return NoTimestamp
	}
	return string(appendDateTime(nil, t, 3, true))
}

// JSONOptions tunes AppendJSON.
type JSONOptions struct {
	// IncludeRaw adds key_raw, value_raw (base64) and raw header bytes.
	IncludeRaw bool
}

// MarshalJSON renders the envelope with default options.
func (e *Envelope) MarshalJSON() ([]byte, error) { return e.AppendJSON(nil, JSONOptions{}), nil }

// AppendJSON appends the envelope as one line of JSON (no trailing newline) to dst.
// Field names and order are the contract described in the package documentation.
func (e *Envelope) AppendJSON(dst []byte, o JSONOptions) []byte {
	dst = append(dst, `{"topic":`...)
	dst = appendString(dst, e.Topic)
	dst = append(dst, `,"partition":`...)
	dst = strconv.AppendInt(dst, int64(e.Partition), 10)
	dst = append(dst, `,"offset":`...)
	dst = strconv.AppendInt(dst, e.Offset, 10)
	if e.Timestamp.IsZero() {
		dst = append(dst, `,"timestamp":null,"timestamp_type":`...)
	} else {
		dst = append(dst, `,"timestamp":"`...)
		dst = appendDateTime(dst, e.Timestamp, 3, true)
		dst = append(dst, `","timestamp_type":`...)
	}
	dst = appendString(dst, e.TimestampType)
	dst = appendDecoded(dst, "key", &e.Key)
	dst = appendDecoded(dst, "value", &e.Value)
	dst = append(dst, `,"headers":`...)
	dst = appendHeaders(dst, e.Headers)
	if headersNeedEncodings(e.Headers) {
		dst = append(dst, `,"header_encodings":`...)
		dst = appendHeaderEncodings(dst, e.Headers)
	}
	dst = append(dst, `,"size":`...)
	dst = strconv.AppendInt(dst, int64(e.Size), 10)
	if o.IncludeRaw {
		dst = appendRaw(dst, "key_raw", e.Key.Raw)
		dst = appendRaw(dst, "value_raw", e.Value.Raw)
		if len(e.Headers) > 0 {
			dst = append(dst, `,"headers_raw":`...)
			dst = appendHeadersRaw(dst, e.Headers)
		}
	}
	return append(dst, '}')
}

func appendDecoded(dst []byte, name string, d *Decoded) []byte {
	dst = append(dst, ',', '"')
	dst = append(dst, name...)
	dst = append(dst, `":`...)
	if d.JSON == nil {
		dst = append(dst, "null"...)
	} else {
		dst = append(dst, d.JSON...)
	}
	dst = append(dst, `,"`...)
	dst = append(dst, name...)
	dst = append(dst, `_encoding":`...)
	dst = appendString(dst, string(d.Encoding))
	if name == "value" || d.SchemaID != nil {
		dst = append(dst, `,"`...)
		dst = append(dst, name...)
		dst = append(dst, `_schema_id":`...)
		if d.SchemaID == nil {
			dst = append(dst, "null"...)
		} else {
			dst = strconv.AppendInt(dst, int64(*d.SchemaID), 10)
		}
	}
	if d.Subject != "" {
		dst = append(dst, `,"`...)
		dst = append(dst, name...)
		dst = append(dst, `_subject":`...)
		dst = appendString(dst, d.Subject)
	}
	if d.Version != 0 {
		dst = append(dst, `,"`...)
		dst = append(dst, name...)
		dst = append(dst, `_schema_version":`...)
		dst = strconv.AppendInt(dst, int64(d.Version), 10)
	}
	if d.Error != "" {
		dst = append(dst, `,"`...)
		dst = append(dst, name...)
		dst = append(dst, `_error":`...)
		dst = appendString(dst, d.Error)
	}
	return dst
}

// appendHeaders renders headers as an object; a key that repeats becomes an array of its values in order.
func appendHeaders(dst []byte, hs []HeaderValue) []byte {
	return appendHeaderObject(dst, hs, func(dst []byte, h *HeaderValue) []byte { return appendJSONOrNull(dst, h.Value.JSON) })
}

// headersNeedEncodings reports whether any header was not plain text, so that the
// envelope must say how each was rendered: a binary header shown as base64 and a text
// header that happens to read as base64 would otherwise print identically.
func headersNeedEncodings(hs []HeaderValue) bool {
	for i := range hs {
		if e := hs[i].Value.Encoding; e != EncodingString && e != EncodingNull {
			return true
		}
	}
	return false
}

// appendHeaderEncodings renders each header's encoding, shaped like the headers object.
func appendHeaderEncodings(dst []byte, hs []HeaderValue) []byte {
	return appendHeaderObject(dst, hs, func(dst []byte, h *HeaderValue) []byte { return appendString(dst, string(h.Value.Encoding)) })
}

// appendHeadersRaw renders each header's bytes as base64 (null for a null header),
// shaped like the headers object.
func appendHeadersRaw(dst []byte, hs []HeaderValue) []byte {
	return appendHeaderObject(dst, hs, func(dst []byte, h *HeaderValue) []byte {
		if h.Value.Raw == nil {
			return append(dst, "null"...)
		}
		dst = append(dst, '"')
		dst = base64.StdEncoding.AppendEncode(dst, h.Value.Raw)
		return append(dst, '"')
	})
}

// appendHeaderObject renders one JSON object keyed by header key, each entry rendered by
// one; a key that repeats becomes an array of its entries in order.
func appendHeaderObject(dst []byte, hs []HeaderValue, one func([]byte, *HeaderValue) []byte) []byte {
	dst = append(dst, '{')
	first := true
	for i := range hs {
		h := &hs[i]
		if seenBefore(hs[:i], h.Key) {
			continue
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = appendString(dst, h.Key)
		dst = append(dst, ':')
		n := 0
		for _, o := range hs[i:] {
			if o.Key == h.Key {
				n++
			}
		}
		if n == 1 {
			dst = one(dst, h)
			continue
		}
		dst = append(dst, '[')
		for j := i; j < len(hs); j++ {
			if hs[j].Key != h.Key {
				continue
			}
			if j > i {
				dst = append(dst, ',')
			}
			dst = one(dst, &hs[j])
		}
		dst = append(dst, ']')
	}
	return append(dst, '}')
}

func seenBefore(hs []HeaderValue, key string) bool {
	for _, h := range hs {
		if h.Key == key {
			return true
		}
	}
	return false
}

func appendJSONOrNull(dst, v []byte) []byte {
	if v == nil {
		return append(dst, "null"...)
	}
	return append(dst, v...)
}

func appendRaw(dst []byte, name string, raw []byte) []byte {
	dst = append(dst, `,"`...)
	dst = append(dst, name...)
	dst = append(dst, `":`...)
	if raw == nil {
		return append(dst, "null"...)
	}
	dst = append(dst, '"')
	dst = base64.StdEncoding.AppendEncode(dst, raw)
	return append(dst, '"')
}

// appendString appends s as a JSON string that is safe to print raw: every control
// character, DEL, C1 control and invisible or bidi formatting rune (see unsafeRune) is
// \u-escaped. A byte that is not valid UTF-8 becomes the visible text \xNN (JSON "\\xNN"),
// the same spelling Sanitize uses: \u00NN would silently turn it into a Latin-1 letter.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				dst = append(dst, '\\', c)
			case c == '\n':
				dst = append(dst, '\\', 'n')
			case c == '\r':
				dst = append(dst, '\\', 'r')
			case c == '\t':
				dst = append(dst, '\\', 't')
			case c < 0x20 || c == 0x7f:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				dst = append(dst, c)
			}
			i++
			continue
		}
		var size int
		dst, size = appendMultibyte(dst, s[i:])
		i += size
	}
	return append(dst, '"')
}

// appendMultibyte appends the rune s starts with (its first byte is not ASCII) inside a
// JSON string and returns how many bytes it took: a byte that is not valid UTF-8 as the
// text \xNN, an unsafe rune \u-escaped, any other rune as is.
func appendMultibyte[T string | []byte](dst []byte, s T) ([]byte, int) {
	r, size := utf8.DecodeRuneInString(string(s[:min(len(s), utf8.UTFMax)]))
	switch {
	case r == utf8.RuneError && size == 1:
		return append(dst, '\\', '\\', 'x', hexDigits[s[0]>>4], hexDigits[s[0]&0xf]), 1
	case unsafeRune(r):
		return appendRuneEscape(dst, r), size
	}
	return append(dst, s[:size]...), size
}

// appendRuneEscape appends r as a JSON \u escape (a surrogate pair above U+FFFF).
func appendRuneEscape(dst []byte, r rune) []byte {
	if r > 0xffff {
		r1, r2 := utf16.EncodeRune(r)
		return appendRuneEscape(appendRuneEscape(dst, r1), r2)
	}
	return append(dst, '\\', 'u', hexDigits[r>>12&0xf], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf])
}

// appendStringBytes is appendString for bytes, copying plain printable ASCII without a
// conversion (the common case on the hot decoding paths).
func appendStringBytes(dst, b []byte) []byte {
	for _, c := range b {
		if c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			return appendString(dst, string(b))
		}
	}
	dst = append(dst, '"')
	dst = append(dst, b...)
	return append(dst, '"')
}

// unsafeRune reports runes that must never reach a terminal raw: C1 controls, bidi
// controls, line/paragraph separators (which also break JavaScript JSON parsers), and
// invisible runes that can hide or smuggle text (zero-width space, word joiner, BOM,
// interlinear annotations, Unicode tags). Zero-width (non-)joiners stay: emoji and
// several scripts need them.
func unsafeRune(r rune) bool {
	switch {
	case r < 0x20 || r == 0x7f:
		return true
	case r >= 0x80 && r <= 0x9f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
		return true
	case r == 0x2028 || r == 0x2029:
		return true
	case r == 0x200b, r == 0x2060, r == 0xfeff, r == 0x180e, r >= 0xfff9 && r <= 0xfffb:
		return true
	case r >= 0xe0000 && r <= 0xe007f:
		return true
	}
	return false
}

// hexDigits spells nibbles in escapes and UUIDs.
const hexDigits = "0123456789abcdef"

// quoteJSON returns s as a JSON string value.
func quoteJSON(s string) []byte { return appendString(nil, s) }
