package cmd

import (
	"fmt"
	"strings"

	"github.com/kpeek/kpeek/kafka/demo"
	"github.com/spf13/cobra"
)

func newDemoCmd(g *globals) *cobra.Command {
	demoCmd := &cobra.Command{Use: "demo", Short: "The embedded demo cluster", Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() }}
	var addr, regAddr string
	serve := &cobra.Command{
		Use:   "serve",
		Short: "Run the demo cluster and schema registry on loopback until interrupted",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := g.setupLogger(false); err != nil {
				return err
			}
			c, err := demo.Start(cmd.Context(), demo.WithKafkaAddr(addr), demo.WithRegistryAddr(regAddr),
				demo.WithLogger(g.logger))
			if err != nil {
				return fmt.Errorf("start demo cluster: %w", err)
			}
			defer c.Close()
			cfg := c.ClusterConfig()
			fmt.Fprintf(g.stderr, "kpeek demo: kafka on %s, schema registry on %s (Ctrl-C to stop)\n",
				strings.Join(cfg.Brokers, ","), cfg.SchemaRegistry.URL)
			<-cmd.Context().Done()
			return nil
		},
	}
	serve.Flags().StringVar(&addr, "addr", "127.0.0.1:9092", "Kafka listen address")
	serve.Flags().StringVar(&regAddr, "registry-addr", "127.0.0.1:8081", "schema registry listen address")
	demoCmd.AddCommand(serve)
	return demoCmd
}
