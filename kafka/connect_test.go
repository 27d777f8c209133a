package kafka

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kpeek/kpeek/config"
	"github.com/kpeek/kpeek/internal/testpki"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"
)

func TestConnectUnreachable(t *testing.T) {
	// Port 1 on loopback: nothing listens, the kernel refuses at once.
	start := time.Now()
	_, err := New(testCtx(t), config.Connection{Brokers: []string{"127.0.0.1:1"}}, WithLogger(testLogger(t)))
	t.Logf("failed after %v: %v", time.Since(start), err)
	var ue *UnreachableError
	if !errors.As(err, &ue) || ue.Addr != "127.0.0.1:1" {
		t.Fatalf("err = %v, want *UnreachableError for 127.0.0.1:1", err)
	}
	if want := "cannot reach broker 127.0.0.1:1: connection refused"; err.Error() != want {
		t.Errorf("message = %q, want %q", err.Error(), want)
	}
	if strings.Contains(err.Error(), "run out of available brokers") {
		t.Errorf("message still carries sarama's generic text: %q", err)
	}
}

func TestConnectSASL(t *testing.T) {
	c := newCluster(t, kfake.EnableSASL(),
		kfake.Superuser("PLAIN", "plainuser", "plain-secret"),
		kfake.Superuser("SCRAM-SHA-256", "scram256", "secret-256"),
		kfake.Superuser("SCRAM-SHA-512", "scram512", "secret-512"),
		kfake.SeedTopics(1, "t"))
	t.Setenv("KPEEK_TEST_PW", "secret-512")
	tests := []struct {
		name     string
		sasl     config.SASL
		wantAuth bool
	}{
		{"plain", config.SASL{Mechanism: "PLAIN", Username: "plainuser", Password: "plain-secret"}, false},
		{"scram-256", config.SASL{Mechanism: "SCRAM-SHA-256", Username: "scram256", Password: "secret-256"}, false},
		{"scram-512 from env", config.SASL{Mechanism: "SCRAM-SHA-512", Username: "scram512", Password: "${KPEEK_TEST_PW}"}, false},
		{"plain wrong password", config.SASL{Mechanism: "PLAIN", Username: "plainuser", Password: "hunter2"}, true},
		{"scram wrong password", config.SASL{Mechanism: "SCRAM-SHA-512", Username: "scram512", Password: "hunter2"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sasl := tt.sasl
			kc, err := New(testCtx(t), config.Connection{Brokers: c.ListenAddrs(), SASL: &sasl}, WithLogger(testLogger(t)))
			if !tt.wantAuth {
				if err != nil {
					t.Fatal(err)
				}
				defer kc.Close()
				if _, err := kc.Topic(testCtx(t), "t"); err != nil {
					t.Fatal(err)
				}
				if plain := sasl.Mechanism == "PLAIN"; plain != (len(kc.Warnings()) == 1) {
					t.Errorf("warnings = %v, want one about clear-text PLAIN only for PLAIN", kc.Warnings())
				}
				return
			}
			var ae *AuthError
			if !errors.As(err, &ae) || ae.User != sasl.Username || ae.Mechanism != sasl.Mechanism {
				t.Fatalf("err = %v, want *AuthError for %s %s", err, sasl.Mechanism, sasl.Username)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error shows the password: %q", err)
			}
		})
	}
}

func TestConnectTLS(t *testing.T) {
	dir := t.TempDir()
	caPEM, serverCert := testpki.New(t, "localhost")
	caFile := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(caFile, caPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	c := newCluster(t, kfake.TLS(&tls.Config{Certificates: []tls.Certificate{serverCert}}), kfake.SeedTopics(1, "t"))
	_, port, _ := net.SplitHostPort(c.ListenAddrs()[0])
	byName := []string{net.JoinHostPort("localhost", port)}

	tests := []struct {
		name    string
		brokers []string
		tls     config.TLS
		problem string // "" means the connection works
	}{
		{"trusted CA", byName, config.TLS{Enabled: true, CAFile: caFile}, ""},
		{"unknown authority", byName, config.TLS{Enabled: true}, "unknown authority"},
		{"name mismatch", byName, config.TLS{Enabled: true, CAFile: caFile, ServerName: "kafka.example.com"}, "name mismatch"},
		{"skip hostname check", byName, config.TLS{Enabled: true, CAFile: caFile, ServerName: "kafka.example.com", SkipHostnameCheck: true}, ""},
		{"skip verify", byName, config.TLS{Enabled: true, InsecureSkipVerify: true}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tc := tt.tls
			kc, err := New(testCtx(t), config.Connection{Brokers: tt.brokers, TLS: &tc}, WithLogger(testLogger(t)))
			if tt.problem == "" {
				if err != nil {
					t.Fatal(err)
				}
				defer kc.Close()
				if (tc.InsecureSkipVerify || tc.SkipHostnameCheck) != (len(kc.Warnings()) > 0) {
					t.Errorf("warnings = %v", kc.Warnings())
				}
				return
			}
			var te *TLSError
			if !errors.As(err, &te) || !strings.Contains(te.Problem, tt.problem) || te.Addr != tt.brokers[0] {
				t.Fatalf("err = %v, want *TLSError about %q", err, tt.problem)
			}
		})
	}
}

// TestConnectAdvertisedUnreachable: the bootstrap broker answers but advertises an address
// this machine cannot reach (a container name, an internal listener). The error must name
// that address and who advertised it, not sarama's "run out of available brokers".
func TestConnectAdvertisedUnreachable(t *testing.T) {
	c := newCluster(t, kfake.SeedTopics(1, "t"))
	bootstrap := c.ListenAddrs()[0]
	c.ControlKey(kmsg.Metadata.Int16(), func(req kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		mreq := req.(*kmsg.MetadataRequest)
		resp := mreq.ResponseKind().(*kmsg.MetadataResponse)
		resp.Version = mreq.Version
		b := kmsg.NewMetadataResponseBroker()
		b.NodeID, b.Host, b.Port = 0, "127.0.0.1", 1
		resp.Brokers = append(resp.Brokers, b)
		resp.ControllerID = 0
		return resp, nil, true
	})
	kc, err := New(testCtx(t), config.Connection{Brokers: []string{bootstrap}}, WithLogger(testLogger(t)))
	if err == nil {
		// sarama may accept the seed broker's answer and only fail on the next call.
		defer kc.Close()
		_, err = kc.Topics(testCtx(t))
	}
	var ue *UnreachableError
	if !errors.As(err, &ue) || ue.Addr != "127.0.0.1:1" || ue.AdvertisedBy != bootstrap {
		t.Fatalf("err = %v, want *UnreachableError for 127.0.0.1:1 advertised by %s", err, bootstrap)
	}
	t.Logf("message: %v", err)
}

func TestConnectMutualTLS(t *testing.T) {
	dir := t.TempDir()
	caPEM, serverCert := testpki.New(t, "localhost")
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	c := newCluster(t, kfake.TLS(&tls.Config{Certificates: []tls.Certificate{serverCert},
		ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: pool}), kfake.SeedTopics(1, "t"))
	_, port, _ := net.SplitHostPort(c.ListenAddrs()[0])
	brokers := []string{net.JoinHostPort("localhost", port)}
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	caFile := write("ca.pem", caPEM)
	// The server certificate doubles as a client certificate signed by the same CA.
	keyDER, err := x509.MarshalPKCS8PrivateKey(serverCert.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	certFile := write("client.pem", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: serverCert.Certificate[0]}))
	keyFile := write("client.key", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}))

	kc, err := New(testCtx(t), config.Connection{Brokers: brokers,
		TLS: &config.TLS{Enabled: true, CAFile: caFile, CertFile: certFile, KeyFile: keyFile}}, WithLogger(testLogger(t)))
	if err != nil {
		t.Fatalf("with a client certificate: %v", err)
	}
	kc.Close()

	_, err = New(testCtx(t), config.Connection{Brokers: brokers, TLS: &config.TLS{Enabled: true, CAFile: caFile}},
		WithLogger(testLogger(t)))
	t.Logf("without a client certificate: %v", err)
	var te *TLSError
	if !errors.As(err, &te) || !strings.Contains(te.Problem, "client certificate") {
		t.Errorf("err = %v, want a *TLSError saying the broker wants a client certificate", err)
	}

	_, err = New(testCtx(t), config.Connection{Brokers: brokers, TLS: &config.TLS{Enabled: true, CAFile: caFile, CertFile: certFile}},
		WithLogger(testLogger(t)))
	if err == nil || !strings.Contains(err.Error(), "both a certificate and a key") {
		t.Errorf("cert without key: err = %v", err)
	}
}

// TestConnectWrongListener: a client that speaks plaintext to a TLS or SASL listener gets
// hung up on; the error must say what the listener wants.
func TestConnectWrongListener(t *testing.T) {
	_, serverCert := testpki.New(t, "localhost")
	tlsCluster := newCluster(t, kfake.TLS(&tls.Config{Certificates: []tls.Certificate{serverCert}}))
	saslCluster := newCluster(t, kfake.EnableSASL(), kfake.Superuser("PLAIN", "u", "p"))

	_, err := New(testCtx(t), config.Connection{Brokers: tlsCluster.ListenAddrs()}, WithLogger(testLogger(t)))
	t.Logf("plaintext to TLS: %v", err)
	var te *TLSError
	if !errors.As(err, &te) || !strings.Contains(te.Problem, "speaks TLS") {
		t.Errorf("plaintext to a TLS listener: err = %v, want *TLSError saying it speaks TLS", err)
	}

	_, err = New(testCtx(t), config.Connection{Brokers: saslCluster.ListenAddrs()}, WithLogger(testLogger(t)))
	t.Logf("no SASL to SASL: %v", err)
	var ae *AuthError
	if !errors.As(err, &ae) || ae.Mechanism != "" || !strings.Contains(err.Error(), "authentication required") {
		t.Errorf("no SASL to a SASL listener: err = %v, want *AuthError saying SASL is required", err)
	}
}
