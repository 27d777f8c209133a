package export

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/kpeek/kpeek/kafka"
	"github.com/kpeek/kpeek/kafka/history"
)

// hostileReport carries what an attacker controls in __consumer_offsets: group ids, client
// ids and hosts with screen-clearing, clipboard-writing and title-changing sequences.
func hostileReport() history.Report {
	evil := "g\x1b[2J\x1b]52;c;cm0gLXJmIC8=\x07\x1b]0;pwned\x07\xff"
	at := time.Date(2026, 11, 26, 2, 10, 0, 0, time.UTC)
	return history.Report{
		Events: []history.Event{
			{Time: at, Kind: history.EventMemberJoined, Group: evil, ClientID: evil, ClientHost: evil, Topics: []string{evil}},
			{Time: at, Kind: history.EventCommit, Group: evil, Topic: evil, Offset: 5, Delta: 5},
		},
		Summaries: []history.Summary{{Group: evil, Topic: evil, ClientIDs: []string{evil}, Hosts: []string{evil}, Bytes: -1}},
	}
}

func TestHistoryNeverWritesControlBytes(t *testing.T) {
	for _, format := range HistoryFormats {
		var buf bytes.Buffer
		if err := WriteHistory(&buf, hostileReport(), format); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		if strings.ContainsAny(out, "\x1b\x07\xff") {
			t.Errorf("%s output carries raw control bytes: %q", format, out)
		}
		if format == "json" && !json.Valid(buf.Bytes()) {
			t.Errorf("json output is not valid JSON")
		}
	}
	var buf bytes.Buffer
	rep := history.ReadersReport{Topic: "t\x1b[2J", ACLs: true,
		Allowed: []kafka.TopicReader{{Principal: "User:\x1b]52;c;x\x07", Host: "*"}},
		Groups:  hostileReport().Summaries,
		Live:    []history.LiveReader{{Group: "\x1b[H", ClientID: "\x9b31m", ClientHost: "h"}}}
	for _, format := range ListingFormats {
		buf.Reset()
		if err := WriteReaders(&buf, rep, format); err != nil {
			t.Fatal(err)
		}
		if strings.ContainsAny(buf.String(), "\x1b\x07\x9b") {
			t.Errorf("readers %s output carries raw control bytes: %q", format, buf.String())
		}
	}
	buf.Reset()
	if err := WriteACLs(&buf, kafka.ACLs{{ResourceType: "topic", PatternType: "literal", Name: "\x1b[2J",
		Principal: "User:\x1b]0;x\x07", Host: "*", Operation: "read", Permission: "allow"}}, "table"); err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(buf.String(), "\x1b\x07") {
		t.Errorf("acls table carries raw control bytes: %q", buf.String())
	}
}

func TestHistoryTableSaysWhatItKnows(t *testing.T) {
	var buf bytes.Buffer
	rep := history.Report{Summaries: []history.Summary{{Group: "connect-s3", Connector: "s3", Topic: "orders", Bytes: -1, Consumed: 7}}}
	if err := WriteHistory(&buf, rep, "table"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "Kafka Connect sink s3") || !strings.Contains(buf.String(), "  ?  ") {
		t.Errorf("table does not flag the connector or the unknown bytes:\n%s", buf.String())
	}
}
