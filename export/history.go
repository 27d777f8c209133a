package export

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/kafka"
	"github.com/kpeek/kpeek/kafka/history"
)

// HistoryFormats are the -o values of kpeek history.
var HistoryFormats = []string{"table", "ndjson", "json"}

// WriteHistory writes a history report: the timeline then the summaries as tables, one JSON
// object per line (events, then summaries, each with a "kind"), or one JSON document.
// Group ids, client ids and hosts come from whoever joined a group: tables sanitise them and
// JSON escapes them.
func WriteHistory(w io.Writer, rep history.Report, format string) error {
	switch format {
	case "json":
		return WriteJSON(w, historyDoc(rep))
	case "ndjson":
		bw := bufio.NewWriter(w)
		enc := json.NewEncoder(bw)
		for _, e := range rep.Events {
			if err := enc.Encode(eventOf(e)); err != nil {
				return err
			}
		}
		for _, s := range rep.Summaries {
			sj := summaryOf(s)
			sj.Kind = "summary"
			if err := enc.Encode(sj); err != nil {
				return err
			}
		}
		return bw.Flush()
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME\tGROUP\tEVENT\tDETAIL")
	for _, e := range rep.Events {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", stamp(e.Time), decode.Sanitize(e.Group), e.Kind, decode.Sanitize(eventDetail(e)))
	}
	if len(rep.Summaries) > 0 {
		fmt.Fprintln(tw)
		writeSummaryTable(tw, rep.Summaries)
	}
	return tw.Flush()
}

func writeSummaryTable(tw *tabwriter.Writer, sums []history.Summary) {
	fmt.Fprintln(tw, "GROUP\tTOPIC\tFIRST COMMIT\tLAST COMMIT\tCOMMITS\tRECORDS\tEST. BYTES\tCLIENT IDS\tHOSTS")
	for _, s := range sums {
		group := s.Group
		if s.Connector != "" {
			group += " (Kafka Connect sink " + s.Connector + ")"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\n", decode.Sanitize(group), decode.Sanitize(s.Topic),
			stamp(s.FirstCommit), stamp(s.LastCommit), s.Commits, s.ConsumedText(), estBytes(s.Bytes),
			decode.Sanitize(strings.Join(s.ClientIDs, ",")), decode.Sanitize(strings.Join(s.Hosts, ",")))
	}
}

func eventDetail(e history.Event) string {
	switch e.Kind {
	case history.EventCommit:
		delta := "first commit seen"
		if e.Delta >= 0 {
			delta = "+" + strconv.FormatInt(e.Delta, 10)
		} else if e.Delta < -1 {
			delta = strconv.FormatInt(e.Delta, 10) + " (moved back)"
		}
		return fmt.Sprintf("%s/%d offset %d (%s)", e.Topic, e.Partition, e.Offset, delta)
	case history.EventOffsetDeleted:
		return fmt.Sprintf("%s/%d offset expired or deleted", e.Topic, e.Partition)
	case history.EventMemberJoined:
		s := fmt.Sprintf("client %s host %s member %s", e.ClientID, e.ClientHost, e.MemberID)
		if len(e.Topics) > 0 {
			s += " topics " + strings.Join(e.Topics, ",")
		}
		return s
	case history.EventMemberLeft:
		return fmt.Sprintf("client %s host %s member %s", e.ClientID, e.ClientHost, e.MemberID)
	case history.EventHostChanged:
		return fmt.Sprintf("client %s moved from %s to %s", e.ClientID, e.PrevHost, e.ClientHost)
	case history.EventGeneration, history.EventGroupEmpty:
		return fmt.Sprintf("generation %d", e.Generation)
	}
	return ""
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

func estBytes(n int64) string {
	if n < 0 {
		return "?"
	}
	return strconv.FormatInt(n, 10)
}

type eventJSON struct {
	Kind       string   `json:"kind"`
	Time       string   `json:"time"`
	Group      string   `json:"group"`
	Topic      string   `json:"topic,omitempty"`
	Partition  *int32   `json:"partition,omitempty"`
	Offset     *int64   `json:"offset,omitempty"`
	Delta      *int64   `json:"delta,omitempty"`
	Generation *int32   `json:"generation,omitempty"`
	MemberID   string   `json:"member_id,omitempty"`
	ClientID   string   `json:"client_id,omitempty"`
	ClientHost string   `json:"client_host,omitempty"`
	PrevHost   string   `json:"previous_host,omitempty"`
	Topics     []string `json:"topics,omitempty"`
}

func eventOf(e history.Event) eventJSON {
	ej := eventJSON{Kind: string(e.Kind), Time: stamp(e.Time), Group: e.Group, Topic: e.Topic, MemberID: e.MemberID,
		ClientID: e.ClientID, ClientHost: e.ClientHost, PrevHost: e.PrevHost, Topics: e.Topics}
	switch e.Kind {
	case history.EventCommit:
		ej.Partition, ej.Offset = &e.Partition, &e.Offset
		if e.Delta >= 0 || e.Delta < -1 {
			ej.Delta = &e.Delta
		}
	case history.EventOffsetDeleted:
		ej.Partition = &e.Partition
	case history.EventGeneration, history.EventGroupEmpty, history.EventMemberJoined, history.EventMemberLeft:
		ej.Generation = &e.Generation
	}
	return ej
}

type summaryJSON struct {
	Kind        string      `json:"kind,omitempty"`
	Group       string      `json:"group"`
	Topic       string      `json:"topic"`
	Connector   string      `json:"connect_sink,omitempty"`
	FirstCommit string      `json:"first_commit"`
	LastCommit  string      `json:"last_commit"`
	Commits     int         `json:"commits"`
	Ranges      []rangeJSON `json:"offset_ranges"`
	Consumed    int64       `json:"records_consumed"`
	BeforeFirst int64       `json:"records_before_first_commit_at_most"`
	Bytes       *int64      `json:"estimated_bytes"`
	ClientIDs   []string    `json:"client_ids"`
	Hosts       []string    `json:"hosts"`
}

func summaryOf(s history.Summary) summaryJSON {
	sj := summaryJSON{Group: s.Group, Topic: s.Topic, Connector: s.Connector, FirstCommit: stamp(s.FirstCommit),
		LastCommit: stamp(s.LastCommit), Commits: s.Commits, Ranges: []rangeJSON{},
		Consumed: s.Consumed, BeforeFirst: s.BeforeFirst, ClientIDs: nonNil(s.ClientIDs), Hosts: nonNil(s.Hosts)}
	if s.Bytes >= 0 {
		sj.Bytes = &s.Bytes
	}
	for _, r := range s.Ranges {
		sj.Ranges = append(sj.Ranges, rangeJSON(r))
	}
	return sj
}

// rangeJSON is what a group consumed on one partition: offsets from (inclusive) to to
// (exclusive); from_known false means reading may have started earlier.
type rangeJSON struct {
	Partition int32 `json:"partition"`
	From      int64 `json:"from"`
	To        int64 `json:"to"`
	FromKnown bool  `json:"from_known"`
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

type historyJSON struct {
	Oldest    string        `json:"oldest_record"`
	Newest    string        `json:"newest_record"`
	Records   int           `json:"records_read"`
	Malformed int           `json:"records_malformed"`
	Events    []eventJSON   `json:"events"`
	Summaries []summaryJSON `json:"summaries"`
	Notes     []string      `json:"notes"`
}

func historyDoc(rep history.Report) historyJSON {
	doc := historyJSON{Oldest: stamp(rep.Oldest), Newest: stamp(rep.Newest), Records: rep.Records,
		Malformed: rep.Malformed, Events: []eventJSON{}, Summaries: []summaryJSON{}, Notes: nonNil(rep.Notes)}
	for _, e := range rep.Events {
		doc.Events = append(doc.Events, eventOf(e))
	}
	for _, s := range rep.Summaries {
		doc.Summaries = append(doc.Summaries, summaryOf(s))
	}
	return doc
}

// WriteACLs writes ACL bindings as a table or as indented JSON.
func WriteACLs(w io.Writer, acls kafka.ACLs, format string) error {
	if format == "json" {
		out := make([]aclJSON, 0, len(acls))
		for _, a := range acls {
			out = append(out, aclJSON(a))
		}
		return WriteJSON(w, out)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "RESOURCE\tPATTERN\tNAME\tPRINCIPAL\tHOST\tOPERATION\tPERMISSION")
	for _, a := range acls {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", a.ResourceType, a.PatternType, decode.Sanitize(a.Name),
			decode.Sanitize(a.Principal), decode.Sanitize(a.Host), a.Operation, a.Permission)
	}
	return tw.Flush()
}

type aclJSON struct {
	ResourceType string `json:"resource_type"`
	PatternType  string `json:"pattern_type"`
	Name         string `json:"name"`
	Principal    string `json:"principal"`
	Host         string `json:"host"`
	Operation    string `json:"operation"`
	Permission   string `json:"permission"`
}
