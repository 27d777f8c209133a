package demo

import (
	"slices"
	"testing"
	"time"

	"github.com/kpeek/kpeek/kafka"
	"github.com/kpeek/kpeek/kafka/history"
)

// TestHistoryTellsTheStory reads the demo's __consumer_offsets through the same reader and
// decoder a real cluster gets: backup-agent first appears inside the incident hour from the
// attacker's address with a client id unlike the others', reads both ERP topics in minutes
// and stops; erp-sync has a day of regular commits from its usual hosts.
func TestHistoryTellsTheStory(t *testing.T) {
	c, _ := startDemo(t, WithoutLiveMember())
	ctx := t.Context()
	kc, err := kafka.New(ctx, c.ClusterConfig().Connection)
	if err != nil {
		t.Fatal(err)
	}
	defer kc.Close()
	sizes, note := history.Sizes(ctx, kc, "")
	if note != "" {
		t.Errorf("sizes: %s", note)
	}
	rep, err := history.Read(ctx, kc, history.Query{AvgRecordSize: sizes.Of})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Malformed != 0 || rep.Records == 0 || len(rep.Notes) != 0 {
		t.Fatalf("read %d records, %d malformed, notes %v", rep.Records, rep.Malformed, rep.Notes)
	}
	if age := testNow.Sub(rep.Oldest); age < 23*time.Hour || age > 25*time.Hour {
		t.Errorf("history reaches back %v, want about a day", age)
	}
	incident := testNow.Add(-incidentAgo)
	sums := map[[2]string]history.Summary{}
	for _, s := range rep.Summaries {
		sums[[2]string{s.Group, s.Topic}] = s
	}
	for _, topic := range []string{TopicOrders, TopicShipments} {
		s, ok := sums[[2]string{GroupBackupAgent, topic}]
		if !ok {
			t.Fatalf("no backup-agent summary on %s: %+v", topic, rep.Summaries)
		}
		if s.FirstCommit.Before(incident) || s.LastCommit.After(incident.Add(time.Hour)) ||
			s.LastCommit.Sub(s.FirstCommit) > 15*time.Minute {
			t.Errorf("backup-agent on %s committed %v to %v, want minutes inside the incident hour from %v",
				topic, s.FirstCommit, s.LastCommit, incident)
		}
		if !slices.Equal(s.Hosts, []string{BackupAgentHost}) || !slices.Equal(s.ClientIDs, []string{BackupAgentClientID}) {
			t.Errorf("backup-agent on %s from %v as %v", topic, s.Hosts, s.ClientIDs)
		}
		if s.Consumed < 100 || s.Bytes <= 0 {
			t.Errorf("backup-agent consumed %d records (%d bytes) of %s, want hundreds", s.Consumed, s.Bytes, topic)
		}
		erp := sums[[2]string{GroupERPSync, topic}]
		if erp.Commits < 100 || erp.FirstCommit.After(incident.Add(-12*time.Hour)) ||
			!slices.Equal(erp.Hosts, []string{erpHostA, erpHostB}) {
			t.Errorf("erp-sync on %s: %d commits from %v, hosts %v", topic, erp.Commits, erp.FirstCommit, erp.Hosts)
		}
		for _, id := range erp.ClientIDs {
			if id == BackupAgentClientID {
				t.Errorf("erp-sync shares backup-agent's client id")
			}
		}
	}
	var last history.EventKind
	for _, e := range rep.Events {
		if e.Group == GroupBackupAgent {
			if e.Time.Before(incident) {
				t.Errorf("backup-agent event before the incident: %+v", e)
			}
			last = e.Kind
		}
	}
	if last != history.EventGroupEmpty {
		t.Errorf("backup-agent's last event is %q, want it to stop (group empty)", last)
	}
}
