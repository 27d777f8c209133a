package cmd

import (
	"github.com/kpeek/kpeek/export"
	"github.com/spf13/cobra"
)

func newTopicsCmd(g *globals) *cobra.Command {
	var output string
	var internal bool
	cmd := &cobra.Command{
		Use:   "topics",
		Short: "List topics with partitions, record counts and retention",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkChoice("-o", output, export.ListingFormats...); err != nil {
				return err
			}
			cl, _, err := g.connect(cmd.Context())
			if err != nil {
				return err
			}
			defer cl.Close()
			topics, err := cl.Topics(cmd.Context())
			if err != nil {
				return err
			}
			if !internal {
				topics = topics.WithoutInternal()
			}
			return export.WriteTopics(g.stdout, topics, output)
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "table", "table or json")
	cmd.Flags().BoolVar(&internal, "internal", false, "include internal topics (__consumer_offsets, ...)")
	return cmd
}
