package decode

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mattn/go-runewidth"
)

func TestSanitize(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "order PO-1042 café 日本", "order PO-1042 café 日本"},
		{"screen clear CSI", "\x1b[2J\x1b[H", `\x1b[2J\x1b[H`},
		{"OSC 52 clipboard write", "\x1b]52;c;ZXZpbA==\x07", `\x1b]52;c;ZXZpbA==\x07`},
		{"title change ST", "\x1b]0;pwned\x1b\\", `\x1b]0;pwned\x1b\`},
		{"DCS APC PM", "\x1bPq\x1b\\\x1b_x\x1b^y", `\x1bPq\x1b\\x1b_x\x1b^y`},
		{"8-bit CSI and OSC", "\u009b2J\u009d0;t\u009c", `\u009b2J\u009d0;t\u009c`},
		{"C0 and DEL", "a\x00b\x08c\x7f", `a\x00b\x08c\x7f`},
		{"newline tab CR", "a\nb\tc\r", `a\nb\tc\r`},
		{"bidi override", "invoice\u202egnp.exe", `invoice\u202egnp.exe`},
		{"bidi isolates and marks", "\u2066x\u2069\u200f\u061c", `\u2066x\u2069\u200f\u061c`},
		{"invisible runes", "pass\u200bword\ufeff\u2060", `pass\u200bword\ufeff\u2060`},
		{"unicode tag smuggling", "hi\U000e0041", `hi\U000e0041`},
		{"joiners kept for emoji", "👩\u200d💻", "👩\u200d💻"},
		{"line separator", "a\u2028b", `a\u2028b`},
		{"invalid UTF-8", "ok\xff\xfe\xc3", `ok\xff\xfe\xc3`},
		{"overlong encoding", "\xc0\xaf", `\xc0\xaf`},
		{"surrogate half", "\xed\xa0\x80", `\xed\xa0\x80`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Sanitize(tt.in); got != tt.want {
				t.Errorf("Sanitize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestSanitizeMultilineKeepsLineFeeds(t *testing.T) {
	if got, want := SanitizeMultiline("a\nb\r\n\x1b[31m"), "a\nb\\r\n\\x1b[31m"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestDisplayValueAndPreview(t *testing.T) {
	str := decodeText([]byte("hello\x1b]0;x\x07 world"))
	obj := decodePlain([]byte(`{"a": [1, 2], "b": "\u001b"}`))
	tests := []struct {
		name  string
		d     Decoded
		width int
		want  string
	}{
		{"text", str, 100, `hello\x1b]0;x\x07 world`},
		{"text cut", str, 8, "hello\\x…"},
		{"json", obj, 100, `{"a":[1,2],"b":"\u001b"}`},
		{"null", Decoded{Encoding: EncodingNull}, 10, "null"},
		{"zero width", str, 0, ""},
		{"wide runes cut by cells", decodeText([]byte("日本語テキスト")), 7, "日本語…"},
		{"exact fit", decodeText([]byte("abcdef")), 6, "abcdef"},
		{"one over", decodeText([]byte("abcdefg")), 6, "abcde…"},
		{"2 MB value", decodeText([]byte(strings.Repeat("\x1b[2J", 400000))), 10, `\x1b[2J\x…`},
		{"cut inside a rune", decodeText([]byte(strings.Repeat("é", 100))), 3, "éé…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Preview(&tt.d, tt.width); got != tt.want {
				t.Errorf("Preview = %q, want %q", got, tt.want)
			}
		})
	}
	if got, want := DisplayIndented(&obj), "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": \"\\u001b\"\n}"; got != want {
		t.Errorf("DisplayIndented = %q, want %q", got, want)
	}
}

// assertTerminalSafe fails if s holds anything a terminal would act on.
func assertTerminalSafe(t *testing.T, s string, keepNewlines bool) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Fatalf("output is not valid UTF-8: %q", s)
	}
	for _, r := range s {
		if r == '\n' && keepNewlines {
			continue
		}
		if r < 0x20 || r == 0x7f || unsafeRune(r) {
			t.Fatalf("output holds %U: %q", r, s)
		}
	}
}

func FuzzSanitize(f *testing.F) {
	for _, s := range []string{"plain", "\x1b[2J", "\x1b]52;c;ZXZpbA==\x07", "\u009b31m", "\u202e\u2066", "\xff\xfe",
		"\U000e0041", "a\nb", "\xed\xa0\x80", strings.Repeat("\x1b", 100)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		assertTerminalSafe(t, Sanitize(s), false)
		assertTerminalSafe(t, SanitizeMultiline(s), true)
		if isSafe(s, false) && Sanitize(s) != s {
			t.Fatalf("safe input changed: %q", s)
		}
		for _, d := range []Decoded{decodeText([]byte(s)), decodePlain([]byte(s))} {
			p := Preview(&d, 12)
			assertTerminalSafe(t, p, false)
			if w := runewidth.StringWidth(p); w > 12 {
				t.Fatalf("Preview(%q, 12) = %q is %d cells wide", s, p, w)
			}
		}
	})
}

// TestAppendDisplayValueIsDisplayValue: the raw writer's copy-free path shows exactly what
// DisplayValue shows, hostile bytes included.
func TestAppendDisplayValueIsDisplayValue(t *testing.T) {
	for _, b := range append(hostilePayloads(), []byte(`{"a":1}`), []byte("plain"), nil, []byte("caf\xc3\xa9\x1b[2J")) {
		for _, d := range []Decoded{decodePlain(b), decodeText(b), decodeBase64(b)} {
			want := DisplayValue(&d)
			if got := string(AppendDisplayValue([]byte("x"), &d)); got != "x"+want {
				t.Errorf("%q: AppendDisplayValue = %q, DisplayValue = %q", b, got, want)
			}
		}
	}
}

// isSafeBytewise is isSafe without its word-at-a-time fast path: the reference the fuzz
// test holds the fast path to.
func isSafeBytewise(s string, keepNewlines bool) bool {
	for i := 0; i < len(s); {
		size, ok := safeAt(s, i, keepNewlines)
		if !ok {
			return false
		}
		i += size
	}
	return true
}

func FuzzIsSafe(f *testing.F) {
	for _, s := range []string{"plain text of more than eight bytes", "0123456\x7f89abcdef", "01234567\x1fabc",
		"abcdefgh\nijklmnop", "abcdefg\u00e9hijklmn", "abcdefgh\u202eijk", "\xff2345678", " ~~~~~~~~~~~~~~~"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, keep := range []bool{false, true} {
			if got, want := isSafe(s, keep), isSafeBytewise(s, keep); got != want {
				t.Fatalf("isSafe(%q, %v) = %v, bytewise %v", s, keep, got, want)
			}
		}
	})
}
