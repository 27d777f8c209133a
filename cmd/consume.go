package cmd

import (
	"context"
	"fmt"
	"time"

	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/decode/filter"
	"github.com/kpeek/kpeek/export"
	"github.com/kpeek/kpeek/internal/gctarget"
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
			defer gctarget.Set(streamingGCPercent)()
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
			if sel.follow {
				stopWatch := watchStalls(ctx, stream, stallCheck, g.printNotes)
				defer stopWatch()
			}
			read, n, err := copyRecords(ctx, stream, dec, flt, w, sel.follow)
			if ferr := w.Flush(); err == nil {
				err = ferr
			}
			g.logger.Debug("consume done", "read", read, "records", n)
			if err == nil && n == 0 {
				// An empty output is an answer only when it says what it answers.
				g.printNotes([]string{emptyNote(&sel, read)})
			}
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
	w export.RecordWriter, follow bool) (read, written int, err error) {
	n := 0
	// Decode only what the filter and the output look at (raw output: the value alone).
	need := flt.Needs() | export.Needs(w)
	var sc decode.Scratch
	for b := range s.Batches() {
		if b.Err != nil {
			return read, n, b.Err
		}
		read += len(b.Records)
		for i := range b.Records {
			env, _ := dec.DecodeParts(ctx, &b.Records[i], decode.ClassDecode, need, &sc)
			if !flt.Match(env) {
				continue
			}
			if err := w.Write(env); err != nil {
				return read, n, fmt.Errorf("write output: %w", err)
			}
			n++
		}
		if follow {
			if err := w.Flush(); err != nil {
				return read, n, fmt.Errorf("write output: %w", err)
			}
		}
	}
	return read, n, ctx.Err()
}

// emptyNote says why a finished read printed nothing: the selection held no record, or
// none of those read matched the filter.
func emptyNote(sel *selection, read int) string {
	what := "the selection"
	if d := sel.describe(); d != "" {
		what = "the selection (" + d + ")"
	}
	if read == 0 {
		return fmt.Sprintf("no records: %s holds none in topic %q", what, sel.topic)
	}
	return fmt.Sprintf("none of the %d records read matched the filter", read)
}

// stallCheck is how often a followed read is asked whether a broker stopped answering.
const stallCheck = time.Second

// watchStalls says on stderr when a followed read's broker stops answering its fetches
// and when it answers again: a follow that prints nothing must not pass for a quiet topic.
// The returned func stops the watch and waits for it.
func watchStalls(ctx context.Context, s interface{ Stalled() error }, every time.Duration, note func([]string)) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(every)
		defer t.Stop()
		var said error
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			now := s.Stalled()
			switch {
			case now != nil && (said == nil || now.Error() != said.Error()):
				note([]string{"stalled: " + now.Error() + "; retrying"})
			case now == nil && said != nil:
				note([]string{"reading again"})
			}
			said = now
		}
	}()
	return func() { cancel(); <-done }
}
