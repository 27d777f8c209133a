// Package tui is the explorer: the only package that imports Bubble Tea and Lip Gloss.
// OWNER: tui helper.
package tui

import (
	"context"
	"errors"
	"log/slog"

	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/kafka"
)

// Options is everything main.go hands the explorer.
type Options struct {
	Clusters []kafka.ClusterConfig // in display order; the explorer connects on select
	Initial  string                // cluster name to open at start ("" = let the user pick)
	// NewDecoder builds the decoder for a cluster (registry, per-topic formats).
	NewDecoder func(kafka.ClusterConfig) (*decode.Decoder, error)
	Logger     *slog.Logger // never nil; writes to the --debug file or discards
	Version    string
}

// Run runs the explorer until the user quits or ctx ends.
func Run(ctx context.Context, opts Options) error {
	return errors.New("explorer: not implemented yet")
}
