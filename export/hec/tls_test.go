package hec_test

import (
	"encoding/pem"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kpeek/kpeek/config"
	"github.com/kpeek/kpeek/export/hec"
	"github.com/kpeek/kpeek/export/hectest"
)

// TestTLSSettings: the HEC client honours every TLS setting through the one builder, and
// says when verification is off.
func TestTLSSettings(t *testing.T) {
	srv := hectest.NewTLS()
	defer srv.Close()
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	notPEM := filepath.Join(t.TempDir(), "not.pem")
	if err := os.WriteFile(notPEM, []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name                    string
		tls                     config.TLS
		newErr, healthErr, warn string
	}{
		{"trusted CA", config.TLS{Enabled: true, CAFile: ca}, "", "", ""},
		{"unknown CA", config.TLS{Enabled: true}, "", "certificate", ""},
		{"name mismatch", config.TLS{Enabled: true, CAFile: ca, ServerName: "splunk.other.test"}, "", "splunk.other.test", ""},
		{"skip hostname check", config.TLS{Enabled: true, CAFile: ca, ServerName: "splunk.other.test", SkipHostnameCheck: true},
			"", "", "hostname verification is OFF for Splunk"},
		{"skip verify", config.TLS{Enabled: true, InsecureSkipVerify: true}, "", "", "certificate verification is OFF for Splunk"},
		{"CA file without PEM", config.TLS{Enabled: true, CAFile: notPEM}, "holds no PEM certificate", "", ""},
		{"certificate without key", config.TLS{Enabled: true, CertFile: ca}, "both a certificate and a key", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := hec.New(srv.URL(), "test-token", hec.WithTLS(tt.tls))
			if tt.newErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.newErr) {
					t.Fatalf("New err = %v, want %q", err, tt.newErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			err = c.Health(t.Context())
			if tt.healthErr == "" && err != nil {
				t.Fatalf("Health: %v", err)
			}
			if tt.healthErr != "" && (err == nil || !strings.Contains(err.Error(), tt.healthErr)) {
				t.Fatalf("Health err = %v, want %q", err, tt.healthErr)
			}
			if got := c.Warnings(); (tt.warn == "") != (len(got) == 0) ||
				tt.warn != "" && !slices.ContainsFunc(got, func(w string) bool { return strings.Contains(w, tt.warn) }) {
				t.Errorf("warnings = %q, want %q", got, tt.warn)
			}
		})
	}
}
