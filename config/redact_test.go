package config

import (
	"strings"
	"testing"
)

func TestRedactURLPasswords(t *testing.T) {
	for in, want := range map[string]string{
		"http://u:pw@host:8081/x":                             "http://u:***@host:8081/x",
		"post https://admin:S3CRET@splunk:8088/services: 401": "post https://admin:***@splunk:8088/services: 401",
		"a http://u:p@h and b https://v:q@i/":                 "a http://u:***@h and b https://v:***@i/",
		"http://user@host/ no password":                       "http://user@host/ no password",
		"no url at all: a:b@c":                                "no url at all: a:b@c",
	} {
		if got := RedactURLPasswords(in); got != want {
			t.Errorf("RedactURLPasswords(%q) = %q, want %q", in, got, want)
		}
	}
	for s, want := range map[string]bool{"http://u:pw@h": true, "https://u:@h": true, "http://u@h": false, "${URL}": false} {
		if URLHasPassword(s) != want {
			t.Errorf("URLHasPassword(%q) = %v", s, !want)
		}
	}
}

// TestPropertyTypoNeverEchoesTheSecret: -X with the wrong separator names the property
// and never the value, whatever the separator.
func TestPropertyTypoNeverEchoesTheSecret(t *testing.T) {
	for _, kv := range []string{"sasl.password:S3CRET", "sasl.password S3CRET", "S3CRET"} {
		_, err := Resolve(&File{}, Selection{Brokers: []string{"b:9092"}, Properties: []string{kv}}, true)
		if err == nil || strings.Contains(err.Error(), "S3CRET") {
			t.Errorf("-X %q: err = %v; want an error without the secret", kv, err)
		}
	}
	if got := ShowProperty("sasl.password:S3CRET"); got != "sasl.password…" {
		t.Errorf("ShowProperty = %q", got)
	}
}

func TestConfigRefusesAPasswordInAURL(t *testing.T) {
	_, err := parse("c.yaml", []byte("clusters:\n  prod:\n    brokers: [b:9092]\n    schema_registry:\n      url: https://ir:S3CRET@registry:8081\n"))
	if err == nil || !strings.Contains(err.Error(), "line 5: url holds a URL with a password") || strings.Contains(err.Error(), "S3CRET") {
		t.Errorf("err = %v; want the line named and the password refused, unprinted", err)
	}
}
