package cmd

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/export"
	"github.com/spf13/cobra"
)

func formatNames() string {
	var names []string
	for _, f := range decode.Formats() {
		names = append(names, string(f))
	}
	return strings.Join(names, "|")
}

// noArgs and exactArgs are cobra's checks with their errors marked as usage errors (exit 2).
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		if cmd.HasSubCommands() {
			return usageError{fmt.Errorf("unknown command %q for %q", args[0], cmd.CommandPath())}
		}
		return usageError{fmt.Errorf("%s takes no arguments, got %q", cmd.CommandPath(), args[0])}
	}
	return nil
}

func exactArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := cobra.ExactArgs(n)(cmd, args); err != nil {
			return usageError{err}
		}
		return nil
	}
}

func checkChoice(flag, v string, allowed ...string) error {
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	return usageError{fmt.Errorf("%s %q: want one of %s", flag, v, strings.Join(allowed, ", "))}
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// isTerminal reports whether w is a terminal (not a pipe, file or buffer).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// progressPrinter redraws export progress on one stderr line when stderr is a terminal.
func progressPrinter(w io.Writer) func(export.Progress) {
	if !isTerminal(w) {
		return nil
	}
	return func(p export.Progress) { fmt.Fprintf(w, "\r\x1b[K%s", export.ProgressLine(p)) }
}
