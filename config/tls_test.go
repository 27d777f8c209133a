package config

import (
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kpeek/kpeek/internal/testpki"
)

func TestLoadKeyPair(t *testing.T) {
	dir := t.TempDir()
	_, cert := testpki.New(t, "localhost")
	write := func(name string, b []byte) string { return writeFile(t, dir, name, b) }
	certFile := write("c.pem", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]}))
	der, err := x509.MarshalECPrivateKey(cert.PrivateKey.(*ecdsa.PrivateKey))
	if err != nil {
		t.Fatal(err)
	}
	//nolint:staticcheck // producing the legacy format kpeek must read
	block, err := x509.EncryptPEMBlock(rand.Reader, "EC PRIVATE KEY", der, []byte("kp"), x509.PEMCipherAES256)
	if err != nil {
		t.Fatal(err)
	}
	legacy := write("legacy.key", pem.EncodeToMemory(block))
	pkcs8 := write("pkcs8.key", pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: []byte{1}}))
	plain := write("plain.key", pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}))
	write("kp", []byte("kp\n"))
	t.Setenv("KPEEK_TEST_KEY_PW", "wrong")

	tests := []struct {
		name, key, password, wantErr string
	}{
		{"legacy encrypted, password from file", legacy, "file:" + filepath.Join(dir, "kp"), ""},
		{"legacy encrypted, literal password from properties", legacy, "kp", ""},
		{"legacy encrypted, wrong password", legacy, "${KPEEK_TEST_KEY_PW}", "wrong key password"},
		{"legacy encrypted, no password", legacy, "", "is encrypted: set its password"},
		{"PKCS#8 encrypted", pkcs8, "kp", "openssl pkcs8"},
		{"plain key ignores the password", plain, "kp", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := loadKeyPair(certFile, tt.key, tt.password)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), "wrong\"") || strings.Contains(err.Error(), "kp\"") {
				t.Errorf("error shows the password: %v", err)
			}
		})
	}
}

// TestBuild: one row per TLS setting, checked on the config Build returns.
func TestBuild(t *testing.T) {
	dir := t.TempDir()
	caPEM, cert := testpki.New(t, "localhost")
	write := func(name string, b []byte) string { return writeFile(t, dir, name, b) }
	ca := write("ca.pem", caPEM)
	notPEM := write("not.pem", []byte("hello"))
	certFile := write("c.pem", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]}))
	der, err := x509.MarshalECPrivateKey(cert.PrivateKey.(*ecdsa.PrivateKey))
	if err != nil {
		t.Fatal(err)
	}
	keyFile := write("k.pem", pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}))

	tests := []struct {
		name    string
		tls     TLS
		check   func(*tls.Config) bool
		warn    string // substring of the one warning; "" means none
		wantErr string
	}{
		{"enabled only: system roots, TLS 1.2+", TLS{Enabled: true},
			func(c *tls.Config) bool {
				return c.RootCAs == nil && c.MinVersion == tls.VersionTLS12 && !c.InsecureSkipVerify
			}, "", ""},
		{"server name", TLS{ServerName: "kafka.example.com"}, func(c *tls.Config) bool { return c.ServerName == "kafka.example.com" }, "", ""},
		{"CA file", TLS{CAFile: ca}, func(c *tls.Config) bool { return c.RootCAs != nil }, "", ""},
		{"missing CA file", TLS{CAFile: filepath.Join(dir, "nope.pem")}, nil, "", "read TLS CA file"},
		{"CA file without PEM", TLS{CAFile: notPEM}, nil, "", "holds no PEM certificate"},
		{"client certificate", TLS{CertFile: certFile, KeyFile: keyFile}, func(c *tls.Config) bool { return len(c.Certificates) == 1 }, "", ""},
		{"certificate without key", TLS{CertFile: certFile}, nil, "", "both a certificate and a key"},
		{"key without certificate", TLS{KeyFile: keyFile}, nil, "", "both a certificate and a key"},
		{"insecure skip verify", TLS{InsecureSkipVerify: true},
			func(c *tls.Config) bool { return c.InsecureSkipVerify && c.VerifyConnection == nil }, "certificate verification is OFF for the peer", ""},
		{"skip hostname check", TLS{CAFile: ca, SkipHostnameCheck: true},
			func(c *tls.Config) bool { return c.InsecureSkipVerify && c.VerifyConnection != nil }, "hostname verification is OFF for the peer", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conf, warnings, err := tt.tls.Build("the peer")
			if !errorAsWanted(t, err, tt.wantErr) {
				return
			}
			if !tt.check(conf) {
				t.Errorf("config %+v does not hold the setting", conf)
			}
			if (tt.warn == "") != (len(warnings) == 0) || tt.warn != "" && (len(warnings) != 1 || !strings.Contains(warnings[0], tt.warn)) {
				t.Errorf("warnings = %q, want %q", warnings, tt.warn)
			}
		})
	}
}

// TestBuildSkipHostnameCheck: with the hostname check off the chain is still verified, so a
// certificate from another CA is refused while a wrong name is accepted.
func TestBuildSkipHostnameCheck(t *testing.T) {
	caPEM, cert := testpki.New(t, "localhost")
	otherCA, _ := testpki.New(t, "localhost")
	dir := t.TempDir()
	ca, other := filepath.Join(dir, "ca.pem"), filepath.Join(dir, "other.pem")
	for p, b := range map[string][]byte{ca: caPEM, other: otherCA} {
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name    string
		tls     TLS
		wantErr string
	}{
		{"right name", TLS{CAFile: ca, ServerName: "localhost"}, ""},
		{"wrong name", TLS{CAFile: ca, ServerName: "kafka.example.com"}, "kafka.example.com"},
		{"wrong name, hostname check off", TLS{CAFile: ca, ServerName: "kafka.example.com", SkipHostnameCheck: true}, ""},
		{"other CA, hostname check off", TLS{CAFile: other, ServerName: "localhost", SkipHostnameCheck: true}, "unknown authority"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conf, _, err := tt.tls.Build("the peer")
			if err != nil {
				t.Fatal(err)
			}
			err = handshake(t, conf, cert)
			if tt.wantErr == "" && err != nil {
				t.Fatalf("handshake: %v", err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("handshake err = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

// handshake runs a TLS handshake between client and a loopback server showing cert.
func handshake(t *testing.T, client *tls.Config, cert tls.Certificate) error {
	t.Helper()
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	done := make(chan struct{})
	go func() {
		defer close(done)
		if c, err := ln.Accept(); err == nil {
			_ = c.(*tls.Conn).HandshakeContext(t.Context())
			_ = c.Close()
		}
	}()
	defer func() { <-done }()
	conn, err := tls.Dial("tcp", ln.Addr().String(), client)
	if err != nil {
		return err
	}
	return conn.Close()
}

// writeFile writes b to dir/name and returns the path.
func writeFile(t *testing.T, dir, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// errorAsWanted fails t unless err holds want ("" means no error) and reports whether
// the call succeeded, so a table test goes on to check the result.
func errorAsWanted(t *testing.T, err error, want string) bool {
	t.Helper()
	if want == "" {
		if err != nil {
			t.Fatal(err)
		}
		return true
	}
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("err = %v, want %q", err, want)
	}
	return false
}
