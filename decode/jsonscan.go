package decode

import (
	"encoding/binary"
	"unicode/utf8"
)

// A single-pass JSON compactor: it checks the grammar exactly as encoding/json's
// Valid does (same nesting limit, any bytes of 0x80 and above allowed in strings)
// while it writes the compact, terminal-safe form, so each value is read once.
// Output is the input minus whitespace, with a few string bytes rewritten; so the
// scanner only notes where it is and copies the input in runs, between whitespace
// and rewritten bytes. A record that is already compact and clean is one copy.

// maxJSONDepth is encoding/json's nesting limit: a deeper value is not valid JSON there,
// so it is not valid here either.
const maxJSONDepth = 10000

// plainStringByte marks bytes kept as they are inside a JSON string without a second
// look: printable ASCII other than the quote and the backslash.
var plainStringByte = func() (t [256]bool) {
	for c := 0x20; c < 0x7f; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// compactor is one appendCompact call: b is read once, and b[mark:] up to the scan
// position is output not yet copied to dst. mark stays 0 until something in b is
// dropped or rewritten.
type compactor struct {
	dst  []byte
	b    []byte
	mark int
}

// appendCompact appends b compacted to dst and reports whether b is exactly one valid
// JSON value (surrounded by optional whitespace). On false, what it appended is junk.
func appendCompact(dst, b []byte) ([]byte, bool) {
	c := compactor{dst: dst, b: b}
	if !c.scan() {
		return c.dst, false
	}
	return append(c.dst, b[c.mark:]...), true
}

// compactJSONValue is compactJSON for a Decoded of its own: when b is already compact
// and needs no escapes (most records), it is b itself with its capacity clipped, so
// nothing is copied or allocated; else a new slice.
func compactJSONValue(b []byte) ([]byte, bool) {
	c := compactor{b: b}
	if !c.scan() {
		return nil, false
	}
	if c.mark == 0 { // nothing was dropped or rewritten
		return b[:len(b):len(b)], true
	}
	return append(c.dst, b[c.mark:]...), true
}

// flush copies the pending run b[mark:i] to dst, sized at first use for all of b
// (compacting only shrinks, escaping rarely grows).
func (c *compactor) flush(i int) {
	if c.dst == nil {
		c.dst = make([]byte, 0, len(c.b))
	}
	c.dst = append(c.dst, c.b[c.mark:i]...)
}

// scan checks that b is one JSON value, copying as it goes; on true, b[mark:] is all
// that is left to copy.
func (c *compactor) scan() bool {
	b := c.b
	var stackBuf [64]byte
	stack := stackBuf[:0] // the open containers, '{' or '['
	i := c.space(0)
	var ok bool
	for {
		// A value starts at b[i].
		if i >= len(b) {
			return false
		}
		switch ch := b[i]; {
		case ch == '{' || ch == '[':
			if len(stack) >= maxJSONDepth {
				return false
			}
			stack = append(stack, ch)
			i = c.space(i + 1)
			if i < len(b) && b[i] == ch+2 { // '}' and ']' are two past their openers
				stack = stack[:len(stack)-1]
				i++
				break
			}
			if ch == '{' {
				if i, ok = c.memberName(i); !ok {
					return false
				}
			}
			continue
		case ch == '"':
			if i, ok = c.str(i); !ok {
				return false
			}
		case ch == '-' || ch >= '0' && ch <= '9':
			if i, ok = scanJSONNumber(b, i); !ok {
				return false
			}
		case ch == 't':
			if i, ok = scanLiteral(b, i, "true"); !ok {
				return false
			}
		case ch == 'f':
			if i, ok = scanLiteral(b, i, "false"); !ok {
				return false
			}
		case ch == 'n':
			if i, ok = scanLiteral(b, i, "null"); !ok {
				return false
			}
		default:
			return false
		}
		// A value ended: close containers until one wants another element.
		for {
			i = c.space(i)
			if len(stack) == 0 {
				return i == len(b)
			}
			if i >= len(b) {
				return false
			}
			top, ch := stack[len(stack)-1], b[i]
			if ch == top+2 {
				stack = stack[:len(stack)-1]
				i++
				continue
			}
			if ch != ',' {
				return false
			}
			i = c.space(i + 1)
			if top == '{' {
				if i, ok = c.memberName(i); !ok {
					return false
				}
			}
			break
		}
	}
}

// space returns the index of the first byte at or after i that is not JSON
// whitespace, dropping the whitespace from the output.
func (c *compactor) space(i int) int {
	if i < len(c.b) && isJSONSpace(c.b[i]) {
		return c.dropSpace(i)
	}
	return i
}

// dropSpace is space when b[i] is whitespace.
func (c *compactor) dropSpace(i int) int {
	c.flush(i)
	for i < len(c.b) && isJSONSpace(c.b[i]) {
		i++
	}
	c.mark = i
	return i
}

func isJSONSpace(ch byte) bool { return ch == ' ' || ch == '\n' || ch == '\t' || ch == '\r' }

// memberName checks an object member's name and its colon, which start at b[i]; it
// returns the index where the member's value starts.
func (c *compactor) memberName(i int) (int, bool) {
	if i >= len(c.b) || c.b[i] != '"' {
		return i, false
	}
	i, ok := c.str(i)
	if !ok {
		return i, false
	}
	i = c.space(i)
	if i >= len(c.b) || c.b[i] != ':' {
		return i, false
	}
	return c.space(i + 1), true
}

// str checks the string starting at b[i] (its opening quote) and returns the index
// after its closing quote. Escapes are kept as written; raw DEL, unsafe runes and
// invalid UTF-8 are rewritten as appendString writes them.
func (c *compactor) str(i int) (int, bool) {
	b := c.b
	i++
	for {
		for i+8 <= len(b) && plainWord(binary.LittleEndian.Uint64(b[i:])) {
			i += 8
		}
		for i < len(b) && plainStringByte[b[i]] {
			i++
		}
		if i >= len(b) {
			return i, false
		}
		switch ch := b[i]; {
		case ch == '"':
			return i + 1, true
		case ch == '\\':
			if i+1 >= len(b) {
				return i, false
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(b) || !isHex(b[i+2]) || !isHex(b[i+3]) || !isHex(b[i+4]) || !isHex(b[i+5]) {
					return i, false
				}
				i += 6
			default:
				return i, false
			}
		case ch < 0x20:
			return i, false
		case ch == 0x7f:
			c.flush(i)
			c.dst = append(c.dst, `\u007f`...)
			i++
			c.mark = i
		default: // 0x80 and above: a rune, maybe unsafe, or a byte that is not UTF-8
			r, size := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && size == 1 || unsafeRune(r) {
				c.flush(i)
				c.dst, size = appendMultibyte(c.dst, b[i:])
				c.mark = i + size
			}
			i += size
		}
	}
}

// Masks for testing eight bytes of a string at once.
const (
	lowBits  = 0x0101010101010101
	highBits = 0x8080808080808080
)

// plainWord reports whether all eight bytes of x are plainStringByte: none below 0x20
// or above 0x7e, none a quote or a backslash. Long runs of ordinary text (user
// agents, ids, messages) are checked a word at a time.
func plainWord(x uint64) bool {
	below := (x - 0x20*lowBits) & ^x // a byte below 0x20 borrows into its top bit
	return (x|below|hasZeroByte(x^('"'*lowBits))|hasZeroByte(x^('\\'*lowBits))|hasZeroByte(x^(0x7f*lowBits)))&highBits == 0
}

// hasZeroByte has the top bit set in some byte when some byte of x is zero (exact
// about whether there is one, not about which).
func hasZeroByte(x uint64) uint64 { return (x - lowBits) & ^x & highBits }

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
