package decode

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/mattn/go-runewidth"
)

// DisplayValue renders a decoded value as terminal-safe text on one line: JSON for
// structured values, the plain text for strings, every control sequence made visible.
func DisplayValue(d *Decoded) string {
	return Sanitize(string(displaySource(d)))
}

// AppendDisplayValue appends DisplayValue(d) to dst. A value that needs no escaping, the
// common case on a long read, is copied as it is, without building a string of it.
func AppendDisplayValue(dst []byte, d *Decoded) []byte {
	src := displaySource(d)
	// isSafe only reads the bytes, which stay unchanged and alive for the call.
	if isSafe(unsafe.String(unsafe.SliceData(src), len(src)), false) {
		return append(dst, src...)
	}
	return append(dst, sanitize(string(src), false)...)
}

// displaySource is what DisplayValue shows before sanitizing.
func displaySource(d *Decoded) []byte {
	switch {
	case d.JSON == nil:
		return []byte("null")
	case d.Encoding == EncodingString && d.Error == "":
		return d.Raw
	}
	return d.JSON
}

// DisplayIndented renders a decoded value for a detail view: JSON indented by two spaces,
// text with its line breaks kept; everything else is made visible as Sanitize does.
func DisplayIndented(d *Decoded) string {
	if d.JSON == nil {
		return "null"
	}
	if d.Encoding == EncodingString && d.Error == "" {
		return SanitizeMultiline(string(d.Raw))
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, d.JSON, "", "  "); err != nil {
		return Sanitize(string(d.JSON))
	}
	return SanitizeMultiline(buf.String())
}

// Preview is DisplayValue cut to at most width terminal cells, ending in "…" when cut.
// It sanitizes only as much of the value as can show, so a 2 MB value costs no more
// than a short one.
func Preview(d *Decoded, width int) string {
	if width <= 0 {
		return ""
	}
	src := displaySource(d)
	for limit := 4*width + 16; ; limit *= 4 {
		whole := len(src) <= limit
		if !whole {
			for limit > 0 && !utf8.RuneStart(src[limit]) {
				limit-- // never cut a rune in two: its bytes would show as \xNN
			}
		}
		s := Sanitize(string(src[:min(limit, len(src))]))
		if w := runewidth.StringWidth(s); w > width || (!whole && w == width) {
			return runewidth.Truncate(s, width-1, "") + "…"
		} else if whole {
			return s
		}
	}
}

// Sanitize makes s safe to print to a terminal on one line. C0 controls, DEL and bytes
// that are not valid UTF-8 become \xNN (\n, \r, \t as such); C1 controls, bidi controls
// and invisible runes (see unsafeRune) become \uNNNN. ESC becomes \x1b, so CSI, OSC (title,
// clipboard), DCS, APC and PM sequences are left as inert visible text. It is the one
// sanitizer every text output uses: the TUI, table output and error lines.
func Sanitize(s string) string {
	return sanitize(s, false)
}

// SanitizeMultiline is Sanitize that keeps line feeds, for multi-line detail views.
func SanitizeMultiline(s string) string {
	return sanitize(s, true)
}

func sanitize(s string, keepNewlines bool) string {
	if isSafe(s, keepNewlines) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '\n' && keepNewlines:
				b.WriteByte(c)
			case c == '\n':
				b.WriteString(`\n`)
			case c == '\t':
				b.WriteString(`\t`)
			case c == '\r':
				b.WriteString(`\r`)
			case c < 0x20 || c == 0x7f:
				b.Write([]byte{'\\', 'x', hexDigits[c>>4], hexDigits[c&0xf]})
			default:
				b.WriteByte(c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.Write([]byte{'\\', 'x', hexDigits[c>>4], hexDigits[c&0xf]})
		case unsafeRune(r) && r > 0xffff:
			b.Write([]byte{'\\', 'U', '0', '0', hexDigits[r>>20&0xf], hexDigits[r>>16&0xf], hexDigits[r>>12&0xf], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf]})
		case unsafeRune(r):
			b.Write([]byte{'\\', 'u', hexDigits[r>>12&0xf], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf]})
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// isSafe reports whether s needs no escaping, so the common case does not allocate.
func isSafe(s string, keepNewlines bool) bool {
	for i := 0; i < len(s); {
		// Printable ASCII, the bulk of most values, is checked eight bytes at a time.
		for i+8 <= len(s) && printableWord(leUint64(s[i:])) {
			i += 8
		}
		if i >= len(s) {
			break
		}
		size, ok := safeAt(s, i, keepNewlines)
		if !ok {
			return false
		}
		i += size
	}
	return true
}

// safeAt reports whether the byte or rune at s[i] may reach a terminal as it is (printable,
// not a control, not a bidi or other unsafe rune, valid UTF-8; a line feed only with
// keepNewlines), and its size.
func safeAt(s string, i int, keepNewlines bool) (size int, ok bool) {
	if c := s[i]; c < utf8.RuneSelf {
		return 1, (c >= 0x20 && c != 0x7f) || (c == '\n' && keepNewlines)
	}
	r, size := utf8.DecodeRuneInString(s[i:])
	return size, !(r == utf8.RuneError && size == 1) && !unsafeRune(r)
}

// printableWord reports whether all eight bytes of x are printable ASCII (0x20 to 0x7e).
func printableWord(x uint64) bool {
	below := (x - 0x20*lowBits) & ^x // a byte below 0x20 borrows into its top bit
	return (x|below|hasZeroByte(x^(0x7f*lowBits)))&highBits == 0
}

// leUint64 reads the first eight bytes of s, little-endian, without copying s.
func leUint64(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}
