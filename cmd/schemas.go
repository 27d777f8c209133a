package cmd

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/export"
)

func newSchemasCmd(g *globals) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "schemas [SUBJECT [VERSION|latest]]",
		Short: "List the schema registry's subjects (with the topics that use them), a subject's versions, or one schema",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 2 {
				return usageError{fmt.Errorf("%s takes at most SUBJECT and VERSION, got %d arguments", cmd.CommandPath(), len(args))}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if err := checkChoice("-o", output, export.ListingFormats...); err != nil {
				return err
			}
			version := -1 // every version
			if len(args) == 2 {
				v, err := parseSchemaVersion(args[1])
				if err != nil {
					return err
				}
				version = v
			}
			cl, cfg, connErr := g.connect(ctx)
			if cl != nil {
				defer cl.Close()
			}
			if ue := (usageError{}); errors.As(connErr, &ue) {
				return connErr
			}
			if cfg.SchemaRegistry == nil || cfg.SchemaRegistry.URL == "" {
				return usageError{errors.New("no schema registry: give --schema-registry URL or schema_registry in the config file")}
			}
			// Without Kafka the registry still answers; only the topic column is lost.
			reg, err := decode.NewRegistry(*cfg.SchemaRegistry, decode.WithRegistryLogger(g.logger))
			if err != nil {
				return err
			}
			switch {
			case len(args) == 0:
				subjects, err := reg.Subjects(ctx)
				if err != nil {
					return err
				}
				l := export.SchemaListing{Subjects: subjects}
				if cl == nil {
					fmt.Fprintf(g.stderr, "kpeek: note: topics not shown: %s\n", oneLine(connErr.Error()))
				} else if topics, terr := cl.Topics(ctx); terr != nil {
					fmt.Fprintf(g.stderr, "kpeek: note: topics not shown: %s\n", oneLine(terr.Error()))
				} else {
					l.Topics = export.SubjectTopics(subjects, topics)
				}
				return export.WriteSubjects(g.stdout, l, output)
			case version < 0:
				versions, err := reg.Versions(ctx, args[0])
				if err != nil {
					return err
				}
				out := make([]decode.SchemaVersion, 0, len(versions))
				for _, v := range versions {
					sv, err := reg.Version(ctx, args[0], v)
					if err != nil {
						return err
					}
					out = append(out, sv)
				}
				return export.WriteSchemaVersions(g.stdout, out, output)
			default:
				sv, err := reg.Version(ctx, args[0], version)
				if err != nil {
					return err
				}
				return export.WriteSchema(g.stdout, sv, output)
			}
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "table", "table or json (one schema: its text, or json with id, type and references)")
	return cmd
}

// parseSchemaVersion reads a VERSION argument: a positive number or "latest" (0).
func parseSchemaVersion(s string) (int, error) {
	if s == "latest" {
		return 0, nil
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < 1 {
		return 0, usageError{fmt.Errorf("VERSION %q: want a positive number or latest", s)}
	}
	return v, nil
}
