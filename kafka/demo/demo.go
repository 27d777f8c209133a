// Package demo runs the embedded incident-scenario cluster: an in-process Kafka
// (kfake) and schema registry, seeded as PRODUCT.md describes. OWNER: demo helper.
package demo

import (
	"context"
	"errors"
	"log/slog"

	"github.com/kpeek/kpeek/kafka"
)

// Cluster is a running demo cluster and registry.
type Cluster struct{}

// Option configures Start.
type Option func(*options)

type options struct {
	kafkaAddr    string
	registryAddr string
	logger       *slog.Logger
}

// WithKafkaAddr makes the broker listen on addr (default: a free loopback port).
func WithKafkaAddr(addr string) Option { return func(o *options) { o.kafkaAddr = addr } }

// WithRegistryAddr makes the registry listen on addr (default: a free loopback port).
func WithRegistryAddr(addr string) Option { return func(o *options) { o.registryAddr = addr } }

// WithLogger sends the demo's logs to l.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// Start starts and seeds the demo cluster.
func Start(ctx context.Context, opts ...Option) (*Cluster, error) {
	return nil, errors.New("demo: not implemented yet")
}

// ClusterConfig is how kpeek connects to the demo cluster (brokers and registry).
func (c *Cluster) ClusterConfig() kafka.ClusterConfig { return kafka.ClusterConfig{Name: "demo"} }

// Close stops the cluster and registry.
func (c *Cluster) Close() {}
