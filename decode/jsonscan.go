package decode

// A single-pass JSON compactor: it checks the grammar exactly as encoding/json's
// Valid does (same nesting limit, any bytes of 0x80 and above allowed in strings)
// while it writes the compact, terminal-safe form, so each value is read once.

// maxJSONDepth is encoding/json's nesting limit: a deeper value is not valid JSON there,
// so it is not valid here either.
const maxJSONDepth = 10000

// plainStringByte marks bytes copied as they are inside a JSON string: printable ASCII
// other than the quote and the backslash.
var plainStringByte = func() (t [256]bool) {
	for c := 0x20; c < 0x7f; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// appendCompact appends b compacted to dst and reports whether b is exactly one valid
// JSON value (surrounded by optional whitespace). On false, what it appended is junk.
func appendCompact(dst, b []byte) ([]byte, bool) {
	var stackBuf [64]byte
	stack := stackBuf[:0] // the open containers, '{' or '['
	i := skipJSONSpace(b, 0)
	var ok bool
	for {
		// A value starts at b[i].
		if i >= len(b) {
			return dst, false
		}
		switch c := b[i]; {
		case c == '{' || c == '[':
			if len(stack) >= maxJSONDepth {
				return dst, false
			}
			stack = append(stack, c)
			dst = append(dst, c)
			i = skipJSONSpace(b, i+1)
			if i < len(b) && b[i] == c+2 { // '}' and ']' are two past their openers
				stack = stack[:len(stack)-1]
				dst = append(dst, c+2)
				i++
				break
			}
			if c == '{' {
				if dst, i, ok = appendMemberName(dst, b, i); !ok {
					return dst, false
				}
			}
			continue
		case c == '"':
			if dst, i, ok = appendJSONString(dst, b, i); !ok {
				return dst, false
			}
		case c == '-' || c >= '0' && c <= '9':
			start := i
			if i, ok = scanJSONNumber(b, i); !ok {
				return dst, false
			}
			dst = append(dst, b[start:i]...)
		case c == 't':
			if i, ok = scanLiteral(b, i, "true"); !ok {
				return dst, false
			}
			dst = append(dst, "true"...)
		case c == 'f':
			if i, ok = scanLiteral(b, i, "false"); !ok {
				return dst, false
			}
			dst = append(dst, "false"...)
		case c == 'n':
			if i, ok = scanLiteral(b, i, "null"); !ok {
				return dst, false
			}
			dst = append(dst, "null"...)
		default:
			return dst, false
		}
		// A value ended: close containers until one wants another element.
		for {
			i = skipJSONSpace(b, i)
			if len(stack) == 0 {
				return dst, i == len(b)
			}
			if i >= len(b) {
				return dst, false
			}
			top, c := stack[len(stack)-1], b[i]
			if c == top+2 {
				stack = stack[:len(stack)-1]
				dst = append(dst, c)
				i++
				continue
			}
			if c != ',' {
				return dst, false
			}
			dst = append(dst, ',')
			i = skipJSONSpace(b, i+1)
			if top == '{' {
				if dst, i, ok = appendMemberName(dst, b, i); !ok {
					return dst, false
				}
			}
			break
		}
	}
}

// skipJSONSpace returns the index of the first byte at or after i that is not JSON
// whitespace.
func skipJSONSpace(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// appendMemberName appends an object member's name and its colon, which start at b[i];
// it returns the index where the member's value starts (whitespace skipped).
func appendMemberName(dst, b []byte, i int) ([]byte, int, bool) {
	if i >= len(b) || b[i] != '"' {
		return dst, i, false
	}
	dst, i, ok := appendJSONString(dst, b, i)
	if !ok {
		return dst, i, false
	}
	i = skipJSONSpace(b, i)
	if i >= len(b) || b[i] != ':' {
		return dst, i, false
	}
	return append(dst, ':'), skipJSONSpace(b, i+1), true
}

// appendJSONString appends the string starting at b[i] (its opening quote) and returns
// the index after its closing quote. Escapes are kept as written; raw DEL, unsafe runes
// and invalid UTF-8 are written as appendString writes them.
func appendJSONString(dst, b []byte, i int) ([]byte, int, bool) {
	dst = append(dst, '"')
	i++
	for {
		start := i
		for i < len(b) && plainStringByte[b[i]] {
			i++
		}
		dst = append(dst, b[start:i]...)
		if i >= len(b) {
			return dst, i, false
		}
		switch c := b[i]; {
		case c == '"':
			return append(dst, '"'), i + 1, true
		case c == '\\':
			if i+1 >= len(b) {
				return dst, i, false
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				dst = append(dst, '\\', b[i+1])
				i += 2
			case 'u':
				if i+6 > len(b) || !isHex(b[i+2]) || !isHex(b[i+3]) || !isHex(b[i+4]) || !isHex(b[i+5]) {
					return dst, i, false
				}
				dst = append(dst, b[i:i+6]...)
				i += 6
			default:
				return dst, i, false
			}
		case c < 0x20:
			return dst, i, false
		case c == 0x7f:
			dst = append(dst, `\u007f`...)
			i++
		default: // 0x80 and above: a rune, maybe unsafe, or a byte that is not UTF-8
			var size int
			dst, size = appendMultibyte(dst, b[i:])
			i += size
		}
	}
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// scanJSONNumber returns the index after the number starting at b[i]:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func scanJSONNumber(b []byte, i int) (int, bool) {
	if b[i] == '-' {
		i++
	}
	switch {
	case i >= len(b):
		return i, false
	case b[i] == '0':
		i++
	case b[i] >= '1' && b[i] <= '9':
		i = skipDigits(b, i+1)
	default:
		return i, false
	}
	if i < len(b) && b[i] == '.' {
		j := skipDigits(b, i+1)
		if j == i+1 {
			return j, false
		}
		i = j
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := skipDigits(b, i)
		if j == i {
			return j, false
		}
		i = j
	}
	return i, true
}

func skipDigits(b []byte, i int) int {
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	return i
}

// scanLiteral checks that b[i:] starts with lit and returns the index after it.
func scanLiteral(b []byte, i int, lit string) (int, bool) {
	if len(b)-i < len(lit) || string(b[i:i+len(lit)]) != lit {
		return i, false
	}
	return i + len(lit), true
}
