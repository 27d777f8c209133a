package decode

import (
	"encoding/base64"
	"encoding/hex"
	"slices"
	"unicode/utf8"
)

// decodePlain decodes bytes without a schema: a JSON object or array, else text, else a
// MessagePack or CBOR map, else base64. Text must be valid UTF-8 and look like text (see
// isText).
func decodePlain(b []byte) Decoded {
	if b == nil {
		return Decoded{Encoding: EncodingNull}
	}
	if looksLikeJSON(b) {
		if j, ok := compactJSONValue(b); ok {
			return Decoded{JSON: j, Encoding: EncodingJSON, Raw: b}
		}
	}
	if isText(b) {
		return decodeText(b)
	}
	if isMsgPackMap(b) {
		if j, err := renderMsgPack(make([]byte, 0, 2*len(b)), b); err == nil {
			return Decoded{JSON: j, Encoding: EncodingMsgPack, Raw: b}
		}
	}
	if isCBORMap(b) {
		if j, err := renderCBOR(make([]byte, 0, 2*len(b)), b); err == nil {
			return Decoded{JSON: j, Encoding: EncodingCBOR, Raw: b}
		}
	}
	return decodeBase64(b)
}

// decodeWith is a forced binary format: render must accept b or the record falls back.
func decodeWith(b []byte, enc Encoding, render func(dst, b []byte) ([]byte, error)) Decoded {
	j, err := render(make([]byte, 0, 2*len(b)+16), b)
	if err != nil {
		return failed(b, err.Error())
	}
	return Decoded{JSON: j, Encoding: enc, Raw: b}
}

// looksLikeJSON reports whether b, after leading whitespace, starts an object or array.
// Bare scalars ("42", "true") stay text: they are far more often plain strings.
func looksLikeJSON(b []byte) bool {
	for _, c := range b {
		switch c {
		case ' ', '\t', '\n', '\r':
			continue
		case '{', '[':
			return true
		}
		return false
	}
	return false
}

// isText reports whether b is valid UTF-8 that reads as text: no NUL bytes and few
// control characters. Terminal sequences (ESC, BEL, BS, FF, VT) count as text (they are shown escaped), so a
// hostile "\x1b]52;..." stays readable rather than turning into base64.
func isText(b []byte) bool {
	if !utf8.Valid(b) {
		return false
	}
	controls := 0
	for _, c := range b {
		switch {
		case c == 0:
			return false
		case c == '\t' || c == '\n' || c == '\r' || c == '\a' || c == '\b' || c == '\f' || c == '\v' || c == 0x1b:
		case c < 0x20 || c == 0x7f:
			controls++
		}
	}
	return controls*8 <= len(b)
}

// decodeText renders b as a JSON string, whatever it holds.
func decodeText(b []byte) Decoded {
	return Decoded{JSON: appendStringBytes(make([]byte, 0, len(b)+2), b), Encoding: EncodingString, Raw: b}
}

func decodeBase64(b []byte) Decoded {
	out := make([]byte, 0, base64.StdEncoding.EncodedLen(len(b))+2)
	return Decoded{JSON: appendBase64(out, b), Encoding: EncodingBase64, Raw: b}
}

func decodeHex(b []byte) Decoded {
	out := make([]byte, 0, hex.EncodedLen(len(b))+2)
	out = append(out, '"')
	out = hex.AppendEncode(out, b)
	return Decoded{JSON: append(out, '"'), Encoding: EncodingHex, Raw: b}
}

// decodeJSON is the forced "json" format: b must be one JSON value.
func decodeJSON(b []byte) Decoded {
	if j, ok := compactJSONValue(b); ok {
		return Decoded{JSON: j, Encoding: EncodingJSON, Raw: b}
	}
	return failed(b, "json: not a valid JSON value")
}

// failed is the fallback for bytes that could not be decoded as asked: base64 of the raw
// bytes and the reason. The record is never lost.
func failed(b []byte, reason string) Decoded {
	d := decodeBase64(b)
	d.Error = oneLine(reason)
	return d
}

// compactJSON appends b to dst compacted, if b is one valid JSON value (exactly what
// json.Valid accepts). Number digits are kept exactly; inside strings, runes that are
// unsafe on a terminal are \u-escaped and invalid UTF-8 bytes become \\xNN, exactly as
// appendString writes them. It reads b once (jsonscan.go); on false dst is returned as
// it came.
func compactJSON(dst, b []byte) ([]byte, bool) {
	out, ok := appendCompact(slices.Grow(dst, len(b)), b) // compacting only shrinks, escaping rarely grows
	if !ok {
		return dst, false
	}
	return out, true
}
