package export

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/kafka"
)

// WriteTopicConfigs writes a topic's full configuration as an aligned table or as JSON
// ({"topic": ..., "configs": [...]}, entries as kpeek brokers --configs writes them).
func WriteTopicConfigs(w io.Writer, topic string, configs []kafka.ConfigEntry, format string) error {
	if format == "json" {
		out := struct {
			Topic   string       `json:"topic"`
			Configs []configJSON `json:"configs"`
		}{Topic: topic, Configs: make([]configJSON, 0, len(configs))}
		for _, c := range configs {
			out.Configs = append(out.Configs, configJSON(c))
		}
		return WriteJSON(w, out)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CONFIG\tVALUE\tSOURCE\tDEFAULT")
	for _, c := range configs {
		def := "no"
		if c.Default {
			def = "yes"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", decode.Sanitize(c.Name), configValue(c), c.Source, def)
	}
	return tw.Flush()
}
