package config

import (
	"crypto/ecdsa"
	"crypto/rand"
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
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
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
