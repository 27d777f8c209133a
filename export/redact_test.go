package export

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/decode/scan"
	"github.com/kpeek/kpeek/kafka"
)

func TestMaskJSON(t *testing.T) {
	tests := []struct {
		name, src string
		path      []string
		want      string
	}{
		{"top-level field", `{"a":1,"card":"4111","b":2}`, []string{"card"}, `{"a":1,"card":"[REDACTED]","b":2}`},
		{"nested field", `{"c":{"n":"x","m":1}}`, []string{"c", "n"}, `{"c":{"n":"[REDACTED]","m":1}}`},
		{"whole object member", `{"c":{"n":"x"},"d":0}`, []string{"c"}, `{"c":"[REDACTED]","d":0}`},
		{"through arrays", `{"lines":[{"sku":"a","q":1},{"sku":"b"}]}`, []string{"lines", "sku"}, `{"lines":[{"sku":"[REDACTED]","q":1},{"sku":"[REDACTED]"}]}`},
		{"exact digits kept", `{"id":12345678901234567890,"x":1.10}`, []string{"x"}, `{"id":12345678901234567890,"x":"[REDACTED]"}`},
		{"missing field", `{"a":1}`, []string{"b"}, `{"a":1}`},
		{"escaped name", `{"c\u0061rd":"4111"}`, []string{"card"}, `{"c\u0061rd":"[REDACTED]"}`},
		{"strings with braces", `{"s":"}{\"]","card":"1"}`, []string{"card"}, `{"s":"}{\"]","card":"[REDACTED]"}`},
		{"not an object", `"text"`, []string{"card"}, `"text"`},
		{"null member", `{"card":null}`, []string{"card"}, `{"card":"[REDACTED]"}`},
		{"JSON held in a string", `{"notes":"{\"iban\":\"DE89\",\"x\":1}","n":2}`, []string{"notes", "iban"}, `{"notes":"{\"iban\":\"[REDACTED]\",\"x\":1}","n":2}`},
		{"unreadable JSON held in a string", `{"notes":"{\"iban\":","n":2}`, []string{"notes", "iban"}, `{"notes":"[REDACTED]","n":2}`},
		{"text held in a string", `{"notes":"iban DE89","n":2}`, []string{"notes", "iban"}, `{"notes":"iban DE89","n":2}`},
		{"spaces", `{ "a" : [ 1 , 2 ] , "card" : "x" }`, []string{"card"}, `{ "a" : [ 1 , 2 ] , "card" : "[REDACTED]" }`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(maskJSON([]byte(tt.src), tt.path))
			if got != tt.want {
				t.Errorf("maskJSON(%s, %v) = %s, want %s", tt.src, tt.path, got, tt.want)
			}
			if !json.Valid([]byte(got)) {
				t.Errorf("result is not valid JSON: %s", got)
			}
		})
	}
}

func TestRedactRules(t *testing.T) {
	rec := kafka.Record{Topic: "t", Key: []byte("secret-key"), Value: []byte(`{"email":"a@b","n":1}`),
		Headers: []kafka.Header{{Key: "auth", Value: []byte("bearer x")}, {Key: "auth", Value: []byte("bearer y")}, {Key: "keep", Value: []byte("ok")}}}
	tests := []struct {
		rules []string
		want  []string // substrings of the envelope
		not   []string
	}{
		{[]string{"key"}, []string{`"key":"[REDACTED]"`}, []string{"secret-key"}},
		{[]string{"value.email"}, []string{`"email":"[REDACTED]"`, `"n":1`}, []string{"a@b"}},
		{[]string{"value"}, []string{`"value":"[REDACTED]"`}, []string{"a@b"}},
		{[]string{"headers.auth"}, []string{`"auth":["[REDACTED]","[REDACTED]"]`, `"keep":"ok"`}, []string{"bearer"}},
		{[]string{"headers"}, []string{`"keep":"[REDACTED]"`}, []string{"bearer", `"ok"`}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.rules, ","), func(t *testing.T) {
			checkRedacted(t, tt.rules, &rec, tt.want, append(tt.not, "c2VjcmV0")) // base64 of "secret": no raw bytes either
		})
	}
}

func TestRedactBadPaths(t *testing.T) {
	for _, p := range []string{"card_number", "value..x", "timestamp"} {
		if _, err := ParseRedactions([]string{p}); err == nil {
			t.Errorf("ParseRedactions(%q) accepted", p)
		}
	}
	_, err := ToFile(t.Context(), Request{Records: feed(nil, 1), Redact: []string{"card"}},
		FileOptions{Path: filepath.Join(t.TempDir(), "x")})
	if err == nil || !strings.Contains(err.Error(), "key, value or headers") {
		t.Errorf("ToFile with a bad path: %v", err)
	}
}

func TestRedactedNDJSON(t *testing.T) {
	recs := sampleRecords(20)
	path := filepath.Join(t.TempDir(), "x.ndjson")
	req := testRequest(recs)
	req.Redact = []string{"value.card_number"}
	if _, err := ToFile(t.Context(), req, FileOptions{Path: path}); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	if want := consumeOutput(t, recs, "value.card_number"); string(got) != string(want) {
		t.Errorf("redacted export differs from redacted consume output")
	}
	if strings.Contains(string(got), "4111111111111111") {
		t.Error("card number leaked")
	}
}

// TestRedactionFailsClosed: a part whose JSON cannot be read is masked whole, never
// passed through unmasked.
func TestRedactionFailsClosed(t *testing.T) {
	for _, src := range []string{`{"card":"4111111111111111"`, `{"card":"4111111111111111",}`, `{"a":1}{"card":"4111"}`, `{"card" "4111"}`} {
		d := decode.Decoded{JSON: []byte(src), Encoding: decode.EncodingJSON}
		maskDecoded(&d, []string{"card"})
		if string(d.JSON) != Redacted {
			t.Errorf("masking value.card in %s gave %s, want the whole part %s", src, d.JSON, Redacted)
		}
	}
}

func TestRedactProfiles(t *testing.T) {
	rec := kafka.Record{Topic: "crm", Key: []byte("sam@example.com"),
		Value:   []byte(`{"name":"Sam","card":{"pan":"4242 4242 4242 4242","n":4111111111111111},"note":"mail sam@example.com or +49 30 1234567","password":"hunter22","id":12345678901234567890,"payload":"{\"email\":\"kim@example.org\",\"cc\":5555555555554444}"}`),
		Headers: []kafka.Header{{Key: "authorization", Value: []byte("Basic dXNlcjpwYXNzd29yZA==")}, {Key: "bin", Value: []byte("\x00\xffkim@example.org\x01")}}}
	tests := []struct {
		rules     []string
		want, not []string
	}{
		{[]string{"pci"}, []string{`"pan":"**** **** **** 4242"`, `"n":"**** **** **** 1111"`, `\"cc\":\"**** **** **** 4444\"`, `sam@example.com`, `hunter22`, `"id":12345678901234567890`},
			[]string{"4242 4242", "4111111111111111", "5555555555554444"}},
		{[]string{"pii"}, []string{`"key":"[REDACTED]"`, `"note":"mail [REDACTED] or [REDACTED]"`, `\"email\":\"[REDACTED]\"`, `"pan":"**** **** **** 4242"`, `"bin":"[REDACTED]"`, `hunter22`, `"name":"Sam"`},
			[]string{"sam@", "kim@", "30 1234567", "4111111111111111"}},
		{[]string{"secrets", "value.name"}, []string{`"password":"[REDACTED]"`, `"authorization":"[REDACTED]"`, `"name":"[REDACTED]"`, `sam@example.com`},
			[]string{"hunter22", "dXNlcjpw"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.rules, ","), func(t *testing.T) {
			checkRedacted(t, tt.rules, &rec, tt.want, tt.not)
		})
	}
}

func TestParseRedactionsProfiles(t *testing.T) {
	got, err := ParseRedactions([]string{"PII", "value.x", "pii", " secrets "})
	if err != nil || strings.Join(got, ",") != "pii,secrets,value.x" {
		t.Errorf("ParseRedactions = %v, %v", got, err)
	}
	if d := RedactionDetectors(got); d != scan.Version {
		t.Errorf("RedactionDetectors(%v) = %q", got, d)
	}
	if d := RedactionDetectors([]string{"value.x"}); d != "" {
		t.Errorf("explicit paths need no detectors, got %q", d)
	}
	if _, err := ParseRedactions([]string{"pi"}); err == nil || !strings.Contains(err.Error(), "pii, pci, secrets, all") {
		t.Errorf("a misspelt profile: %v", err)
	}
}

// checkRedacted redacts rec by rules and checks that its envelope line (raw bytes
// included when there are any) is JSON holding every want and no not.
func checkRedacted(t *testing.T, rules []string, rec *kafka.Record, want, not []string) {
	t.Helper()
	rd, err := newRedactor(rules)
	if err != nil {
		t.Fatal(err)
	}
	env := decode.New().Decode(t.Context(), rec)
	rd.apply(&env)
	line := string(env.AppendJSON(nil, decode.JSONOptions{IncludeRaw: true}))
	if !json.Valid([]byte(line)) {
		t.Fatalf("not JSON: %s", line)
	}
	for _, w := range want {
		if !strings.Contains(line, w) {
			t.Errorf("%s lacks %s", line, w)
		}
	}
	for _, n := range not {
		if strings.Contains(line, n) {
			t.Errorf("%s still contains %s", line, n)
		}
	}
}
