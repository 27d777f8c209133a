package kafka

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"
	"testing"

	"github.com/IBM/sarama"
	"github.com/kpeek/kpeek/config"
)

func TestTranslate(t *testing.T) {
	c := &Client{cfg: config.Connection{Brokers: []string{"k1:9093"},
		SASL: &config.SASL{Mechanism: "SCRAM-SHA-512", Username: "ir", Password: "${PW}"}}}
	refused := &net.OpError{Op: "dial", Net: "tcp", Addr: &net.TCPAddr{IP: net.IPv4(10, 0, 0, 1), Port: 9092},
		Err: &net.OpError{Err: syscall.ECONNREFUSED}}
	tests := []struct {
		name     string
		err      error
		op, res  string
		wantType any
		wantMsg  string
	}{
		{"sasl refused", sarama.ErrSASLAuthenticationFailed, "connect to", "cluster x", new(*AuthError),
			`authentication failed: SASL SCRAM-SHA-512 as user "ir" was refused`},
		{"topic ACL", fmt.Errorf("fetch: %w", sarama.ErrTopicAuthorizationFailed), "read", `topic "orders"`,
			new(*NotAuthorizedError), `not authorized to read topic "orders"`},
		{"group ACL", sarama.ErrGroupAuthorizationFailed, "describe", `group "billing"`,
			new(*NotAuthorizedError), `not authorized to describe group "billing"`},
		{"cluster ACL", sarama.ErrClusterAuthorizationFailed, "describe", "the cluster",
			new(*NotAuthorizedError), "not authorized to describe the cluster"},
		{"unknown topic", sarama.ErrUnknownTopicOrPartition, "read", `topic "gone"`,
			new(*TopicNotFoundError), `topic "gone" does not exist`},
		{"topic deleted mid-read", sarama.ErrUnknownTopicOrPartition, "read", `topic "gone" partition 3`,
			new(*TopicNotFoundError), `topic "gone" does not exist`},
		{"time lookup on the pre-0.10 format", sarama.ErrUnsupportedForMessageFormat, "list offsets of", `topic "legacy"`,
			new(*causeError), `list offsets of topic "legacy": the topic keeps the pre-0.10 message format, whose records ` +
				"carry no timestamp, so the broker cannot find records by time; select by offset instead"},
		{"unknown CA", &tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}, "connect to", "cluster x",
			new(*TLSError), "TLS with broker k1:9093 failed: certificate signed by unknown authority"},
		{"name mismatch", x509.HostnameError{Certificate: &x509.Certificate{DNSNames: []string{"a"}}, Host: "b"},
			"connect to", "cluster x", new(*TLSError), "certificate name mismatch"},
		{"expired", x509.CertificateInvalidError{Reason: x509.Expired, Detail: "expired at noon"},
			"connect to", "cluster x", new(*TLSError), "certificate has expired or is not yet valid: expired at noon"},
		{"plaintext port", tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake"},
			"connect to", "cluster x", new(*TLSError), "did not answer in TLS"},
		{"refused", refused, "connect to", "cluster x", new(*UnreachableError),
			"cannot reach broker 10.0.0.1:9092: connection refused"},
		{"out of brokers wrapping a refusal", sarama.Wrap(sarama.ErrOutOfBrokers, refused), "connect to", "cluster x",
			new(*UnreachableError), "cannot reach broker 10.0.0.1:9092: connection refused"},
		{"no such host", &net.OpError{Op: "dial", Err: &net.DNSError{Name: "kafka.invalid", IsNotFound: true, Err: "no such host"}},
			"connect to", "cluster x", new(*UnreachableError), "cannot reach broker kafka.invalid: no such host"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := c.translate(tt.err, tt.op, tt.res)
			if !errors.As(got, tt.wantType) {
				t.Fatalf("translate = %T %v, want %T", got, got, tt.wantType)
			}
			if !strings.Contains(got.Error(), tt.wantMsg) {
				t.Errorf("message = %q, want it to contain %q", got.Error(), tt.wantMsg)
			}
			if !errors.Is(got, tt.err) {
				t.Errorf("the cause is lost: errors.Is(%v, %v) is false", got, tt.err)
			}
		})
	}
}

func TestPartialError(t *testing.T) {
	p := partial{op: `list offsets of topic "orders"`, total: 6}
	if p.err() != nil {
		t.Fatal("no failures must mean no error")
	}
	p.add("partition 3", sarama.ErrNotLeaderForPartition)
	p.add("partition 1", &NotAuthorizedError{Operation: "read", Resource: `topic "orders"`})
	p.add("partition 2", nil)
	err := p.err()
	want := `list offsets of topic "orders": 2 of 6 failed; partition 1: not authorized to read topic "orders" (ask for ACLs granting it) (and 1 more)`
	if err.Error() != want {
		t.Errorf("message = %q, want %q", err, want)
	}
	var pe *PartialError
	var na *NotAuthorizedError
	if !errors.As(err, &pe) || len(pe.Failed) != 2 || !errors.As(err, &na) || !errors.Is(err, sarama.ErrNotLeaderForPartition) {
		t.Errorf("partial error does not expose its parts: %#v", err)
	}
}

// TestExplainSilentBroker: a port that accepts and hangs up is neither unreachable nor a
// TLS or login problem; the message must still say what happened, not sarama's generic text.
func TestExplainSilentBroker(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			conn.Close()
		}
	}()
	_, err = New(context.Background(), config.Connection{Brokers: []string{ln.Addr().String()}}, WithLogger(testLogger(t)))
	if err == nil {
		t.Fatal("want an error from a broker that hangs up")
	}
	t.Logf("silent broker: %v", err)
	if strings.Contains(err.Error(), "run out of available brokers") || !strings.Contains(err.Error(), "did not answer") {
		t.Errorf("message = %q", err)
	}
	if isTyped(err) {
		t.Errorf("a silent broker is not a typed cause: %T", err)
	}
}
