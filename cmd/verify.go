package cmd

import (
	"fmt"

	"github.com/kpeek/kpeek/export"
	"github.com/spf13/cobra"
)

func newVerifyCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "verify BUNDLE",
		Short: "Re-check every hash of an evidence bundle",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := export.Verify(args[0]); err != nil {
				return err
			}
			fmt.Fprintf(g.stdout, "%s: verified\n", args[0])
			return nil
		},
	}
}
