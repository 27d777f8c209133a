package cmd

import (
	"errors"
	"fmt"

	"github.com/kpeek/kpeek/export"
	"github.com/kpeek/kpeek/kafka"
	"github.com/spf13/cobra"
)

func newACLsCmd(g *globals) *cobra.Command {
	var output, topic, principal string
	cmd := &cobra.Command{
		Use:   "acls",
		Short: "List ACL bindings (needs DESCRIBE on the cluster)",
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
			acls, err := cl.ACLs(cmd.Context())
			var na *kafka.NotAuthorizedError
			switch {
			case errors.As(err, &na):
				g.printNotes([]string{"no DESCRIBE on the cluster: ACLs are not shown"})
				acls = nil
			case errors.Is(err, kafka.ErrNoAuthorizer):
				g.printNotes([]string{err.Error()})
				acls = nil
			case err != nil:
				return err
			}
			if topic != "" {
				acls = acls.ForTopic(topic)
			}
			if principal != "" {
				acls = acls.ForPrincipal(principal)
			}
			if err := export.WriteACLs(g.stdout, acls, output); err != nil {
				return fmt.Errorf("write ACLs: %w", err)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&output, "output", "o", "table", "table or json")
	f.StringVarP(&topic, "topic", "t", "", "only bindings that apply to this topic (literal, * and prefixed)")
	f.StringVar(&principal, "principal", "", "only bindings of this principal (and User:*), e.g. User:alice")
	return cmd
}
