package tui

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/kpeek/kpeek/config"
	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/kafka"
	"github.com/kpeek/kpeek/tui/messages"
)

// Cluster is what the frame reads from a connected cluster; *kafka.Client is one, and
// tests hand in a fake so no broker is needed.
type Cluster interface {
	messages.Reader
	ClusterInfo(ctx context.Context) (kafka.ClusterInfo, error)
	Topics(ctx context.Context) (kafka.Topics, error)
	Groups(ctx context.Context) (kafka.Groups, error)
	Bootstrap() []string
	Close() error
}

// connectFunc opens a Cluster; the default calls kafka.New.
type connectFunc func(ctx context.Context, cfg config.Cluster) (Cluster, error)

func kafkaConnect(logger *slog.Logger) connectFunc {
	return func(ctx context.Context, cfg config.Cluster) (Cluster, error) {
		cl, err := kafka.New(ctx, cfg.Connection, kafka.WithLogger(logger))
		if err != nil {
			return nil, err
		}
		return cl, nil
	}
}

// How long one admin call may take, and how often the lists refresh.
const (
	callTimeout     = 20 * time.Second
	refreshInterval = 3 * time.Second
)

// connectedMsg answers connect request req.
type connectedMsg struct {
	req     int
	cluster Cluster
	info    kafka.ClusterInfo
	dec     *decode.Decoder
	decErr  error
	reg     *decode.Registry // nil when the cluster has no schema registry
	regErr  error            // why the registry's configuration is unusable
	err     error
}

// topicsMsg answers a topic listing for connection req.
type topicsMsg struct {
	req    int
	topics kafka.Topics
	at     time.Time
	err    error
}

// groupsMsg answers a group listing for connection req.
type groupsMsg struct {
	req    int
	groups kafka.Groups
	err    error
}

// probeMsg answers a liveness probe of connection req: err says the cluster did
// not answer in time.
type probeMsg struct {
	req int
	err error
	at  time.Time
}

// probeTimeout is how long the probe waits for the cluster before calling the
// connection lost; a broker that accepts TCP and never answers must not hide for long.
const probeTimeout = 5 * time.Second

// probeCmd asks the cluster for its metadata, giving up after probeTimeout even when
// the client itself waits longer.
func probeCmd(ctx context.Context, req int, cl Cluster, now func() time.Time) tea.Cmd {
	return func() tea.Msg {
		cctx, cancel := context.WithTimeout(ctx, probeTimeout)
		defer cancel()
		done := make(chan error, 1)
		go func() {
			_, err := cl.ClusterInfo(cctx)
			done <- err
		}()
		select {
		case err := <-done:
			return probeMsg{req: req, err: err, at: now()}
		case <-cctx.Done():
			return probeMsg{req: req, err: fmt.Errorf("no answer from the cluster in %s", probeTimeout), at: now()}
		}
	}
}

// refreshMsg is the refresh timer firing for connection req.
type refreshMsg struct{ req int }

// connectCmd connects to cfg, reads the cluster's metadata and builds its decoder.
// Everything it uses is copied in: the Cmd runs off the event loop.
func connectCmd(ctx context.Context, req int, cfg config.Cluster, connect connectFunc,
	newDecoder func(config.Cluster) (*decode.Decoder, error), logger *slog.Logger) tea.Cmd {
	return func() tea.Msg {
		cctx, cancel := context.WithTimeout(ctx, callTimeout)
		defer cancel()
		cl, err := connect(cctx, cfg)
		if err != nil {
			return connectedMsg{req: req, err: err}
		}
		info, err := cl.ClusterInfo(cctx)
		if err != nil {
			_ = cl.Close()
			return connectedMsg{req: req, err: err}
		}
		msg := connectedMsg{req: req, cluster: cl, info: info}
		if newDecoder != nil {
			msg.dec, msg.decErr = newDecoder(cfg)
		}
		if msg.dec == nil {
			msg.dec = decode.New()
		}
		msg.reg, msg.regErr = registryFor(cfg, logger)
		return msg
	}
}

func topicsCmd(ctx context.Context, req int, cl Cluster, now func() time.Time) tea.Cmd {
	return func() tea.Msg {
		cctx, cancel := context.WithTimeout(ctx, callTimeout)
		defer cancel()
		ts, err := cl.Topics(cctx)
		return topicsMsg{req: req, topics: ts, at: now(), err: err}
	}
}

func groupsCmd(ctx context.Context, req int, cl Cluster) tea.Cmd {
	return func() tea.Msg {
		cctx, cancel := context.WithTimeout(ctx, callTimeout)
		defer cancel()
		gs, err := cl.Groups(cctx)
		return groupsMsg{req: req, groups: gs, err: err}
	}
}

func refreshCmd(req int) tea.Cmd {
	return tea.Tick(refreshInterval, func(time.Time) tea.Msg { return refreshMsg{req: req} })
}

// closeCmd closes a cluster off the event loop; closing can wait on the network.
func closeCmd(cl Cluster, logger *slog.Logger) tea.Cmd {
	if cl == nil {
		return nil
	}
	return func() tea.Msg {
		if err := cl.Close(); err != nil {
			logger.Debug("close cluster", "err", err)
		}
		return nil
	}
}
