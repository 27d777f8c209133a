package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kpeek/kpeek/kafka"
	"github.com/kpeek/kpeek/kafka/history"
)

// kfake keeps committed offsets in memory and has no __consumer_offsets, so the demo writes
// one itself: the records a group coordinator would have written over the last day, in
// Kafka's own format, so kpeek history and readers decode the demo exactly as they decode a
// real cluster.

// offsetsPartitions is the demo's __consumer_offsets partition count (a real cluster has 50).
const offsetsPartitions = 3

// Hosts and client ids the history shows: erp-sync and analytics run Java consumers with
// default client ids on the data-centre network; backup-agent appears from the address that
// logged in with the stolen credentials, with a client id of its own making.
const (
	erpHostA        = "/10.20.1.11"
	erpHostB        = "/10.20.1.12"
	analyticsHost   = "/10.20.3.40"
	BackupAgentHost = "/" + IncidentIP // where backup-agent committed from during the incident
)

// historyWriter collects the coordinator records of the scenario.
type historyWriter struct {
	rng  *rand.Rand
	recs []*kgo.Record
	// timestamps of each partition's records in offset order, to commit realistic offsets.
	stamps map[string]map[int32][]time.Time
}

func newHistoryWriter(records []*kgo.Record) *historyWriter {
	h := &historyWriter{rng: rand.New(rand.NewPCG(seed, 848)), stamps: map[string]map[int32][]time.Time{}}
	sorted := slices.Clone(records)
	slices.SortFunc(sorted, func(a, b *kgo.Record) int { return int(a.Offset - b.Offset) })
	for _, r := range sorted {
		if h.stamps[r.Topic] == nil {
			h.stamps[r.Topic] = map[int32][]time.Time{}
		}
		h.stamps[r.Topic][r.Partition] = append(h.stamps[r.Topic][r.Partition], r.Timestamp)
	}
	return h
}

// upTo is the offset a consumer that read everything written by t would commit.
func (h *historyWriter) upTo(topic string, p int32, t time.Time) int64 {
	n := int64(0)
	for i, ts := range h.stamps[topic][p] {
		if !ts.After(t) {
			n = int64(i) + 1
		}
	}
	return n
}

// offsetsPartition places a group the way Kafka does: Java's String.hashCode, made
// non-negative, modulo the partition count.
func offsetsPartition(group string) int32 {
	var h int32
	for _, r := range group {
		h = 31*h + int32(r)
	}
	return (h & 0x7fffffff) % offsetsPartitions
}

func (h *historyWriter) add(group string, at time.Time, key, value []byte) {
	h.recs = append(h.recs, &kgo.Record{Topic: history.OffsetsTopic, Partition: offsetsPartition(group),
		Key: key, Value: value, Timestamp: at})
}

func (h *historyWriter) commit(group, topic string, p int32, offset int64, at time.Time) {
	k, v := history.EncodeOffsetCommit(group, topic, p, history.OffsetCommit{Offset: offset, LeaderEpoch: 0, CommitTime: at})
	h.add(group, at, k, v)
}

func (h *historyWriter) generation(group string, gen int32, at time.Time, members ...history.Member) {
	g := &history.ClassicGroup{ProtocolType: "consumer", Protocol: "range", Generation: gen, StateTime: at,
		Members: members}
	if len(members) > 0 {
		g.Leader = members[0].ID
	}
	k, v := history.EncodeGroupMetadata(group, g)
	h.add(group, at, k, v)
}

func (h *historyWriter) member(clientID, host string, topics ...string) history.Member {
	return history.Member{ID: fmt.Sprintf("%s-%08x-%04x", clientID, h.rng.Uint32(), h.rng.Uint32()&0xffff),
		ClientID: clientID, ClientHost: host, Topics: topics,
		SessionTimeout: 45 * time.Second, RebalanceTimeout: 5 * time.Minute}
}

// assign gives each member every n-th partition of each of its topics, like the range assignor.
func (h *historyWriter) assign(offsets endOffsets, members []history.Member) {
	for _, t := range sortedKeys(offsets) {
		for i, p := range sortedKeys(offsets[t]) {
			m := &members[i%len(members)]
			m.Assigned = append(m.Assigned, kafka.TopicPartition{Topic: t, Partition: p})
		}
	}
}

// steady writes a group that has read its topics all day from its usual hosts: a rebalance
// a day ago, a rolling restart ten hours ago, commits every interval, and at the end the
// offsets the scenario committed.
func (h *historyWriter) steady(g group, now time.Time, every time.Duration, clients [][2]string) {
	start := now.Add(-24 * time.Hour)
	join := func(gen int32, at time.Time) {
		members := make([]history.Member, len(clients))
		for i, c := range clients {
			members[i] = h.member(c[0], c[1], sortedKeys(g.offsets)...)
		}
		h.assign(g.offsets, members)
		h.generation(g.name, gen, at, members...)
	}
	join(1, start)
	restarted := false
	for at := start.Add(every); at.Before(now); at = at.Add(every) {
		if !restarted && at.After(now.Add(-10*time.Hour)) {
			join(2, at.Add(-time.Second))
			restarted = true
		}
		for _, t := range sortedKeys(g.offsets) {
			for _, p := range sortedKeys(g.offsets[t]) {
				h.commit(g.name, t, p, min(h.upTo(t, p, at), g.offsets[t][p]), at)
			}
		}
	}
	last := now.Add(-time.Minute)
	for _, t := range sortedKeys(g.offsets) {
		for _, p := range sortedKeys(g.offsets[t]) {
			h.commit(g.name, t, p, g.offsets[t][p], last)
		}
	}
}

// intruder writes backup-agent: it joins minutes after the stolen login, from the attacker's
// address, commits its way through both ERP topics within minutes up to the offsets the
// scenario committed (everything there was when it joined), and leaves.
func (h *historyWriter) intruder(g group, now time.Time) {
	joined := backupAgentJoined(now)
	m := h.member(BackupAgentClientID, BackupAgentHost, sortedKeys(g.offsets)...)
	members := []history.Member{m}
	h.assign(g.offsets, members)
	h.generation(g.name, 1, joined, members...)
	const rounds = 16
	for i := 1; i <= rounds; i++ {
		at := joined.Add(time.Duration(i) * 30 * time.Second)
		for _, t := range sortedKeys(g.offsets) {
			for _, p := range sortedKeys(g.offsets[t]) {
				// Reading from the start, a sixteenth of what existed per round.
				h.commit(g.name, t, p, g.offsets[t][p]*int64(i)/rounds, at)
			}
		}
	}
	h.generation(g.name, 2, joined.Add(rounds*30*time.Second+20*time.Second))
}

// seedHistory creates the demo's __consumer_offsets (marked internal) and writes the
// groups' history into it.
func seedHistory(ctx context.Context, cl *kgo.Client, records []*kgo.Record, groups []group, now time.Time) error {
	req := kmsg.NewPtrCreateTopicsRequest()
	req.TimeoutMillis = 5000
	t := kmsg.NewCreateTopicsRequestTopic()
	t.Topic, t.NumPartitions, t.ReplicationFactor = history.OffsetsTopic, offsetsPartitions, 1
	for k, v := range map[string]string{"cleanup.policy": "compact", "kfake.is_internal": "true"} {
		c := kmsg.NewCreateTopicsRequestTopicConfig()
		c.Name, c.Value = k, kmsg.StringPtr(v)
		t.Configs = append(t.Configs, c)
	}
	req.Topics = append(req.Topics, t)
	resp, err := req.RequestWith(ctx, cl)
	if err != nil {
		return fmt.Errorf("create demo %s: %w", history.OffsetsTopic, err)
	}
	for _, rt := range resp.Topics {
		if err := kerr.ErrorForCode(rt.ErrorCode); err != nil {
			return fmt.Errorf("create demo %s: %w", history.OffsetsTopic, err)
		}
	}
	h := newHistoryWriter(records)
	for _, g := range groups {
		switch g.name {
		case GroupERPSync:
			h.steady(g, now, 10*time.Minute, [][2]string{{"consumer-erp-sync-1", erpHostA}, {"consumer-erp-sync-2", erpHostB}})
		case GroupAnalytics:
			h.steady(g, now, 30*time.Minute, [][2]string{{"consumer-analytics-1", analyticsHost}})
		case GroupBackupAgent:
			h.intruder(g, now)
		}
	}
	slices.SortStableFunc(h.recs, func(a, b *kgo.Record) int { return a.Timestamp.Compare(b.Timestamp) })
	if _, err := produce(ctx, cl, h.recs); err != nil {
		return fmt.Errorf("write demo %s: %w", history.OffsetsTopic, err)
	}
	return nil
}
