package tui

import (
	"context"
	"log/slog"
	"strings"

	"github.com/kpeek/kpeek/config"
	"github.com/kpeek/kpeek/decode"
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
	return m.SetSource(ctx, msg.reg, msg.cluster.Topics)
}
