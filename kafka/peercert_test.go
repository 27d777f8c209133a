package kafka

import (
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/IBM/sarama"
	"github.com/kpeek/kpeek/config"
)

// TestPeerCertificates reads the certificate a TLS listener presents, as a broker's.
func TestPeerCertificates(t *testing.T) {
	srv := httptest.NewTLSServer(http.NotFoundHandler())
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "https://")
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	sc := sarama.NewConfig()
	sc.Net.TLS.Enable = true
	sc.Net.TLS.Config = &tls.Config{RootCAs: pool, ServerName: "example.com", MinVersion: tls.VersionTLS12}
	c := &Client{cfg: config.Connection{Brokers: []string{addr, "127.0.0.1:1"}}, sc: sc}
	certs := c.PeerCertificates(t.Context())
	if len(certs) != 2 {
		t.Fatalf("got %d certificates, want one per bootstrap broker", len(certs))
	}
	sum := sha256.Sum256(srv.Certificate().Raw)
	if certs[0].Broker != addr || certs[0].SHA256 != colonHex(sum[:]) || certs[0].Error != "" || certs[0].NotAfter.IsZero() {
		t.Errorf("first broker: %+v, want sha256 %s", certs[0], colonHex(sum[:]))
	}
	if certs[1].SHA256 != "" || !strings.Contains(certs[1].Error, "127.0.0.1:1") {
		t.Errorf("unreachable broker: %+v, want an error naming it", certs[1])
	}
	plain := &Client{cfg: config.Connection{Brokers: []string{addr}}, sc: sarama.NewConfig()}
	if got := plain.PeerCertificates(t.Context()); got != nil {
		t.Errorf("without TLS: %+v, want none", got)
	}
}
