package demo

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// Consumer groups of the demo scenario.
const (
	GroupERPSync     = "erp-sync"     // caught up on the erp.* topics
	GroupAnalytics   = "analytics"    // hundreds of records behind on auth.logins and erp.audit
	GroupBackupAgent = "backup-agent" // the suspicious one: read purchasing and supply in the incident hour, then stopped
)

// BackupAgentClientID is the client id of backup-agent's live member.
const BackupAgentClientID = "backup-agent-7f3c"

// memberJoinWait bounds how long Start waits for the live member to be assigned its
// partitions; past it the demo still works, the member just shows up a moment later.
const memberJoinWait = 1500 * time.Millisecond

// group is one consumer group and the offsets it has committed.
type group struct {
	name    string
	offsets endOffsets
}

// backupAgentJoined is when backup-agent first joins: minutes after the stolen login.
func backupAgentJoined(now time.Time) time.Time { return now.Add(-incidentAgo + 9*time.Minute) }

// offsetsAt is, for each partition of topics, the offset after the last record written by
// t: what a consumer that read everything there was at t and then stopped has committed.
func offsetsAt(records []*kgo.Record, ends endOffsets, t time.Time, topics ...string) endOffsets {
	out := endOffsets{}
	for _, topic := range topics {
		out[topic] = map[int32]int64{}
		for p := range ends[topic] {
			out[topic][p] = 0
		}
	}
	for _, r := range records {
		if ps, ok := out[r.Topic]; ok && !r.Timestamp.After(t) && r.Offset+1 > ps[r.Partition] {
			ps[r.Partition] = r.Offset + 1
		}
	}
	return out
}

// scenarioGroups derives each group's committed offsets from the topics' records and end
// offsets: erp-sync is caught up, analytics lags by hundreds, and backup-agent's offsets are
// where its history ends (it stopped inside the incident hour), so its lag is what arrived
// since.
func scenarioGroups(records []*kgo.Record, ends endOffsets, now time.Time) []group {
	pick := func(topics ...string) endOffsets {
		out := endOffsets{}
		for _, t := range topics {
			out[t] = map[int32]int64{}
			for p, end := range ends[t] {
				out[t][p] = end
			}
		}
		return out
	}
	analytics := pick(TopicLogins, TopicAudit)
	rng := rand.New(rand.NewPCG(seed, 99))
	for _, t := range sortedKeys(analytics) {
		for _, p := range sortedKeys(analytics[t]) {
			analytics[t][p] = max(0, analytics[t][p]-int64(150+rng.IntN(200)))
		}
	}
	return []group{
		{GroupERPSync, pick(TopicOrders, TopicShipments, TopicAudit)},
		{GroupAnalytics, analytics},
		{GroupBackupAgent, offsetsAt(records, ends, backupAgentJoined(now), TopicOrders, TopicShipments)},
	}
}

// startMember joins backup-agent with a live consumer so the groups view shows a member
// with a client id and host. It never commits: the offsets stay those seeded.
func startMember(ctx context.Context, brokers []string, logger *slog.Logger) (*kgo.Client, error) {
	assigned := make(chan struct{})
	var once sync.Once
	cl, err := kgo.NewClient(
		kgo.SeedBrokers(brokers...),
		kgo.ClientID(BackupAgentClientID),
		kgo.ConsumerGroup(GroupBackupAgent),
		kgo.ConsumeTopics(TopicOrders, TopicShipments),
		kgo.DisableAutoCommit(),
		kgo.OnPartitionsAssigned(func(context.Context, *kgo.Client, map[string][]int32) {
			once.Do(func() { close(assigned) })
		}),
		kgo.WithLogger(kgoLogger{logger, "demo-backup-agent"}),
	)
	if err != nil {
		return nil, fmt.Errorf("create %s member: %w", GroupBackupAgent, err)
	}
	timer := time.NewTimer(memberJoinWait)
	defer timer.Stop()
	select {
	case <-assigned:
	case <-timer.C:
		logger.Warn("demo: backup-agent member has not joined yet; continuing")
	case <-ctx.Done():
		cl.Close()
		return nil, fmt.Errorf("join %s: %w", GroupBackupAgent, ctx.Err())
	}
	return cl, nil
}
