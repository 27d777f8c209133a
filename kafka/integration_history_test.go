//go:build integration

package kafka_test

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kpeek/kpeek/kafka"
	"github.com/kpeek/kpeek/kafka/history"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/twmb/franz-go/pkg/kversion"
)

// commitAndLeave runs a real group consumer that reads want records, commits offsets and
// leaves the group, so the coordinator writes its join, commit and leave.
func commitAndLeave(t *testing.T, e itEnv, group, clientID, topic string, want int, commit map[int32]int64, opts ...kgo.Opt) {
	t.Helper()
	cl, err := newAdmin(e["KPEEK_IT_PLAINTEXT"], append([]kgo.Opt{
		kgo.ClientID(clientID), kgo.ConsumerGroup(group), kgo.ConsumeTopics(topic),
		kgo.DisableAutoCommit(), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
	}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx := ctxFor(t)
	for seen := 0; seen < want; {
		fs := cl.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			t.Fatalf("%s saw %d of %d records: %v", clientID, seen, want, err)
		}
		seen += fs.NumRecords()
	}
	offs := map[string]map[int32]kgo.EpochOffset{topic: {}}
	for p, o := range commit {
		offs[topic][p] = kgo.EpochOffset{Epoch: -1, Offset: o}
	}
	var cerr error
	cl.CommitOffsetsSync(ctx, offs, func(_ *kgo.Client, _ *kmsg.OffsetCommitRequest, resp *kmsg.OffsetCommitResponse, err error) {
		cerr = err
		if err != nil {
			return
		}
		for _, rt := range resp.Topics {
			for _, rp := range rt.Partitions {
				if e := kerrOf(rp.ErrorCode, nil); e != nil && cerr == nil {
					cerr = e
				}
			}
		}
	})
	if cerr != nil {
		t.Fatalf("%s commit: %v", clientID, cerr)
	}
}

type commitSeen struct {
	partition int32
	offset    int64
	delta     int64
}

func compareCommits(a, b commitSeen) int {
	return cmp.Or(cmp.Compare(a.offset, b.offset), cmp.Compare(a.partition, b.partition))
}

func commitsOf(rep history.Report, group string) []commitSeen {
	var out []commitSeen
	for _, ev := range rep.Events {
		if ev.Group == group && ev.Kind == history.EventCommit {
			out = append(out, commitSeen{ev.Partition, ev.Offset, ev.Delta})
		}
	}
	slices.SortFunc(out, compareCommits)
	return out
}

// TestIntegrationHistory decodes what a real coordinator wrote: a classic group read by two
// client ids one after the other, and on Kafka 4 a consumer-protocol group; history and
// readers report exactly those commits, client ids and hosts. The restricted user, without
// READ on __consumer_offsets or DESCRIBE on the cluster, gets notes, not errors.
func TestIntegrationHistory(t *testing.T) {
	e := env(t)
	admin := adminClient(t, e)
	started := time.Now().Add(-time.Minute)
	topic := topicName(itAllowedPrefix, "history")
	createTopic(t, admin, topic, 2, nil)
	for i := range 20 {
		produce(t, admin, &kgo.Record{Topic: topic, Partition: int32(i % 2), Value: []byte(fmt.Sprint(i))})
	}
	classic := uniq("it-history")
	commitAndLeave(t, e, classic, "kpeek-it-hist-a", topic, 20, map[int32]int64{0: 3, 1: 4})
	commitAndLeave(t, e, classic, "kpeek-it-hist-b", topic, 13, map[int32]int64{0: 10, 1: 10})

	nextGen := ""
	if v := e.get(t, "KPEEK_IT_KAFKA_VERSION"); !strings.HasPrefix(v, "3.") {
		nextGen = uniq("it-history-848")
		liveMember(t, e, nextGen, "kpeek-it-hist-848", topic, 20, map[int32]int64{0: 2, 1: 5},
			kgo.ServerSideBalancer(), kgo.Balancers(kgo.RangeBalancer()), kgo.MaxVersions(kversion.V4_4_0()))
	}

	cl := connect(t, plaintextConfig(e, t))
	ctx := ctxFor(t)
	groups := []string{classic}
	if nextGen != "" {
		groups = append(groups, nextGen)
	}
	rep, err := history.Read(ctx, cl, history.Query{Groups: groups, From: started})
	if err != nil {
		t.Fatalf("history: %v", err)
	}
	t.Logf("read %d records of __consumer_offsets since %v, %d malformed, notes %v", rep.Records, rep.Oldest, rep.Malformed, rep.Notes)
	if rep.Malformed != 0 {
		t.Errorf("%d records of a real broker did not decode", rep.Malformed)
	}
	want := []commitSeen{{0, 3, -1}, {1, 4, -1}, {0, 10, 7}, {1, 10, 6}}
	slices.SortFunc(want, compareCommits)
	if got := commitsOf(rep, classic); !slices.Equal(got, want) {
		t.Errorf("classic commits %+v, want %+v", got, want)
	}
	joined := map[string]string{}
	for _, ev := range rep.Events {
		if ev.Kind == history.EventMemberJoined {
			joined[ev.Group+" "+ev.ClientID] = ev.ClientHost
			if !slices.Contains(ev.Topics, topic) {
				t.Errorf("member %s subscribed to %v, want %s", ev.ClientID, ev.Topics, topic)
			}
		}
	}
	for _, id := range []string{"kpeek-it-hist-a", "kpeek-it-hist-b"} {
		if h := joined[classic+" "+id]; !strings.Contains(h, "127.0.0.1") {
			t.Errorf("classic member %s joined from %q, want 127.0.0.1 (joins seen: %v)", id, h, joined)
		}
	}
	sum := summaryOf(t, rep.Summaries, classic, topic)
	if sum.Commits != 4 || sum.Consumed != 13 || !slices.Equal(sum.ClientIDs, []string{"kpeek-it-hist-a", "kpeek-it-hist-b"}) ||
		len(sum.Hosts) != 1 || !strings.Contains(sum.Hosts[0], "127.0.0.1") {
		t.Errorf("classic summary %+v, want 4 commits, 13 records, both client ids, one host", sum)
	}
	if nextGen != "" {
		if got := commitsOf(rep, nextGen); !slices.Equal(got, []commitSeen{{0, 2, -1}, {1, 5, -1}}) {
			t.Errorf("consumer-protocol commits %+v", got)
		}
		if h := joined[nextGen+" kpeek-it-hist-848"]; !strings.Contains(h, "127.0.0.1") {
			t.Errorf("consumer-protocol member joined from %q (joins seen: %v)", h, joined)
		}
	}

	// readers: the prefixed ACL of the restricted user, both groups, the live member.
	rr, err := history.Readers(ctx, cl, topic, started, time.Time{})
	if err != nil {
		t.Fatalf("readers: %v", err)
	}
	reader := "User:" + e.get(t, "KPEEK_IT_READER_USER")
	if !slices.ContainsFunc(rr.Allowed, func(r kafka.TopicReader) bool {
		return r.Principal == reader && r.Allowed() && r.Via[0].PatternType == "prefixed"
	}) {
		t.Errorf("readers allowed %+v, want %s through the prefixed ACL", rr.Allowed, reader)
	}
	s := summaryOf(t, rr.Groups, classic, topic)
	if s.Consumed != 13 || len(s.ClientIDs) != 2 {
		t.Errorf("readers' classic group %+v", s)
	}
	if nextGen != "" {
		summaryOf(t, rr.Groups, nextGen, topic)
		if !slices.ContainsFunc(rr.Live, func(l history.LiveReader) bool {
			return l.Group == nextGen && l.ClientID == "kpeek-it-hist-848"
		}) {
			t.Errorf("reading now %+v, want the consumer-protocol member", rr.Live)
		}
	}

	// The restricted user: notes saying what is missing, no error.
	restricted := connect(t, readerConfig(e, t))
	rep, err = history.Read(ctx, restricted, history.Query{})
	if err != nil || len(rep.Notes) != 1 || !strings.Contains(rep.Notes[0], "__consumer_offsets") {
		t.Errorf("restricted history: %v, notes %v; want one note naming __consumer_offsets", err, rep.Notes)
	}
	rr, err = history.Readers(ctx, restricted, topic, started, time.Time{})
	if err != nil {
		t.Fatalf("restricted readers: %v", err)
	}
	notes := strings.Join(rr.Notes, "\n")
	if !strings.Contains(notes, "DESCRIBE on the cluster") || !strings.Contains(notes, "__consumer_offsets") || rr.ACLs {
		t.Errorf("restricted readers notes %q, want the missing cluster DESCRIBE and __consumer_offsets READ", notes)
	}
}

func summaryOf(t *testing.T, sums []history.Summary, group, topic string) history.Summary {
	t.Helper()
	for _, s := range sums {
		if s.Group == group && s.Topic == topic {
			return s
		}
	}
	t.Errorf("no summary for %s on %s in %+v", group, topic, sums)
	return history.Summary{}
}
