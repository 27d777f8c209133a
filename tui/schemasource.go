package tui

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/kpeek/kpeek/config"
	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/kafka"
	"github.com/kpeek/kpeek/tui/schemas"
)

// registryFor builds the client of cfg's schema registry, or nil when none is configured.
func registryFor(cfg config.Cluster, logger *slog.Logger) (*decode.Registry, error) {
	if cfg.SchemaRegistry == nil || strings.TrimSpace(cfg.SchemaRegistry.URL) == "" {
		return nil, nil
	}
	return decode.NewRegistry(*cfg.SchemaRegistry, decode.WithRegistryLogger(logger))
}

// schemasFrom points the Schemas view at the registry a connection brought.
func schemasFrom(ctx context.Context, m schemas.Model, msg connectedMsg) schemas.Model {
	switch {
	case msg.regErr != nil:
		return m.SetUnavailable(msg.regErr.Error())
	case msg.reg == nil:
		return m.SetSource(ctx, nil, nil)
	}
	return m.SetSource(ctx, msg.reg, bounded(msg.cluster.Topics, callTimeout))
}

// bounded gives every topic listing a deadline, so a broker that never answers cannot hold
// the subjects back (they are shown, without topics, when it passes).
func bounded(topics schemas.TopicsFunc, d time.Duration) schemas.TopicsFunc {
	return func(ctx context.Context) (kafka.Topics, error) {
		ctx, cancel := context.WithTimeout(ctx, d)
		defer cancel()
		return topics(ctx)
	}
}
