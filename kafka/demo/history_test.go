package demo

import (
	"maps"
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

// TestBackupAgentOffsetsAreWhereItsHistoryEnds: the offsets backup-agent has committed are
// those of its last commits in __consumer_offsets, the last record it took was written
// before it joined and the first it did not take after: it stopped in the incident hour and
// its lag is what arrived since.
func TestBackupAgentOffsetsAreWhereItsHistoryEnds(t *testing.T) {
	c, cl := startDemo(t, WithoutLiveMember())
	ctx := t.Context()
	kc, err := kafka.New(ctx, c.ClusterConfig().Connection)
	if err != nil {
		t.Fatal(err)
	}
	defer kc.Close()
	rep, err := history.Read(ctx, kc, history.Query{Groups: []string{GroupBackupAgent}})
	if err != nil {
		t.Fatal(err)
	}
	last := endOffsets{}
	for _, e := range rep.Events {
		if e.Kind == history.EventCommit {
			if last[e.Topic] == nil {
				last[e.Topic] = map[int32]int64{}
			}
			last[e.Topic][e.Partition] = e.Offset
		}
	}
	got := committed(t, ctx, cl, GroupBackupAgent)
	if !maps.EqualFunc(got, last, maps.Equal) {
		t.Fatalf("committed %v, history ends at %v", got, last)
	}
	joined := backupAgentJoined(testNow)
	for topic, ps := range got {
		for p, off := range ps {
			if off <= 0 {
				t.Errorf("%s/%d: committed %d, want records taken", topic, p, off)
				continue
			}
			before := readOne(t, kc, topic, p, off-1)
			after := readOne(t, kc, topic, p, off)
			if before.Timestamp.After(joined) || !after.Timestamp.After(joined) {
				t.Errorf("%s/%d: last taken at %v, first left at %v; want either side of %v",
					topic, p, before.Timestamp, after.Timestamp, joined)
			}
		}
	}
}

// readOne reads the record at offset of topic's partition p.
func readOne(t *testing.T, kc *kafka.Client, topic string, p int32, offset int64) kafka.Record {
	t.Helper()
	s, err := kc.Read(t.Context(), kafka.ReadRequest{Topic: topic, Partitions: []int32{p},
		From: kafka.Start{Kind: kafka.StartOffset, Offset: offset}, To: kafka.Stop{Kind: kafka.StopOffset, Offset: offset}})
	if err != nil {
		t.Fatalf("read %s/%d@%d: %v", topic, p, offset, err)
	}
	defer s.Close()
	for b := range s.Batches() {
		if b.Err != nil {
			t.Fatalf("read %s/%d@%d: %v", topic, p, offset, b.Err)
		}
		if len(b.Records) > 0 {
			return b.Records[0]
		}
	}
	t.Fatalf("%s/%d has no record at %d", topic, p, offset)
	return kafka.Record{}
}
