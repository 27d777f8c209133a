package kafka

// TEMPORARY STUBS so other packages compile while the kafka helper builds the real thing.
// OWNER: kafka helper — delete this file once client.go/admin.go/reader.go implement these.

import (
	"context"
	"errors"
	"log/slog"
	"time"
)

var errUnimplemented = errors.New("kafka: not implemented yet")

// Client is a read-only connection to one cluster.
type Client struct{}

// Option configures a Client.
type Option func(*clientOptions)

type clientOptions struct {
	logger *slog.Logger
}

// WithLogger routes the client's (and sarama's) logs to l.
func WithLogger(l *slog.Logger) Option { return func(o *clientOptions) { o.logger = l } }

// New connects to the cluster described by cfg and checks that a broker answers.
func New(ctx context.Context, cfg ClusterConfig, opts ...Option) (*Client, error) {
	return nil, errUnimplemented
}

// Close releases the client's connections.
func (c *Client) Close() error { return nil }

// Bootstrap is the broker list the client was created with.
func (c *Client) Bootstrap() []string { return nil }

// ClusterInfo returns the cluster id, controller and brokers.
func (c *Client) ClusterInfo(ctx context.Context) (ClusterInfo, error) {
	return ClusterInfo{}, errUnimplemented
}

// Topics lists topics with watermarks and configs.
func (c *Client) Topics(ctx context.Context) (Topics, error) { return nil, errUnimplemented }

// Topic describes one topic; a missing topic is an error naming it.
func (c *Client) Topic(ctx context.Context, name string) (TopicInfo, error) {
	return TopicInfo{}, errUnimplemented
}

// Groups lists consumer groups with members, committed offsets and lag.
func (c *Client) Groups(ctx context.Context) (Groups, error) { return nil, errUnimplemented }

// Read starts a read-only range read; batches arrive on the stream until it ends or ctx is cancelled.
func (c *Client) Read(ctx context.Context, req ReadRequest) (*Stream, error) {
	return nil, errUnimplemented
}

// Stream is a running range read.
type Stream struct{}

// Batches yields record batches; it is closed when the read ends.
func (s *Stream) Batches() <-chan Batch { return nil }

// Ranges is what the read covers per partition, resolved at start.
func (s *Stream) Ranges() []PartitionRange { return nil }

// Close stops the read and waits for its goroutines.
func (s *Stream) Close() error { return nil }

// ParseStart parses --from: beginning|end|OFFSET|-N|RFC3339|-1h (relative to now).
func ParseStart(s string, now time.Time) (Start, error) { return Start{}, errUnimplemented }

// ParseStop parses --to: end|now|OFFSET|RFC3339|-1h.
func ParseStop(s string, now time.Time) (Stop, error) { return Stop{}, errUnimplemented }

// LoadConfig reads the YAML config at path; a missing default path is not an error.
func LoadConfig(path string) (*Config, error) { return &Config{}, nil }

// ResolveSecret turns a reference (${ENV}, file:/path, or a literal) into its value.
func ResolveSecret(ref string) (string, error) { return ref, nil }

// ParseProperties applies librdkafka/Java client properties (-X, -F) onto cfg.
func ParseProperties(cfg *ClusterConfig, props map[string]string) error { return nil }
