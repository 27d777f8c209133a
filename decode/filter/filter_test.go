package filter

import (
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kpeek/kpeek/decode"
)

// testNow is the filters' now in tests: a little after the incident.
var testNow = time.Date(2026, 11, 26, 3, 0, 0, 0, time.UTC)

// record builds an envelope with a JSON value (or a string value when value is not
// JSON) and string headers given as key, value pairs.
func record(key, value string, headers ...string) *decode.Envelope {
	e := &decode.Envelope{
		Topic: "auth.logins", Partition: 1, Offset: 41, Size: 112,
		Timestamp:     time.Date(2026, 11, 26, 2, 14, 7, 0, time.UTC),
		TimestampType: "create",
		Key:           text(key),
	}
	switch {
	case value == "":
		e.Value = decode.Decoded{Encoding: decode.EncodingNull}
	case json.Valid([]byte(value)) || strings.HasPrefix(value, "{"):
		e.Value = decode.Decoded{JSON: []byte(value), Encoding: decode.EncodingJSON, Raw: []byte(value)}
	default:
		e.Value = text(value)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		e.Headers = append(e.Headers, decode.HeaderValue{Key: headers[i], Value: text(headers[i+1])})
	}
	return e
}

// text is a string-encoded decoded value, as the decoders produce for text.
func text(s string) decode.Decoded {
	return decode.Decoded{JSON: quote(s), Encoding: decode.EncodingString, Raw: []byte(s)}
}

func quote(s string) []byte {
	e := decode.Envelope{Topic: s}
	b := e.AppendJSON(nil, decode.JSONOptions{})
	start := len(`{"topic":`)
	end := strings.Index(string(b), `,"partition"`)
	return b[start:end]
}

const login = `{"user":"slyon","ip":"203.0.113.7","result":"failure","attempt":3}`

const order = `{"id":12345678901234567890,"amount":"12000.50","currency":"EUR",` +
	`"supplier":{"name":"Acme GmbH","country":"DE"},` +
	`"lines":[{"sku":"A-1","qty":5},{"sku":"B-2","qty":12}],"notes":null,"total":1.5e3}`

func TestKind(t *testing.T) {
	tests := []struct {
		expr string
		want Kind
	}{
		{"", KindAll},
		{"   ", KindAll},
		{"slyon", KindText},
		{"203.0.113.7", KindText},
		{"u-1042", KindText},
		{"john.doe", KindText},
		{"<script>", KindText},
		{"true", KindText},
		{"value", KindText},
		{"topic", KindText},
		{`"value.user"`, KindText},
		{"/api/v1/users", KindText},
		{"YWJjZA==", KindText},
		{"!important", KindText},
		{"-1h", KindText},
		{"4500010017", KindText},
		{"key-rotation", KindText},
		{"offset-reset", KindText},
		{"2026-11-26", KindText},
		{"partition + 1", KindText},
		{"1 < 2", KindText},
		{"/fail(ure|ed)/", KindRegex},
		{"/FAIL/i", KindRegex},
		{`value.result == "failure"`, KindCEL},
		{`has(value.notes)`, KindCEL},
		{`value.user.startsWith("sl")`, KindCEL},
		{"partition == 1", KindCEL},
		{`value.amount > 10000 && headers.source == "erp"`, KindCEL},
		{`timestamp > now - duration("1h")`, KindCEL},
		{`value.lines.exists(l, l.qty > 10)`, KindCEL},
	}
	for _, tt := range tests {
		f, err := compileAt(tt.expr, testNow)
		if err != nil {
			t.Errorf("Compile(%q): %v", tt.expr, err)
			continue
		}
		if got := f.Kind(); got != tt.want {
			t.Errorf("Compile(%q).Kind() = %v, want %v", tt.expr, got, tt.want)
		}
		if f.String() != tt.expr {
			t.Errorf("Compile(%q).String() = %q", tt.expr, f.String())
		}
	}
}

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		expr, want string
	}{
		{`value.amount >`, "CEL: column"},
		{`value.`, "CEL: column"},
		{`user == "slyon"`, "undeclared reference to 'user'"},
		{`user == "sl`, "CEL: column"},
		{`value.lines[0].qty >`, "CEL: column"},
		{`x && `, "CEL: column"},
		{`!has(value.x`, "CEL: column"},
		{`amount > 10000 && x`, "undeclared reference"},
		{`partition == "1"`, "no matching overload"},
		{`topic.size()`, "not true/false"},
		{`yaml.parse(value) == {}`, "undeclared reference"},
		{`value.id == 12345678901234567890`, "12345678901234567890u"},
		{`value.user.replace("a", value.user) == ""`, "replace() is not available"},
		{`has(value)`, "invalid argument to has() macro"},
		{`/fail(/`, "regex: missing closing )"},
	}
	for _, tt := range tests {
		f, err := compileAt(tt.expr, testNow)
		if err == nil {
			t.Errorf("Compile(%q) = %v kind, want an error", tt.expr, f.Kind())
			continue
		}
		if !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("Compile(%q) error = %q, want one line containing %q", tt.expr, err, tt.want)
		}
	}
}

func TestMatch(t *testing.T) {
	loginRec := record("u-1042", login, "source", "idp", "trace_id", "9f1c")
	orderRec := record("o-1", order, "source", "erp")
	audit := record("", "2026-11-26T02:10:00Z user SLYON exported \x1b[2J report")
	big := record("k", `{"id":18446744073709551615,"small":-5,"neg":-9223372036854775808,"huge":123456789012345678901234}`)
	repeated := record("k", `{"a":1,"a":2}`, "h", "first", "h", "last")
	tests := []struct {
		name string
		expr string
		rec  *decode.Envelope
		want bool
	}{
		{"empty matches", "", loginRec, true},
		{"text in value", "slyon", loginRec, true},
		{"text case-insensitive", "SLyon", loginRec, true},
		{"text ip", "203.0.113.7", loginRec, true},
		{"text in key", "u-1042", loginRec, true},
		{"text in header value", "9F1C", loginRec, true},
		{"text in header key", "trace_id", loginRec, true},
		{"text missing", "mallory", loginRec, false},
		{"text in string value", "slyon exported", audit, true},
		{"text quoted", `"user slyon"`, audit, true},
		{"text non-ASCII needle", "GRÜN", record("k", `{"color":"grün"}`), true},
		{"text display form of ESC", `\x1b[2J`, audit, true},
		{"regex", "/fail(ure|ed)/", loginRec, true},
		{"regex case-sensitive", "/FAILURE/", loginRec, false},
		{"regex i flag", "/FAILURE/i", loginRec, true},
		{"regex raw ESC", `/\x1b\[2J/`, audit, true},
		{"cel field", `value.result == "failure" && value.user == "slyon"`, loginRec, true},
		{"cel field mismatch", `value.result == "success"`, loginRec, false},
		{"cel startsWith", `value.user.startsWith("sl")`, loginRec, true},
		{"cel partition", "partition == 1", loginRec, true},
		{"cel offset", "offset > 40 && offset < 42", loginRec, true},
		{"cel topic", `topic == "auth.logins"`, loginRec, true},
		{"cel size", "size == 112", loginRec, true},
		{"cel key", `key == "u-1042"`, loginRec, true},
		{"cel encodings", `key_encoding == "string" && value_encoding == "json"`, loginRec, true},
		{"cel schema id null", `value_schema_id == null`, loginRec, true},
		{"cel header", `headers.source == "idp"`, loginRec, true},
		{"cel header index", `headers["trace_id"] == "9f1c"`, loginRec, true},
		{"cel header in", `"source" in headers`, loginRec, true},
		{"cel missing header is false", `headers.missing == "x"`, loginRec, false},
		{"cel missing header negated is false", `!(headers.missing == "x")`, loginRec, false},
		{"cel has header", `has(headers.source)`, loginRec, true},
		{"cel repeated header is last", `headers.h == "last"`, repeated, true},
		{"cel headers size", `size(headers) == 1`, repeated, true},
		{"cel timestamp absolute", `timestamp > timestamp("2026-11-26T02:00:00Z")`, loginRec, true},
		{"cel timestamp before", `timestamp < timestamp("2026-11-26T02:00:00Z")`, loginRec, false},
		{"cel timestamp relative", `timestamp > now - duration("1h")`, loginRec, true},
		{"cel timestamp relative miss", `timestamp > now - duration("30m")`, loginRec, false},
		{"cel timestamp hour", `timestamp.getHours() == 2`, loginRec, true},
		{"cel int vs double", "value.attempt > 2.5", loginRec, true},
		{"cel int eq double", "value.attempt == 3.0", loginRec, true},
		{"cel nested", `value.supplier.name == "Acme GmbH"`, orderRec, true},
		{"cel array index", "value.lines[1].qty == 12", orderRec, true},
		{"cel array exists", `value.lines.exists(l, l.sku == "B-2" && l.qty > 10)`, orderRec, true},
		{"cel array all", `value.lines.all(l, l.qty > 10)`, orderRec, false},
		{"cel size of array", "size(value.lines) == 2", orderRec, true},
		{"cel has present", "has(value.supplier)", orderRec, true},
		{"cel has null field", "has(value.notes)", orderRec, true},
		{"cel has absent", "has(value.discount)", orderRec, false},
		{"cel null field", "value.notes == null", orderRec, true},
		{"cel exponent is double", "value.total == 1500", orderRec, true},
		{"cel decimal string > int", "value.amount > 10000", orderRec, true},
		{"cel decimal string > double", "value.amount > 12000.49", orderRec, true},
		{"cel decimal string not >", "value.amount > 12000.5", orderRec, false},
		{"cel decimal string >=", "value.amount >= 12000.5", orderRec, true},
		{"cel decimal string ==", "value.amount == 12000.5", orderRec, true},
		{"cel decimal string < on the right", "10000 < value.amount", orderRec, true},
		{"cel decimal string as string", `value.amount == "12000.50"`, orderRec, true},
		{"cel decimal()", "decimal(value.amount) * 2.0 > 24000.0", orderRec, true},
		{"cel non-numeric string vs number", "value.currency > 5", orderRec, false},
		{"cel string vs string stays text", `value.currency > "ABC"`, orderRec, true},
		{"cel uint64 id", "value.id == 12345678901234567890u", orderRec, true},
		{"cel uint64 id vs int", "value.id > 9223372036854775807", orderRec, true},
		{"cel uint64 id exact", "value.id == 12345678901234567891u", orderRec, false},
		{"cel max uint64", "value.id == 18446744073709551615u", big, true},
		{"cel min int64", "value.neg == -9223372036854775808", big, true},
		{"cel negative", "value.small < 0", big, true},
		{"cel beyond uint64 is double", "value.huge > 1e23", big, true},
		{"cel duplicate key is last", "value.a == 2", repeated, true},
		{"cel missing field", `value.nope == "x"`, loginRec, false},
		{"cel field of string value", `value.user == "x"`, audit, false},
		{"cel type mismatch", `value.user > 5`, loginRec, false},
		{"cel string value", `value.contains("exported")`, audit, true},
		{"cel string functions", `value.user.upperAscii() == "SLYON"`, loginRec, true},
		{"cel base64", `base64.decode(headers.b64) == b"slyon"`, record("k", login, "b64", "c2x5b24="), true},
		{"cel non-bool result", "value.user", loginRec, false},
		{"cel null value", "value == null", record("k", ""), true},
		{"cel map equality", `value.supplier == {"name": "Acme GmbH", "country": "DE"}`, orderRec, true},
		{"cel map iteration", `value.supplier.exists(k, k == "country")`, orderRec, true},
		{"cel list equality", `value.lines[0] == {"sku": "A-1", "qty": 5}`, orderRec, true},
		{"cel malformed value", `value.user == "x"`, record("k", `{"user":`), false},
		{"cel escaped key", `value["a\"b"] == 1`, record("k", `{"a\"b":1}`), true},
		{"cel escaped string", `value.s == "é\n"`, record("k", `{"s":"\u00e9\n"}`), true},
		{"cel cost limit", `value.lines.all(a, value.lines.all(b, value.lines.all(c, true)))`, orderRec, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := compileAt(tt.expr, testNow)
			if err != nil {
				t.Fatalf("Compile(%q): %v", tt.expr, err)
			}
			if got := f.Match(tt.rec); got != tt.want {
				t.Errorf("Compile(%q).Match = %v, want %v (kind %v)", tt.expr, got, tt.want, f.Kind())
			}
		})
	}
}

func TestCostLimitStopsRunawayLoops(t *testing.T) {
	var sb strings.Builder
	sb.WriteString(`{"xs":[`)
	for i := range 200 {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString("1")
	}
	sb.WriteString("]}")
	rec := record("k", sb.String())
	// 200^3 = 8 million steps: beyond the limit, so no match instead of a stall.
	f, err := compileAt(`value.xs.all(a, value.xs.all(b, value.xs.all(c, a + b + c > 0)))`, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if f.Match(rec) {
		t.Error("a loop over the cost limit matched; want no match")
	}
}

func TestNilFilterMatchesEverything(t *testing.T) {
	var f *Filter
	if !f.Match(record("k", login)) || f.String() != "" || f.Kind() != KindAll {
		t.Error("nil filter: want match-all, empty string, KindAll")
	}
	empty, err := Compile("")
	if err != nil || !empty.Match(record("k", login)) || !empty.Match(nil) {
		t.Errorf("Compile(\"\") = %v, %v; want a match-all filter", empty, err)
	}
	for _, expr := range []string{"slyon", "/x/", "partition == 1"} {
		if f, err := Compile(expr); err != nil || f.Match(nil) {
			t.Errorf("Compile(%q).Match(nil) = true or %v; want false", expr, err)
		}
	}
}

func TestNowIsCurrentTime(t *testing.T) {
	f, err := Compile(`timestamp > now - duration("1m")`)
	if err != nil {
		t.Fatal(err)
	}
	rec := record("k", login)
	rec.Timestamp = time.Now()
	if !f.Match(rec) {
		t.Error("a record from now is not within the last minute")
	}
}

func TestKindString(t *testing.T) {
	for k, want := range map[Kind]string{KindAll: "all", KindText: "text", KindRegex: "regex", KindCEL: "CEL"} {
		if k.String() != want {
			t.Errorf("Kind(%d).String() = %q, want %q", k, k.String(), want)
		}
	}
}

func TestConcurrentMatch(t *testing.T) {
	recs := []*decode.Envelope{record("u-1", login, "source", "erp"), record("o-1", order, "source", "erp")}
	for _, expr := range []string{"slyon", "/fail/", `value.user == "slyon" || value.lines.exists(l, l.qty > 10)`} {
		f, err := compileAt(expr, testNow)
		if err != nil {
			t.Fatal(err)
		}
		want := []bool{f.Match(recs[0]), f.Match(recs[1])}
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				for i := range 200 {
					if got := f.Match(recs[i%2]); got != want[i%2] {
						t.Errorf("%q: concurrent Match = %v, want %v", expr, got, want[i%2])
						return
					}
				}
			})
		}
		wg.Wait()
	}
}

func TestNeeds(t *testing.T) {
	tests := []struct {
		expr string
		want Parts
	}{
		{"", 0},
		{"slyon", PartAll},
		{"/x/", PartAll},
		{"partition == 1 && timestamp > now - duration(\"1h\")", 0},
		{`value.user == "x"`, PartValue},
		{`value_encoding == "avro"`, PartValue},
		{`key == "k" || headers.source == "erp"`, PartKey | PartHeaders},
		{`value.lines.exists(key, key.qty > 1)`, PartValue | PartKey}, // shadowing: harmless extra
	}
	for _, tt := range tests {
		f, err := compileAt(tt.expr, testNow)
		if err != nil {
			t.Fatal(err)
		}
		if got := f.Needs(); got != tt.want {
			t.Errorf("Compile(%q).Needs() = %03b, want %03b", tt.expr, got, tt.want)
		}
	}
	var nilFilter *Filter
	if nilFilter.Needs() != 0 {
		t.Error("a nil filter needs something")
	}
}
