package export

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/kpeek/kpeek/kafka"
)

// FuzzMaskJSON: masking any compact JSON value keeps it valid JSON, and masks exactly
// when the path exists.
func FuzzMaskJSON(f *testing.F) {
	f.Add(`{"a":1,"card":"4111","b":{"card":[1,2]}}`, "card")
	f.Add(`[{"x":{"y":"\"}"}},{"x":null}]`, "x.y")
	f.Add(`{"a\u0062":12345678901234567890}`, "ab")
	f.Add(`"plain"`, "a")
	f.Fuzz(func(t *testing.T, src, path string) {
		var buf bytes.Buffer
		if json.Compact(&buf, []byte(src)) != nil || path == "" {
			return
		}
		in := buf.Bytes()
		out := maskJSON(in, strings.Split(path, "."))
		if !json.Valid(out) {
			t.Fatalf("maskJSON(%s, %q) = %s: not valid JSON", in, path, out)
		}
		if !bytes.Contains(out, []byte(Redacted)) && !bytes.Equal(out, in) {
			t.Fatalf("maskJSON(%s, %q) changed the value without masking: %s", in, path, out)
		}
	})
}

// FuzzFrame: any bytes parse without panicking, and a record survives a frame round trip.
func FuzzFrame(f *testing.F) {
	f.Add("t", int32(1), int64(2), []byte("k"), []byte("v"), "h", []byte("hv"), false)
	f.Add("", int32(0), int64(0), []byte(nil), []byte(nil), "", []byte(nil), true)
	f.Fuzz(func(t *testing.T, topic string, p int32, o int64, k, v []byte, hk string, hv []byte, garbage bool) {
		if garbage {
			_, _ = parseFrame(append([]byte{0, 0, 0, 0}, k...))
			return
		}
		if len(topic) > 0xffff || len(hk) > 0xffff {
			return
		}
		rec := kafka.Record{Topic: topic, Partition: p, Offset: o, Key: k, Value: v,
			Timestamp: time.UnixMilli(o % (1 << 42)).UTC(), TimestampType: kafka.TimestampCreate,
			Headers: []kafka.Header{{Key: hk, Value: hv}}}
		got, err := parseFrame(appendFrame(nil, &rec))
		if err != nil {
			t.Fatal(err)
		}
		if got.Topic != rec.Topic || got.Offset != o || !bytes.Equal(got.Key, k) || (got.Key == nil) != (k == nil) ||
			!bytes.Equal(got.Value, v) || got.Headers[0].Key != hk || !bytes.Equal(got.Headers[0].Value, hv) ||
			!got.Timestamp.Equal(rec.Timestamp) {
			t.Fatalf("round trip: got %+v, want %+v", got, rec)
		}
	})
}
