// Package demo runs the embedded incident-scenario cluster: an in-process Kafka (franz-go's
// kfake, one broker) and a Confluent-compatible schema registry, both on loopback, seeded
// with an incident story: an ERP company whose purchasing and supply topics were read with
// stolen credentials. seed.go builds it: the topics, their records, the consumer groups
// (backup-agent is the suspicious one) and the ACLs.
package demo

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kpeek/kpeek/config"
	"github.com/kpeek/kpeek/decode/registryserver"
)

// Cluster is a running demo cluster and registry.
type Cluster struct {
	fake     *kfake.Cluster
	registry *registryserver.Server
	member   *kgo.Client // the live backup-agent consumer, if any
	brokers  []string
	url      string
	ids      SchemaIDs
	close    sync.Once
}

// Option configures Start.
type Option func(*options)

type options struct {
	kafkaAddr    string
	registryAddr string
	logger       *slog.Logger
	now          time.Time
	noMember     bool
}

// WithKafkaAddr makes the broker listen on addr (default: a free loopback port).
// The host must be a loopback address or "localhost".
func WithKafkaAddr(addr string) Option { return func(o *options) { o.kafkaAddr = addr } }

// WithRegistryAddr makes the registry listen on addr (default: a free loopback port).
// The host must be a loopback address or "localhost".
func WithRegistryAddr(addr string) Option { return func(o *options) { o.registryAddr = addr } }

// WithLogger sends the demo's logs to l.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// WithNow fixes the scenario's "now" (default time.Now()); record times fall in the 24
// hours before it, so tests can pin every timestamp.
func WithNow(t time.Time) Option { return func(o *options) { o.now = t } }

// WithoutLiveMember leaves the backup-agent group with committed offsets but no live
// consumer, for tests that must see no group traffic at all on the broker.
func WithoutLiveMember() Option { return func(o *options) { o.noMember = true } }

// Start starts the broker and registry on loopback and seeds them. ctx bounds the
// seeding only; the cluster runs until Close.
func Start(ctx context.Context, opts ...Option) (*Cluster, error) {
	o := options{logger: slog.New(slog.DiscardHandler), now: time.Now()}
	for _, opt := range opts {
		opt(&o)
	}
	for _, addr := range []string{o.kafkaAddr, o.registryAddr} {
		if err := checkLoopback(addr); err != nil {
			return nil, err
		}
	}
	fakeOpts := []kfake.Opt{
		kfake.NumBrokers(1),
		kfake.ClusterID("kpeek-demo"),
		kfake.WithLogger(kfakeLogger{o.logger}),
		kfake.BrokerConfigs(map[string]string{"message.max.bytes": strconv.Itoa(maxMessageBytes)}),
	}
	if o.kafkaAddr != "" {
		addr := o.kafkaAddr // kfake asks for 127.0.0.1:0; we listen where we were told
		fakeOpts = append(fakeOpts, kfake.ListenFn(func(network, _ string) (net.Listener, error) {
			return net.Listen(network, addr)
		}))
	}
	fake, err := kfake.NewCluster(fakeOpts...)
	if err != nil {
		return nil, fmt.Errorf("start demo broker on %s: %w", displayAddr(o.kafkaAddr), err)
	}
	c := &Cluster{fake: fake, registry: registryserver.New(), brokers: fake.ListenAddrs()}
	if c.ids, err = registerSchemas(c.registry); err != nil {
		c.Close()
		return nil, err
	}
	if c.url, err = c.registry.Start(o.registryAddr); err != nil {
		c.Close()
		return nil, fmt.Errorf("start demo schema registry: %w", err)
	}
	start := time.Now()
	if err := c.seed(ctx, &o); err != nil {
		c.Close()
		return nil, fmt.Errorf("seed demo cluster: %w", err)
	}
	o.logger.Debug("demo cluster seeded", "brokers", c.brokers, "registry", c.url, "took", time.Since(start))
	return c, nil
}

// checkLoopback rejects listen addresses that would expose the demo beyond this machine.
func checkLoopback(addr string) error {
	if addr == "" {
		return nil
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("demo listen address %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("demo listen address %q: the demo listens on loopback only (127.0.0.1, ::1 or localhost)", addr)
	}
	return nil
}

func displayAddr(addr string) string {
	if addr == "" {
		return "a free loopback port"
	}
	return addr
}

// ClusterConfig is how kpeek connects to the demo cluster (brokers and registry).
func (c *Cluster) ClusterConfig() config.Cluster {
	return config.Cluster{
		Connection:     config.Connection{Name: "demo", Brokers: append([]string(nil), c.brokers...)},
		SchemaRegistry: &config.Registry{URL: c.url},
	}
}

// SchemaIDs returns the registry ids of the demo's schemas.
func (c *Cluster) SchemaIDs() SchemaIDs { return c.ids }

// Registry returns the demo's schema registry (its schemas by id and subject).
func (c *Cluster) Registry() *registryserver.Server { return c.registry }

// Fake returns the in-process broker, for tests that watch or intercept requests
// (kfake's ControlKey).
func (c *Cluster) Fake() *kfake.Cluster { return c.fake }

// Close stops the live group member, the broker and the registry. It is safe to call
// more than once.
func (c *Cluster) Close() {
	c.close.Do(func() {
		if c.member != nil {
			c.member.Close() // leaves the group while the broker is still up
		}
		c.fake.Close()
		_ = c.registry.Close()
	})
}
