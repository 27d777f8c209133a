package cmd

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"

	"github.com/kpeek/kpeek/config"
	"github.com/kpeek/kpeek/export"
	"github.com/kpeek/kpeek/export/audit"
	"github.com/spf13/cobra"
)

func newAuditCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "audit [verify]",
		Short: "Print your own hash-chained session log (what you connected to, read and exported)",
		Long: "Every kpeek session appends what the analyst did to a hash-chained log in the user state\n" +
			"folder ($" + audit.PathEnv + " to move it). `kpeek audit` prints it; `kpeek audit verify`\n" +
			"checks the chain and exits 3 when an entry was edited, removed or reordered.",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			path, err := audit.DefaultPath()
			if err != nil {
				return err
			}
			fmt.Fprintf(g.stderr, "kpeek: audit log %s\n", oneLine(path))
			return audit.Read(cmd.Context(), path, func(e audit.Entry, _ []byte) error {
				_, err := fmt.Fprintln(g.stdout, oneLine(formatEntry(e)))
				return err
			})
		},
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "verify",
		Short: "Check the audit log's hash chain (exit 3 when broken)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			path, err := audit.DefaultPath()
			if err != nil {
				return err
			}
			rep, err := audit.Verify(cmd.Context(), path)
			if err != nil {
				return err
			}
			fmt.Fprintf(g.stdout, "%s: %d entries, chain intact, head sha256:%s\n", oneLine(path), rep.Entries, rep.Head)
			return nil
		},
	})
	return cmd
}

// formatEntry renders one entry as a line for a person: details sorted by name.
func formatEntry(e audit.Entry) string {
	var b strings.Builder
	fmt.Fprintf(&b, "#%d %s %s %s %s", e.Seq, e.Time.Format("2006-01-02T15:04:05Z07:00"), e.Session, e.Analyst, e.Action)
	keys := make([]string, 0, len(e.Details))
	for k := range e.Details {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, " %s=%q", k, e.Details[k])
	}
	return b.String()
}

// audit appends an entry to the analyst's audit log, opening it (and logging the
// session's command line) on first use. A log that cannot be written does not stop the
// investigation: it is said once on stderr (the debug log in the explorer).
func (g *globals) audit(action string, details map[string]string) audit.Ref {
	if g.auditFailed {
		return audit.Ref{}
	}
	if g.auditLog == nil {
		path, err := audit.DefaultPath()
		if err == nil {
			g.auditLog, err = audit.Open(path, export.Analyst())
		}
		if err == nil {
			_, err = g.auditLog.Append("session", map[string]string{"command_line": strings.Join(append([]string{"kpeek"}, export.RedactArgs(g.args)...), " "),
				"version": g.version, "pid": fmt.Sprint(os.Getpid())})
		}
		if err != nil {
			g.auditWarn(err)
			return audit.Ref{}
		}
	}
	ref, err := g.auditLog.Append(action, details)
	if err != nil {
		g.auditWarn(err)
	}
	return ref
}

// syncAudit is audit for callers on several goroutines (the explorer's commands); it
// returns the entry's reference for export manifests.
func (g *globals) syncAudit() func(action string, details map[string]string) string {
	var mu sync.Mutex
	return func(action string, details map[string]string) string {
		mu.Lock()
		defer mu.Unlock()
		return g.audit(action, details).String()
	}
}

func (g *globals) auditWarn(err error) {
	g.auditFailed = true
	if g.explorer {
		if g.logger != nil {
			g.logger.Warn("audit log not written", "err", err)
		}
		return
	}
	fmt.Fprintf(g.stderr, "kpeek: warning: audit log not written: %s\n", oneLine(err.Error()))
}

// auditConnect records a connection: which cluster, as whom.
func (g *globals) auditConnect(cfg config.Cluster) {
	g.audit("connect", map[string]string{"cluster": cfg.Name, "bootstrap": strings.Join(cfg.Brokers, ","), "as": audit.Principal(cfg.Connection)})
}

// exportDetails describes an export for the audit log.
func exportDetails(sel *selection, dest string, sum export.Summary, err error) map[string]string {
	d := map[string]string{"topic": sel.topic, "selection": sel.describe(), "filter": sel.filter,
		"destination": export.RedactArgs([]string{dest})[0]}
	sum.AddAuditDetails(d, err)
	return d
}

// errText is an operation's result for the audit log.
func errText(err error) string {
	if err == nil {
		return "ok"
	}
	return err.Error()
}
