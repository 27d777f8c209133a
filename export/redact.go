package export

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/kpeek/kpeek/decode"
)

// Redacted is what a masked field's value becomes.
const Redacted = `"[REDACTED]"`

// redactor masks fields of envelopes. A rule is a dotted path rooted at key, value or
// headers: "key" and "value" mask the whole part, "value.card.number" one field (through
// arrays: every element), "headers.x" the header x, "headers" every header. Masked parts
// lose their raw bytes too, so nothing of them can leak through raw output.
type redactor struct {
	rules []redactRule
}

type redactRule struct {
	part string   // key | value | headers
	path []string // below the part; for headers the first element is the header key
}

// ParseRedactions checks redaction paths and returns them normalised; it is what
// ToFile and ToSplunk apply, exposed so callers can validate flags early.
func ParseRedactions(paths []string) ([]string, error) {
	rd, err := newRedactor(paths)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(rd.rules))
	for i, r := range rd.rules {
		out[i] = strings.Join(append([]string{r.part}, r.path...), ".")
	}
	return out, nil
}

func newRedactor(paths []string) (*redactor, error) {
	rd := &redactor{}
	for _, p := range paths {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		parts := strings.Split(p, ".")
		for _, s := range parts {
			if s == "" {
				return nil, fmt.Errorf("redact path %q: empty segment", p)
			}
		}
		switch parts[0] {
		case "key", "value", "headers":
		default:
			return nil, fmt.Errorf("redact path %q: must start with key, value or headers", p)
		}
		rd.rules = append(rd.rules, redactRule{part: parts[0], path: parts[1:]})
	}
	return rd, nil
}

// active reports whether any rule is set.
func (rd *redactor) active() bool { return rd != nil && len(rd.rules) > 0 }

// apply masks e in place; raw bytes of every part are dropped when any rule is active,
// so a redacted export can never carry the original payload.
func (rd *redactor) apply(e *decode.Envelope) {
	if !rd.active() {
		return
	}
	for _, r := range rd.rules {
		switch r.part {
		case "key":
			maskDecoded(&e.Key, r.path)
		case "value":
			maskDecoded(&e.Value, r.path)
		case "headers":
			for i := range e.Headers {
				h := &e.Headers[i]
				if len(r.path) == 0 {
					maskDecoded(&h.Value, nil)
				} else if h.Key == r.path[0] {
					maskDecoded(&h.Value, r.path[1:])
				}
			}
		}
	}
	e.Key.Raw, e.Value.Raw = nil, nil
	for i := range e.Headers {
		e.Headers[i].Value.Raw = nil
	}
}

func maskDecoded(d *decode.Decoded, path []string) {
	if d.JSON == nil {
		return // null stays null: there is nothing to hide
	}
	if len(path) == 0 {
		d.JSON = []byte(Redacted)
		return
	}
	d.JSON = maskJSON(d.JSON, path)
}

// maskJSON returns src (one compact JSON value) with the member at path replaced by
// Redacted. Bytes outside the masked member are copied as they are, so numbers keep
// their exact digits and member order is unchanged.
func maskJSON(src []byte, path []string) []byte {
	out, _, ok := maskValue(nil, src, 0, path)
	if !ok {
		return src
	}
	return out
}

// maskValue copies the value starting at src[i] to dst, masking path inside it; it
// returns the index after the value.
func maskValue(dst, src []byte, i int, path []string) ([]byte, int, bool) {
	i = skipSpace(src, i)
	if i >= len(src) {
		return dst, i, false
	}
	switch src[i] {
	case '{':
		return maskObject(dst, src, i, path)
	case '[':
		dst = append(dst, '[')
		i = skipSpace(src, i+1)
		for i < len(src) && src[i] != ']' {
			var ok bool
			if dst, i, ok = maskValue(dst, src, i, path); !ok {
				return dst, i, false
			}
			i = skipSpace(src, i)
			if i < len(src) && src[i] == ',' {
				dst = append(dst, ',')
				i = skipSpace(src, i+1)
			}
		}
		return append(dst, ']'), i + 1, i < len(src)
	}
	end, ok := skipValue(src, i)
	return append(dst, src[i:end]...), end, ok
}

func maskObject(dst, src []byte, i int, path []string) ([]byte, int, bool) {
	dst = append(dst, '{')
	i = skipSpace(src, i+1)
	for i < len(src) && src[i] != '}' {
		kend, ok := skipValue(src, i) // the member name, a string
		if !ok || src[i] != '"' {
			return dst, i, false
		}
		var name string
		if json.Unmarshal(src[i:kend], &name) != nil {
			return dst, i, false
		}
		dst = append(dst, src[i:kend]...)
		i = skipSpace(src, kend)
		if i >= len(src) || src[i] != ':' {
			return dst, i, false
		}
		dst = append(dst, ':')
		i = skipSpace(src, i+1)
		switch {
		case name == path[0] && len(path) == 1:
			end, ok := skipValue(src, i)
			if !ok {
				return dst, i, false
			}
			dst, i = append(dst, Redacted...), end
		case name == path[0]:
			if dst, i, ok = maskValue(dst, src, i, path[1:]); !ok {
				return dst, i, false
			}
		default:
			end, ok := skipValue(src, i)
			if !ok {
				return dst, i, false
			}
			dst, i = append(dst, src[i:end]...), end
		}
		i = skipSpace(src, i)
		if i < len(src) && src[i] == ',' {
			dst = append(dst, ',')
			i = skipSpace(src, i+1)
		}
	}
	return append(dst, '}'), i + 1, i < len(src)
}

// skipValue returns the index just after the JSON value at src[i].
func skipValue(src []byte, i int) (int, bool) {
	if i >= len(src) {
		return i, false
	}
	switch src[i] {
	case '"':
		for j := i + 1; j < len(src); j++ {
			switch src[j] {
			case '\\':
				j++
			case '"':
				return j + 1, true
			}
		}
		return len(src), false
	case '{', '[':
		depth := 0
		for j := i; j < len(src); j++ {
			switch src[j] {
			case '"':
				end, ok := skipValue(src, j)
				if !ok {
					return end, false
				}
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1, true
				}
			}
		}
		return len(src), false
	}
	j := i
	for j < len(src) && !strings.ContainsRune(",}] \t\r\n", rune(src[j])) {
		j++
	}
	return j, j > i
}

func skipSpace(src []byte, i int) int {
	for i < len(src) && (src[i] == ' ' || src[i] == '\t' || src[i] == '\n' || src[i] == '\r') {
		i++
	}
	return i
}
