package export

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/kafka"
)

// BrokerListing is what `kpeek brokers` shows: the cluster's brokers and, when asked for,
// each broker's configs (nil when not asked; ConfigErr when they could not be described).
type BrokerListing struct {
	Cluster   kafka.ClusterInfo
	Configs   map[int32][]kafka.ConfigEntry
	ConfigErr map[int32]error
}

type brokerJSON struct {
	ID         int32        `json:"id"`
	Address    string       `json:"address"`
	Rack       *string      `json:"rack"`
	Controller bool         `json:"controller"`
	Configs    []configJSON `json:"configs,omitempty"`
	ConfigErr  *string      `json:"configs_error,omitempty"`
}

type configJSON struct {
	Name      string  `json:"name"`
	Value     *string `json:"value"` // null when the broker withholds a sensitive value
	Source    string  `json:"source"`
	Default   bool    `json:"default"`
	Sensitive bool    `json:"sensitive"`
	ReadOnly  bool    `json:"read_only"`
}

// WriteBrokers writes a broker listing as an aligned table or as indented JSON.
func WriteBrokers(w io.Writer, l BrokerListing, format string) error {
	if format == "json" {
		out := struct {
			ClusterID  string       `json:"cluster_id"`
			Controller int32        `json:"controller"`
			Brokers    []brokerJSON `json:"brokers"`
		}{l.Cluster.ID, l.Cluster.Controller, []brokerJSON{}}
		for _, b := range l.Cluster.Brokers {
			bj := brokerJSON{ID: b.ID, Address: b.Addr, Controller: b.ID == l.Cluster.Controller}
			if b.Rack != "" {
				bj.Rack = &b.Rack
			}
			for _, c := range l.Configs[b.ID] {
				bj.Configs = append(bj.Configs, configJSON(c))
			}
			if err := l.ConfigErr[b.ID]; err != nil {
				msg := err.Error()
				bj.ConfigErr = &msg
			}
			out.Brokers = append(out.Brokers, bj)
		}
		return WriteJSON(w, out)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tADDRESS\tRACK\tCONTROLLER")
	for _, b := range l.Cluster.Brokers {
		ctl := ""
		if b.ID == l.Cluster.Controller {
			ctl = "yes"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", b.ID, decode.Sanitize(b.Addr), orDash(decode.Sanitize(b.Rack)), ctl)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if l.Configs == nil && l.ConfigErr == nil {
		return nil
	}
	fmt.Fprintln(w)
	return writeBrokerConfigs(w, l)
}

// writeBrokerConfigs writes every broker's configs as one table: broker, name, value, source.
func writeBrokerConfigs(w io.Writer, l BrokerListing) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "BROKER\tCONFIG\tVALUE\tSOURCE")
	for _, b := range l.Cluster.Brokers {
		if err := l.ConfigErr[b.ID]; err != nil {
			fmt.Fprintf(tw, "%d\t?\t%s\t\n", b.ID, decode.Sanitize(err.Error()))
			continue
		}
		for _, c := range l.Configs[b.ID] {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", b.ID, decode.Sanitize(c.Name), configValue(c), c.Source)
		}
	}
	return tw.Flush()
}

// configValue renders a config value for a table: withheld sensitive values and empty
// values are named, never shown as blank.
func configValue(c kafka.ConfigEntry) string {
	switch {
	case c.Value == nil:
		return "(sensitive, withheld)"
	case *c.Value == "":
		return "(empty)"
	}
	return decode.Sanitize(*c.Value)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// SchemaListing is what `kpeek schemas` shows: the registry's subjects and, per subject,
// the topics whose key or value it names (Confluent's default TopicNameStrategy:
// "<topic>-key", "<topic>-value").
type SchemaListing struct {
	Subjects []decode.Subject
	Topics   map[string][]string // subject -> topics; nil when the topics could not be listed
}

// SubjectTopics maps each subject named after a topic's key or value to that topic.
func SubjectTopics(subjects []decode.Subject, topics kafka.Topics) map[string][]string {
	names := make(map[string]bool, len(topics))
	for _, t := range topics {
		names[t.Name] = true
	}
	out := map[string][]string{}
	for _, s := range subjects {
		for _, suffix := range []string{"-value", "-key"} {
			if t, ok := strings.CutSuffix(s.Name, suffix); ok && names[t] {
				out[s.Name] = append(out[s.Name], t)
			}
		}
	}
	return out
}

// WriteSubjects writes the registry's subjects as an aligned table or as indented JSON.
func WriteSubjects(w io.Writer, l SchemaListing, format string) error {
	if format == "json" {
		type subjectJSON struct {
			Subject  string   `json:"subject"`
			Type     string   `json:"type,omitempty"`
			Versions []int    `json:"versions"`
			LatestID *int     `json:"latest_id"`
			Topics   []string `json:"topics"`
			Error    *string  `json:"error,omitempty"`
		}
		out := make([]subjectJSON, 0, len(l.Subjects))
		for _, s := range l.Subjects {
			sj := subjectJSON{Subject: s.Name, Type: s.Type, Versions: s.Versions, Topics: l.Topics[s.Name]}
			if sj.Versions == nil {
				sj.Versions = []int{}
			}
			if s.Err != nil {
				msg := s.Err.Error()
				sj.Error = &msg
			} else {
				id := s.LatestID
				sj.LatestID = &id
			}
			out = append(out, sj)
		}
		return WriteJSON(w, out)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SUBJECT\tTYPE\tVERSIONS\tLATEST ID\tTOPICS")
	for _, s := range l.Subjects {
		if s.Err != nil {
			fmt.Fprintf(tw, "%s\t?\t?\t?\t%s\n", decode.Sanitize(s.Name), decode.Sanitize(s.Err.Error()))
			continue
		}
		topics := "-"
		if l.Topics == nil {
			topics = "?"
		} else if ts := l.Topics[s.Name]; len(ts) > 0 {
			topics = decode.Sanitize(strings.Join(ts, ","))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\n", decode.Sanitize(s.Name), s.Type, versionList(s.Versions), s.LatestID, topics)
	}
	return tw.Flush()
}

// WriteSchemaVersions writes every version of one subject.
func WriteSchemaVersions(w io.Writer, versions []decode.SchemaVersion, format string) error {
	if format == "json" {
		out := make([]schemaJSON, 0, len(versions))
		for _, v := range versions {
			out = append(out, newSchemaJSON(v))
		}
		return WriteJSON(w, out)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SUBJECT\tVERSION\tID\tTYPE\tREFERENCES")
	for _, v := range versions {
		refs := make([]string, 0, len(v.References))
		for _, r := range v.References {
			refs = append(refs, fmt.Sprintf("%s (%s v%d)", r.Name, r.Subject, r.Version))
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\n", decode.Sanitize(v.Subject), v.Version, v.ID, v.Type,
			orDash(decode.Sanitize(strings.Join(refs, ", "))))
	}
	return tw.Flush()
}

// WriteSchema writes one schema version: in a table its text alone (safe to save as a
// schema file, every line sanitised), in JSON with its id, type and references.
func WriteSchema(w io.Writer, v decode.SchemaVersion, format string) error {
	if format == "json" {
		return WriteJSON(w, newSchemaJSON(v))
	}
	text := decode.SanitizeMultiline(v.Text)
	if !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	_, err := io.WriteString(w, text)
	return err
}

type schemaJSON struct {
	Subject    string          `json:"subject"`
	Version    int             `json:"version"`
	ID         int             `json:"id"`
	Type       string          `json:"type"`
	References []referenceJSON `json:"references"`
	Schema     string          `json:"schema"`
}

type referenceJSON struct {
	Name    string `json:"name"`
	Subject string `json:"subject"`
	Version int    `json:"version"`
}

func newSchemaJSON(v decode.SchemaVersion) schemaJSON {
	out := schemaJSON{Subject: v.Subject, Version: v.Version, ID: v.ID, Type: v.Type, Schema: v.Text,
		References: []referenceJSON{}}
	for _, r := range v.References {
		out.References = append(out.References, referenceJSON(r))
	}
	return out
}

func versionList(vs []int) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = strconv.Itoa(v)
	}
	return strings.Join(parts, ",")
}
