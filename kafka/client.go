// Package kafka is kpeek's read-only access to Apache Kafka: connect, describe topics and
// consumer groups, and read ranges of records. It never joins a group, commits, or produces.
//
// It takes only connection settings (config.Connection: brokers, TLS, SASL; a client id and
// timeouts as options); the rest of the configuration is package config's. Errors name their
// cause in words (unreachable broker, refused credentials, TLS, ACL), and a context that ends
// closes the connections its calls were waiting on.
package kafka

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"strings"
	"time"

	"github.com/IBM/sarama"
	"github.com/kpeek/kpeek/config"
	"github.com/kpeek/kpeek/internal/ctxwait"
	"github.com/xdg-go/scram"
)

// Client is a read-only connection to one cluster.
type Client struct {
	cfg      config.Connection
	sc       *sarama.Config
	client   sarama.Client
	admin    sarama.ClusterAdmin
	log      *slog.Logger
	warnings []string
	notes    []string
	opts     clientOptions
	heads    headCache // oldest record times, so listing topics again does not fetch them again
	reads    readPool  // reading clients kept between reads
}

// Option configures a Client.
type Option func(*clientOptions)

type clientOptions struct {
	logger      *slog.Logger
	dialTimeout time.Duration
	clientID    string
	// silenceCheck bounds the ApiVersions check that names a silent bootstrap broker.
	silenceCheck time.Duration
}

// WithLogger routes the client's (and sarama's) logs to l.
func WithLogger(l *slog.Logger) Option { return func(o *clientOptions) { o.logger = l } }

// WithDialTimeout bounds each broker connection attempt (default 5s).
func WithDialTimeout(d time.Duration) Option { return func(o *clientOptions) { o.dialTimeout = d } }

// WithClientID sets the client.id brokers see in their logs and quotas (default "kpeek").
func WithClientID(id string) Option { return func(o *clientOptions) { o.clientID = id } }

// New connects to the cluster cfg names and checks that a broker answers. Failures
// name the cause: unreachable broker, refused credentials, TLS problem.
func New(ctx context.Context, cfg config.Connection, opts ...Option) (*Client, error) {
	o := clientOptions{dialTimeout: 5 * time.Second, clientID: "kpeek", silenceCheck: silenceCheck}
	for _, opt := range opts {
		opt(&o)
	}
	if o.logger == nil {
		o.logger = slog.New(slog.DiscardHandler)
	}
	if len(cfg.Brokers) == 0 {
		return nil, errors.New("connect: no brokers given")
	}
	routeSaramaLogs(o.logger)
	c := &Client{cfg: cfg, log: o.logger, opts: o}
	if len(cfg.IgnoredProperties) > 0 {
		c.log.Debug("ignoring client properties kpeek does not use", "keys", strings.Join(cfg.IgnoredProperties, ","))
	}
	sc, warnings, err := saramaConfig(cfg, o)
	if err != nil {
		return nil, fmt.Errorf("cluster %s: %w", clusterName(cfg), err)
	}
	c.sc, c.warnings = sc, warnings
	for _, w := range warnings {
		c.log.Warn(w, "cluster", clusterName(cfg))
	}
	client, err := c.connectAnswering(ctx)
	if err != nil {
		return nil, c.explain(ctx, err, "connect to", "cluster "+clusterName(cfg))
	}
	admin, err := sarama.NewClusterAdminFromClient(client)
	if err != nil {
		_ = client.Close()
		return nil, c.explain(ctx, err, "connect to", "cluster "+clusterName(cfg))
	}
	c.client, c.admin = client, admin
	return c, nil
}

// Close releases the client's connections, the idle reading ones too; a read still running
// closes its own when it ends.
func (c *Client) Close() error {
	if c == nil || c.admin == nil {
		return nil
	}
	c.closeReaders()
	// Closing the admin closes the client it was built from.
	return c.admin.Close()
}

// Bootstrap is the broker list the client was created with.
func (c *Client) Bootstrap() []string { return slices.Clone(c.cfg.Brokers) }

// Notes are facts about the connection the user should know, such as a bootstrap broker
// that took the connection but never answered.
func (c *Client) Notes() []string { return slices.Clone(c.notes) }

// Warnings are security downgrades the user asked for (TLS verification off), for display.
func (c *Client) Warnings() []string { return slices.Clone(c.warnings) }

// Name is the cluster's name from the config, or its broker list.
func (c *Client) Name() string { return clusterName(c.cfg) }

func clusterName(cfg config.Connection) string {
	if cfg.Name != "" {
		return cfg.Name
	}
	return strings.Join(cfg.Brokers, ",")
}

// saramaConfig builds sarama's config for read-only use with short timeouts, so a dead
// address fails in seconds rather than after sarama's default minute of retries.
func saramaConfig(cfg config.Connection, o clientOptions) (*sarama.Config, []string, error) {
	sc := sarama.NewConfig()
	// The highest version kpeek may use. sarama lowers each request to the broker's
	// advertised ApiVersions range, so 2.x brokers still work; it must be high enough that no
	// request falls below the versions Kafka 4 removed (KIP-896), as older defaults did.
	sc.Version = sarama.V3_9_0_0
	sc.ClientID = o.clientID
	sc.Net.DialTimeout = o.dialTimeout
	sc.Net.ReadTimeout = cfg.SocketTimeout()
	sc.Net.WriteTimeout = 5 * time.Second
	sc.Metadata.Retry.Max = 1
	sc.Metadata.Retry.Backoff = 250 * time.Millisecond
	sc.Metadata.Timeout = cfg.SocketTimeout()
	// Full metadata on connect is what proves a broker answers; the reader turns it off.
	sc.Metadata.Full = true
	// Never create a topic by asking about it.
	sc.Metadata.AllowAutoTopicCreation = false
	sc.Admin.Retry.Max = 1
	sc.Admin.Timeout = 10 * time.Second
	sc.Consumer.Return.Errors = true
	sc.Consumer.Offsets.AutoCommit.Enable = false
	sc.Consumer.IsolationLevel = sarama.ReadCommitted
	sc.Consumer.Retry.Backoff = 250 * time.Millisecond
	sc.Producer.Retry.Max = 0

	var warnings []string
	if cfg.TLS.On() {
		tc, w, err := cfg.TLS.Build("the brokers")
		if err != nil {
			return nil, nil, err
		}
		sc.Net.TLS.Enable, sc.Net.TLS.Config = true, tc
		warnings = append(warnings, w...)
	}
	if cfg.SASL != nil {
		w, err := configureSASL(sc, cfg.SASL, cfg.Brokers)
		if err != nil {
			return nil, nil, err
		}
		warnings = append(warnings, w...)
		if sc.Net.SASL.Mechanism == sarama.SASLTypePlaintext && !sc.Net.TLS.Enable {
			warnings = append(warnings, config.WarnPlainWithoutTLS)
		}
	}
	if err := sc.Validate(); err != nil {
		return nil, nil, fmt.Errorf("client settings: %w", err)
	}
	return sc, warnings, nil
}

// saslMechanism maps a mechanism name to sarama's; empty means PLAIN.
func saslMechanism(m string) (sarama.SASLMechanism, error) {
	name, err := config.SASLMechanism(m)
	if err != nil {
		return "", err
	}
	switch name {
	case "SCRAM-SHA-256":
		return sarama.SASLTypeSCRAMSHA256, nil
	case "SCRAM-SHA-512":
		return sarama.SASLTypeSCRAMSHA512, nil
	case "OAUTHBEARER", "AWS_MSK_IAM":
		return sarama.SASLTypeOAuth, nil
	case "GSSAPI":
		return sarama.SASLTypeGSSAPI, nil
	}
	return sarama.SASLTypePlaintext, nil
}

func saslName(m string) string {
	if m == "" {
		return "PLAIN"
	}
	return strings.ToUpper(m)
}

// configureSASL sets sc up for the mechanism s names; the warnings say what travels
// unprotected.
func configureSASL(sc *sarama.Config, s *config.SASL, brokers []string) ([]string, error) {
	mech, err := saslMechanism(s.Mechanism)
	if err != nil {
		return nil, err
	}
	if mech == sarama.SASLTypeGSSAPI {
		return nil, configureGSSAPI(sc, s)
	}
	if strings.EqualFold(s.Mechanism, "AWS_MSK_IAM") {
		tokens, err := newMSKTokens(s, brokers)
		if err != nil {
			return nil, err
		}
		sc.Net.SASL.Enable, sc.Net.SASL.Handshake = true, true
		sc.Net.SASL.Mechanism, sc.Net.SASL.TokenProvider = mech, tokens
		return nil, nil
	}
	if mech == sarama.SASLTypeOAuth {
		tokens, warnings, err := newOIDCTokens(s)
		if err != nil {
			return nil, err
		}
		sc.Net.SASL.Enable, sc.Net.SASL.Handshake = true, true
		sc.Net.SASL.Mechanism, sc.Net.SASL.TokenProvider = mech, tokens
		return warnings, nil
	}
	if s.Username == "" {
		return nil, fmt.Errorf("SASL %s needs a user name", saslName(s.Mechanism))
	}
	password, err := config.ResolveOptional("SASL password", s.Password)
	if err != nil {
		return nil, err
	}
	sc.Net.SASL.Enable = true
	sc.Net.SASL.Handshake = true
	sc.Net.SASL.Mechanism = mech
	sc.Net.SASL.User = s.Username
	sc.Net.SASL.Password = password
	switch mech {
	case sarama.SASLTypeSCRAMSHA256:
		sc.Net.SASL.SCRAMClientGeneratorFunc = func() sarama.SCRAMClient { return &scramClient{hash: scram.SHA256} }
	case sarama.SASLTypeSCRAMSHA512:
		sc.Net.SASL.SCRAMClientGeneratorFunc = func() sarama.SCRAMClient { return &scramClient{hash: scram.SHA512} }
	}
	return nil, nil
}

// scramClient adapts xdg-go/scram to sarama's SCRAMClient.
type scramClient struct {
	hash scram.HashGeneratorFcn
	conv *scram.ClientConversation
}

// Begin starts a SCRAM conversation for user.
func (s *scramClient) Begin(user, password, authzID string) error {
	c, err := s.hash.NewClient(user, password, authzID)
	if err != nil {
		return fmt.Errorf("start SCRAM conversation: %w", err)
	}
	s.conv = c.NewConversation()
	return nil
}

// Step answers one server challenge.
func (s *scramClient) Step(challenge string) (string, error) { return s.conv.Step(challenge) }

// Done reports whether the conversation is over.
func (s *scramClient) Done() bool { return s.conv.Done() }

// call runs a blocking sarama call so that ctx ends the wait. It is for calls on a broker of
// their own (the connection probes, which close it when they return); a call on a Client's
// shared connections goes through request, which also ends the call's work.
func call[T any](ctx context.Context, fn func() (T, error)) (T, error) { return ctxwait.Call(ctx, fn) }

// request runs fn, a sarama request on broker b of client, so that the end of ctx ends it:
// request returns ctx's error at once and closes b's connection, which makes sarama's read
// fail and fn return now rather than at socket.timeout.ms; sarama then drops the dead
// connection and the next request on b dials a new one. A nil b means fn picks its brokers
// itself (sarama's admin calls): then every connection of the client that is waiting for an
// answer is closed, since the one fn waits on cannot be told apart.
//
// The cost: other requests on a closed connection fail with it (sarama sends one request at
// a time per broker; the others wait for its lock). Such a request, its own context still
// live, is retried once on a new connection after the cancelled one has returned; if that
// fails too, its error says that its connection was closed to end another request.
func request[T any](ctx context.Context, client sarama.Client, b *sarama.Broker,
	fn func(b *sarama.Broker) (T, error)) (T, error) {
	tc, ok := client.(*trackedClient)
	if !ok {
		return ctxwait.Call(ctx, func() (T, error) { return fn(b) })
	}
	cs := tc.conns
	addr := ""
	if b != nil {
		addr = b.Addr()
	}
	cuts := cs.cuts.Load()
	v, err := ctxwait.Call(ctx, func() (T, error) { return cutOnEnd(ctx, cs, addr, b, fn) })
	if err == nil || ctx.Err() != nil || !cutShort(cs, cuts, err) {
		return v, err
	}
	if b != nil {
		select {
		case <-cs.drained(addr):
		case <-ctx.Done():
			return v, ctx.Err()
		}
		if b, err = client.Broker(b.ID()); err != nil {
			return v, fmt.Errorf("%w (%w)", errCut, err)
		}
	}
	cuts = cs.cuts.Load()
	v, err = ctxwait.Call(ctx, func() (T, error) { return cutOnEnd(ctx, cs, addr, b, fn) })
	if err != nil && ctx.Err() == nil && cutShort(cs, cuts, err) && !errors.Is(err, errCut) {
		err = fmt.Errorf("%w (%w)", errCut, err)
	}
	return v, err
}

// cutOnEnd runs fn(b); if ctx ends meanwhile, it cuts addr's connections and keeps them cut
// until fn has returned.
func cutOnEnd[T any](ctx context.Context, cs *conns, addr string, b *sarama.Broker,
	fn func(*sarama.Broker) (T, error)) (T, error) {
	ended := make(chan func(), 1)
	stop := context.AfterFunc(ctx, func() { ended <- cs.cut(addr) })
	v, err := fn(b)
	if !stop() {
		(<-ended)()
	}
	return v, err
}

// cutShort reports an error caused by a cut since the cuts-th: a connection closed under
// the request, or a dial refused while a cancelled request was ending.
func cutShort(cs *conns, cuts uint64, err error) bool {
	return errors.Is(err, errCut) || (errors.Is(err, net.ErrClosed) && cs.cuts.Load() != cuts)
}
