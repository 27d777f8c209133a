package filter

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"
)

// FuzzCompile feeds arbitrary expressions to Compile and the result to Match: errors
// are fine, panics are not.
func FuzzCompile(f *testing.F) {
	for _, seed := range []string{
		"", "slyon", "203.0.113.7", "/fail(ure)?/i", "/(/", `value.result == "failure"`,
		`value.amount > 10000 && headers.source == "erp"`, `has(value.notes)`,
		`value.lines.exists(l, l.qty > 1)`, `timestamp > now - duration("1h")`,
		`decimal(value.amount) > 1.0`, `value.x.y.z[3] == 1u`, "value.", "((((", `"quoted"`,
	} {
		f.Add(seed)
	}
	recs := []string{login, order, `{"a":`, `[1,2`, `"\u00e9"`, `{"a":{"b":[{"c":"\ud83d"}]}}`, ``}
	f.Fuzz(func(t *testing.T, expr string) {
		flt, err := Compile(expr)
		if err != nil {
			if strings.ContainsAny(err.Error(), "\n\x1b") {
				t.Errorf("Compile(%q) error is not one safe line: %q", expr, err)
			}
			return
		}
		for _, v := range recs {
			flt.Match(record("k", v, "h", "v"))
		}
	})
}

// FuzzJSONValue reads arbitrary bytes as a record value: a lookup may fail, never
// panic; and for a valid JSON object every field reads as encoding/json reads it.
func FuzzJSONValue(f *testing.F) {
	for _, seed := range []string{login, order, `{"a":1,"a":2}`, `[{"x":[]}]`, `{"a":"\"}`, `-1e999`, `{`,
		`{"big":18446744073709551616,"u":18446744073709551615,"e":"\u00e9\ud83d\ude00","n":null,"b":true}`,
		`{"z":-0,"f":-0.0,"x":1E2}`} {
		f.Add(seed)
	}
	flt, err := compileAt(`value.a == 1 || value.user == "x" || value.lines[0].qty > 1 || value.exists(k, k == "z") || value == {"a": 1}`, testNow)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, value string) {
		rec := record("k", "")
		rec.Value.JSON = []byte(value)
		flt.Match(rec)
		var want map[string]any
		dec := json.NewDecoder(strings.NewReader(value))
		dec.UseNumber()
		if !utf8.ValidString(value) || !json.Valid([]byte(value)) || dec.Decode(&want) != nil {
			return
		}
		for _, got := range []ref.Val{jsonValue([]byte(value)), rootValue([]byte(value), new(rootObject))} {
			obj, ok := got.(traits.Mapper)
			if !ok {
				t.Fatalf("%s: not a map: %v", value, got)
			}
			if obj.Size() != types.Int(len(want)) {
				t.Errorf("%s: size %v, want %d", value, obj.Size(), len(want))
			}
			for k, w := range want {
				v, found := obj.Find(types.String(k))
				if !found || !sameJSON(v, w) {
					t.Errorf("%s: field %q = %v (found %v), want %v", value, k, v, found, w)
				}
			}
		}
	})
}

// sameJSON reports whether a CEL value read from JSON is what encoding/json read.
func sameJSON(v ref.Val, w any) bool {
	switch w := w.(type) {
	case nil:
		return v == types.NullValue
	case bool:
		return v == types.Bool(w)
	case string:
		return v == types.String(w)
	case json.Number:
		switch v := v.(type) {
		case types.Int:
			n, err := strconv.ParseInt(w.String(), 10, 64)
			return err == nil && n == int64(v)
		case types.Uint:
			n, err := strconv.ParseUint(w.String(), 10, 64)
			return err == nil && n == uint64(v)
		case types.Double:
			f, err := strconv.ParseFloat(w.String(), 64) // out of range is ±Inf or 0 on both sides
			return (err == nil || errors.Is(err, strconv.ErrRange)) && float64(v) == f
		}
		return false
	case map[string]any:
		return v.Type() == types.MapType
	case []any:
		l, ok := v.(traits.Lister)
		return ok && l.Size() == types.Int(len(w))
	}
	return false
}

// FuzzTextSearch checks the case-insensitive byte search against the obvious
// lower-case-everything version.
func FuzzTextSearch(f *testing.F) {
	f.Add("SLyon", "user slyon logged in")
	f.Add("aab", "aaab")
	f.Add("", "x")
	f.Fuzz(func(t *testing.T, needle, hay string) {
		if !isASCII(needle) {
			return
		}
		m, err := newTextMatcher(needle)
		if err != nil {
			t.Fatal(err)
		}
		lowerASCII := func(s string) string {
			b := []byte(s)
			for i := range b {
				b[i] = lower(b[i])
			}
			return string(b)
		}
		want := strings.Contains(lowerASCII(hay), lowerASCII(needle))
		if got := m.inBytes([]byte(hay)); got != want {
			t.Errorf("inBytes(%q) for %q = %v, want %v", hay, needle, got, want)
		}
		if got := m.inString(hay); got != want {
			t.Errorf("inString(%q) for %q = %v, want %v", hay, needle, got, want)
		}
	})
}
