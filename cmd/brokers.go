package cmd

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/kpeek/kpeek/export"
	"github.com/kpeek/kpeek/kafka"
)

func newBrokersCmd(g *globals) *cobra.Command {
	var output string
	var configs bool
	cmd := &cobra.Command{
		Use:   "brokers",
		Short: "List brokers (id, address, rack, controller) and, with --configs, their configs",
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
			info, err := cl.ClusterInfo(ctx)
			if err != nil {
				return err
			}
			l := export.BrokerListing{Cluster: info}
			if configs {
				l.Configs = map[int32][]kafka.ConfigEntry{}
				l.ConfigErr = map[int32]error{}
				for _, b := range info.Brokers {
					cs, err := cl.BrokerConfigs(ctx, b.ID)
					if err != nil {
						if ctx.Err() != nil {
							return ctx.Err()
						}
						// One broker's configs missing (DESCRIBE_CONFIGS denied, broker
						// down) is shown in the listing, not a failure of the whole.
						l.ConfigErr[b.ID] = err
						fmt.Fprintf(g.stderr, "kpeek: %s\n", oneLine(err.Error()))
						continue
					}
					l.Configs[b.ID] = cs
				}
			}
			if err := export.WriteBrokers(g.stdout, l, output); err != nil {
				return err
			}
			if configs && len(l.ConfigErr) == len(info.Brokers) && len(info.Brokers) > 0 {
				return fmt.Errorf("no broker's configs could be described (see above)")
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "table", "table or json")
	cmd.Flags().BoolVar(&configs, "configs", false, "also list every broker's configs with their source")
	return cmd
}
