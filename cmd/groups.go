package cmd

import (
	"github.com/kpeek/kpeek/export"
	"github.com/spf13/cobra"
)

func newGroupsCmd(g *globals) *cobra.Command {
	var output, topic string
	cmd := &cobra.Command{
		Use:   "groups",
		Short: "List consumer groups with state, members and lag",
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
			groups, err := cl.Groups(cmd.Context())
			if err != nil {
				return err
			}
			if topic != "" {
				groups = groups.Reading(topic)
			}
			return export.WriteGroups(g.stdout, groups, output)
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "table", "table or json")
	cmd.Flags().StringVarP(&topic, "topic", "t", "", "only groups that read this topic")
	return cmd
}
