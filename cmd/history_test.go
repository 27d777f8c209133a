package cmd

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/kpeek/kpeek/kafka"
	"github.com/kpeek/kpeek/kafka/history"
)

// TestReadersNamesBackupAgent is the "done when": backup-agent with its host, first
// and last commit and records consumed in the incident hour, next to the ACL principals.
func TestReadersNamesBackupAgent(t *testing.T) {
	out, errOut, code := kpeek(t, "--demo", "readers", "-t", "erp.purchasing.orders", "--from", "-7h", "--to", "-5h", "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var doc struct {
		MayRead []struct {
			Principal string `json:"principal"`
			Allowed   bool   `json:"allowed"`
		} `json:"may_read"`
		DidRead []struct {
			Group       string   `json:"group"`
			FirstCommit string   `json:"first_commit"`
			LastCommit  string   `json:"last_commit"`
			Consumed    int64    `json:"records_consumed"`
			Bytes       *int64   `json:"estimated_bytes"`
			Hosts       []string `json:"hosts"`
			ClientIDs   []string `json:"client_ids"`
			Ranges      []struct {
				Partition int32 `json:"partition"`
				From      int64 `json:"from"`
				To        int64 `json:"to"`
			} `json:"offset_ranges"`
		} `json:"did_read"`
		Live []struct {
			Group string `json:"group"`
		} `json:"reading_now"`
		Notes []string `json:"notes"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("readers -o json: %v\n%s", err, out)
	}
	var principals []string
	for _, r := range doc.MayRead {
		if r.Allowed {
			principals = append(principals, r.Principal)
		}
	}
	if strings.Join(principals, ",") != "User:slyon,User:svc-erp" {
		t.Errorf("may read: %v, want User:slyon and User:svc-erp", principals)
	}
	found := false
	for _, g := range doc.DidRead {
		if g.Group != "backup-agent" {
			continue
		}
		found = true
		first, err1 := time.Parse(time.RFC3339, g.FirstCommit)
		last, err2 := time.Parse(time.RFC3339, g.LastCommit)
		if err1 != nil || err2 != nil || last.Sub(first) <= 0 || last.Sub(first) > time.Hour {
			t.Errorf("backup-agent commits %q to %q, want minutes apart", g.FirstCommit, g.LastCommit)
		}
		if g.Consumed <= 0 || g.Bytes == nil || *g.Bytes <= 0 {
			t.Errorf("backup-agent consumed %d records, bytes %v", g.Consumed, g.Bytes)
		}
		if len(g.Ranges) != 3 || g.Ranges[0].Partition != 0 || g.Ranges[0].To <= g.Ranges[0].From {
			t.Errorf("backup-agent offset ranges %+v, want one per partition of the topic", g.Ranges)
		}
		if strings.Join(g.Hosts, ",") != "/203.0.113.7" || strings.Join(g.ClientIDs, ",") != "backup-agent-7f3c" {
			t.Errorf("backup-agent hosts %v client ids %v", g.Hosts, g.ClientIDs)
		}
	}
	if !found {
		t.Errorf("backup-agent is not among the groups that read in the incident window: %+v", doc.DidRead)
	}
	if len(doc.Live) == 0 || doc.Live[0].Group != "backup-agent" {
		t.Errorf("reading now: %+v, want backup-agent's live member", doc.Live)
	}

	table := mustKpeek(t, "--demo", "readers", "-t", "erp.purchasing.orders")
	for _, want := range []string{"User:slyon", "User:svc-erp", "backup-agent", "/203.0.113.7", "erp-sync", "READING NOW"} {
		if !strings.Contains(table, want) {
			t.Errorf("readers table lacks %q:\n%s", want, table)
		}
	}
}

func TestHistoryTimeline(t *testing.T) {
	out, errOut, code := kpeek(t, "--demo", "history", "-g", "backup-agent", "-o", "ndjson")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(errOut, "history reaches back to") {
		t.Errorf("stderr does not say how far back history reaches: %q", errOut)
	}
	kinds := map[string]int{}
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var ev struct {
			Kind       string `json:"kind"`
			Group      string `json:"group"`
			ClientHost string `json:"client_host"`
			Delta      *int64 `json:"delta"`
		}
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		if ev.Group != "backup-agent" {
			t.Errorf("event of group %q with -g backup-agent", ev.Group)
		}
		if ev.Kind == "member_joined" && ev.ClientHost != "/203.0.113.7" {
			t.Errorf("joined from %q", ev.ClientHost)
		}
		kinds[ev.Kind]++
	}
	if kinds["member_joined"] != 1 || kinds["commit"] < 10 || kinds["group_empty"] != 1 || kinds["summary"] != 2 {
		t.Errorf("event kinds %v, want a join, many commits, the group emptied and two summaries", kinds)
	}
	table := mustKpeek(t, "--demo", "history", "-g", "backup-agent")
	if !strings.HasPrefix(table, "TIME") || !strings.Contains(table, "member_joined") {
		t.Errorf("history table:\n%.400s", table)
	}
}

func TestACLsOfTopic(t *testing.T) {
	out := mustKpeek(t, "--demo", "acls", "-t", "erp.purchasing.orders", "-o", "json")
	var acls []struct {
		Principal  string `json:"principal"`
		Name       string `json:"name"`
		Operation  string `json:"operation"`
		Permission string `json:"permission"`
	}
	if err := json.Unmarshal([]byte(out), &acls); err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, a := range acls {
		if a.Name != "erp.purchasing.orders" || a.Permission != "allow" {
			t.Errorf("unexpected binding %+v", a)
		}
		got[a.Principal+" "+a.Operation] = true
	}
	for _, want := range []string{"User:slyon read", "User:svc-erp read", "User:slyon describe", "User:svc-erp describe"} {
		if !got[want] {
			t.Errorf("acls lack %s: %+v", want, acls)
		}
	}
	if len(acls) != 4 {
		t.Errorf("%d bindings, want 4", len(acls))
	}
	out = mustKpeek(t, "--demo", "acls", "--principal", "User:svc-analytics")
	if !strings.Contains(out, "auth.logins") || strings.Contains(out, "User:slyon") {
		t.Errorf("acls --principal User:svc-analytics:\n%s", out)
	}
}

func TestForensicsUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"--demo", "readers"},
		{"--demo", "readers", "-t", "x", "-o", "ndjson"},
		{"--demo", "history", "--from", "42"},
		{"--demo", "history", "--from", "-1h", "--to", "-2h"},
		{"--demo", "history", "-o", "xml"},
		{"--demo", "acls", "-o", "csv"},
	} {
		_, errOut, code := kpeek(t, args...)
		if code != 2 || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and one line", args, code, errOut)
		}
	}
	_, errOut, code := kpeek(t, "--demo", "readers", "-t", "no.such.topic")
	if code != 1 || !strings.Contains(errOut, "no.such.topic") {
		t.Errorf("readers of a missing topic: exit %d, %q", code, errOut)
	}
}

// An empty history never passes for an answer: a name nothing mentions is said so, and a
// typo (a topic that does not exist and never did within the window) exits 1.
func TestHistoryUnknownNames(t *testing.T) {
	out, errOut, code := kpeek(t, "--demo", "history", "-t", "erp.purchasing.order")
	if code != 1 || !strings.Contains(errOut, `topic "erp.purchasing.order" does not exist`) ||
		!strings.Contains(errOut, `nothing found for topic "erp.purchasing.order"`) {
		t.Errorf("a misspelt topic: exit %d, stderr %q, stdout %q", code, errOut, out)
	}
	_, errOut, code = kpeek(t, "--demo", "history", "-g", "backup-agnet")
	if code != 1 || !strings.Contains(errOut, `mentions group "backup-agnet"`) {
		t.Errorf("a misspelt group: exit %d, stderr %q", code, errOut)
	}
	// A topic that exists but that no group committed on is an answer, not an error.
	_, errOut, code = kpeek(t, "--demo", "history", "-t", "hostile.payloads")
	if code != 0 || !strings.Contains(errOut, `no group committed offsets on topic "hostile.payloads"`) {
		t.Errorf("an unread topic: exit %d, stderr %q", code, errOut)
	}
}

type lookupFunc func(string) error

func (f lookupFunc) Topic(_ context.Context, name string) (kafka.TopicInfo, error) {
	return kafka.TopicInfo{Name: name}, f(name)
}

// A deleted topic's commits are still history: shown, with a note that it is gone.
func TestHistoryDeletedTopic(t *testing.T) {
	rep := history.Report{Summaries: []history.Summary{{Group: "backup-agent", Topic: "erp.payroll"}}}
	gone := lookupFunc(func(name string) error { return &kafka.TopicNotFoundError{Topic: name} })
	notes, err := unmatchedNames(t.Context(), gone, rep, nil, []string{"erp.payroll"})
	if err != nil || len(notes) != 1 || !strings.Contains(notes[0], `topic "erp.payroll" does not exist now (deleted?)`) {
		t.Errorf("deleted topic with commits: notes %q, err %v", notes, err)
	}
	denied := lookupFunc(func(string) error { return errors.New("not authorized to describe topic") })
	notes, err = unmatchedNames(t.Context(), denied, history.Report{}, nil, []string{"erp.payroll"})
	if err != nil || len(notes) != 1 || !strings.Contains(notes[0], "not authorized") {
		t.Errorf("a topic we may not describe: notes %q, err %v", notes, err)
	}
}
