package config

import (
	"slices"
	"strings"
	"testing"
)

// TestWarningsCoverEveryDowngrade: each downgrade in a cluster's settings is one warning,
// including the schema registry's insecure_skip_verify, which only reached a debug log.
func TestWarningsCoverEveryDowngrade(t *testing.T) {
	tests := []struct {
		name string
		c    Cluster
		want []string
	}{
		{"nothing to say", Cluster{Connection: Connection{TLS: &TLS{Enabled: true}},
			SchemaRegistry: &Registry{URL: "https://r:8081", Username: "u", Password: "${P}"}}, nil},
		{"broker verification off", Cluster{Connection: Connection{TLS: &TLS{Enabled: true, InsecureSkipVerify: true}}},
			[]string{"TLS certificate verification is OFF for the brokers"}},
		{"broker hostname check off", Cluster{Connection: Connection{TLS: &TLS{Enabled: true, SkipHostnameCheck: true}}},
			[]string{"TLS hostname verification is OFF for the brokers"}},
		{"PLAIN without TLS", Cluster{Connection: Connection{SASL: &SASL{Mechanism: "plain", Username: "u"}}},
			[]string{"SASL PLAIN without TLS"}},
		{"registry verification off", Cluster{SchemaRegistry: &Registry{URL: "https://r:8081", TLS: &TLS{InsecureSkipVerify: true}}},
			[]string{"TLS certificate verification is OFF for the schema registry"}},
		{"registry password over http", Cluster{SchemaRegistry: &Registry{URL: "http://reg.corp:8081", Username: "u", Password: "${P}"}},
			[]string{"the schema registry password or token is sent to reg.corp:8081 over plain http"}},
		{"registry token over http", Cluster{SchemaRegistry: &Registry{URL: "http://reg.corp:8081", Token: "${T}"}},
			[]string{"over plain http"}},
		{"loopback http is fine", Cluster{SchemaRegistry: &Registry{URL: "http://127.0.0.1:8081", Token: "${T}"}}, nil},
		{"HEC token over http", Cluster{Splunk: &Splunk{URL: "http://splunk.corp:8088/services/collector/event", Token: "${T}"}},
			[]string{"the Splunk HEC token is sent to splunk.corp:8088 over plain http"}},
		{"OIDC secret over http", Cluster{Connection: Connection{TLS: &TLS{Enabled: true},
			SASL: &SASL{Mechanism: "OAUTHBEARER", OIDC: OIDC{TokenURL: "http://idp.corp/token"}}}},
			[]string{"the SASL OAUTHBEARER client secret is sent to idp.corp over plain http"}},
	}
	for _, tt := range tests {
		got := tt.c.Warnings()
		if len(got) != len(tt.want) {
			t.Errorf("%s: warnings %q, want %d", tt.name, got, len(tt.want))
			continue
		}
		for i, w := range tt.want {
			if !strings.Contains(got[i], w) {
				t.Errorf("%s: warning %q lacks %q", tt.name, got[i], w)
			}
		}
	}
	// Build reports the same sentences for the connection it builds.
	tl := &TLS{Enabled: true, InsecureSkipVerify: true}
	if _, w, err := tl.Build("the brokers"); err != nil || !slices.Equal(w, tl.warnings("the brokers")) {
		t.Errorf("Build warnings %q, %v", w, err)
	}
}
