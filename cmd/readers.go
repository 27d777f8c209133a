package cmd

import (
	"errors"
	"fmt"
	"time"

	"github.com/kpeek/kpeek/export"
	"github.com/kpeek/kpeek/kafka/history"
	"github.com/spf13/cobra"
)

func newReadersCmd(g *globals) *cobra.Command {
	var output, topic, from, to string
	cmd := &cobra.Command{
		Use:   "readers",
		Short: "Who may read a topic (ACLs), who did (commits, hosts), and who is reading it now",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if topic == "" {
				return usageError{errors.New("missing -t TOPIC")}
			}
			if err := checkChoice("-o", output, export.ListingFormats...); err != nil {
				return err
			}
			start, stop, err := parseWindow(from, to, time.Now())
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			cl, _, err := g.connect(ctx)
			if err != nil {
				return err
			}
			defer cl.Close()
			if _, err := cl.Topic(ctx, topic); err != nil {
				return err
			}
			rep, err := history.Readers(ctx, cl, topic, start, stop, history.WithLogger(g.logger))
			if err != nil {
				return err
			}
			if err := export.WriteReaders(g.stdout, rep, output); err != nil {
				return fmt.Errorf("write readers: %w", err)
			}
			g.printNotes(rep.Notes)
			if !rep.Oldest.IsZero() {
				g.printNotes([]string{"history reaches back to " + rep.Oldest.UTC().Format(time.RFC3339)})
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&output, "output", "o", "table", "table or json")
	f.StringVarP(&topic, "topic", "t", "", "the topic (required)")
	f.StringVar(&from, "from", "", "window start: RFC3339 or relative (-24h) (default: the oldest commit kept)")
	f.StringVar(&to, "to", "", "window end: RFC3339, relative or now (default now)")
	return cmd
}
