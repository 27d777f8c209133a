// Package tui is the explorer: the only package that imports Bubble Tea and Lip Gloss.
package tui

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	tea "charm.land/bubbletea/v2"

	"github.com/kpeek/kpeek/config"
	"github.com/kpeek/kpeek/decode"
)

// Options is everything main.go hands the explorer.
type Options struct {
	Clusters []config.Cluster // in display order; the explorer connects on select
	Initial  string           // cluster name to open at start ("" = let the user pick)
	// NewDecoder builds the decoder for a cluster (registry, per-topic formats).
	NewDecoder func(config.Cluster) (*decode.Decoder, error)
	Logger     *slog.Logger // never nil; writes to the --debug file or discards
	Version    string
	// MaxRecords caps the records a messages pane holds; beyond it the oldest are dropped
	// with a visible notice. 0 means messages.DefaultCap.
	MaxRecords int
}

// Run runs the explorer until the user quits or ctx ends.
func Run(ctx context.Context, opts Options) error {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return run(ctx, opts, kafkaConnect(opts.Logger))
}

// run is Run with the connection and the terminal replaceable, for tests.
func run(ctx context.Context, opts Options, connect connectFunc, progOpts ...tea.ProgramOption) error {
	app := newApp(ctx, opts, connect)
	p := tea.NewProgram(app, append([]tea.ProgramOption{tea.WithContext(ctx)}, progOpts...)...)
	final, err := p.Run()
	if a, ok := final.(App); ok {
		a.shutdown()
	} else {
		app.shutdown()
	}
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil && errors.Is(err, tea.ErrProgramKilled):
		return ctx.Err()
	}
	return fmt.Errorf("explorer: %w", err)
}
