//go:build integration

package kafka_test

import (
	"crypto/sha256"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kpeek/kpeek/config"
)

// TestIntegrationPeerCertificates: over the SSL listener kpeek records the certificate the
// broker presented (for evidence manifests), the one up.sh made; over PLAINTEXT none.
func TestIntegrationPeerCertificates(t *testing.T) {
	e := env(t)
	ca := e.get(t, "KPEEK_IT_CA")
	data, err := os.ReadFile(filepath.Join(filepath.Dir(ca), "broker.pem"))
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(data)
	if block == nil {
		t.Fatal("broker.pem holds no PEM block")
	}
	sum := sha256.Sum256(block.Bytes)
	var want []string
	for _, b := range sum {
		want = append(want, fmt.Sprintf("%02X", b))
	}
	cl := connect(t, config.Connection{Name: "tls-ca", Brokers: []string{e.get(t, "KPEEK_IT_SSL")}, TLS: tlsConfig(ca, "", "", "")})
	certs := cl.PeerCertificates(ctxFor(t))
	if len(certs) != 1 || certs[0].SHA256 != strings.Join(want, ":") || certs[0].Error != "" {
		t.Fatalf("peer certificates %+v, want the broker's sha256 %s", certs, strings.Join(want, ":"))
	}
	if plain := connect(t, plaintextConfig(e, t)).PeerCertificates(ctxFor(t)); plain != nil {
		t.Errorf("over PLAINTEXT: %+v, want none", plain)
	}
}
