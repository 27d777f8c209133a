package cmd

import (
	"fmt"

	"github.com/kpeek/kpeek/export"
	"github.com/spf13/cobra"
)

func newVerifyCmd(g *globals) *cobra.Command {
	var signer, digest string
	cmd := &cobra.Command{
		Use:   "verify BUNDLE",
		Short: "Check an evidence bundle: its seal, every hash, every record against its raw bytes",
		Long: "Check an evidence bundle: the SSH signature of its tag manifest, every hash, no file added or\n" +
			"replaced by a link, and every readable record against its raw bytes, decoded again with the\n" +
			"schemas kept in the bundle. Exit 3 when the bundle is not what was exported.",
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var opts []export.VerifyOption
			if signer != "" {
				opts = append(opts, export.RequireSigner(signer))
			}
			if digest != "" {
				opts = append(opts, export.RequireRootDigest(digest))
			}
			rep, err := export.Verify(cmd.Context(), args[0], opts...)
			g.audit("verify", map[string]string{"bundle": args[0], "root_digest": rep.RootDigest, "signer": rep.Signer, "result": errText(err)})
			if err != nil {
				return err
			}
			out := g.stdout
			fmt.Fprintf(out, "%s: verified\n", oneLine(args[0]))
			fmt.Fprintf(out, "root digest: %s\n", rep.RootDigest)
			fmt.Fprintf(out, "sealed by:   %s (%s)\n", rep.Signer, oneLine(rep.SignerKey))
			fmt.Fprintf(out, "records:     %d, %d bound to their raw bytes, %d decoded again from them\n", rep.Records, rep.Bound, rep.Redecoded)
			for _, n := range rep.NotBound {
				fmt.Fprintf(out, "not bound:   %s\n", oneLine(n))
			}
			if signer == "" || digest == "" {
				fmt.Fprintln(out, "check that the root digest and key are the ones in the case ticket (or pass --digest and --signer)")
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&signer, "signer", "", "fail unless sealed by the key with this fingerprint (SHA256:...)")
	cmd.Flags().StringVar(&digest, "digest", "", "fail unless the root digest is this one (sha256:..., from the case ticket)")
	return cmd
}
