package cmd

import (
	"errors"

	"github.com/kpeek/kpeek/export"
	"github.com/kpeek/kpeek/kafka"
	"github.com/spf13/cobra"
)

func newGroupsCmd(g *globals) *cobra.Command {
	var output, topic string
	cmd := &cobra.Command{
		Use:   "groups",
		Short: "List consumer groups with state, members and lag",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if err := checkChoice("-o", output, export.ListingFormats...); err != nil {
				return err
			}
			cl, _, err := g.connect(ctx)
			if err != nil {
				return err
			}
			defer cl.Close()
			if topic != "" {
				// A typo must not look like a topic nobody reads.
				if _, err := cl.Topic(ctx, topic); err != nil {
					return err
				}
			}
			groups, err := cl.Groups(ctx)
			var hidden *kafka.IncompleteError
			if errors.As(err, &hidden) {
				g.note(hidden.Error())
			} else if err != nil {
				return err
			}
			if topic != "" {
				groups = groups.Reading(topic)
			}
			for _, gr := range groups {
				if gr.Err != nil {
					g.note("group " + gr.ID + ": " + gr.Err.Error())
				}
			}
			return export.WriteGroups(g.stdout, groups, output)
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "table", "table or json")
	cmd.Flags().StringVarP(&topic, "topic", "t", "", "only groups that read this topic")
	return cmd
}
