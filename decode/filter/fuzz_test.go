package filter

import (
	"testing"
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
			return
		}
		for _, v := range recs {
			flt.Match(record("k", v, "h", "v"))
		}
	})
}

// FuzzJSONValue reads arbitrary bytes as a record value: a lookup may fail, never panic.
func FuzzJSONValue(f *testing.F) {
	for _, seed := range []string{login, order, `{"a":1,"a":2}`, `[{"x":[]}]`, `{"a":"\"}`, `-1e999`, `{`} {
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
	})
}
