package kafka

import (
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/IBM/sarama"
)

// causeError keeps the library error for errors.Is/As while showing a message of our own.
type causeError struct {
	msg string
	err error
}

// Error says what failed, in one line.
func (e *causeError) Error() string { return e.msg }

// Unwrap exposes the underlying error to errors.Is and errors.As.
func (e *causeError) Unwrap() error { return e.err }

// explain turns a failed sarama call into one line naming the cause. sarama's
// "client has run out of available brokers" says nothing, so when no typed cause is in the
// error chain, explain probes the brokers itself: TCP dial, TLS handshake, SASL login.
func (c *Client) explain(ctx context.Context, err error, op, resource string) error {
	if ctx.Err() != nil {
		return fmt.Errorf("%s %s: %w", op, resource, ctx.Err())
	}
	t := c.translate(err, op, resource)
	var ue *UnreachableError
	var te *TLSError
	if errors.As(t, &te) || errors.As(t, &ue) && (!hasPort(ue.Addr) || !slices.Contains(c.cfg.Brokers, ue.Addr)) {
		// sarama's chain does not say which broker failed the handshake; a failed DNS
		// lookup names only the host; an address the user never typed came from the
		// cluster's metadata. The probe names the exact address and its source.
		if perr := c.probe(ctx); perr != nil {
			return perr
		}
	}
	if isTyped(t) {
		return t
	}
	if perr := c.probe(ctx); perr != nil {
		return perr
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		if perr := c.probeListener(ctx, c.cfg.Brokers[0]); perr != nil {
			return perr
		}
	}
	return &causeError{
		msg: fmt.Sprintf("%s %s: the brokers accept connections but did not answer: %s", op, resource, innerCause(err)),
		err: err,
	}
}

func hasPort(addr string) bool {
	_, port, err := net.SplitHostPort(addr)
	return err == nil && port != ""
}

// innerCause drops sarama's generic out-of-brokers preamble and keeps what the brokers said.
func innerCause(err error) string {
	s := err.Error()
	s = strings.TrimPrefix(s, sarama.ErrOutOfBrokers.Error())
	s = strings.TrimPrefix(s, ": ")
	if s == "" {
		return "no answer"
	}
	return strings.Join(strings.Fields(s), " ")
}

// probe checks each bootstrap broker and then the addresses the cluster advertises, and
// returns the first cause it finds, or nil when every check passes.
func (c *Client) probe(ctx context.Context) error {
	var first error
	for _, addr := range c.cfg.Brokers {
		err := c.probeAddr(ctx, addr)
		if err == nil {
			// This broker works; maybe the addresses it advertises do not.
			return c.probeAdvertised(ctx, addr)
		}
		if first == nil {
			first = err
		}
	}
	return first
}

// probeAddr dials addr, does the TLS handshake and the SASL login as the client would.
func (c *Client) probeAddr(ctx context.Context, addr string) error {
	d := net.Dialer{Timeout: c.opts.dialTimeout}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return &UnreachableError{Addr: addr, Err: err}
	}
	defer conn.Close()
	if c.sc.Net.TLS.Enable {
		conf := c.sc.Net.TLS.Config.Clone()
		if conf.ServerName == "" {
			host, _, _ := net.SplitHostPort(addr)
			conf.ServerName = host
		}
		tc := tls.Client(conn, conf)
		hctx, cancel := context.WithTimeout(ctx, c.opts.dialTimeout)
		defer cancel()
		if err := tc.HandshakeContext(hctx); err != nil {
			problem := tlsProblem(err)
			switch {
			case problem != "":
			case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET):
				// A plaintext Kafka listener reads the ClientHello as a bogus request and hangs up.
				problem = "the broker closed the connection during the TLS handshake (is this listener TLS?)"
			default:
				problem = err.Error()
			}
			return &TLSError{Addr: addr, Problem: problem, Err: err}
		}
	}
	if !c.sc.Net.SASL.Enable {
		return nil
	}
	b, done, err := openProbe(ctx, addr, c.sc)
	if err != nil {
		return c.translate(err, "connect to", "broker "+addr)
	}
	defer done()
	if _, err := call(ctx, func() (bool, error) { return b.Connected() }); err != nil {
		if t := c.translate(err, "log in to", "broker "+addr); isTyped(t) {
			return t
		}
		if errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) {
			// TCP and TLS just worked, so a broker hanging up now is refusing the login;
			// some brokers close the connection instead of sending an error code.
			return c.authError(err)
		}
		return &causeError{msg: fmt.Sprintf("log in to broker %s: %s", addr, err), err: err}
	}
	return nil
}

// probeAdvertised asks a working broker for the cluster's broker list and dials each
// advertised address: a broker advertising a name the client cannot reach (a container
// host name, an internal listener) is a common reason for a cluster to look dead.
func (c *Client) probeAdvertised(ctx context.Context, addr string) error {
	b, done, err := openProbe(ctx, addr, c.sc)
	if err != nil {
		return nil
	}
	defer done()
	md, err := call(ctx, func() (*sarama.MetadataResponse, error) {
		return b.GetMetadata(sarama.NewMetadataRequest(c.sc.Version, nil))
	})
	if err != nil {
		if t := c.translate(err, "describe", "the cluster"); isTyped(t) {
			return t
		}
		return nil
	}
	for _, adv := range md.Brokers {
		d := net.Dialer{Timeout: c.opts.dialTimeout}
		conn, err := d.DialContext(ctx, "tcp", adv.Addr())
		if err != nil {
			return &UnreachableError{Addr: adv.Addr(), AdvertisedBy: addr, Err: err}
		}
		conn.Close()
	}
	return nil
}

// probeListener explains a broker that takes the connection and then hangs up on plain
// requests: the listener wants TLS, or SASL, and kpeek was not told to use it.
func (c *Client) probeListener(ctx context.Context, addr string) error {
	if !c.sc.Net.TLS.Enable && c.speaksTLS(ctx, addr) {
		return &TLSError{Addr: addr, Problem: "the broker speaks TLS but kpeek was told to use plaintext " +
			"(set tls.enabled: true in the config, or security.protocol=SSL or SASL_SSL)"}
	}
	if !c.sc.Net.SASL.Enable && c.answersApiVersions(ctx, addr) {
		// A Kafka listener that answers ApiVersions (allowed before login) and then hangs
		// up on the next request wants SASL; a port that just hangs up proves nothing.
		return &AuthError{Addr: addr}
	}
	return nil
}

// answersApiVersions reports whether addr answers Kafka's ApiVersions on a plain connection.
func (c *Client) answersApiVersions(ctx context.Context, addr string) bool {
	// Only this one ApiVersions: a SASL listener allows a single one before the handshake.
	conf := *c.sc
	conf.ApiVersionsRequest = false
	b, done, err := openProbe(ctx, addr, &conf)
	if err != nil {
		return false
	}
	defer done()
	resp, err := call(ctx, func() (*sarama.ApiVersionsResponse, error) {
		return b.ApiVersions(&sarama.ApiVersionsRequest{Version: 0})
	})
	return err == nil && resp != nil && len(resp.ApiKeys) > 0
}

// speaksTLS reports whether addr completes a TLS handshake, certificate unchecked: only the
// protocol is in question here, and nothing is sent after the handshake.
func (c *Client) speaksTLS(ctx context.Context, addr string) bool {
	d := net.Dialer{Timeout: c.opts.dialTimeout}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return false
	}
	defer conn.Close()
	// A TLS listener answers a ClientHello within a round trip; a plaintext one reads it as
	// the start of a huge request and waits, so do not wait long.
	hctx, cancel := context.WithTimeout(ctx, min(c.opts.dialTimeout, 2*time.Second))
	defer cancel()
	//nolint:gosec // detection only: no data is exchanged over this connection
	tc := tls.Client(conn, &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS12})
	return tc.HandshakeContext(hctx) == nil
}

// connectAnswering connects like connect, but gives the brokers the socket timeout to
// answer: a broker that takes the TCP connection and then says nothing would otherwise keep
// sarama retrying for a minute and more, and the user would not learn which one it is. When
// some bootstrap brokers answer and others do not, it connects through those that answer
// and leaves a note naming the silent ones.
func (c *Client) connectAnswering(ctx context.Context) (sarama.Client, error) {
	limit := c.cfg.SocketTimeout()
	client, err := connectWithin(ctx, c.cfg.Brokers, c.sc, limit)
	if !timedOut(ctx, err) {
		return client, err
	}
	answering, silent, cause := c.checkBrokers(ctx)
	if len(silent) > 0 && len(answering) > 0 {
		client, err := connectWithin(ctx, answering, c.sc, limit)
		if err == nil {
			c.notes = append(c.notes, fmt.Sprintf("%s; connected through %s",
				&NoAnswerError{Addrs: silent, Timeout: limit}, strings.Join(answering, ", ")))
			return client, nil
		}
		if !timedOut(ctx, err) {
			return nil, err
		}
	}
	switch {
	case len(silent) > 0:
		return nil, &NoAnswerError{Addrs: silent, Timeout: limit}
	case cause != nil:
		return nil, cause
	}
	return nil, &causeError{msg: fmt.Sprintf("connect to cluster %s: the brokers answer, but the cluster's metadata "+
		"did not arrive within %s (wait longer with socket.timeout.ms)", clusterName(c.cfg), limit),
		err: context.DeadlineExceeded}
}

// connectWithin is connect bounded by limit.
func connectWithin(ctx context.Context, brokers []string, sc *sarama.Config, limit time.Duration) (sarama.Client, error) {
	cctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	return connect(cctx, brokers, sc)
}

// timedOut reports a connect that ran out of time while the caller's ctx is still live.
func timedOut(ctx context.Context, err error) bool {
	return err != nil && ctx.Err() == nil && (errors.Is(err, context.DeadlineExceeded) || isTimeout(err))
}

// silenceCheck bounds the check that names a silent broker: a broker that answers at all
// answers ApiVersions within a round trip. (A Client's opts.silenceCheck; tests change it.)
const silenceCheck = 3 * time.Second

// checkBrokers asks every bootstrap broker at once for its ApiVersions (allowed before any
// login) and sorts them into those that answer and those that take the connection and stay
// silent; cause is the first other failure (unreachable, TLS).
func (c *Client) checkBrokers(ctx context.Context) (answering, silent []string, cause error) {
	errs := make([]error, len(c.cfg.Brokers))
	var wg sync.WaitGroup
	for i, addr := range c.cfg.Brokers {
		wg.Go(func() { errs[i] = c.askApiVersions(ctx, addr) })
	}
	wg.Wait()
	for i, err := range errs {
		addr := c.cfg.Brokers[i]
		switch {
		case err == nil:
			answering = append(answering, addr)
		case isTimeout(err) && !isDial(err):
			silent = append(silent, addr)
		case cause == nil && isDial(err):
			cause = &UnreachableError{Addr: addr, Err: err}
		case cause == nil:
			cause = c.translate(err, "connect to", "broker "+addr)
		}
	}
	return answering, silent, cause
}

// askApiVersions sends one ApiVersions over TLS if configured, without logging in.
func (c *Client) askApiVersions(ctx context.Context, addr string) error {
	conf := *c.sc
	conf.Net.SASL.Enable = false
	conf.ApiVersionsRequest = false
	limit := cmp.Or(c.opts.silenceCheck, silenceCheck)
	conf.Net.DialTimeout = min(conf.Net.DialTimeout, limit)
	conf.Net.ReadTimeout = limit
	b, done, err := openProbe(ctx, addr, &conf)
	if err != nil {
		return err
	}
	defer done()
	_, err = call(ctx, func() (*sarama.ApiVersionsResponse, error) {
		return b.ApiVersions(&sarama.ApiVersionsRequest{Version: 0})
	})
	return err
}

// openProbe opens a broker of the probe's own on a connection that ctx's end closes: the
// request in flight then fails at once, and closing the broker, which waits for that
// request, does not wait for the read timeout (a silent broker's, up to socket.timeout.ms or
// silenceCheck). done closes the broker and whatever it left open.
func openProbe(ctx context.Context, addr string, sc *sarama.Config) (b *sarama.Broker, done func(), err error) {
	conf := *sc
	cs := newConns(&conf)
	conf.Net.Proxy.Enable, conf.Net.Proxy.Dialer = true, cs
	release := cs.bind(ctx)
	end := func() {
		release()
		cs.closeAll()
	}
	b = sarama.NewBroker(addr)
	if err := b.Open(&conf); err != nil && !errors.Is(err, sarama.ErrAlreadyConnected) {
		end()
		return nil, nil, err
	}
	return b, func() {
		_ = b.Close()
		end()
	}, nil
}

// isDial reports an error from making the connection, as opposed to using it.
func isDial(err error) bool {
	var oe *net.OpError
	return errors.As(err, &oe) && oe.Op == "dial"
}
