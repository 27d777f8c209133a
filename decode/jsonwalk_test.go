package decode

import (
	"strings"
	"testing"
)

func TestSkipJSONValue(t *testing.T) {
	tests := []struct {
		in  string
		end int // -1: not ok
	}{
		{`"a\"b" rest`, 6},
		{`"a\\" rest`, 5},
		{`{"a":[1,{"b":"}"}]} x`, 19},
		{`[[[`, -1},
		{`-12.5e3,`, 7},
		{`true`, 4},
		{`tru`, -1},
		{`null]`, 4},
		{`"open`, -1},
		{`}`, -1},
		{``, -1},
	}
	for _, tt := range tests {
		end, ok := SkipJSONValue([]byte(tt.in), 0)
		if (tt.end < 0) == ok || ok && end != tt.end {
			t.Errorf("SkipJSONValue(%q) = %d, %v; want %d", tt.in, end, ok, tt.end)
		}
	}
}

// TestMembers: keys, values and their offsets, as a masker uses them to replace a value.
func TestMembers(t *testing.T) {
	tests := []struct {
		in        string
		want      string // key=value;... as walked
		malformed bool
	}{
		{`{}`, ``, false},
		{` { "a" : 1 , "b\"c":{"d":[1,2]} ,"e":"x"} `[1:], `"a"=1;"b\"c"={"d":[1,2]};"e"="x";`, false},
		{`{"a":1,}`, ``, true}, // a member counts once what follows it is read
		{`{"a" 1}`, ``, true},
		{`{"a":1`, ``, true},
		{`{a:1}`, ``, true},
	}
	for _, tt := range tests {
		obj := []byte(strings.TrimSpace(tt.in))
		var got strings.Builder
		it := NewMembers(obj)
		for {
			key, _, val, ok := it.Next()
			if !ok {
				break
			}
			if k, v := it.Offset(key), it.Offset(val); string(obj[k:k+len(key)]) != string(key) || string(obj[v:v+len(val)]) != string(val) {
				t.Errorf("%s: offsets %d, %d do not point at %s, %s", obj, k, v, key, val)
			}
			got.WriteString(string(key) + "=" + string(val) + ";")
		}
		if got.String() != tt.want || it.Malformed() != tt.malformed {
			t.Errorf("%s: walked %q malformed %v, want %q malformed %v", obj, got.String(), it.Malformed(), tt.want, tt.malformed)
		}
	}
	// Replacing a value's span, as a masker does.
	obj := []byte(`{"user":"slyon","card":"4111111111111111","n":1}`)
	it := NewMembers(obj)
	var masked string
	for {
		key, _, val, ok := it.Next()
		if !ok {
			break
		}
		if s, _ := UnquoteJSON(key); s == "card" {
			v := it.Offset(val)
			masked = string(obj[:v]) + `"[redacted]"` + string(obj[v+len(val):])
		}
	}
	if masked != `{"user":"slyon","card":"[redacted]","n":1}` {
		t.Errorf("masked = %s", masked)
	}
}

func TestUnquoteJSON(t *testing.T) {
	for in, want := range map[string]string{`"plain"`: "plain", `"a\u00e9\n"`: "aé\n", `"\"q\""`: `"q"`} {
		if got, ok := UnquoteJSON([]byte(in)); !ok || got != want {
			t.Errorf("UnquoteJSON(%s) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{`plain`, `"`, `"bad \x"`} {
		if _, ok := UnquoteJSON([]byte(in)); ok {
			t.Errorf("UnquoteJSON(%s) accepted", in)
		}
	}
}

// FuzzMembers: any bytes walk to an end, with offsets inside the object.
func FuzzMembers(f *testing.F) {
	for _, s := range []string{`{"a":1,"b":[{"c":"}"}]}`, `{"a":`, `{"\\":"\\\""}`, `{`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) == 0 || b[0] != '{' {
			return
		}
		it := NewMembers(b)
		for n := 0; ; n++ {
			key, _, val, ok := it.Next()
			if !ok {
				return
			}
			if n > len(b) {
				t.Fatal("more members than bytes")
			}
			if k, v := it.Offset(key), it.Offset(val); k < 0 || v < k || v+len(val) > len(b) {
				t.Fatalf("offsets %d, %d outside %d bytes", k, v, len(b))
			}
		}
	})
}
