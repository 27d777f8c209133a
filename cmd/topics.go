package cmd

import (
	"errors"
	"fmt"

	"github.com/kpeek/kpeek/export"
	"github.com/kpeek/kpeek/kafka"
	"github.com/spf13/cobra"
)

func newTopicsCmd(g *globals) *cobra.Command {
	var output string
	var internal, configs bool
	var topic string
	cmd := &cobra.Command{
		Use:   "topics",
		Short: "List topics with partitions, record counts and retention",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkChoice("-o", output, export.ListingFormats...); err != nil {
				return err
			}
			if configs && topic == "" {
				return usageError{errors.New("--configs needs -t TOPIC")}
			}
			cl, _, err := g.connect(cmd.Context())
			if err != nil {
				return err
			}
			defer cl.Close()
			if configs {
				return writeTopicConfigs(cmd.Context(), g, cl, topic, output)
			}
			topics, err := listTopics(cmd.Context(), cl, topic)
			if err != nil {
				return err
			}
			if !internal {
				topics = topics.WithoutInternal()
			}
			// What the account may not see is said on stderr, once per cause; the listing
			// shows it as ? (null in JSON), never as 0.
			var causes []string
			first, count := map[string]string{}, map[string]int{}
			for _, t := range topics {
				if t.Err == nil {
					continue
				}
				cause := t.Err.Error()
				var na *kafka.NotAuthorizedError
				if errors.As(t.Err, &na) {
					cause = na.Operation // one note per missing permission
				}
				if count[cause] == 0 {
					causes = append(causes, cause)
					first[cause] = t.Err.Error()
				}
				count[cause]++
			}
			for _, c := range causes {
				msg := first[c]
				if n := count[c]; n > 1 {
					msg = fmt.Sprintf("%s (and %d more topics)", msg, n-1)
				}
				g.note(msg)
			}
			return export.WriteTopics(g.stdout, topics, output)
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "table", "table or json")
	cmd.Flags().BoolVar(&internal, "internal", false, "include internal topics (__consumer_offsets, ...)")
	cmd.Flags().StringVarP(&topic, "topic", "t", "", "only this topic")
	cmd.Flags().BoolVar(&configs, "configs", false, "every config of -t TOPIC with its value and source")
	return cmd
}
