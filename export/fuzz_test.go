package export

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/decode/scan"
	"github.com/kpeek/kpeek/kafka"
)

// FuzzMaskJSON: masking a member path in any JSON value gives valid JSON equal, as
// data, to what a reference masker gives (encoding/json's tree with every member at the
// path replaced), so a member left unmasked fails; a value that is not JSON is masked
// whole.
func FuzzMaskJSON(f *testing.F) {
	f.Add(`{"a":1,"card":"4111","b":{"card":[1,2]}}`, "card")
	f.Add(`[{"x":{"y":"\"}"}},{"x":null}]`, "x.y")
	f.Add(`{"a\u0062":12345678901234567890}`, "ab")
	f.Add(`"plain"`, "a")
	f.Add(`{"card":"4111"`, "card")
	f.Add(`{"a":1}{"card":"4111"}`, "card")
	f.Add(` {"a" : [ {"b":1} , {"b":[2]} ] } `, "a.b")
	f.Add(`{"n":"{\"iban\":\"DE89\",\"x\":[1,{\"iban\":2}]}"}`, "n.iban")
	f.Add(`{"n":"{\"iban\":"}`, "n.iban")
	f.Fuzz(func(t *testing.T, src, path string) {
		if path == "" {
			return
		}
		p := strings.Split(path, ".")
		out := maskJSON([]byte(src), p)
		if !json.Valid([]byte(src)) {
			if string(out) != Redacted {
				t.Fatalf("maskJSON(%q, %q) = %s: unreadable input must be masked whole", src, path, out)
			}
			return
		}
		if !json.Valid(out) {
			t.Fatalf("maskJSON(%s, %q) = %s: not valid JSON", src, path, out)
		}
		got, want := unnest(parseJSON(t, out)), referenceMask(unnest(parseJSON(t, []byte(src))), p)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("maskJSON(%s, %q) = %s, the reference masker gives %v", src, path, out, want)
		}
	})
}

// unnest replaces every string holding a JSON object or array by its parsed value, so
// masks inside such strings compare as data.
func unnest(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, m := range x {
			x[k] = unnest(m)
		}
	case []any:
		for i := range x {
			x[i] = unnest(x[i])
		}
	case string:
		if t := strings.TrimSpace(x); t != "" && (t[0] == '{' || t[0] == '[') {
			d := json.NewDecoder(strings.NewReader(x))
			d.UseNumber()
			var inner any
			if d.Decode(&inner) == nil && !d.More() && json.Valid([]byte(x)) {
				return unnest(inner)
			}
		}
	}
	return v
}

func parseJSON(t *testing.T, b []byte) any {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatalf("parse %s: %v", b, err)
	}
	return v
}

// referenceMask masks v's members at path through arrays and JSON held in strings
// (unnested), on the parsed tree; a string that looks like JSON but cannot be read is
// masked whole when the path goes on inside it.
func referenceMask(v any, path []string) any {
	switch x := v.(type) {
	case string:
		if t := strings.TrimSpace(x); t != "" && (t[0] == '{' || t[0] == '[') {
			return scan.Redacted
		}
	case map[string]any:
		for k, m := range x {
			if k != path[0] {
				continue
			}
			if len(path) == 1 {
				x[k] = scan.Redacted
			} else {
				x[k] = referenceMask(m, path[1:])
			}
		}
	case []any:
		for i := range x {
			x[i] = referenceMask(x[i], path)
		}
	}
	return v
}

// FuzzRedactProfile: after redaction with every profile, the scanner finds nothing in
// the value, and the value is still valid JSON.
func FuzzRedactProfile(f *testing.F) {
	f.Add(`{"card":"4242 4242 4242 4242","email":"sam@example.com","note":"+49 30 1234567"}`)
	f.Add(`{"payload":"{\"cc\":4111111111111111,\"e\":\"a@b.co\"}","password":"hunter22"}`)
	f.Add(`["DE89 3704 0044 0532 0130 00", 4111111111111111, "203.0.113.7"]`)
	f.Add(`{"card":"4111`)
	s := scan.New()
	f.Fuzz(func(t *testing.T, src string) {
		d := decode.Decoded{JSON: []byte(src), Encoding: decode.EncodingJSON}
		maskDetected(s, "value", &d)
		if !json.Valid([]byte(src)) {
			if string(d.JSON) != Redacted {
				t.Fatalf("unreadable %q gave %s, want it masked whole", src, d.JSON)
			}
			return
		}
		if !json.Valid(d.JSON) {
			t.Fatalf("redacting %s gave invalid JSON %s", src, d.JSON)
		}
		s.Decoded("value", &d, func(fd scan.Finding) {
			t.Fatalf("redacting %s gave %s, where %s is still found at %s", src, d.JSON, fd.Detector, fd.Path)
		})
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
