package kafka

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"fmt"
	"net"
	"strings"
	"time"
)

// PeerCertificate is the TLS certificate one broker presented, for evidence manifests.
type PeerCertificate struct {
	Broker   string    `json:"broker"`
	SHA256   string    `json:"sha256,omitempty"` // of the leaf certificate's DER bytes, colon-separated hex
	Subject  string    `json:"subject,omitempty"`
	Issuer   string    `json:"issuer,omitempty"`
	NotAfter time.Time `json:"not_after,omitzero"`
	Error    string    `json:"error,omitempty"` // why the certificate could not be read
}

// PeerCertificates returns the leaf certificate each bootstrap broker presents over the
// client's own TLS settings (verification included); nil when the connection does not
// use TLS. It opens a TLS connection per broker and closes it after the handshake: no
// Kafka request is sent.
func (c *Client) PeerCertificates(ctx context.Context) []PeerCertificate {
	if c.sc == nil || !c.sc.Net.TLS.Enable {
		return nil
	}
	out := make([]PeerCertificate, 0, len(c.cfg.Brokers))
	for _, addr := range c.cfg.Brokers {
		out = append(out, peerCertificate(ctx, addr, c.sc.Net.TLS.Config, c.opts.dialTimeout))
	}
	return out
}

func peerCertificate(ctx context.Context, addr string, base *tls.Config, timeout time.Duration) PeerCertificate {
	pc := PeerCertificate{Broker: addr}
	conf := &tls.Config{}
	if base != nil {
		conf = base.Clone()
	}
	if conf.ServerName == "" {
		if host, _, err := net.SplitHostPort(addr); err == nil {
			conf.ServerName = host
		}
	}
	if timeout <= 0 {
		timeout = 5 * time.Second
	}
	d := tls.Dialer{NetDialer: &net.Dialer{Timeout: timeout}, Config: conf}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		pc.Error = fmt.Sprintf("TLS handshake with %s: %v", addr, err)
		return pc
	}
	defer conn.Close()
	certs := conn.(*tls.Conn).ConnectionState().PeerCertificates
	if len(certs) == 0 {
		pc.Error = "the broker presented no certificate"
		return pc
	}
	sum := sha256.Sum256(certs[0].Raw)
	pc.SHA256 = colonHex(sum[:])
	pc.Subject, pc.Issuer, pc.NotAfter = certs[0].Subject.String(), certs[0].Issuer.String(), certs[0].NotAfter.UTC()
	return pc
}

// colonHex spells a fingerprint as openssl x509 -fingerprint does.
func colonHex(b []byte) string {
	h := strings.ToUpper(hex.EncodeToString(b))
	var s strings.Builder
	for i := 0; i < len(h); i += 2 {
		if i > 0 {
			s.WriteByte(':')
		}
		s.WriteString(h[i : i+2])
	}
	return s.String()
}
