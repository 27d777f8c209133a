package kafka

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/IBM/sarama"
)

// UnreachableError means no TCP connection could be made to a broker.
type UnreachableError struct {
	Addr         string
	AdvertisedBy string // the bootstrap broker that named Addr, when Addr came from metadata
	Err          error
}

// Error says what failed, in one line.
func (e *UnreachableError) Error() string {
	if e.AdvertisedBy != "" {
		return fmt.Sprintf("cannot reach broker %s (as advertised by %s): %s", e.Addr, e.AdvertisedBy, netCause(e.Err))
	}
	return fmt.Sprintf("cannot reach broker %s: %s", e.Addr, netCause(e.Err))
}

// Unwrap exposes the underlying error to errors.Is and errors.As.
func (e *UnreachableError) Unwrap() error { return e.Err }

// AuthError means the broker refused the SASL credentials, or, with no Mechanism, that it
// wants SASL and none was configured. It never holds the password.
type AuthError struct {
	Mechanism string
	User      string
	Addr      string // the broker that wants SASL, when Mechanism is empty
	Err       error
}

// Error says what failed, in one line.
func (e *AuthError) Error() string {
	if e.Mechanism == "" {
		return fmt.Sprintf("authentication required: broker %s hung up on a client without SASL "+
			"(set sasl: in the config, or security.protocol=SASL_PLAINTEXT or SASL_SSL with sasl.mechanism, "+
			"sasl.username and sasl.password)", e.Addr)
	}
	return fmt.Sprintf("authentication failed: SASL %s as user %q was refused (check the user name and password)",
		e.Mechanism, e.User)
}

// Unwrap exposes the underlying error to errors.Is and errors.As.
func (e *AuthError) Unwrap() error { return e.Err }

// TLSError means the TLS handshake with a broker failed; Problem says which certificate check.
type TLSError struct {
	Addr    string
	Problem string
	Err     error
}

// Error says what failed, in one line.
func (e *TLSError) Error() string {
	return fmt.Sprintf("TLS with broker %s failed: %s", e.Addr, e.Problem)
}

// Unwrap exposes the underlying error to errors.Is and errors.As.
func (e *TLSError) Unwrap() error { return e.Err }

// NotAuthorizedError means an ACL denied an operation on a resource.
type NotAuthorizedError struct {
	Operation string // e.g. "describe", "read", "describe configs of"
	Resource  string // e.g. `topic "orders"`, `group "billing"`, "the cluster"
	Err       error
}

// Error says what failed, in one line.
func (e *NotAuthorizedError) Error() string {
	return fmt.Sprintf("not authorized to %s %s (ask for ACLs granting it)", e.Operation, e.Resource)
}

// Unwrap exposes the underlying error to errors.Is and errors.As.
func (e *NotAuthorizedError) Unwrap() error { return e.Err }

// NoAnswerError means brokers took the TCP connection but sent nothing back within the
// socket timeout: a stuck broker, a proxy or load balancer in front of a dead one, or a port
// that is not a Kafka listener.
type NoAnswerError struct {
	Addrs   []string // the silent brokers
	Timeout time.Duration
}

// Error says what failed, in one line.
func (e *NoAnswerError) Error() string {
	who := "broker " + strings.Join(e.Addrs, ", ")
	if len(e.Addrs) > 1 {
		who = "brokers " + strings.Join(e.Addrs, ", ")
	}
	return fmt.Sprintf("%s accepted the connection but did not answer within %s "+
		"(is it a Kafka listener? wait longer with socket.timeout.ms)", who, e.Timeout)
}

// IncompleteError comes with a result that holds only what the account may see: the result
// is valid, but missing parts are hidden by ACLs rather than absent. Callers show the result
// and say what is not authorized.
type IncompleteError struct {
	What    string // e.g. "consumer groups"
	Visible int    // how many the result holds
	Err     error  // what is not authorized, typically a *NotAuthorizedError
	Why     string // how the missing permission shrinks the result
}

// Error says what may be missing and why, in one line.
func (e *IncompleteError) Error() string {
	return fmt.Sprintf("%d %s shown, maybe not all: %v; %s", e.Visible, e.What, e.Err, e.Why)
}

// Unwrap exposes the underlying error to errors.Is and errors.As.
func (e *IncompleteError) Unwrap() error { return e.Err }

// TopicNotFoundError means the topic does not exist (or is invisible to this user).
type TopicNotFoundError struct {
	Topic string
	Err   error // the broker's answer, when there was one
}

// Error says what failed, in one line.
func (e *TopicNotFoundError) Error() string { return fmt.Sprintf("topic %q does not exist", e.Topic) }

// Unwrap exposes the underlying error to errors.Is and errors.As.
func (e *TopicNotFoundError) Unwrap() error { return e.Err }

// PartitionNotFoundError means a requested partition is not in the topic.
type PartitionNotFoundError struct {
	Topic      string
	Partition  int32
	Partitions int // how many the topic has
}

// Error says what failed, in one line.
func (e *PartitionNotFoundError) Error() string {
	if e.Partitions <= 0 {
		return fmt.Sprintf("topic %q has no partition %d (it has no partitions)", e.Topic, e.Partition)
	}
	return fmt.Sprintf("topic %q has no partition %d (it has %d partitions, 0-%d)", e.Topic, e.Partition,
		e.Partitions, e.Partitions-1)
}

// RequestError means a read request cannot select anything as asked (a window that ends
// before it starts); it is the caller's mistake, which a command line reports as usage.
type RequestError struct {
	Field string // "window", "partitions"
	Err   error
}

// Error says what is wrong, in one line.
func (e *RequestError) Error() string { return e.Err.Error() }

// Unwrap exposes the underlying error to errors.Is and errors.As.
func (e *RequestError) Unwrap() error { return e.Err }

// PartialError is a result where some parts (partitions, groups) answered and some did not.
// The answered parts are still in the result; Failed says what is missing and why.
type PartialError struct {
	Op     string           // what was attempted, e.g. "list offsets of topic \"orders\""
	Total  int              // how many parts were asked
	Failed map[string]error // part name (e.g. "partition 3") to its error
}

// Error says what failed, in one line.
func (e *PartialError) Error() string {
	names := make([]string, 0, len(e.Failed))
	for n := range e.Failed {
		names = append(names, n)
	}
	sort.Strings(names)
	first := names[0]
	more := ""
	if len(names) > 1 {
		more = fmt.Sprintf(" (and %d more)", len(names)-1)
	}
	return fmt.Sprintf("%s: %d of %d failed; %s: %v%s", e.Op, len(e.Failed), e.Total, first, e.Failed[first], more)
}

// Unwrap exposes every part's error to errors.Is and errors.As.
func (e *PartialError) Unwrap() []error {
	out := make([]error, 0, len(e.Failed))
	for _, err := range e.Failed {
		out = append(out, err)
	}
	return out
}

// partial collects per-part errors and yields a *PartialError only when some part failed.
type partial struct {
	op     string
	total  int
	failed map[string]error
}

func (p *partial) add(part string, err error) {
	if err == nil {
		return
	}
	if p.failed == nil {
		p.failed = map[string]error{}
	}
	p.failed[part] = err
}

func (p *partial) err() error {
	if len(p.failed) == 0 {
		return nil
	}
	return &PartialError{Op: p.op, Total: p.total, Failed: p.failed}
}

// tlsProblem names the certificate problem behind a TLS failure in words, or "" when err is
// not a TLS failure.
func tlsProblem(err error) string {
	var (
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
		header   tls.RecordHeaderError
		alert    tls.AlertError
	)
	switch {
	case errors.As(err, &unknown):
		return "certificate signed by unknown authority (set the CA: tls.ca_file or ssl.ca.location)"
	case errors.As(err, &hostname):
		return fmt.Sprintf("certificate name mismatch: %s (set tls.server_name, or fix the broker address)", hostname.Error())
	case errors.As(err, &invalid):
		if invalid.Reason == x509.Expired {
			return "certificate has expired or is not yet valid: " + invalid.Detail
		}
		return "certificate is not valid: " + invalid.Error()
	case errors.As(err, &header):
		return "the broker did not answer in TLS (is this a plaintext port?)"
	case errors.As(err, &alert):
		return fmt.Sprintf("the broker rejected the handshake (%v): does it want a client certificate?", alert)
	}
	var verr *tls.CertificateVerificationError
	if errors.As(err, &verr) {
		return "certificate verification failed: " + verr.Err.Error()
	}
	// An alert from the broker arrives as a "remote error"; with TLS 1.3 a missing or
	// untrusted client certificate shows up only here, after the handshake looked fine.
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "remote error" && op.Err != nil {
		if strings.Contains(op.Err.Error(), "certificate") {
			return fmt.Sprintf("the broker rejected the connection (%v): it wants a client certificate it trusts "+
				"(tls.cert_file/key_file, ssl.certificate.location/ssl.key.location)", op.Err)
		}
		return fmt.Sprintf("the broker rejected the connection (%v)", op.Err)
	}
	return ""
}

// netCause words a dial failure: "connection refused", "no such host", "timed out".
func netCause(err error) string {
	var dns *net.DNSError
	switch {
	case err == nil:
		return "unknown cause"
	case errors.As(err, &dns):
		if dns.IsNotFound {
			return "no such host"
		}
		return "DNS lookup of " + dns.Name + " failed: " + dns.Err
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, os.ErrDeadlineExceeded), isTimeout(err):
		return "connection timed out"
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return "no route to host"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset by the broker"
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return op.Err.Error()
	}
	return err.Error()
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// dialAddr finds the address of a failed dial in err, or "" when none is named.
func dialAddr(err error) string {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		if op.Addr != nil {
			return op.Addr.String()
		}
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return dns.Name
	}
	return ""
}

// translate turns a sarama error from operation op on resource into a typed error that
// names the cause; ErrOutOfBrokers is left for Client.explain, which probes the brokers.
func (c *Client) translate(err error, op, resource string) error {
	if err == nil {
		return nil
	}
	var kerr sarama.KError
	if !errors.As(err, &kerr) {
		kerr = sarama.ErrNoError
	}
	switch {
	case errors.Is(err, sarama.ErrSASLAuthenticationFailed), errors.Is(err, sarama.ErrUnsupportedSASLMechanism),
		errors.Is(err, sarama.ErrIllegalSASLState):
		return c.authError(err)
	case kerr == sarama.ErrTopicAuthorizationFailed:
		return &NotAuthorizedError{Operation: op, Resource: resource, Err: err}
	case kerr == sarama.ErrGroupAuthorizationFailed:
		if strings.HasPrefix(resource, "group") {
			return &NotAuthorizedError{Operation: op, Resource: resource, Err: err}
		}
		return &NotAuthorizedError{Operation: op, Resource: "its consumer groups", Err: err}
	case kerr == sarama.ErrClusterAuthorizationFailed:
		return &NotAuthorizedError{Operation: op, Resource: "the cluster", Err: err}
	case kerr == sarama.ErrTransactionalIDAuthorizationFailed:
		return &NotAuthorizedError{Operation: op, Resource: "transactional ids", Err: err}
	case kerr == sarama.ErrOffsetOutOfRange:
		return &causeError{msg: fmt.Sprintf("%s %s: the next records were deleted while reading (retention or DeleteRecords)",
			op, resource), err: err}
	case kerr == sarama.ErrUnsupportedForMessageFormat && strings.HasPrefix(op, "list offsets"):
		// The broker refuses a lookup by time on a topic kept in message format v0.
		return &causeError{msg: fmt.Sprintf("%s %s: the topic keeps the pre-0.10 message format, whose records carry "+
			"no timestamp, so the broker cannot find records by time; select by offset instead "+
			"(--from beginning, OFFSET or -N; --to OFFSET)", op, resource), err: err}
	case kerr == sarama.ErrUnknownTopicOrPartition && topicOf(resource) != "":
		return &TopicNotFoundError{Topic: topicOf(resource), Err: err}
	}
	if p := tlsProblem(err); p != "" {
		return &TLSError{Addr: c.firstBroker(), Problem: p, Err: err}
	}
	if addr := dialAddr(err); addr != "" {
		return &UnreachableError{Addr: addr, Err: err}
	}
	return fmt.Errorf("%s %s: %w", op, resource, err)
}

func (c *Client) authError(err error) error {
	mech, user := "", ""
	if c != nil && c.cfg.SASL != nil {
		mech, user = saslName(c.cfg.SASL.Mechanism), c.cfg.SASL.Username
	}
	return &AuthError{Mechanism: mech, User: user, Err: err}
}

func (c *Client) firstBroker() string {
	if c == nil || len(c.cfg.Brokers) == 0 {
		return "?"
	}
	return c.cfg.Brokers[0]
}

// topicOf reads the topic name back out of a resource such as `topic "orders" partition 3`.
func topicOf(resource string) string {
	var name string
	if _, err := fmt.Sscanf(resource, "topic %q", &name); err != nil {
		return ""
	}
	return name
}

// isTyped reports whether err is already one of this package's cause-naming errors.
func isTyped(err error) bool {
	var (
		u *UnreachableError
		a *AuthError
		t *TLSError
		n *NotAuthorizedError
		f *TopicNotFoundError
		s *NoAnswerError
	)
	return errors.As(err, &u) || errors.As(err, &a) || errors.As(err, &t) || errors.As(err, &n) || errors.As(err, &f) ||
		errors.As(err, &s)
}
