package export

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kpeek/kpeek/kafka"
)

func TestRedactArgs(t *testing.T) {
	tests := []struct {
		in   []string
		want []string
	}{
		{[]string{"-X", "sasl.password=S3CRET", "-X", "security.protocol=SASL_SSL"}, []string{"-X", "sasl.password=[REDACTED]", "-X", "security.protocol=SASL_SSL"}},
		{[]string{"-Xsasl.password=S3CRET"}, []string{"-Xsasl.password=[REDACTED]"}},
		{[]string{"--property=ssl.key.password=S3CRET"}, []string{"--property=ssl.key.password=[REDACTED]"}},
		{[]string{"--property", "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"S3CRET\";"},
			[]string{"--property", "sasl.jaas.config=[REDACTED]"}},
		{[]string{"-X", "sasl.password:S3CRET"}, []string{"-X", "sasl.password:[REDACTED]"}},
		{[]string{"-X", "basic.auth.user.info=u:S3CRET"}, []string{"-X", "basic.auth.user.info=[REDACTED]"}},
		{[]string{"-X", "ssl.keystore.key=S3CRET"}, []string{"-X", "ssl.keystore.key=[REDACTED]"}},
		{[]string{"--schema-registry", "https://u:S3CRET@registry:8081"}, []string{"--schema-registry", "https://u:[REDACTED]@registry:8081"}},
		{[]string{"--splunk=http://a:S3CRET@h/x"}, []string{"--splunk=http://a:[REDACTED]@h/x"}},
		{[]string{"--sasl-password", "S3CRET", "-t", "auth.logins"}, []string{"--sasl-password", "[REDACTED]", "-t", "auth.logins"}},
		{[]string{"--api-token=S3CRET"}, []string{"--api-token=[REDACTED]"}},
		{[]string{"export", "-t", "auth.logins", "--from", "-2h", "--filter", `value.user == "slyon"`, "--schema-registry", "http://registry:8081"},
			[]string{"export", "-t", "auth.logins", "--from", "-2h", "--filter", `value.user == "slyon"`, "--schema-registry", "http://registry:8081"}},
	}
	for _, tt := range tests {
		got := RedactArgs(tt.in)
		if !slices.Equal(got, tt.want) {
			t.Errorf("RedactArgs(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
		if strings.Contains(strings.Join(got, " "), "S3CRET") {
			t.Errorf("RedactArgs(%q) keeps the secret", tt.in)
		}
	}
}

func TestNewProvenanceResolvesTheWindow(t *testing.T) {
	now := time.Date(2026, 11, 26, 3, 0, 0, 0, time.FixedZone("CET", 3600))
	from, err := kafka.ParseStart("-2h", now)
	if err != nil {
		t.Fatal(err)
	}
	to, err := kafka.ParseStop("now", now)
	if err != nil {
		t.Fatal(err)
	}
	p := NewProvenance([]string{"export", "--from", "-2h"}, kafka.ReadRequest{From: from, To: to}, "v1.2.3", now)
	if p.WindowFrom == nil || !p.WindowFrom.Equal(now.Add(-2*time.Hour)) || p.WindowTo == nil || !p.WindowTo.Equal(now) {
		t.Errorf("window %v..%v, want %v..%v", p.WindowFrom, p.WindowTo, now.Add(-2*time.Hour), now)
	}
	if p.ResolvedAt.Location() != time.UTC || !p.ResolvedAt.Equal(now) {
		t.Errorf("resolved at %v", p.ResolvedAt)
	}
	if !strings.Contains(p.TimeZone, "CET") || !strings.Contains(p.TimeZone, "UTC+01:00") {
		t.Errorf("time zone %q", p.TimeZone)
	}
	if p.Build.Version != "v1.2.3" || p.Build.Revision == "" || p.Build.Revision == "dev" || p.Build.GoVersion == "" {
		t.Errorf("build %+v", p.Build)
	}
	if !slices.Equal(p.CommandLine, []string{"kpeek", "export", "--from", "-2h"}) {
		t.Errorf("command line %q", p.CommandLine)
	}
	offsets := NewProvenance(nil, kafka.ReadRequest{From: kafka.Start{Kind: kafka.StartOffset, Offset: 4}}, "v", now)
	if offsets.WindowFrom != nil || offsets.WindowTo != nil {
		t.Errorf("an offset selection has no time window, got %v..%v", offsets.WindowFrom, offsets.WindowTo)
	}
}
