// Package cmd is kpeek's command line: one file per command, each binding flags, calling a
// domain function and printing its result; root.go maps errors to exit codes.
package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/export"
	"github.com/kpeek/kpeek/export/audit"
	"github.com/spf13/cobra"
)

// Exit codes.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
	// exitTampered means kpeek verify found evidence that changed since capture.
	exitTampered = 3
	exitInt      = 130
)

// usageError marks errors in how kpeek was called.
type usageError struct{ error }

// Run executes kpeek with args and returns the exit code; it never panics to the user.
// version names this build in manifests and `kpeek version`.
func Run(args []string, stdout, stderr io.Writer, version string) (code int) {
	g := &globals{stdout: stdout, stderr: stderr, version: version, args: args}
	defer func() {
		if r := recover(); r != nil {
			g.reportPanic(r, debug.Stack())
			code = exitError
		}
	}()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()

	root := newRootCmd(g)
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	g.close()
	if err == nil {
		return exitOK
	}
	fmt.Fprintf(stderr, "kpeek: %s\n", oneLine(err.Error()))
	var ue usageError
	switch {
	case errors.As(err, &ue):
		return exitUsage
	case errors.Is(err, export.ErrBundleChanged), errors.Is(err, audit.ErrChainBroken):
		return exitTampered
	case ctx.Err() != nil:
		return exitInt
	}
	return exitError
}

// oneLine keeps an error to one line so a terminal shows it whole.
func oneLine(s string) string {
	return strings.Join(strings.Fields(decode.Sanitize(s)), " ")
}

func newRootCmd(g *globals) *cobra.Command {
	root := &cobra.Command{
		Use:   "kpeek",
		Short: "See what is inside Kafka right now, find the records that matter, ship them as evidence",
		Long: "kpeek is a read-only Kafka explorer for incident response.\n" +
			"Run bare it opens the explorer; every view also exists as a headless command.",
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          noArgs,
		RunE:          func(cmd *cobra.Command, _ []string) error { return runExplorer(cmd.Context(), g) },
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	f := root.PersistentFlags()
	f.BoolVar(&g.demo, "demo", false, "use the embedded demo cluster and schema registry")
	f.StringVarP(&g.brokers, "brokers", "b", "", "bootstrap brokers, HOST:PORT[,HOST:PORT]")
	f.StringVarP(&g.cluster, "cluster", "c", "", "a cluster named in the config file")
	f.StringVar(&g.configPath, "config", "", "config file (default $KPEEK_CONFIG, else the user config dir's kpeek/config.yaml)")
	f.StringArrayVarP(&g.props, "property", "X", nil, "client property key=value (librdkafka/Java names), repeatable")
	f.StringArrayVarP(&g.propFiles, "properties-file", "F", nil, "client.properties file, repeatable")
	f.StringVar(&g.schemaRegistry, "schema-registry", "", "schema registry URL")
	f.BoolVar(&g.debug, "debug", false, "log diagnostics (to stderr for commands, to a file for the explorer)")

	root.AddCommand(newScanCmd(g))
	root.AddCommand(newTopicsCmd(g), newGroupsCmd(g), newConsumeCmd(g), newExportCmd(g),
		newVerifyCmd(g), newDemoCmd(g), newVersionCmd(g),
		newBrokersCmd(g), newSchemasCmd(g), newSweepCmd(g),
		newHistoryCmd(g), newReadersCmd(g), newACLsCmd(g))
	root.AddCommand(newAuditCmd(g))
	return root
}
