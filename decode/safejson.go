package decode

import "unicode/utf8"

// EscapeJSON appends JSON text from another encoder (encoding/json) to dst, made safe to
// print raw by the rule AppendJSON applies to its strings: DEL, C1 controls, bidi and
// invisible runes become \u escapes and bytes that are not UTF-8 the text \xNN. Outside
// strings valid JSON holds only ASCII, so escaping every such rune keeps the JSON valid
// and equal in meaning.
func EscapeJSON(dst, src []byte) []byte {
	for i := 0; i < len(src); {
		c := src[i]
		if c < utf8.RuneSelf {
			if c == 0x7f {
				dst = append(dst, `\u007f`...)
			} else {
				dst = append(dst, c)
			}
			i++
			continue
		}
		var size int
		dst, size = appendMultibyte(dst, src[i:])
		i += size
	}
	return dst
}
