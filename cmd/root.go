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

	"github.com/kpeek/kpeek/config"
	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/export"
	"github.com/kpeek/kpeek/export/audit"
	"github.com/kpeek/kpeek/kafka"
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
func Run(args []string, stdout, stderr io.Writer, version string) int {
	g := &globals{stdout: stdout, stderr: stderr, version: version, args: args, stderrTTY: isTerminal(stderr)}
	return execute(newRootCmd(g), g, args)
}

// execute runs root under kpeek's signal rules and maps its result to an exit code.
func execute(root *cobra.Command, g *globals, args []string) (code int) {
	defer func() {
		if r := recover(); r != nil {
			g.reportPanic(r, debug.Stack())
			code = exitError
		}
	}()
	ctx, stop := withSignals(context.Background(), g.stderr)
	defer stop()

	root.SetArgs(args)
	root.SetOut(g.stdout)
	root.SetErr(g.stderr)
	err := root.ExecuteContext(ctx)
	g.close()
	var sig interrupted
	if errors.As(context.Cause(ctx), &sig) {
		// A signal ends every command the same way, whatever it returned: an interrupted
		// follow or demo serve is not a success.
		if err != nil && !errors.Is(err, context.Canceled) {
			fmt.Fprintf(g.stderr, "kpeek: %s\n", oneLine(err.Error()))
		}
		return sig.exitCode()
	}
	if err == nil {
		return exitOK
	}
	fmt.Fprintf(g.stderr, "kpeek: %s\n", oneLine(err.Error()))
	var ue usageError
	switch {
	case errors.As(err, &ue), isUsage(err):
		return exitUsage
	case errors.Is(err, export.ErrBundleChanged), errors.Is(err, audit.ErrChainBroken):
		return exitTampered
	}
	return exitError
}

// isUsage tells the domain errors that mean the request itself was wrong (a partition the
// topic does not have, a window that ends before it starts), which exit 2 like a bad flag.
func isUsage(err error) bool {
	var re *kafka.RequestError
	var pe *kafka.PartitionNotFoundError
	return errors.As(err, &re) || errors.As(err, &pe)
}

// interrupted is the cause of a context ended by a signal.
type interrupted struct{ sig os.Signal }

func (e interrupted) Error() string { return "interrupted by " + signalName(e.sig) }

// exitCode is 130 for every signal kpeek stops on: scripts test one "interrupted" code,
// whether Ctrl-C, SIGTERM or a dropped SSH session (SIGHUP) ended the run.
func (e interrupted) exitCode() int { return exitInt }

func signalName(s os.Signal) string {
	switch s {
	case os.Interrupt:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	case syscall.SIGHUP:
		return "SIGHUP"
	}
	return s.String()
}

// withSignals returns a context that SIGINT, SIGTERM and SIGHUP (the SSH session dropped)
// end with an interrupted cause, so every command stops cleanly: exports spool and print
// their summary. A second signal exits at once, even if something ignores the context.
func withSignals(parent context.Context, stderr io.Writer) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(parent)
	sigs := make(chan os.Signal, 2)
	var watched []os.Signal
	for _, s := range []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP} {
		// A signal ignored at start stays ignored: under nohup an export must survive the
		// hang-up it was started to survive, and Notify would otherwise re-enable it.
		if !signal.Ignored(s) {
			watched = append(watched, s)
		}
	}
	if len(watched) > 0 { // Notify with no signals would relay every signal
		signal.Notify(sigs, watched...)
	}
	done := make(chan struct{})
	go func() {
		var first os.Signal
		select {
		case first = <-sigs:
			cancel(interrupted{first})
		case <-done:
			return
		}
		select {
		case s := <-sigs:
			fmt.Fprintf(stderr, "kpeek: %s again after %s, exiting now\n", signalName(s), signalName(first))
			os.Exit(interrupted{s}.exitCode())
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(sigs)
		close(done)
		cancel(nil)
	}
}

// oneLine keeps a message to one line so a terminal shows it whole, without hostile bytes
// and without URL passwords: everything kpeek writes to stderr passes through it.
func oneLine(s string) string {
	return strings.Join(strings.Fields(decode.Sanitize(config.RedactURLPasswords(s))), " ")
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
		RunE:          func(cmd *cobra.Command, _ []string) error { return runExplorer(cmd, g) },
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
