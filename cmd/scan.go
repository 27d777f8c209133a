package cmd

import (
	"context"
	"errors"
	"fmt"

	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/decode/filter"
	"github.com/kpeek/kpeek/decode/scan"
	"github.com/kpeek/kpeek/export"
	"github.com/kpeek/kpeek/internal/gctarget"
	"github.com/kpeek/kpeek/kafka"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

func newScanCmd(g *globals) *cobra.Command {
	var sel selection
	var topics []string
	var output string
	cmd := &cobra.Command{
		Use:   "scan -t TOPIC [-t TOPIC...]",
		Short: "Find regulated data (PCI, PII, secrets) per field, with masked examples",
		Long: "scan reads the selected records of each topic, decodes them and runs the detectors over\n" +
			"every field (and over text that did not decode): card numbers, e-mail addresses, phone\n" +
			"numbers, IBANs, national ids, IP addresses, dates of birth, private keys, JWTs, tokens,\n" +
			"fields named like passwords. It prints per field path what was found, in how many\n" +
			"records, when, and one masked example; then a verdict per topic.",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			defer gctarget.Set(streamingGCPercent)()
			ctx := cmd.Context()
			if err := checkChoice("-o", output, export.ListingFormats...); err != nil {
				return err
			}
			if len(topics) == 0 {
				return usageError{errors.New("missing -t TOPIC")}
			}
			reqs := make([]kafka.ReadRequest, len(topics))
			var flt *filter.Filter
			for i, t := range topics {
				s := sel
				s.topic = t
				req, f, err := s.parse()
				if err != nil {
					return err
				}
				reqs[i], flt = req, f
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
			scanner := scan.New()
			var reports []export.ScanReport
			for _, req := range reqs {
				tally := scan.NewTally(scanner, req.Topic)
				var started bool
				started, err = scanTopic(ctx, cl, req, dec, flt, tally)
				if started {
					reports = append(reports, export.NewScanReport(tally.Report(), err == nil))
				}
				if err != nil {
					break
				}
			}
			if werr := export.WriteScan(g.stdout, reports, output); err == nil && werr != nil {
				err = fmt.Errorf("write output: %w", werr)
			}
			return err
		},
	}
	// The shared selection, except that scan takes several topics and a bounded range.
	var shared cobra.Command
	sel.register(&shared)
	shared.Flags().VisitAll(func(f *pflag.Flag) {
		if f.Name != "topic" && f.Name != "follow" {
			cmd.Flags().AddFlag(f)
		}
	})
	cmd.Flags().StringArrayVarP(&topics, "topic", "t", nil, "topic to scan (repeatable)")
	cmd.Flags().StringVarP(&output, "output", "o", "table", "table or json")
	return cmd
}

// scanTopic reads one topic's selection and tallies what the detectors find in the
// records that pass the filter; started is false when the read could not begin.
func scanTopic(ctx context.Context, cl *kafka.Client, req kafka.ReadRequest, dec *decode.Decoder,
	flt *filter.Filter, tally *scan.Tally) (started bool, err error) {
	stream, err := cl.Read(ctx, req)
	if err != nil {
		return false, err
	}
	defer stream.Close()
	for b := range stream.Batches() {
		if b.Err != nil {
			return true, fmt.Errorf("scan %s: %w", req.Topic, b.Err)
		}
		for i := range b.Records {
			env := dec.Decode(ctx, &b.Records[i])
			if flt.Match(&env) {
				tally.Add(&env)
			}
		}
	}
	return true, ctx.Err()
}
