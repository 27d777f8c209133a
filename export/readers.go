package export

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/kafka"
	"github.com/kpeek/kpeek/kafka/history"
)

// WriteReaders writes who may read a topic, who did and who does now, as three tables or
// as one indented JSON document.
func WriteReaders(w io.Writer, rep history.ReadersReport, format string) error {
	if format == "json" {
		return WriteJSON(w, readersDoc(rep))
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "MAY READ %s (ACLs)\n", decode.Sanitize(rep.Topic))
	if rep.ACLs {
		fmt.Fprintln(tw, "PRINCIPAL\tHOST\tREAD\tGRANTED BY")
		for _, r := range rep.Allowed {
			verdict := "allowed"
			if !r.Allowed() {
				verdict = "denied by " + aclList(r.DeniedBy)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", decode.Sanitize(r.Principal), decode.Sanitize(r.Host),
				decode.Sanitize(verdict), decode.Sanitize(aclList(r.Via)))
		}
	} else {
		fmt.Fprintln(tw, "(not shown)")
	}
	window := "in the history read"
	if !rep.From.IsZero() || !rep.To.IsZero() {
		window = "from " + stamp(rep.From) + " to " + stamp(rep.To)
	}
	fmt.Fprintf(tw, "\nDID READ (offsets committed %s)\n", window)
	writeSummaryTable(tw, rep.Groups)
	fmt.Fprintln(tw, "\nREADING NOW (live members)")
	fmt.Fprintln(tw, "GROUP\tSTATE\tCLIENT ID\tHOST\tMEMBER\tPARTITIONS")
	for _, l := range rep.Live {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", decode.Sanitize(l.Group), decode.Sanitize(l.State),
			decode.Sanitize(l.ClientID), decode.Sanitize(l.ClientHost), decode.Sanitize(l.MemberID), partitionList(l.Partitions))
	}
	return tw.Flush()
}

func aclList(acls []kafka.ACL) string {
	parts := make([]string, 0, len(acls))
	for _, a := range acls {
		parts = append(parts, fmt.Sprintf("%s %s %s %s", a.PatternType, a.Name, a.Operation, a.Permission))
	}
	return strings.Join(parts, "; ")
}

func partitionList(ps []int32) string {
	parts := make([]string, 0, len(ps))
	for _, p := range ps {
		parts = append(parts, strconv.Itoa(int(p)))
	}
	return strings.Join(parts, ",")
}

type readerJSON struct {
	Principal string    `json:"principal"`
	Host      string    `json:"host"`
	Allowed   bool      `json:"allowed"`
	Via       []aclJSON `json:"granted_by"`
	DeniedBy  []aclJSON `json:"denied_by"`
}

type liveJSON struct {
	Group      string  `json:"group"`
	State      string  `json:"state"`
	MemberID   string  `json:"member_id"`
	ClientID   string  `json:"client_id"`
	ClientHost string  `json:"client_host"`
	Partitions []int32 `json:"partitions"`
}

type readersJSON struct {
	Topic   string        `json:"topic"`
	From    string        `json:"from"`
	To      string        `json:"to"`
	Allowed []readerJSON  `json:"may_read"`
	Groups  []summaryJSON `json:"did_read"`
	Live    []liveJSON    `json:"reading_now"`
	Oldest  string        `json:"history_since"`
	Notes   []string      `json:"notes"`
}

func readersDoc(rep history.ReadersReport) readersJSON {
	doc := readersJSON{Topic: rep.Topic, From: stamp(rep.From), To: stamp(rep.To), Oldest: stamp(rep.Oldest),
		Groups: []summaryJSON{}, Live: []liveJSON{}, Notes: nonNil(rep.Notes)}
	if rep.ACLs {
		doc.Allowed = []readerJSON{}
	}
	conv := func(as []kafka.ACL) []aclJSON {
		out := make([]aclJSON, 0, len(as))
		for _, a := range as {
			out = append(out, aclJSON(a))
		}
		return out
	}
	for _, r := range rep.Allowed {
		doc.Allowed = append(doc.Allowed, readerJSON{Principal: r.Principal, Host: r.Host, Allowed: r.Allowed(),
			Via: conv(r.Via), DeniedBy: conv(r.DeniedBy)})
	}
	for _, s := range rep.Groups {
		doc.Groups = append(doc.Groups, summaryOf(s))
	}
	for _, l := range rep.Live {
		doc.Live = append(doc.Live, liveJSON(l))
	}
	return doc
}
