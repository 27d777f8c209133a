package filter

import (
	"bytes"
	"strings"
	"testing"

	"github.com/kpeek/kpeek/decode"
)

func loginEnvelope(user, result string) *decode.Envelope {
	return &decode.Envelope{
		Topic: "auth.logins",
		Key:   decode.Decoded{Encoding: decode.EncodingString, JSON: []byte(`"` + user + `"`)},
		Value: decode.Decoded{Encoding: decode.EncodingJSON,
			JSON: []byte(`{"user":"` + user + `","result":"` + result + `","geo":{"country":"FR"}}`)},
		Headers: []decode.HeaderValue{{Key: "source", Value: decode.Decoded{JSON: []byte(`"idp"`)}}},
	}
}

func TestCheckFieldsSuggestsTheNearestField(t *testing.T) {
	tests := []struct {
		expr string
		want []string // MissingField strings, in path order
	}{
		{`value.resutl == "failure"`, []string{"no record has value.resutl (did you mean value.result?)"}},
		{`value.result == "failure" && value.usr == "slyon"`, []string{"no record has value.usr (did you mean value.user?)"}},
		{`value.geo.contry == "FR"`, []string{"no record has value.geo.contry (did you mean value.geo.country?)"}},
		{`headers.sorce == "idp"`, []string{"no record has headers.sorce (did you mean headers.source?)"}},
		{`value.completely_unrelated_name == 1`, []string{"no record has value.completely_unrelated_name"}},
		{`value.result == "failure" && value.geo.country == "FR" && headers.source == "idp"`, nil},
		{`partition == 1`, nil}, // names no record field: no check
	}
	for _, tt := range tests {
		f, err := Compile(tt.expr)
		if err != nil {
			t.Fatalf("%s: %v", tt.expr, err)
		}
		c := f.CheckFields()
		if c == nil {
			if tt.want != nil {
				t.Errorf("%s: no field check", tt.expr)
			}
			continue
		}
		if got := c.Missing(); got != nil {
			t.Errorf("%s: missing before any record was seen: %v", tt.expr, got)
		}
		for _, u := range []string{"slyon", "mkeller"} {
			f.Match(loginEnvelope(u, "failure"))
		}
		var got []string
		for _, m := range c.Missing() {
			got = append(got, m.String())
		}
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("%s: got %q, want %q", tt.expr, got, tt.want)
		}
	}
}

func TestFieldCheckReportAndHostileNames(t *testing.T) {
	f, err := Compile(`value.resutl == "x"`)
	if err != nil {
		t.Fatal(err)
	}
	c := f.CheckFields()
	e := loginEnvelope("slyon", "failure")
	e.Value.JSON = []byte("{\"resul\u202et\":1,\"resu\x1b]0;x\x07lt\":2}")
	f.Match(e)
	var buf bytes.Buffer
	c.Report(&buf)
	if out := buf.String(); !strings.HasPrefix(out, "kpeek: filter: no record has value.resutl") ||
		strings.ContainsAny(out, "\x1b\x07\u202e") {
		t.Errorf("report %q", out)
	}
	var nilCheck *FieldCheck
	nilCheck.Report(&buf) // a nil check (text filter) reports nothing and does not panic
}
