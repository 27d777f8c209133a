package decode

import (
	"encoding/json"
	"testing"
	"unicode/utf8"
)

func TestEscapeJSONMatchesAppendJSON(t *testing.T) {
	for _, s := range []string{"plain", "csi \u009b31m", "rtl \u202egnp.exe", "del \x7f", "esc \x1b]0;x\x07",
		"ls \u2028", "tag \U000E0041", "zwsp \u200b", "emoji 👩\u200d💻", "quote \" \\"} {
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		got := string(EscapeJSON(nil, b))
		if want := string(quoteJSON(s)); got != want {
			t.Errorf("%q: EscapeJSON = %s, AppendJSON writes %s", s, got, want)
		}
		var back string
		if err := json.Unmarshal([]byte(got), &back); err != nil || back != s {
			t.Errorf("%q: %s reads back as %q (%v)", s, got, back, err)
		}
	}
}

func FuzzEscapeJSON(f *testing.F) {
	f.Add("a\u009b\u202e\x7f\xff")
	f.Fuzz(func(t *testing.T, s string) {
		b, _ := json.Marshal(map[string]string{s: s})
		out := EscapeJSON(nil, b)
		if !json.Valid(out) {
			t.Fatalf("invalid JSON %q from %q", out, b)
		}
		for _, r := range string(out) {
			if r >= utf8.RuneSelf && unsafeRune(r) || r < 0x20 && r != '\n' || r == 0x7f {
				t.Fatalf("unsafe rune %U left in %q", r, out)
			}
		}
	})
}
