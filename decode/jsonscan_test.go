package decode

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// compactJSONReference is compactJSON as it was before the single-pass scanner:
// json.Valid, then a second pass that compacts and escapes. It is the oracle the
// scanner must match byte for byte.
func compactJSONReference(dst, b []byte) ([]byte, bool) {
	if !json.Valid(b) {
		return dst, false
	}
	dst = slices.Grow(dst, len(b))
	inString := false
	for i := 0; i < len(b); {
		c := b[i]
		if !inString {
			switch c {
			case ' ', '\t', '\n', '\r':
			case '"':
				inString = true
				dst = append(dst, c)
			default:
				dst = append(dst, c)
			}
			i++
			continue
		}
		switch {
		case c == '\\':
			dst = append(dst, c, b[i+1])
			i += 2
			continue
		case c == '"':
			inString = false
			dst = append(dst, c)
		case c == 0x7f:
			dst = append(dst, `\u007f`...)
		case c < utf8.RuneSelf:
			dst = append(dst, c)
		default:
			var size int
			dst, size = appendMultibyte(dst, b[i:])
			i += size
			continue
		}
		i++
	}
	return dst, true
}

// jsonScanCases are grammar corners: each is checked against json.Valid and the
// reference compactor.
var jsonScanCases = []string{
	``, ` `, `{}`, `[]`, ` { } `, "\t[\r\n]\n", `{`, `[`, `}`, `]`, `{]`, `[}`, `[1,]`, `{"a":1,}`, `[,1]`,
	`{"a"}`, `{"a":}`, `{a:1}`, `{"a" : 1 , "b" : [ 1 , 2 ] }`, `{"a":1 "b":2}`, `[1 2]`, `{}{}`, `[] x`, `[]]`,
	`0`, `-0`, `-`, `01`, `[01]`, `1.`, `1.5`, `.5`, `1e`, `1e+`, `1e-7`, `1E+07`, `-1.0e10`, `1.e3`, `[-]`, `[+1]`,
	`12345678901234567890`, `[1.10e+2, -0.0]`, `true`, `tru`, `truex`, `[true,false,null]`, `nul`, `[nulls]`, `NaN`,
	`""`, `"abc"`, `"a`, `"\"`, `"\\"`, `"\/\b\f\n\r\t"`, `"\u00e9\uD83D\ude00"`, `"\u12"`, `"\u12g4"`, `"\x41"`, `"\'"`,
	"\"tab\there\"", "\"nl\nhere\"", "[\"\x00\"]", "\"\x1f\"", "\"\x7f\"", "\"\u202e\u0085\u2028\ufeff\U000e0041\"",
	"\"caf\xe9\"", "[\"\xff\xfe\", \"\xe2\x80\"]", "\"\xe2\x80\"", "\"é日\"", "\xef\xbb\xbf{}", "{\"\xc3\":1}",
	`{"a":{"b":{"c":[[[{}]]]}}}`, `{"":""}`, `[[],[[]],{}]`, `{"a":[]}`, `[{"a":[{}]}]`,
}

func checkCompactMatches(t *testing.T, b []byte) {
	t.Helper()
	want, wantOK := compactJSONReference(nil, b)
	got, gotOK := compactJSON(nil, b)
	if gotOK != wantOK || !bytes.Equal(got, want) {
		t.Fatalf("compactJSON(%q) = %q %v, want %q %v", b, got, gotOK, want, wantOK)
	}
	if gotOK != json.Valid(b) {
		t.Fatalf("compactJSON(%q) ok=%v, json.Valid disagrees", b, gotOK)
	}
	own, ownOK := compactJSONValue(b)
	if ownOK != wantOK || wantOK && !bytes.Equal(own, want) {
		t.Fatalf("compactJSONValue(%q) = %q %v, want %q %v", b, own, ownOK, want, wantOK)
	}
}

// TestCompactJSONValueShares: a clean compact value is its own bytes, and appending to
// the result can never write into the record.
func TestCompactJSONValueShares(t *testing.T) {
	buf := []byte(`{"a":[1,"x"]}TAIL`)
	in := buf[:len(buf)-4]
	got, ok := compactJSONValue(in)
	if !ok || &got[0] != &in[0] || cap(got) != len(in) {
		t.Fatalf("clean value was copied or kept its capacity: %q %v cap %d", got, ok, cap(got))
	}
	_ = append(got, "XXXX"...)
	if string(buf) != `{"a":[1,"x"]}TAIL` {
		t.Fatalf("appending to the result wrote into the input: %q", buf)
	}
	for _, s := range []string{`{"a": 1}`, " {}", "[\"\x7f\"]", "[\"\u202e\"]", "[\"\xff\"]"} {
		in := []byte(s)
		got, ok := compactJSONValue(in)
		if !ok || &got[0] == &in[0] {
			t.Errorf("%q: a rewritten value should be a new slice, got %q %v", s, got, ok)
		}
	}
}

func TestCompactJSONMatchesReference(t *testing.T) {
	for _, s := range jsonScanCases {
		checkCompactMatches(t, []byte(s))
	}
}

func TestCompactJSONDepthLimit(t *testing.T) {
	for _, depth := range []int{maxJSONDepth - 1, maxJSONDepth, maxJSONDepth + 1} {
		for _, open := range []string{"[", `{"a":`} {
			close := "]"
			if open != "[" {
				close = "}"
			}
			b := []byte(strings.Repeat(open, depth) + "1" + strings.Repeat(close, depth))
			_, ok := compactJSON(nil, b)
			if want := depth <= maxJSONDepth; ok != want {
				t.Errorf("depth %d of %s: ok=%v, want %v", depth, open, ok, want)
			}
			checkCompactMatches(t, b)
		}
	}
	empty := []byte(strings.Repeat("[", maxJSONDepth+1) + strings.Repeat("]", maxJSONDepth+1))
	checkCompactMatches(t, empty)
}

func TestCompactJSONKeepsDst(t *testing.T) {
	dst := []byte("prefix:")
	got, ok := compactJSON(dst, []byte(`{ "a" : [1, "\u202e"] }`))
	if !ok || string(got) != `prefix:{"a":[1,"\u202e"]}` {
		t.Errorf("got %q %v", got, ok)
	}
	got, ok = compactJSON(dst, []byte(`{ "a" : [1, `))
	if ok || string(got) != "prefix:" {
		t.Errorf("invalid input: got %q %v, want dst unchanged", got, ok)
	}
}

// FuzzCompactJSONReference: the single-pass compactor accepts exactly what the old
// json.Valid-then-compact pair accepted and writes the same bytes.
func FuzzCompactJSONReference(f *testing.F) {
	for _, s := range jsonScanCases {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		checkCompactMatches(t, b)
	})
}

// TestPlainWord: a word is plain exactly when each of its bytes is, whichever byte
// position holds the odd one out and whatever the others are.
func TestPlainWord(t *testing.T) {
	for _, fill := range []byte{'a', ' ', '~', '!', '#', '[', ']'} {
		for c := range 256 {
			for pos := range 8 {
				w := bytes.Repeat([]byte{fill}, 8)
				w[pos] = byte(c)
				if got, want := plainWord(binary.LittleEndian.Uint64(w)), plainStringByte[c]; got != want {
					t.Fatalf("plainWord(%q) = %v, want %v", w, got, want)
				}
			}
		}
	}
}
