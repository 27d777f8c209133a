package cmd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/kpeek/kpeek/config"
	"github.com/kpeek/kpeek/export"
	"github.com/kpeek/kpeek/internal/gctarget"
	"github.com/kpeek/kpeek/kafka"
	"github.com/spf13/cobra"
)

// exportFlags are export's flags.
type exportFlags struct {
	sel       selection
	file      export.FileOptions
	hec       export.HECOptions
	tokenFile string
	resume    string
	redact    []string
}

func newExportCmd(g *globals) *cobra.Command {
	var x exportFlags
	cmd := &cobra.Command{
		Use:   "export -t TOPIC (--file PATH [--format ndjson|csv|bundle] | --splunk URL)",
		Short: "Export records to a file or evidence bundle, or to Splunk HEC, losing none",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			defer gctarget.Set(streamingGCPercent)()
			if x.resume != "" {
				if err := onlyResumeFlags(cmd); err != nil {
					return err
				}
				return runResume(cmd.Context(), g, &x)
			}
			return runExport(cmd.Context(), g, &x)
		},
	}
	x.sel.register(cmd)
	f := cmd.Flags()
	f.StringVar(&x.file.Path, "file", "", "write to this file (or bundle folder)")
	f.StringVar(&x.file.Format, "format", "ndjson", "ndjson, csv or bundle (BagIt evidence bag)")
	f.BoolVar(&x.file.Force, "force", false, "overwrite an existing file")
	f.BoolVar(&x.file.CSVRaw, "csv-raw", false, "csv: write cells verbatim, even those a spreadsheet would run as formulas (=, +, -, @)")
	f.StringVar(&x.hec.URL, "splunk", "", "Splunk HEC event endpoint URL (…/services/collector/event), or 'default' for the config's")
	f.StringVar(&x.tokenFile, "splunk-token-file", "", "file holding the HEC token (else $KPEEK_SPLUNK_TOKEN, else the config)")
	f.StringVar(&x.hec.Index, "index", "", "Splunk index")
	f.StringVar(&x.hec.Sourcetype, "sourcetype", "_json", "Splunk sourcetype")
	f.StringVar(&x.hec.Source, "source", "", "Splunk source (default kafka:<cluster>:<topic>)")
	f.StringVar(&x.hec.Host, "host", "", "Splunk host field")
	f.StringVar(&x.hec.CAFile, "splunk-ca", "", "CA file to verify the HEC endpoint")
	f.BoolVar(&x.hec.Ack, "ack", false, "use HEC indexer acknowledgement")
	f.IntVar(&x.hec.BatchBytes, "batch-bytes", 1<<20, "largest HEC request body before gzip")
	f.IntVar(&x.hec.Concurrency, "concurrency", 4, "HEC requests in flight")
	f.StringVar(&x.hec.SpoolDir, "spool-dir", ".", "where the spool (the export's journal, then its unconfirmed records) is kept")
	f.StringSliceVar(&x.redact, "redact", nil, "mask these field paths, e.g. value.card_number,value.email")
	f.StringVar(&x.resume, "resume", "", "finish an interrupted export from its spool file: the spooled records and the part never read")
	return cmd
}

// onlyResumeFlags refuses export flags next to --resume: the spool holds the destination
// and the selection, and a flag that would be ignored must not look as if it applied.
func onlyResumeFlags(cmd *cobra.Command) error {
	var given []string
	for _, name := range []string{"topic", "from", "to", "partitions", "max", "follow", "filter", "key-format",
		"value-format", "file", "format", "force", "csv-raw", "splunk", "index", "sourcetype", "source", "host", "splunk-ca",
		"ack", "batch-bytes", "concurrency", "spool-dir", "redact"} {
		if cmd.Flags().Changed(name) {
			given = append(given, "--"+name)
		}
	}
	if len(given) > 0 {
		return usageError{fmt.Errorf("--resume takes the destination and the selection from the spool: drop %s",
			strings.Join(given, " "))}
	}
	return nil
}

// check finds usage errors before anything connects.
func (x *exportFlags) check() error {
	if (x.file.Path == "") == (x.hec.URL == "") {
		return usageError{errors.New("choose one destination: --file PATH or --splunk URL")}
	}
	if x.file.Path != "" {
		if err := checkChoice("--format", x.file.Format, "ndjson", "csv", "bundle"); err != nil {
			return err
		}
	}
	if x.sel.follow {
		return usageError{errors.New("export takes a bounded range: use --to instead of --follow")}
	}
	var err error
	if x.redact, err = export.ParseRedactions(x.redact); err != nil {
		return usageError{fmt.Errorf("--redact: %w", err)}
	}
	return nil
}

func runExport(ctx context.Context, g *globals, x *exportFlags) error {
	if err := x.check(); err != nil {
		return err
	}
	resolved := time.Now()
	req, flt, err := x.sel.parse()
	if err != nil {
		return err
	}
	cl, cfg, err := g.connect(ctx)
	if err != nil {
		return err
	}
	defer cl.Close()
	var hecOpts export.HECOptions
	if x.hec.URL != "" {
		// Before reading: a missing token is a usage error, not a half-done export.
		hecOpts, err = export.ResolveHEC(export.HECTarget{Options: x.hec, Config: cfg.Splunk,
			Cluster: cfg.Name, Topic: x.sel.topic, TokenFile: x.tokenFile})
		if err != nil {
			return hecUsage(err)
		}
	}
	dec, err := x.sel.decoder(cfg, g.logger)
	if err != nil {
		return err
	}
	info, err := cl.ClusterInfo(ctx)
	if err != nil {
		return err
	}
	stream, err := cl.Read(ctx, req)
	if err != nil {
		return err
	}
	defer stream.Close()
	prov := export.NewProvenance(g.args, req, g.version, resolved)
	if certs := cl.PeerCertificates(ctx); certs != nil {
		prov.BrokerCertificates = certs
	}
	xr := export.Request{
		Records: stream.Batches(), Total: export.SelectionTotal(stream.Ranges(), req.Max),
		Decoder: dec, Filter: flt, Redact: x.redact, Progress: progressPrinter(g.stderr),
		Capture: export.Capture{Cluster: cfg.Name, ClusterID: info.ID, Bootstrap: cl.Bootstrap(),
			Topic: x.sel.topic, Ranges: stream.Ranges(), Selection: x.sel.describe(), Filter: x.sel.filter,
			Analyst: export.Analyst(), Version: g.version, Provenance: prov},
		Reread: &export.Reread{KeyFormat: x.sel.keyFormat, ValueFormat: x.sel.valueFormat, Max: req.Max},
	}
	start := map[string]string{"topic": x.sel.topic, "selection": x.sel.describe(), "filter": x.sel.filter,
		"redact": strings.Join(x.redact, ",")}
	var sum export.Summary
	if x.file.Path != "" {
		start["destination"], start["format"] = x.file.Path, x.file.Format
		xr.Capture.Provenance.AuditEntry = g.audit("export-start", start).String()
		sum, err = export.ToFile(ctx, xr, x.file)
		g.audit("export", exportDetails(&x.sel, x.file.Path, sum, err))
	} else {
		start["destination"], start["index"] = export.RedactArgs([]string{hecOpts.URL})[0], hecOpts.Index
		xr.Capture.Provenance.AuditEntry = g.audit("export-start", start).String()
		sum, err = export.ToSplunk(ctx, xr, hecOpts)
		g.audit("export", exportDetails(&x.sel, hecOpts.URL, sum, err))
	}
	g.reportExport(sum, x.tokenFile)
	return err
}

// runResume finishes an export from its spool. The part of the selection never read is
// read from the cluster the flags name, else the one the spool names in the config file.
func runResume(ctx context.Context, g *globals, x *exportFlags) error {
	h, err := export.ReadSpoolHeader(x.resume)
	if err != nil {
		return err
	}
	rq := export.ResumeRequest{Spool: x.resume, Progress: progressPrinter(g.stderr)}
	var splunk *config.Splunk
	if len(h.Remaining()) > 0 || x.tokenFile == "" && os.Getenv(export.TokenEnv) == "" && !g.demo {
		if !g.demo && g.brokers == "" && g.cluster == "" && len(g.props) == 0 && len(g.propFiles) == 0 {
			if conf, err := g.config(); err == nil && conf.Clusters[h.Cluster].Brokers != nil {
				g.cluster = h.Cluster
			}
		}
		if len(h.Remaining()) > 0 {
			cl, cfg, err := g.connect(ctx)
			if err != nil {
				return fmt.Errorf("resume reads the rest of topic %q: %w", h.Topic, err)
			}
			defer cl.Close()
			if err := sameCluster(ctx, cl, h); err != nil {
				return err
			}
			sel := selection{keyFormat: h.Selection.KeyFormat, valueFormat: h.Selection.ValueFormat}
			if rq.Decoder, err = sel.decoder(cfg, g.logger); err != nil {
				return err
			}
			rq.Reader, splunk = cl, cfg.Splunk
		} else if cfgs, err := g.clusterConfigs(ctx, true); err == nil {
			splunk = cfgs[0].Splunk // only for its token
		}
	}
	ref := ""
	if splunk != nil {
		ref = splunk.Token
	}
	if rq.Token, err = export.HECToken(x.tokenFile, ref); err != nil {
		return hecUsage(err)
	}
	sum, err := export.Resume(ctx, rq)
	g.audit("export-resume", map[string]string{"spool": x.resume, "destination": export.RedactArgs([]string{sum.Destination})[0],
		"confirmed": fmt.Sprint(sum.Acked), "failed": fmt.Sprint(sum.Failed), "result": errText(err)})
	g.reportExport(sum, x.tokenFile)
	return err
}

// sameCluster refuses to finish a selection from another cluster than it was read from.
func sameCluster(ctx context.Context, cl *kafka.Client, h export.SpoolHeader) error {
	if h.ClusterID == "" {
		return nil
	}
	info, err := cl.ClusterInfo(ctx)
	if err != nil {
		return err
	}
	if info.ID != h.ClusterID {
		return usageError{fmt.Errorf("resume: the spool was read from cluster %q (id %s), these flags reach cluster id %s: "+
			"give the connection flags of the export", h.Cluster, h.ClusterID, info.ID)}
	}
	return nil
}

// hecUsage marks the HEC destination errors that are about how kpeek was called.
func hecUsage(err error) error {
	if errors.Is(err, export.ErrNoHECToken) || errors.Is(err, export.ErrNoHECURL) ||
		errors.Is(err, export.ErrNoConfiguredSplunk) {
		return usageError{err}
	}
	return err
}

// reportExport prints how an export ended, with the command that finishes it.
func (g *globals) reportExport(sum export.Summary, tokenFile string) {
	if sum.Spool != "" {
		// The cluster flags matter when the resume reads from Kafka or finds the token in
		// the cluster's config; otherwise the shorter command is the clearer one.
		cluster := sum.Unread > 0 || tokenFile == "" && os.Getenv(export.TokenEnv) == ""
		var omitted []string
		sum.ResumeWith, omitted = g.resumeCommand(sum.Spool, tokenFile, cluster)
		if len(omitted) > 0 {
			sum.ResumeWith += " (and again " + strings.Join(omitted, ", ") + ": secrets are not printed)"
		}
	}
	g.report(sum)
}

// resumeCommand is the command line that finishes the export spooled at spool, so it
// works as printed from any folder: with cluster, the connection flags this one was
// given (values of secret-bearing -X properties are left out and named in omitted).
func (g *globals) resumeCommand(spool, tokenFile string, cluster bool) (cmd string, omitted []string) {
	args := []string{"kpeek"}
	add := func(flag, v string) { args = append(args, flag, shellQuote(v)) }
	if cluster {
		omitted = g.connectionArgs(&args)
	}
	args = append(args, "export")
	add("--resume", absPath(spool))
	if tokenFile != "" {
		add("--splunk-token-file", absPath(tokenFile))
	}
	return strings.Join(args, " "), omitted
}

// connectionArgs appends the flags that chose the cluster; it returns the secret ones left out.
func (g *globals) connectionArgs(args *[]string) (omitted []string) {
	add := func(flag, v string) { *args = append(*args, flag, shellQuote(v)) }
	if g.configPath != "" {
		add("--config", absPath(g.configPath))
	}
	switch {
	case g.demo:
		*args = append(*args, "--demo")
	case g.brokers != "":
		add("-b", g.brokers)
	case g.cluster != "":
		add("-c", g.cluster)
	}
	for _, f := range g.propFiles {
		add("-F", absPath(f))
	}
	// Values that carry secrets (what export.RedactArgs would hide) are left out.
	secret := func(flag, v string) bool { return export.RedactArgs([]string{flag, v})[1] != v }
	for _, p := range g.props {
		if secret("-X", p) {
			key, _, _ := strings.Cut(p, "=")
			omitted = append(omitted, "-X "+strings.TrimSpace(key)+"=…")
			continue
		}
		add("-X", p)
	}
	if g.schemaRegistry != "" {
		if secret("--schema-registry", g.schemaRegistry) {
			omitted = append(omitted, "--schema-registry")
		} else {
			add("--schema-registry", g.schemaRegistry)
		}
	}
	return omitted
}

func absPath(p string) string {
	if abs, err := filepath.Abs(p); err == nil {
		return abs
	}
	return p
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:,=@+%", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
