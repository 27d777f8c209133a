package decode

import (
	"bytes"
	"encoding/json"
)

// Walking JSON without building a tree, for readers that look at a few members of many
// values (filters, maskers, test servers). These functions delimit values: brackets are
// counted (so deep input cannot exhaust the stack) and strings skipped, but the parts of a
// skipped value are only checked when they are read, so malformed input yields false and
// never a panic or a loop. Validating and compacting a whole value is appendCompact's job.

// SkipJSONSpace returns the index of the first byte at or after i that is not JSON
// whitespace.
func SkipJSONSpace(b []byte, i int) int {
	for i < len(b) && isJSONSpace(b[i]) {
		i++
	}
	return i
}

// TrimJSONSpace returns b without leading and trailing JSON whitespace.
func TrimJSONSpace(b []byte) []byte {
	start, end := SkipJSONSpace(b, 0), len(b)
	for end > start && isJSONSpace(b[end-1]) {
		end--
	}
	return b[start:end]
}

// SkipJSONString returns the index after the string starting at b[i] == '"'. A quote
// ends the string unless an odd number of backslashes precedes it.
func SkipJSONString(b []byte, i int) (end int, ok bool) {
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

// SkipJSONValue returns the index after the JSON value starting at b[i].
func SkipJSONValue(b []byte, i int) (int, bool) {
	if i >= len(b) {
		return 0, false
	}
	switch c := b[i]; {
	case c == '"':
		return SkipJSONString(b, i)
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

// skipNested skips an object or array; brackets are only counted.
func skipNested(b []byte, i int) (int, bool) {
	depth := 0
	for i < len(b) {
		switch b[i] {
		case '"':
			end, ok := SkipJSONString(b, i)
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

// UnquoteJSON decodes a JSON string literal (with its quotes).
func UnquoteJSON(b []byte) (string, bool) {
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

// Members walks the members of the JSON object obj (which starts with '{'):
//
//	for it := decode.Members(obj); ; {
//		key, escaped, val, ok := it.Next()
//		...
//	}
//
// Keys come quoted, as written; Offset turns a key or value into its position in obj,
// so a caller can replace a value's span (a masker) or index the members.
type Members struct {
	raw       []byte
	i         int
	malformed bool
}

// NewMembers starts walking the object obj.
func NewMembers(obj []byte) Members { return Members{raw: obj, i: SkipJSONSpace(obj, 1)} }

// Offset is where part, a key or value returned by Next, starts in the object.
func (it *Members) Offset(part []byte) int { return cap(it.raw) - cap(part) }

// Malformed reports whether the walk stopped at malformed JSON rather than at the end.
func (it *Members) Malformed() bool { return it.malformed }

// Next returns the next member's quoted key, whether the key holds escapes, and the
// member's value; ok is false at the end or when the object is malformed.
func (it *Members) Next() (key []byte, escaped bool, val []byte, ok bool) {
	raw, i := it.raw, it.i
	if i >= len(raw) || raw[i] == '}' {
		it.malformed = i >= len(raw)
		return nil, false, nil, false
	}
	if raw[i] != '"' {
		it.malformed = true
		return nil, false, nil, false
	}
	kEnd, ok := SkipJSONString(raw, i)
	if !ok {
		it.malformed = true
		return nil, false, nil, false
	}
	key = raw[i:kEnd]
	escaped = bytes.IndexByte(key, '\\') >= 0
	i = SkipJSONSpace(raw, kEnd)
	if i >= len(raw) || raw[i] != ':' {
		it.malformed = true
		return nil, false, nil, false
	}
	i = SkipJSONSpace(raw, i+1)
	vEnd, ok := SkipJSONValue(raw, i)
	if !ok {
		it.malformed = true
		return nil, false, nil, false
	}
	val = raw[i:vEnd]
	i = SkipJSONSpace(raw, vEnd)
	switch {
	case i < len(raw) && raw[i] == ',':
		it.i = SkipJSONSpace(raw, i+1)
		if it.i < len(raw) && raw[it.i] == '}' {
			it.malformed = true // trailing comma
			return nil, false, nil, false
		}
	case i < len(raw) && raw[i] == '}':
		it.i = i
	default:
		it.malformed = true
		return nil, false, nil, false
	}
	return key, escaped, val, true
}
