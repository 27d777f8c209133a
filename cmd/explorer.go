package cmd

import (
	"fmt"
	"os"
	"strings"

	"github.com/kpeek/kpeek/config"
	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/tui"
	"github.com/spf13/cobra"
)

func runExplorer(cmd *cobra.Command, g *globals) error {
	ctx := cmd.Context()
	if err := g.needTerminal(cmd.Root()); err != nil {
		return err
	}
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

// needTerminal refuses to start the explorer where it cannot draw or read keys (a pipe, a
// file, a cron job) and names the headless commands that work there instead.
func (g *globals) needTerminal(root *cobra.Command) error {
	var missing string
	switch {
	case !isTerminal(g.stdout):
		missing = "stdout is not a terminal"
	case !isTerminal(os.Stdin) && !canOpenTTY():
		missing = "there is no terminal to read keys from"
	default:
		return nil
	}
	var names []string
	for _, c := range root.Commands() {
		if c.IsAvailableCommand() && c.Name() != "help" && c.Name() != "completion" {
			names = append(names, c.Name())
		}
	}
	return usageError{fmt.Errorf("the explorer needs a terminal (%s); without one use a headless command: kpeek %s (see kpeek --help)",
		missing, strings.Join(names, ", "))}
}

// canOpenTTY reports whether this process has a controlling terminal the explorer can read.
func canOpenTTY() bool {
	f, err := os.Open("/dev/tty")
	if err != nil {
		return false
	}
	f.Close()
	return true
}
