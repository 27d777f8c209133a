package decode

import (
	"strings"
	"unicode/utf8"
)

// DisplayValue renders a decoded value as terminal-safe text: JSON for structured
// values, the plain text for strings, every control sequence made visible.
// OWNER: decode helper (route through the one sanitizer).
func DisplayValue(d *Decoded) string {
	if d.JSON == nil {
		return "null"
	}
	if d.Encoding == EncodingString {
		return Sanitize(string(d.Raw))
	}
	return Sanitize(string(d.JSON))
}

// Preview is DisplayValue cut to at most width runes on one line.
func Preview(d *Decoded, width int) string {
	s := DisplayValue(d)
	s = strings.ReplaceAll(s, `\n`, " ")
	if utf8.RuneCountInString(s) <= width {
		return s
	}
	r := []rune(s)
	return string(r[:width-1]) + "…"
}

// Sanitize makes s safe to print to a terminal: control characters, escape sequences,
// C1 controls, bidi overrides and invalid UTF-8 become visible escapes like \x1b.
func Sanitize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	const hex = "0123456789abcdef"
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7f {
				switch c {
				case '\n':
					b.WriteString(`\n`)
				case '\t':
					b.WriteString(`\t`)
				case '\r':
					b.WriteString(`\r`)
				default:
					b.WriteString(`\x`)
					b.WriteByte(hex[c>>4])
					b.WriteByte(hex[c&0xf])
				}
			} else {
				b.WriteByte(c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || unsafeRune(r) {
			for _, x := range []byte(s[i : i+size]) {
				b.WriteString(`\x`)
				b.WriteByte(hex[x>>4])
				b.WriteByte(hex[x&0xf])
			}
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}
