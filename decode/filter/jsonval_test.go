package filter

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"
)

func TestJSONValueScalars(t *testing.T) {
	tests := []struct {
		json string
		want ref.Val
	}{
		{`0`, types.Int(0)},
		{`-42`, types.Int(-42)},
		{`9223372036854775807`, types.Int(math.MaxInt64)},
		{`-9223372036854775808`, types.Int(math.MinInt64)},
		{`9223372036854775808`, types.Uint(1 << 63)},
		{`12345678901234567890`, types.Uint(12345678901234567890)},
		{`18446744073709551615`, types.Uint(math.MaxUint64)},
		{`18446744073709551616`, types.Double(18446744073709551616)},
		{`-9223372036854775809`, types.Double(-9223372036854775809)},
		{`1.5`, types.Double(1.5)},
		{`1e3`, types.Double(1000)},
		{`-0.0`, types.Double(0)},
		{`1e-999`, types.Double(0)},
		{`1e999`, types.Double(math.Inf(1))},
		{` "text" `, types.String("text")},
		{`"a\"b\u00e9\n"`, types.String("a\"bé\n")},
		{`"c:\\"`, types.String(`c:\`)},
		{`"\\\""`, types.String(`\"`)},
		{`true`, types.True},
		{`false`, types.False},
		{`null`, types.NullValue},
	}
	for _, tt := range tests {
		got := jsonValue([]byte(tt.json))
		if got.Type() != tt.want.Type() || got.Equal(tt.want) != types.True {
			t.Errorf("jsonValue(%s) = %v (%v), want %v (%v)", tt.json, got, got.Type(), tt.want, tt.want.Type())
		}
	}
	if jsonValue(nil) != types.NullValue {
		t.Error("jsonValue(nil) is not null")
	}
}

func TestJSONValueMalformed(t *testing.T) {
	for _, in := range []string{``, ` `, `1-2`, `1.2.3`, `tru`, `"open`, `1 2`, `{"a":1`, `[1,2`, `nul`, `-`} {
		if v := jsonValue([]byte(in)); !types.IsError(v) {
			// Objects and arrays are checked lazily; reading them must then fail.
			if m, ok := v.(traits.Mapper); ok {
				if got, found := m.Find(types.String("a")); found || !types.IsError(got) {
					t.Errorf("jsonValue(%q).Find(a) = %v, %v; want an error", in, got, found)
				}
				continue
			}
			t.Errorf("jsonValue(%q) = %v, want an error", in, v)
		}
	}
}

func TestJSONObjectLookups(t *testing.T) {
	obj, ok := jsonValue([]byte(` { "dir\\":"c:\\", "a" : 1 , "b":{"c":[10, {"d":"x"}]}, "\u00e9":2, "a":3 } `)).(traits.Mapper)
	if !ok {
		t.Fatal("object is not a CEL map")
	}
	if v, found := obj.Find(types.String("a")); !found || v != types.Int(3) {
		t.Errorf("a = %v, %v; want the last value 3", v, found)
	}
	if v, found := obj.Find(types.String("é")); !found || v != types.Int(2) {
		t.Errorf("escaped key = %v, %v; want 2", v, found)
	}
	if _, found := obj.Find(types.String("z")); found {
		t.Error("found a key that is not there")
	}
	if _, found := obj.Find(types.Int(1)); found {
		t.Error("found an int key in a JSON object")
	}
	if v, found := obj.Find(types.String(`dir\`)); !found || v != types.String(`c:\`) {
		t.Errorf("key ending in a backslash = %v, %v; want c:\\", v, found)
	}
	if obj.Size() != types.Int(4) {
		t.Errorf("size = %v, want 4 distinct keys", obj.Size())
	}
	b := obj.Get(types.String("b")).(traits.Mapper)
	list := b.Get(types.String("c")).(traits.Lister)
	if list.Size() != types.Int(2) || list.Get(types.Int(0)) != types.Int(10) {
		t.Errorf("b.c = %v, want [10, {...}]", list)
	}
	d := list.Get(types.Int(1)).(traits.Mapper).Get(types.String("d"))
	if d != types.String("x") {
		t.Errorf("b.c[1].d = %v, want x", d)
	}
	if obj.ConvertToType(types.TypeType) != types.MapType || obj.Type() != types.MapType {
		t.Error("a JSON object is not of CEL type map")
	}
}

func TestIsDecimal(t *testing.T) {
	for s, want := range map[string]bool{
		"12000.50": true, "-3": true, "0.5": true, "1e3": true, "1.5E-7": true, "007": true,
		"": false, "1.": false, ".5": false, "+1": false, "1e": false, "1e1000": false, "0x10": false,
		"NaN": false, "Inf": false, " 1": false, "1,000": false, "12000.50 EUR": false,
	} {
		if got := isDecimal(s); got != want {
			t.Errorf("isDecimal(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestCompareDecimalString(t *testing.T) {
	tests := []struct {
		s    string
		n    ref.Val
		want int
	}{
		{"12000.50", types.Int(10000), 1},
		{"12000.50", types.Double(12000.5), 0},
		{"0.1", types.Double(0.1), 0}, // against a double, the string is rounded like the literal was
		{"0.10000000000000001", types.Double(0.1), 0},
		{"0.2", types.Double(0.1), 1},
		{"9007199254740993", types.Int(9007199254740992), 1},
		{"9007199254740993", types.Int(9007199254740993), 0},
		{"18446744073709551615", types.Uint(math.MaxUint64), 0},
		{"-1", types.Uint(0), -1},
		{"1e400", types.Double(math.Inf(1)), 0}, // rounds to +Inf, as the literal 1e400 does
		{"1", types.Double(math.NaN()), -2},     // NaN compares with nothing
	}
	for _, tt := range tests {
		got, ok := compareDecimalString(tt.s, tt.n)
		if tt.want == -2 {
			if ok {
				t.Errorf("compare(%s, %v) = %d, want incomparable", tt.s, tt.n, got)
			}
			continue
		}
		if !ok || got != tt.want {
			t.Errorf("compare(%s, %v) = %d, %v; want %d", tt.s, tt.n, got, ok, tt.want)
		}
	}
}

func TestRootObjectIndex(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("{")
	for i := range maxIndexed + 4 {
		if i > 0 {
			sb.WriteString(",")
		}
		fmt.Fprintf(&sb, `"f%d":%d`, i, i)
	}
	sb.WriteString(`,"f1":"last"}`)
	for _, raw := range []string{sb.String(), `{"f1":1,"f2":2,"f1":"last"}`, `{"f1":"last","f2":2,}`} {
		var obj rootObject
		m, ok := rootValue([]byte(raw), &obj).(traits.Mapper)
		if !ok {
			t.Fatalf("%s is not a map", raw)
		}
		for range 2 { // the first lookup indexes, the second uses the index
			v, found := m.Find(types.String("f1"))
			malformed := strings.HasSuffix(raw, ",}")
			if malformed != types.IsError(v) || (!malformed && (!found || v != types.String("last"))) {
				t.Errorf("%.40s…: f1 = %v, %v (state %d)", raw, v, found, obj.state)
			}
			if _, found := m.Find(types.String("f99")); found {
				t.Errorf("%.40s…: found f99", raw)
			}
		}
	}
}
