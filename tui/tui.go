// Package tui is the explorer: the only package that imports Bubble Tea and Lip Gloss.
package tui

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/kpeek/kpeek/config"
	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/export/audit"
	"github.com/kpeek/kpeek/internal/gctarget"
)

// Options is everything main.go hands the explorer.
type Options struct {
	Clusters []config.Cluster // in display order; the explorer connects on select
	Initial  string           // cluster name to open at start ("" = let the user pick)
	// NewDecoder builds the decoder for a cluster (registry, per-topic formats).
	NewDecoder func(config.Cluster) (*decode.Decoder, error)
	Logger     *slog.Logger // never nil; writes to the --debug file or discards
	Version    string
	// Demo says the cluster is the embedded demo scenario: the first screen then says,
	// in one line, what there is to investigate.
	Demo bool
	// MaxRecords caps the records a messages pane holds; beyond it the oldest are dropped
	// with a visible notice. 0 means messages.DefaultCap.
	MaxRecords int
	// Audit appends an entry to the analyst's audit trail (action, details) and returns
	// the entry's reference for export manifests ("" if none was written); nil keeps
	// none. The explorer calls it from several goroutines.
	Audit func(action string, details map[string]string) string
}

// Run runs the explorer until the user quits or ctx ends.
func Run(ctx context.Context, opts Options) error {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return run(ctx, opts, audited(opts, kafkaConnect(opts.Logger)))
}

// audited logs the explorer's start to the audit trail and wraps connect so every
// connection is logged too (which cluster, as whom, and whether it worked).
func audited(opts Options, connect connectFunc) connectFunc {
	if opts.Audit == nil {
		return connect
	}
	names := make([]string, 0, len(opts.Clusters))
	for _, c := range opts.Clusters {
		names = append(names, c.Name)
	}
	opts.Audit("explorer", map[string]string{"clusters": strings.Join(names, ","), "version": opts.Version})
	return func(ctx context.Context, cfg config.Cluster) (Cluster, error) {
		cl, err := connect(ctx, cfg)
		result := "ok"
		if err != nil {
			result = err.Error()
		}
		opts.Audit("connect", map[string]string{"cluster": cfg.Name, "bootstrap": strings.Join(cfg.Brokers, ","),
			"as": audit.Principal(cfg.Connection), "result": result})
		return cl, err
	}
}

// run is Run with the connection and the terminal replaceable, for tests.
func run(ctx context.Context, opts Options, connect connectFunc, progOpts ...tea.ProgramOption) error {
	defer gctarget.Set(explorerGCPercent)()
	app := newApp(ctx, opts, connect)
	p := tea.NewProgram(app, append([]tea.ProgramOption{tea.WithContext(ctx)}, progOpts...)...)
	final, err := p.Run()
	var stopped error // exports stopped at quit, and where their spools are
	if a, ok := final.(App); ok {
		stopped = a.shutdown()
	} else {
		stopped = app.shutdown()
	}
	switch {
	case err == nil:
		return stopped
	case ctx.Err() != nil && errors.Is(err, tea.ErrProgramKilled):
		return ctx.Err()
	}
	return fmt.Errorf("explorer: %w", err)
}

// explorerGCPercent is the explorer's garbage-collection target. A messages pane holds
// up to a million records in pointer-free slabs, which the collector marks at almost no
// cost; what it does cost is the default target of twice the live heap while a read
// turns records into garbage. Half that keeps a million loaded records well under
// 450 MB for a few percent more CPU.
const explorerGCPercent = 50
