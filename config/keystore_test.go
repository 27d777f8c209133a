package config

import (
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The fixtures are made by testdata/keystores/make.sh with openssl and the JDK's keytool.
const storeDir = "testdata/keystores"

func clientCert(t *testing.T) *x509.Certificate {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(storeDir, "client.cert.pem"))
	if err != nil {
		t.Fatal(err)
	}
	blk, _ := pem.Decode(b)
	c, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestLoadTrustStore(t *testing.T) {
	leaf := clientCert(t)
	for _, tt := range []struct{ file, typ, pass string }{
		{"truststore.jks", "JKS", "trustpass"},
		{"truststore.p12", "PKCS12", "trustpass"},
		{"truststore.p12", "JKS", "trustpass"}, // declared wrong: recognised from the bytes, as Java does
		{"ca.pem", "PEM", ""},
		{"client.p12", "PKCS12", "storepass"}, // a key store used as a trust store trusts its chain
	} {
		t.Run(tt.file+" as "+tt.typ, func(t *testing.T) {
			pool, err := LoadTrustStore(filepath.Join(storeDir, tt.file), tt.typ, tt.pass)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := leaf.Verify(x509.VerifyOptions{Roots: pool, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err != nil {
				t.Errorf("the client certificate does not verify against the store: %v", err)
			}
		})
	}
}

func TestLoadKeyStore(t *testing.T) {
	leaf := clientCert(t)
	for _, tt := range []struct{ file, typ, storePass, keyPass string }{
		{"client.jks", "JKS", "storepass", "keypass"},
		{"client.p12", "PKCS12", "storepass", ""},
		{"client-openssl.p12", "", "storepass", ""},
		{"client.pem", "PEM", "", ""},
	} {
		t.Run(tt.file, func(t *testing.T) {
			cert, err := LoadKeyStore(filepath.Join(storeDir, tt.file), tt.typ, tt.storePass, tt.keyPass)
			if err != nil {
				t.Fatal(err)
			}
			if cert.Leaf == nil || !cert.Leaf.Equal(leaf) {
				t.Errorf("leaf = %v, want the client certificate", cert.Leaf)
			}
		})
	}
}

func TestKeyStoreErrors(t *testing.T) {
	junk := filepath.Join(t.TempDir(), "junk.jks")
	if err := os.WriteFile(junk, []byte("not a store"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		load func() error
		want string
	}{
		{"wrong JKS password", func() error {
			_, err := LoadTrustStore(filepath.Join(storeDir, "truststore.jks"), "JKS", "nope")
			return err
		}, "wrong store password"},
		{"wrong PKCS12 password", func() error {
			_, err := LoadTrustStore(filepath.Join(storeDir, "truststore.p12"), "PKCS12", "nope")
			return err
		}, "wrong store password"},
		{"JKS without password", func() error {
			_, err := LoadTrustStore(filepath.Join(storeDir, "truststore.jks"), "", "")
			return err
		}, "store password is needed"},
		{"wrong JKS key password", func() error {
			_, err := LoadKeyStore(filepath.Join(storeDir, "client.jks"), "JKS", "storepass", "nope")
			return err
		}, "ssl.key.password"},
		{"trust store without a key", func() error {
			_, err := LoadKeyStore(filepath.Join(storeDir, "truststore.jks"), "JKS", "trustpass", "")
			return err
		}, "no private key entry"},
		{"unsupported type", func() error {
			_, err := LoadTrustStore(filepath.Join(storeDir, "ca.pem"), "BCFKS", "")
			return err
		}, `store type "BCFKS" is not supported`},
		{"not a store", func() error {
			_, err := LoadTrustStore(junk, "JKS", "x")
			return err
		}, "not a JKS, PKCS12 or PEM key store"},
		{"missing file", func() error {
			_, err := LoadTrustStore(filepath.Join(t.TempDir(), "missing.jks"), "JKS", "x")
			return err
		}, "read key store"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.load(); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

// TestBuildFromJavaStores builds the TLS config of a Java client.properties that names
// JKS and PKCS12 stores, with passwords as references and as literals.
func TestBuildFromJavaStores(t *testing.T) {
	t.Setenv("KPEEK_TEST_TRUST_PW", "trustpass")
	tests := []struct {
		name    string
		tls     TLS
		wantErr string
	}{
		{"JKS trust, JKS key with its own password", TLS{Enabled: true,
			TrustStore: filepath.Join(storeDir, "truststore.jks"), TrustStorePassword: "${KPEEK_TEST_TRUST_PW}",
			KeyStore: filepath.Join(storeDir, "client.jks"), KeyStorePassword: "storepass", KeyPassword: "keypass"}, ""},
		{"PKCS12 both", TLS{Enabled: true,
			TrustStore: filepath.Join(storeDir, "truststore.p12"), TrustStorePassword: "trustpass",
			KeyStore: filepath.Join(storeDir, "client.p12"), KeyStorePassword: "storepass"}, ""},
		{"CA file and trust store", TLS{CAFile: filepath.Join(storeDir, "ca.pem"), TrustStore: filepath.Join(storeDir, "truststore.jks")}, "not both"},
		{"cert file and key store", TLS{CertFile: "c", KeyFile: "k", KeyStore: filepath.Join(storeDir, "client.jks")}, "not both"},
		{"unset password reference", TLS{TrustStore: filepath.Join(storeDir, "truststore.jks"), TrustStorePassword: "${KPEEK_TEST_UNSET_PW}"}, "trust store password"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conf, _, err := tt.tls.Build("the brokers")
			if !errorAsWanted(t, err, tt.wantErr) {
				return
			}
			if conf.RootCAs == nil || len(conf.Certificates) != 1 || conf.Certificates[0].Leaf == nil {
				t.Errorf("roots %v, %d certificates", conf.RootCAs != nil, len(conf.Certificates))
			}
		})
	}
}
