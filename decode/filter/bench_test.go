package filter

import (
	"fmt"
	"testing"

	"github.com/kpeek/kpeek/decode"
)

// BenchmarkMatch filters 1,000 distinct records with ~200-byte JSON values (a quarter
// of them failures, so the branch predictor does not see one record over and over);
// records/s is wall clock; records/cpu-s counts only the CPU time this process
// used (GC included), the per-core figure on a shared machine.
func BenchmarkMatch(b *testing.B) {
	recs := make([]*decode.Envelope, 1000)
	for i := range recs {
		result := "success"
		if i%4 == 0 {
			result = "failure"
		}
		value := fmt.Sprintf(`{"user":"user%04d","ip":"203.0.113.%d","result":%q,"attempt":%d,`+
			`"amount":"%d.50","supplier":{"name":"Supplier %d","country":"DE"},`+
			`"lines":[{"sku":"A-%d","qty":%d}],"agent":"Mozilla/5.0 (X11; Linux x86_64)"}`,
			i, i%256, result, i%7, i*37, i%50, i, i%13)
		recs[i] = record(fmt.Sprintf("u-%d", i), value, "source", "idp", "trace_id", "9f1c0a")
	}
	b.Logf("value size %d bytes", len(recs[0].Value.JSON))
	cases := []struct{ name, expr string }{
		{"text", "user0042"},
		{"text-miss", "mallory"},
		{"regex", "/user00[0-4]2/"},
		{"cel-partition", "partition == 1"},
		{"cel-value-field", `value.result == "failure"`},
		{"cel-two-fields-and-header", `value.result == "failure" && value.user.startsWith("user00") && headers.source == "idp"`},
		{"cel-nested", `value.supplier.name == "Supplier 7" || value.lines[0].qty > 11`},
		{"cel-decimal-string", "value.amount > 10000"},
		{"cel-exists", `value.lines.exists(l, l.qty > 11)`},
	}
	for _, c := range cases {
		f, err := compileAt(c.expr, testNow)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			n, i := 0, 0
			cpu := processCPU()
			for b.Loop() {
				if f.Match(recs[i]) {
					n++
				}
				i++
				if i == len(recs) {
					i = 0
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
			if used := processCPU() - cpu; used > 0 {
				b.ReportMetric(float64(b.N)/used.Seconds(), "records/cpu-s")
			}
			_ = n
		})
	}
}

// BenchmarkCompile is the cost of one keystroke in the explorer's filter box.
func BenchmarkCompile(b *testing.B) {
	for _, expr := range []string{"slyon", `value.amount > 10000 && headers.source == "erp"`} {
		b.Run(expr, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Compile(expr); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
