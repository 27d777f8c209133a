package cmd

import (
	"context"

	"github.com/kpeek/kpeek/config"
	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/tui"
)

func runExplorer(ctx context.Context, g *globals) error {
	g.explorer = true
	if err := g.setupLogger(true); err != nil {
		return err
	}
	cfgs, err := g.clusterConfigs(ctx, false)
	if err != nil {
		return err
	}
	initial := ""
	if len(cfgs) == 1 {
		initial = cfgs[0].Name
	}
	conf, err := g.config()
	if err != nil {
		return err
	}
	return tui.Run(ctx, tui.Options{
		Clusters: cfgs,
		Initial:  initial,
		NewDecoder: func(c config.Cluster) (*decode.Decoder, error) {
			return decode.FromConfig(decode.Config{Registry: c.SchemaRegistry, Topics: c.Topics, Logger: g.logger})
		},
		Logger:     g.logger,
		Version:    g.version,
		MaxRecords: conf.Explorer.MaxRecords,
		Audit:      g.syncAudit(),
		Demo:       g.demo,
	})
}
