package filter

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
)

// JSON → CEL without building a Go tree first: objects stay raw bytes and a field is
// found by scanning when the expression asks for it (a filter usually reads one to
// three fields of a ~200-byte value), arrays are split into elements once, scalars are
// converted on the spot. The scanner tolerates malformed input: it returns an error
// value (which makes the record not match) and never panics or loops.
//
// Numbers: an integer that fits int64 is an int, one that fits only uint64 is a uint
// (so 12345678901234567890 keeps every digit), anything else (fractions, exponents,
// integers beyond uint64) is the nearest double.

// malformed is the value of JSON the scanner cannot read.
func malformed() ref.Val { return types.NewErr("malformed JSON value") }

// jsonValue converts one JSON value to a CEL value. Objects and arrays are checked
// only as far as a filter reads them, so a record is never scanned twice.
func jsonValue(raw []byte) ref.Val {
	v, bad := delimit(raw)
	if bad != nil {
		return bad
	}
	return scalarOrLazy(v)
}

// rootValue is jsonValue for a record's key or value: an object is kept in *obj,
// which the caller owns, so reading it allocates nothing.
func rootValue(raw []byte, obj *rootObject) ref.Val {
	v, bad := delimit(raw)
	if bad != nil {
		return bad
	}
	if v[0] == '{' {
		obj.reset(v)
		return lazyMap[*rootObject]{obj}
	}
	return scalarOrLazy(v)
}

// delimit trims raw to its one JSON value; nil raw is JSON null.
func delimit(raw []byte) (v []byte, bad ref.Val) {
	if raw == nil {
		return []byte("null"), nil
	}
	start, end := skipSpace(raw, 0), len(raw)
	for end > start && isSpace(raw[end-1]) {
		end--
	}
	if start == end {
		return nil, malformed()
	}
	v = raw[start:end]
	switch v[0] {
	case '{', '[':
		if last := v[len(v)-1]; last != '}' && last != ']' {
			return nil, malformed()
		}
	default:
		if n, ok := skipValue(v, 0); !ok || n != len(v) {
			return nil, malformed()
		}
	}
	return v, nil
}

// scalarOrLazy converts a value the scanner has already delimited.
func scalarOrLazy(v []byte) ref.Val {
	switch v[0] {
	case '{':
		return lazyMap[jsonFields]{jsonFields(v)}
	case '[':
		return jsonArray(v)
	case '"':
		s, ok := unquote(v)
		if !ok {
			return malformed()
		}
		return types.String(s)
	case 't':
		return types.True
	case 'f':
		return types.False
	case 'n':
		return types.NullValue
	}
	return jsonNumber(v)
}

// jsonNumber maps a JSON number to int, uint or double (see the file comment).
func jsonNumber(v []byte) ref.Val {
	integer := true
	for _, c := range v {
		if c == '.' || c == 'e' || c == 'E' {
			integer = false
			break
		}
	}
	if integer {
		if n, ok := parseSmallInt(v); ok {
			return types.Int(n)
		}
		s := string(v)
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return types.Int(n)
		}
		if n, err := strconv.ParseUint(s, 10, 64); err == nil {
			return types.Uint(n)
		}
	}
	f, err := strconv.ParseFloat(string(v), 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) { // out of range is ±Inf or 0
		return malformed()
	}
	return types.Double(f)
}

// parseSmallInt parses integers of up to 18 digits without allocating.
func parseSmallInt(v []byte) (int64, bool) {
	neg := len(v) > 0 && v[0] == '-'
	if neg {
		v = v[1:]
	}
	if len(v) == 0 || len(v) > 18 {
		return 0, false
	}
	var n int64
	for _, c := range v {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

// jsonArray splits a raw JSON array into its elements.
func jsonArray(raw []byte) ref.Val {
	var elems []ref.Val
	i := skipSpace(raw, 1)
	if i < len(raw) && raw[i] == ']' {
		return types.NewRefValList(types.DefaultTypeAdapter, elems)
	}
	for i < len(raw) {
		end, ok := skipValue(raw, i)
		if !ok {
			return malformed()
		}
		elems = append(elems, scalarOrLazy(raw[i:end]))
		i = skipSpace(raw, end)
		if i >= len(raw) {
			break
		}
		switch raw[i] {
		case ',':
			i = skipSpace(raw, i+1)
		case ']':
			return types.NewRefValList(types.DefaultTypeAdapter, elems)
		default:
			return malformed()
		}
	}
	return malformed()
}

// skipSpace returns the index of the first non-space byte at or after i.
func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\t' || c == '\r' }

// skipString returns the index after the string starting at b[i] == '"'. A quote
// ends the string unless an odd number of backslashes precedes it.
func skipString(b []byte, i int) (end int, ok bool) {
	for i++; ; {
		j := bytes.IndexByte(b[i:], '"')
		if j < 0 {
			return 0, false
		}
		q := i + j
		k := q
		for k > i && b[k-1] == '\\' {
			k--
		}
		if (q-k)%2 == 0 {
			return q + 1, true
		}
		i = q + 1 // an escaped quote
	}
}

// skipValue returns the index after the JSON value starting at b[i]. Nesting is
// tracked with a counter, so deep input cannot exhaust the stack.
func skipValue(b []byte, i int) (int, bool) {
	if i >= len(b) {
		return 0, false
	}
	switch c := b[i]; {
	case c == '"':
		end, ok := skipString(b, i)
		return end, ok
	case c == '{' || c == '[':
		return skipNested(b, i)
	case c == 't':
		return skipLiteral(b, i, "true")
	case c == 'f':
		return skipLiteral(b, i, "false")
	case c == 'n':
		return skipLiteral(b, i, "null")
	case c == '-' || (c >= '0' && c <= '9'):
		j := i + 1
		for j < len(b) && isNumberByte(b[j]) {
			j++
		}
		return j, true
	}
	return 0, false
}

func isNumberByte(c byte) bool {
	return (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-'
}

func skipLiteral(b []byte, i int, lit string) (int, bool) {
	if len(b)-i < len(lit) || string(b[i:i+len(lit)]) != lit {
		return 0, false
	}
	return i + len(lit), true
}

// skipNested skips an object or array; brackets are only counted, the parts are
// checked when they are read.
func skipNested(b []byte, i int) (int, bool) {
	depth := 0
	for i < len(b) {
		switch b[i] {
		case '"':
			end, ok := skipString(b, i)
			if !ok {
				return 0, false
			}
			i = end
			continue
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return i + 1, true
			}
		}
		i++
	}
	return 0, false
}

// unquote decodes a JSON string literal (with its quotes).
func unquote(b []byte) (string, bool) {
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return "", false
	}
	inner := b[1 : len(b)-1]
	if bytes.IndexByte(inner, '\\') < 0 {
		return string(inner), true
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return "", false
	}
	return s, true
}
