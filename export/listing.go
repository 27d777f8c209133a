package export

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/kafka"
)

// ListingFormats are the -o values of kpeek topics and kpeek groups.
var ListingFormats = []string{"table", "json"}

// WriteTopics writes a topic listing as an aligned table or as indented JSON.
func WriteTopics(w io.Writer, topics kafka.Topics, format string) error {
	if format == "json" {
		return WriteJSON(w, topicsJSON(topics))
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TOPIC\tPARTITIONS\tREPLICAS\tRECORDS\tCLEANUP\tRETENTION\tOLDEST\tEXPIRES")
	for _, t := range topics {
		name := decode.Sanitize(t.Name)
		if t.Internal {
			name += " (internal)"
		}
		cleanup := decode.Sanitize(t.CleanupPolicy)
		if t.ConfigErr != nil {
			cleanup = "?" // the account may not describe configs
		}
		records := "?"
		if t.RecordsKnown() {
			records = strconv.FormatInt(t.Records(), 10)
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\t%s\t%s\t%s\n", name, len(t.Partitions), t.ReplicationFactor,
			records, cleanup, t.Retention(), listingTime(t.OldestTimestamp), listingTime(t.ExpiresAt))
	}
	return tw.Flush()
}

// WriteGroups writes a consumer-group listing as an aligned table or as indented JSON.
func WriteGroups(w io.Writer, groups kafka.Groups, format string) error {
	if format == "json" {
		return WriteJSON(w, groupsJSON(groups))
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "GROUP\tSTATE\tMEMBERS\tLAG\tTOPICS")
	for _, g := range groups {
		lag := strconv.FormatInt(g.TotalLag(), 10)
		if g.Err != nil && len(g.Offsets) == 0 {
			lag = "?" // the offsets could not be fetched
		}
		for _, o := range g.Offsets {
			if o.Lag < 0 {
				lag += "+?" // some partitions' lag could not be listed
				break
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\n", decode.Sanitize(g.ID), decode.Sanitize(g.State), len(g.Members),
			lag, decode.Sanitize(strings.Join(g.Topics(), ",")))
	}
	return tw.Flush()
}

// WriteJSON writes v as indented JSON escaped like every record kpeek prints: no control,
// bidi or invisible rune from a topic, group or client id reaches the terminal raw. Every
// JSON document kpeek prints goes through it.
func WriteJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encode JSON: %w", err)
	}
	_, err := w.Write(decode.EscapeJSON(make([]byte, 0, buf.Len()+64), buf.Bytes()))
	return err
}

type topicJSON struct {
	Name              string          `json:"name"`
	Internal          bool            `json:"internal"`
	Partitions        []partitionJSON `json:"partitions"`
	ReplicationFactor int             `json:"replication_factor"`
	Records           *int64          `json:"records"`        // null when some partition's offsets are unknown
	CleanupPolicy     *string         `json:"cleanup_policy"` // null when the configs could not be read
	RetentionMs       *int64          `json:"retention_ms"`   // null likewise; -1 is forever
	retentionRaceJSON
	Error       string `json:"error,omitempty"`
	ConfigError string `json:"config_error,omitempty"`
}

type partitionJSON struct {
	Partition int32   `json:"partition"`
	Leader    int32   `json:"leader"`
	Replicas  []int32 `json:"replicas"`
	ISR       []int32 `json:"isr"`
	Earliest  *int64  `json:"earliest_offset"` // null when the partition's offsets could not be listed
	Latest    *int64  `json:"latest_offset"`
}

func topicsJSON(topics kafka.Topics) []topicJSON {
	out := make([]topicJSON, 0, len(topics))
	for _, t := range topics {
		tj := topicJSON{Name: t.Name, Internal: t.Internal, ReplicationFactor: t.ReplicationFactor,
			Partitions: make([]partitionJSON, 0, len(t.Partitions)), retentionRaceJSON: retentionRace(&t)}
		if t.RecordsKnown() {
			tj.Records = new(t.Records())
		}
		if t.ConfigErr == nil {
			tj.CleanupPolicy, tj.RetentionMs = new(t.CleanupPolicy), new(t.RetentionMs)
		}
		if t.Err != nil {
			tj.Error = t.Err.Error()
		}
		if t.ConfigErr != nil {
			tj.ConfigError = t.ConfigErr.Error()
		}
		for _, p := range t.Partitions {
			pj := partitionJSON{Partition: p.ID, Leader: p.Leader, Replicas: p.Replicas, ISR: p.ISR}
			if p.Earliest >= 0 && p.Latest >= 0 {
				pj.Earliest, pj.Latest = new(p.Earliest), new(p.Latest)
			}
			tj.Partitions = append(tj.Partitions, pj)
		}
		out = append(out, tj)
	}
	return out
}

type groupJSON struct {
	Group        string       `json:"group"`
	State        string       `json:"state"`
	ProtocolType string       `json:"protocol_type"`
	Protocol     string       `json:"protocol"`
	Members      []memberJSON `json:"members"`
	Topics       []string     `json:"topics"`
	Offsets      []offsetJSON `json:"offsets"`
	TotalLag     int64        `json:"total_lag"`
	Error        string       `json:"error,omitempty"`
}

type memberJSON struct {
	MemberID   string   `json:"member_id"`
	ClientID   string   `json:"client_id"`
	ClientHost string   `json:"client_host"`
	Assigned   []string `json:"assigned"`
}

type offsetJSON struct {
	Topic     string `json:"topic"`
	Partition int32  `json:"partition"`
	Committed int64  `json:"committed"`
	End       int64  `json:"end"`
	Lag       int64  `json:"lag"`
}

func groupsJSON(groups kafka.Groups) []groupJSON {
	out := make([]groupJSON, 0, len(groups))
	for _, g := range groups {
		gj := groupJSON{Group: g.ID, State: g.State, ProtocolType: g.ProtocolType, Protocol: g.Protocol,
			Topics: g.Topics(), TotalLag: g.TotalLag(), Members: []memberJSON{}, Offsets: []offsetJSON{}}
		if gj.Topics == nil {
			gj.Topics = []string{}
		}
		if g.Err != nil {
			gj.Error = g.Err.Error()
		}
		for _, m := range g.Members {
			mj := memberJSON{MemberID: m.ID, ClientID: m.ClientID, ClientHost: m.ClientHost, Assigned: []string{}}
			for _, tp := range m.Assigned {
				mj.Assigned = append(mj.Assigned, fmt.Sprintf("%s/%d", tp.Topic, tp.Partition))
			}
			gj.Members = append(gj.Members, mj)
		}
		for _, o := range g.Offsets {
			gj.Offsets = append(gj.Offsets, offsetJSON(o))
		}
		out = append(out, gj)
	}
	return out
}
