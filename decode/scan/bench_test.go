package scan

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/kafka"
)

// benchEnvelopes are decoded records like an incident window's: customer records with
// regulated data, orders and logins with none, and audit text.
func benchEnvelopes(b *testing.B) ([]decode.Envelope, int) {
	dec := decode.New()
	var envs []decode.Envelope
	fields := 0
	for i := range 1000 {
		var v string
		switch i % 4 {
		case 0:
			v = fmt.Sprintf(`{"id":"c-%d","name":"Sam Lyon","email":"sam%d@example.com","phone":"+49 30 %07d","card":{"number":"4242424242424242","expiry":"12/29"},"address":{"street":"Hauptstr. %d","city":"Berlin","zip":"10115"},"created":"2026-11-26T02:14:07.123Z"}`, i, i, i, i)
		case 1:
			v = fmt.Sprintf(`{"order_id":%d,"supplier":"ACME GmbH","amount":"12000.50","currency":"EUR","lines":[{"sku":"SKU-555-0100","qty":4},{"sku":"SKU-555-0101","qty":1}],"ts":"2026-11-26T02:14:07.123Z"}`, 1000000000000000+i)
		case 2:
			v = fmt.Sprintf(`{"user":"slyon","ip":"203.0.113.%d","result":"failure","ua":"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36","session":"%032x"}`, i%250, i)
		case 3:
			v = fmt.Sprintf(`2026-11-26T02:14:07Z INFO purchasing: order %d approved by user slyon from host erp-app-%d`, i, i%7)
		}
		rec := kafka.Record{Topic: "t", Key: []byte(fmt.Sprintf("k-%d", i)), Value: []byte(v), Timestamp: time.Unix(int64(i), 0),
			Headers: []kafka.Header{{Key: "trace_id", Value: []byte(fmt.Sprintf("%016x", i))}, {Key: "source", Value: []byte("sap")}}}
		env := dec.Decode(b.Context(), &rec)
		envs = append(envs, env)
		fields += countFields(&env)
	}
	return envs, fields
}

// countFields counts the scalar fields a scan reads: every string and number of key,
// value and headers.
func countFields(e *decode.Envelope) int {
	n := 0
	for _, d := range append([]*decode.Decoded{&e.Key, &e.Value}, headerValues(e)...) {
		decode.WalkJSON(d.JSON, func(_ []string, k decode.JSONKind, _, _ int) {
			if k == decode.JSONString || k == decode.JSONNumber {
				n++
			}
		})
	}
	return n
}

func headerValues(e *decode.Envelope) []*decode.Decoded {
	var out []*decode.Decoded
	for i := range e.Headers {
		out = append(out, &e.Headers[i].Value)
	}
	return out
}

// BenchmarkScanEnvelopes reports decoded fields scanned per second of wall clock and
// per second of CPU (run with -cpu 1); the target is at least 200k per core.
func BenchmarkScanEnvelopes(b *testing.B) {
	envs, fields := benchEnvelopes(b)
	s := New()
	hits := 0
	cpu := cpuTime()
	for b.Loop() {
		for i := range envs {
			s.Envelope(&envs[i], func(Finding) { hits++ })
		}
	}
	b.ReportMetric(float64(fields)*float64(b.N)/b.Elapsed().Seconds(), "fields/s")
	if used := cpuTime() - cpu; used > 0 {
		b.ReportMetric(float64(fields)*float64(b.N)/used.Seconds(), "fields/cpu-s")
	}
	b.ReportMetric(float64(fields)/float64(len(envs)), "fields/record")
}

// BenchmarkScanManyFindings scans one value holding 20 000 e-mail addresses, as JSON
// held in a string: merging the findings must stay linear in their number.
func BenchmarkScanManyFindings(b *testing.B) {
	text := "{" + strings.Repeat(`"a":"b@c.de",`, 20000) + `"z":1}`
	s := New()
	cpu := cpuTime()
	for b.Loop() {
		n := 0
		s.Text("value.note", text, func(Finding) { n++ })
		if n != 20000 {
			b.Fatalf("%d findings", n)
		}
	}
	if used := cpuTime() - cpu; used > 0 {
		b.ReportMetric(20000*float64(b.N)/used.Seconds(), "findings/cpu-s")
	}
}
