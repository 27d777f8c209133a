package filter

import (
	"errors"
	"strconv"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"github.com/kpeek/kpeek/decode"
)

// JSON → CEL without building a Go tree first, on decode's JSON walker: objects stay raw
// bytes and a field is found by scanning when the expression asks for it (a filter usually reads one to
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
	if v = decode.TrimJSONSpace(raw); len(v) == 0 {
		return nil, malformed()
	}
	switch v[0] {
	case '{', '[':
		if last := v[len(v)-1]; last != '}' && last != ']' {
			return nil, malformed()
		}
	default:
		if n, ok := decode.SkipJSONValue(v, 0); !ok || n != len(v) {
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
		s, ok := decode.UnquoteJSON(v)
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
	i := decode.SkipJSONSpace(raw, 1)
	if i < len(raw) && raw[i] == ']' {
		return types.NewRefValList(types.DefaultTypeAdapter, elems)
	}
	for i < len(raw) {
		end, ok := decode.SkipJSONValue(raw, i)
		if !ok {
			return malformed()
		}
		elems = append(elems, scalarOrLazy(raw[i:end]))
		i = decode.SkipJSONSpace(raw, end)
		if i >= len(raw) {
			break
		}
		switch raw[i] {
		case ',':
			i = decode.SkipJSONSpace(raw, i+1)
		case ']':
			return types.NewRefValList(types.DefaultTypeAdapter, elems)
		default:
			return malformed()
		}
	}
	return malformed()
}
