package cmd

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/kpeek/kpeek/export"
	"github.com/spf13/cobra"
)

func newExportCmd(g *globals) *cobra.Command {
	var sel selection
	var fileOpts export.FileOptions
	var hec export.HECOptions
	var tokenFile, resume string
	var redact []string
	cmd := &cobra.Command{
		Use:   "export -t TOPIC (--file PATH [--format ndjson|csv|bundle] | --splunk URL)",
		Short: "Export records to a file or evidence bundle, or to Splunk HEC, losing none",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			progress := progressPrinter(g.stderr)
			if resume != "" {
				token, err := hecToken(tokenFile, "")
				if err != nil {
					return err
				}
				sum, err := export.Resume(ctx, resume, token, progress)
				g.audit("export-resume", map[string]string{"spool": resume, "destination": export.RedactArgs([]string{sum.Destination})[0],
					"confirmed": fmt.Sprint(sum.Acked), "failed": fmt.Sprint(sum.Failed), "result": errText(err)})
				g.report(sum)
				return err
			}
			if (fileOpts.Path == "") == (hec.URL == "") {
				return usageError{errors.New("choose one destination: --file PATH or --splunk URL")}
			}
			if fileOpts.Path != "" {
				if err := checkChoice("--format", fileOpts.Format, "ndjson", "csv", "bundle"); err != nil {
					return err
				}
			}
			if sel.follow {
				return usageError{errors.New("export takes a bounded range: use --to instead of --follow")}
			}
			resolved := time.Now()
			req, flt, err := sel.parse()
			if err != nil {
				return err
			}
			if redact, err = export.ParseRedactions(redact); err != nil {
				return usageError{fmt.Errorf("--redact: %w", err)}
			}
			cl, cfg, err := g.connect(ctx)
			if err != nil {
				return err
			}
			defer cl.Close()
			dec, err := sel.decoder(cfg, g.logger)
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
			var total int64
			for _, r := range stream.Ranges() {
				if r.End > r.Start {
					total += r.End - r.Start
				}
			}
			if req.Max > 0 && req.Max < total {
				total = req.Max
			}
			xr := export.Request{
				Records: stream.Batches(), Total: total, Decoder: dec, Filter: flt, Redact: redact,
				Progress: progress,
				Capture: export.Capture{Cluster: cfg.Name, ClusterID: info.ID, Bootstrap: cl.Bootstrap(),
					Topic: sel.topic, Ranges: stream.Ranges(), Selection: sel.describe(), Filter: sel.filter,
					Analyst: export.Analyst(), Version: g.version, Provenance: prov},
			}
			var sum export.Summary
			if fileOpts.Path != "" {
				xr.Capture.Provenance.AuditEntry = g.audit("export-start", map[string]string{"topic": sel.topic, "selection": sel.describe(),
					"filter": sel.filter, "destination": fileOpts.Path, "format": fileOpts.Format, "redact": strings.Join(redact, ",")}).String()
				sum, err = export.ToFile(ctx, xr, fileOpts)
				g.audit("export", exportDetails(&sel, fileOpts.Path, sum, err))
			} else {
				if hec.URL == "default" {
					if cfg.Splunk == nil || cfg.Splunk.URL == "" {
						return usageError{fmt.Errorf("--splunk default: cluster %q has no splunk destination in the config", cfg.Name)}
					}
					hec = hec.WithDefaults(*cfg.Splunk)
				}
				conf := ""
				if cfg.Splunk != nil {
					conf = cfg.Splunk.Token
				}
				if hec.Token, err = hecToken(tokenFile, conf); err != nil {
					return err
				}
				if hec.Source == "" {
					hec.Source = "kafka:" + cfg.Name + ":" + sel.topic
				}
				xr.Capture.Provenance.AuditEntry = g.audit("export-start", map[string]string{"topic": sel.topic, "selection": sel.describe(),
					"filter": sel.filter, "destination": export.RedactArgs([]string{hec.URL})[0], "index": hec.Index, "redact": strings.Join(redact, ",")}).String()
				sum, err = export.ToSplunk(ctx, xr, hec)
				g.audit("export", exportDetails(&sel, hec.URL, sum, err))
			}
			g.report(sum)
			return err
		},
	}
	sel.register(cmd)
	f := cmd.Flags()
	f.StringVar(&fileOpts.Path, "file", "", "write to this file (or bundle folder)")
	f.StringVar(&fileOpts.Format, "format", "ndjson", "ndjson, csv or bundle (BagIt evidence bag)")
	f.BoolVar(&fileOpts.Force, "force", false, "overwrite an existing file")
	f.BoolVar(&fileOpts.CSVRaw, "csv-raw", false, "csv: write cells verbatim, even those a spreadsheet would run as formulas (=, +, -, @)")
	f.StringVar(&hec.URL, "splunk", "", "Splunk HEC event endpoint URL (…/services/collector/event), or 'default' for the config's")
	f.StringVar(&tokenFile, "splunk-token-file", "", "file holding the HEC token (else $KPEEK_SPLUNK_TOKEN, else the config)")
	f.StringVar(&hec.Index, "index", "", "Splunk index")
	f.StringVar(&hec.Sourcetype, "sourcetype", "_json", "Splunk sourcetype")
	f.StringVar(&hec.Source, "source", "", "Splunk source (default kafka:<cluster>:<topic>)")
	f.StringVar(&hec.Host, "host", "", "Splunk host field")
	f.StringVar(&hec.CAFile, "splunk-ca", "", "CA file to verify the HEC endpoint")
	f.BoolVar(&hec.Ack, "ack", false, "use HEC indexer acknowledgement")
	f.IntVar(&hec.BatchBytes, "batch-bytes", 1<<20, "largest HEC request body before gzip")
	f.IntVar(&hec.Concurrency, "concurrency", 4, "HEC requests in flight")
	f.StringVar(&hec.SpoolDir, "spool-dir", ".", "where unconfirmed records are spooled")
	f.StringSliceVar(&redact, "redact", nil, "mask these field paths, e.g. value.card_number,value.email")
	f.StringVar(&resume, "resume", "", "finish an interrupted export from its spool file")
	return cmd
}

// hecToken is export.HECToken with a missing token reported as a usage error.
func hecToken(file, configRef string) (string, error) {
	tok, err := export.HECToken(file, configRef)
	if errors.Is(err, export.ErrNoHECToken) {
		return "", usageError{err}
	}
	return tok, err
}
