package decode

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestDecodePlain(t *testing.T) {
	tests := []struct {
		name     string
		in       []byte
		want     string
		encoding Encoding
	}{
		{"null", nil, "", EncodingNull},
		{"empty", []byte{}, `""`, EncodingString},
		{"object exact digits", []byte(`{ "id" : 12345678901234567890, "f": 1.10e+2 }`), `{"id":12345678901234567890,"f":1.10e+2}`, EncodingJSON},
		{"array after whitespace", []byte("\n [true, null]"), `[true,null]`, EncodingJSON},
		{"scalar stays text", []byte(`42`), `"42"`, EncodingString},
		{"broken JSON is text", []byte(`{"a":`), `"{\"a\":"`, EncodingString},
		{"JSON strings escaped for terminals", []byte("{\"a\":\"\u202e\u0085\x7f\\u001b\"}"), `{"a":"\u202e\u0085\u007f\u001b"}`, EncodingJSON},
		{"text with escapes", []byte("\x1b]0;title\x07done"), `"\u001b]0;title\u0007done"`, EncodingString},
		{"invalid UTF-8 is binary", []byte("caf\xe9"), `"Y2Fm6Q=="`, EncodingBase64},
		{"NUL is binary", []byte("ab\x00cd"), `"YWIAY2Q="`, EncodingBase64},
		{"mostly controls is binary", []byte{1, 2, 3, 4, 'a'}, `"AQIDBGE="`, EncodingBase64},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := decodePlain(tt.in)
			if string(got.JSON) != tt.want || got.Encoding != tt.encoding {
				t.Errorf("got %s %s, want %s %s", got.Encoding, got.JSON, tt.encoding, tt.want)
			}
			if string(got.Raw) != string(tt.in) {
				t.Errorf("raw not kept")
			}
		})
	}
}

func TestAppendString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", `"plain"`},
		{"q\"b\\", `"q\"b\\"`},
		{"\x1b\x00\x7f", `"\u001b\u0000\u007f"`},
		{"\u0085\u202e\u2028\ufeff", `"\u0085\u202e\u2028\ufeff"`},
		{"\U000e0041", `"\udb40\udc41"`},
		{"bad\xff", `"bad\\xff"`},
		{"é日", `"é日"`},
	}
	for _, tt := range tests {
		if got := string(appendString(nil, tt.in)); got != tt.want {
			t.Errorf("appendString(%q) = %s, want %s", tt.in, got, tt.want)
		}
		if got := string(appendStringBytes(nil, []byte(tt.in))); got != tt.want {
			t.Errorf("appendStringBytes(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestAppendJSON(t *testing.T) {
	id := 3
	e := Envelope{Topic: "auth.logins", Partition: 0, Offset: 41,
		Timestamp: time.Date(2026, 11, 26, 2, 14, 7, 123000000, time.UTC), TimestampType: "create",
		Key:   decodePlain([]byte("u-1042")),
		Value: Decoded{JSON: []byte(`{"user":"slyon"}`), Encoding: EncodingAvro, SchemaID: &id, Subject: "auth.logins-value", Version: 2},
		Headers: []HeaderValue{{Key: "trace", Value: decodePlain([]byte("a"))}, {Key: "trace", Value: decodePlain([]byte("b"))},
			{Key: "src\x1b", Value: decodePlain(nil)}},
		Size: 112}
	want := `{"topic":"auth.logins","partition":0,"offset":41,"timestamp":"2026-11-26T02:14:07.123Z","timestamp_type":"create",` +
		`"key":"u-1042","key_encoding":"string","value":{"user":"slyon"},"value_encoding":"avro","value_schema_id":3,` +
		`"value_subject":"auth.logins-value","value_schema_version":2,"headers":{"trace":["a","b"],"src\u001b":null},"size":112}`
	if got := string(e.AppendJSON(nil, JSONOptions{})); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	raw := string(e.AppendJSON(nil, JSONOptions{IncludeRaw: true}))
	if !strings.Contains(raw, `"key_raw":"dS0xMDQy"`) || !json.Valid([]byte(raw)) {
		t.Errorf("raw output: %s", raw)
	}
}

// FuzzAppendJSON: whatever bytes a record holds, its NDJSON line is valid JSON with no
// raw control characters or unsafe runes.
func FuzzAppendJSON(f *testing.F) {
	f.Add("topic", "key", []byte(`{"a":1}`), "h", []byte("v"))
	f.Add("t\x1b", "\xff", []byte("\x1b]52;c;eA==\x07"), "\u202e", []byte{0, 1, 2})
	f.Add("", "", []byte("[1,\"\u2028\"]"), "", []byte(nil))
	f.Fuzz(func(t *testing.T, topic, key string, value []byte, hkey string, hval []byte) {
		e := Envelope{Topic: topic, Key: decodePlain([]byte(key)), Value: decodePlain(value),
			Headers: []HeaderValue{{Key: hkey, Value: decodePlain(hval)}, {Key: hkey, Value: decodeText(hval)}}}
		e.Value.Error = key
		e.Key.Subject = hkey
		line := e.AppendJSON(nil, JSONOptions{IncludeRaw: true})
		if !json.Valid(line) {
			t.Fatalf("invalid JSON: %q", line)
		}
		assertTerminalSafe(t, string(line), false)
		var back map[string]any
		if err := json.Unmarshal(line, &back); err != nil || back["topic"] != quoteJSONRoundTrip(topic) {
			t.Fatalf("topic did not round-trip: %v %q", err, back["topic"])
		}
	})
}

// FuzzCompactJSON: compacting keeps every value exactly (numbers by their digits) and
// leaves nothing a terminal would act on.
func FuzzCompactJSON(f *testing.F) {
	for _, s := range []string{`{"a": [1, 2.50, -0e+3]}`, "[\"\u202e\u0085\x7f\", \"\\u001b\"]", `{"id":12345678901234567890}`, `"x"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		out, ok := compactJSON(nil, b)
		if ok != json.Valid(b) {
			t.Fatalf("compactJSON ok=%v, json.Valid=%v", ok, !ok)
		}
		if !ok || !utf8.Valid(b) {
			return
		}
		assertTerminalSafe(t, string(out), false)
		if !reflect.DeepEqual(decodeNumbers(t, b), decodeNumbers(t, out)) {
			t.Fatalf("value changed: %s -> %s", b, out)
		}
	})
}

func decodeNumbers(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("decode %q: %v", b, err)
	}
	return v
}

// TestHeaderEncodingsTellBinaryFromText: a binary header shown as base64 and a text header
// that reads as the same base64 must not print identically; --raw-bytes adds header bytes.
func TestHeaderEncodingsTellBinaryFromText(t *testing.T) {
	e := Envelope{Topic: "t", Headers: []HeaderValue{
		{Key: "bin", Value: decodePlain([]byte{0xde, 0xad, 0xbe, 0xef})},
		{Key: "txt", Value: decodePlain([]byte("3q2+7w=="))},
		{Key: "txt", Value: decodePlain([]byte("x"))},
	}}
	got := string(e.AppendJSON(nil, JSONOptions{}))
	if want := `"headers":{"bin":"3q2+7w==","txt":["3q2+7w==","x"]},"header_encodings":{"bin":"base64","txt":["string","string"]}`; !strings.Contains(got, want) {
		t.Errorf("got  %s\nwant it to contain %s", got, want)
	}
	raw := string(e.AppendJSON(nil, JSONOptions{IncludeRaw: true}))
	if want := `"headers_raw":{"bin":"3q2+7w==","txt":["M3EyKzd3PT0=","eA=="]}`; !strings.Contains(raw, want) {
		t.Errorf("raw  %s\nwant it to contain %s", raw, want)
	}
	text := Envelope{Topic: "t", Headers: []HeaderValue{{Key: "a", Value: decodePlain([]byte("plain"))}}}
	if got := string(text.AppendJSON(nil, JSONOptions{})); strings.Contains(got, "header_encodings") {
		t.Errorf("text-only headers carry encodings: %s", got)
	}
}
