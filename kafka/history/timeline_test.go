package history

import (
	"reflect"
	"slices"
	"testing"
	"time"
)

// story is a small history: erp-sync commits regularly from its usual host before and in the
// window; backup-agent joins inside the window from another host, commits twice and leaves.
func story() []Record {
	var recs []Record
	off := int64(0)
	add := func(at time.Time, e Entry) {
		recs = append(recs, Record{Entry: e, LogOffset: off, Time: at})
		off++
	}
	commit := func(at time.Time, group, topic string, p int32, o int64) {
		add(at, Entry{Kind: KindOffsetCommit, Group: group, Topic: topic, Partition: p,
			Commit: &OffsetCommit{Offset: o, LeaderEpoch: -1, CommitTime: at}})
	}
	erp := Member{ID: "erp-1", ClientID: "erp-sync-1", ClientHost: "/10.0.0.5", Topics: []string{"orders"}}
	add(t0.Add(-3*time.Hour), Entry{Kind: KindGroupMetadata, Group: "erp-sync",
		Classic: &ClassicGroup{ProtocolType: "consumer", Generation: 1, Members: []Member{erp}}})
	for i := range 4 {
		commit(t0.Add(time.Duration(i-2)*time.Hour), "erp-sync", "orders", 0, int64(100*(i+1)))
	}
	thief := Member{ID: "ba-1", ClientID: "rdkafka", ClientHost: "/198.51.100.23", Topics: []string{"orders", "shipments"}}
	add(t0.Add(5*time.Minute), Entry{Kind: KindGroupMetadata, Group: "backup-agent",
		Classic: &ClassicGroup{ProtocolType: "consumer", Generation: 1, Members: []Member{thief}}})
	commit(t0.Add(6*time.Minute), "backup-agent", "orders", 0, 50)
	commit(t0.Add(7*time.Minute), "backup-agent", "orders", 0, 400)
	commit(t0.Add(7*time.Minute), "backup-agent", "shipments", 1, 30)
	commit(t0.Add(7*time.Minute), "backup-agent", "shipments", 0, 5)
	add(t0.Add(8*time.Minute), Entry{Kind: KindGroupMetadata, Group: "backup-agent",
		Classic: &ClassicGroup{ProtocolType: "consumer", Generation: 2}})
	// erp-sync's member moves to another host under the same client id.
	moved := erp
	moved.ID, moved.ClientHost = "erp-2", "/10.0.0.9"
	add(t0.Add(9*time.Minute), Entry{Kind: KindGroupMetadata, Group: "erp-sync",
		Classic: &ClassicGroup{ProtocolType: "consumer", Generation: 2, Members: []Member{moved}}})
	commit(t0.Add(2*time.Hour), "connect-s3-sink", "orders", 2, 9)
	return recs
}

func kinds(evs []Event, group string) []EventKind {
	var out []EventKind
	for _, e := range evs {
		if e.Group == group {
			out = append(out, e.Kind)
		}
	}
	return out
}

func TestBuildWindow(t *testing.T) {
	sizes := func(topic string, p int32) float64 {
		if topic == "orders" {
			return 100
		}
		return 0
	}
	rep := Build(story(), Query{From: t0.Add(-90 * time.Minute), To: t0.Add(time.Hour), AvgRecordSize: sizes})
	if got, want := kinds(rep.Events, "backup-agent"), []EventKind{EventGeneration, EventMemberJoined, EventCommit,
		EventCommit, EventCommit, EventCommit, EventGeneration, EventMemberLeft, EventGroupEmpty}; !reflect.DeepEqual(got, want) {
		t.Errorf("backup-agent events %v, want %v", got, want)
	}
	// erp-sync: commits at -1h, 0h and +1h are in the window (the one at -2h is only the base
	// for the delta); the move to another host shows as a join, a leave and a host change.
	if got, want := kinds(rep.Events, "erp-sync"), []EventKind{EventCommit, EventCommit, EventGeneration,
		EventMemberJoined, EventHostChanged, EventMemberLeft, EventCommit}; !reflect.DeepEqual(got, want) {
		t.Errorf("erp-sync events %v, want %v", got, want)
	}
	want := []Summary{
		{Group: "backup-agent", Topic: "orders", FirstCommit: t0.Add(6 * time.Minute), LastCommit: t0.Add(7 * time.Minute),
			Commits: 2, Ranges: []Range{{Partition: 0, From: 50, To: 400}}, Consumed: 350, BeforeFirst: 50, Bytes: 35000,
			ClientIDs: []string{"rdkafka"}, Hosts: []string{"/198.51.100.23"}},
		{Group: "backup-agent", Topic: "shipments", FirstCommit: t0.Add(7 * time.Minute), LastCommit: t0.Add(7 * time.Minute),
			Commits: 2, Ranges: []Range{{Partition: 0, From: 5, To: 5}, {Partition: 1, From: 30, To: 30}}, BeforeFirst: 35, ClientIDs: []string{"rdkafka"}, Hosts: []string{"/198.51.100.23"}},
		{Group: "erp-sync", Topic: "orders", FirstCommit: t0.Add(-time.Hour), LastCommit: t0.Add(time.Hour),
			Commits: 3, Ranges: []Range{{Partition: 0, From: 100, To: 400, FromKnown: true}}, Consumed: 300, Bytes: 30000,
			ClientIDs: []string{"erp-sync-1"}, Hosts: []string{"/10.0.0.5", "/10.0.0.9"}},
	}
	if !reflect.DeepEqual(rep.Summaries, want) {
		t.Errorf("summaries\n got %+v\nwant %+v", rep.Summaries, want)
	}
	// What was read before a group's first commit is unknown but bounded: say so.
	if got := want[0].ConsumedText(); got != "350 (+≤50)" {
		t.Errorf("ConsumedText = %q", got)
	}
	if got := want[2].ConsumedText(); got != "300" {
		t.Errorf("ConsumedText = %q", got)
	}
	for _, e := range rep.Events {
		if e.Kind == EventHostChanged && (e.PrevHost != "/10.0.0.5" || e.ClientHost != "/10.0.0.9") {
			t.Errorf("host change %+v", e)
		}
		if e.Kind == EventCommit && e.Group == "backup-agent" && e.Topic == "orders" && e.Offset == 400 && e.Delta != 350 {
			t.Errorf("delta %+v, want 350", e)
		}
		// Commits on two partitions of one topic are two histories: neither is the other's base.
		if e.Kind == EventCommit && e.Topic == "shipments" && (e.Delta != -1 || (e.Partition != 0 && e.Partition != 1)) {
			t.Errorf("shipments commit %+v, want a first commit on partition 0 or 1", e)
		}
	}
}

func TestBuildFilters(t *testing.T) {
	rep := Build(story(), Query{Topics: []string{"shipments"}})
	if len(rep.Summaries) != 1 || rep.Summaries[0].Group != "backup-agent" {
		t.Errorf("summaries for shipments: %+v", rep.Summaries)
	}
	for _, e := range rep.Events {
		if e.Group != "backup-agent" || (e.Topic != "" && e.Topic != "shipments") {
			t.Errorf("event %+v does not concern shipments", e)
		}
	}
	// The generation that brought the member in belongs to the topic's story too.
	if got := kinds(rep.Events, "backup-agent"); len(got) < 2 || got[0] != EventGeneration || got[1] != EventMemberJoined {
		t.Errorf("backup-agent events for shipments %v, want the generation then the join first", got)
	}
	rep = Build(story(), Query{Groups: []string{"connect-s3-sink"}})
	if len(rep.Summaries) != 1 || rep.Summaries[0].Connector != "s3-sink" || rep.Summaries[0].Bytes != 0 {
		t.Errorf("connector summary %+v", rep.Summaries)
	}
	if rep.Records != len(story()) || !rep.Oldest.Equal(t0.Add(-3*time.Hour)) {
		t.Errorf("records %d oldest %v", rep.Records, rep.Oldest)
	}
	if !slices.IsSortedFunc(rep.Events, func(a, b Event) int { return a.Time.Compare(b.Time) }) {
		t.Error("events out of time order")
	}
}

func TestConnector(t *testing.T) {
	for g, want := range map[string]string{"connect-s3": "s3", "connect-": "", "erp": "", "xconnect-a": ""} {
		if got, ok := Connector(g); got != want || ok != (want != "") {
			t.Errorf("Connector(%q) = %q, %v", g, got, ok)
		}
	}
}
