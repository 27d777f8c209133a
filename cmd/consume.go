package cmd

import (
	"context"
	"fmt"

	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/decode/filter"
	"github.com/kpeek/kpeek/export"
	"github.com/kpeek/kpeek/kafka"
	"github.com/spf13/cobra"
)

func newConsumeCmd(g *globals) *cobra.Command {
	var sel selection
	var output string
	var withRaw bool
	cmd := &cobra.Command{
		Use:   "consume -t TOPIC",
		Short: "Print records (read-only: never joins a group or commits)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if err := checkChoice("-o", output, export.OutputFormats...); err != nil {
				return err
			}
			req, flt, err := sel.parse()
			if err != nil {
				return err
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
			w, err := export.NewRecordWriter(g.stdout, output, export.WithRaw(withRaw))
			if err != nil {
				return usageError{err}
			}
			defer flt.CheckFields().Report(g.stderr) // a field no record has: say so, with the nearest one
			stream, err := cl.Read(ctx, req)
			if err != nil {
				return err
			}
			defer stream.Close()
			g.audit("consume", map[string]string{"topic": sel.topic, "selection": sel.describe(), "filter": sel.filter, "follow": fmt.Sprint(sel.follow)})
			n, err := copyRecords(ctx, stream, dec, flt, w, sel.follow)
			if ferr := w.Flush(); err == nil {
				err = ferr
			}
			g.logger.Debug("consume done", "records", n)
			if err != nil && sel.follow && ctx.Err() != nil {
				return nil // interrupted follow is the normal way to stop
			}
			return err
		},
	}
	sel.register(cmd)
	cmd.Flags().StringVarP(&output, "output", "o", "ndjson", "ndjson, json, table or raw")
	cmd.Flags().BoolVar(&withRaw, "raw-bytes", false, "add key_raw and value_raw (base64) to each envelope")
	return cmd
}

// copyRecords decodes, filters and writes every record of the stream; it flushes after
// each batch while following so records appear as they arrive.
func copyRecords(ctx context.Context, s *kafka.Stream, dec *decode.Decoder, flt *filter.Filter,
	w export.RecordWriter, follow bool) (int, error) {
	n := 0
	// Decode only what the filter and the output look at (raw output: the value alone).
	need := flt.Needs() | export.Needs(w)
	var sc decode.Scratch
	for b := range s.Batches() {
		if b.Err != nil {
			return n, b.Err
		}
		for i := range b.Records {
			env, _ := dec.DecodeParts(ctx, &b.Records[i], decode.ClassDecode, need, &sc)
			if !flt.Match(env) {
				continue
			}
			if err := w.Write(env); err != nil {
				return n, fmt.Errorf("write output: %w", err)
			}
			n++
		}
		if follow {
			if err := w.Flush(); err != nil {
				return n, fmt.Errorf("write output: %w", err)
			}
		}
	}
	return n, ctx.Err()
}
