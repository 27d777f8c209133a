//go:build integration

package kafka_test

// This file sorts last among the integration tests on purpose: Go runs test files in name
// order, so TestIntegrationReadOnly sees every topic and group the other tests made
// (transactions, compaction, 5 MB records, live and next-gen groups) and reads them all.

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/kpeek/kpeek/config"
	"github.com/kpeek/kpeek/kafka"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// readOnlyReadBound stops a read that does not end on its own in the read-only sweep.
const readOnlyReadBound = 10 * time.Second

// TestIntegrationReadOnly proves kpeek changes nothing: groups, committed offsets and topics
// are identical before and after it describes and reads everything, as two different users.
func TestIntegrationReadOnly(t *testing.T) {
	e := env(t)
	admin := adminClient(t, e)
	f := newAuthFixture(t, e)
	topic := topicName(itAllowedPrefix, "readonly-data")
	createTopic(t, admin, topic, 2, nil)
	for i := 0; i < 20; i++ {
		produce(t, admin, &kgo.Record{Topic: topic, Partition: int32(i % 2), Value: []byte("r")})
	}
	live, idle := uniq("it-readonly-live"), uniq("it-readonly-idle")
	liveMember(t, e, live, "kpeek-it-readonly-member", topic, 20, map[int32]int64{0: 3, 1: 5})
	commitOffsets(t, admin, idle, topic, map[int32]int64{0: 7})

	// Follows receive records produced meanwhile; they move the end offsets, not the snapshot.
	before := takeSnapshot(t, admin)
	for _, cfg := range []config.Connection{plaintextConfig(e, t), readerConfig(e, t)} {
		kpeekEverything(t, cfg, append(slices.Clone(before.Topics), topicName(itAllowedPrefix, "never-created"), f.secret))
		followOne(t, cfg, admin, topic)
	}
	after := takeSnapshot(t, admin)

	if !equalSnapshots(before, after) {
		t.Errorf("kpeek changed the cluster:\nbefore %+v\nafter  %+v", before, after)
	}
	if len(before.Groups) < 2 || len(before.Offsets[live]) != 2 {
		t.Errorf("snapshot is missing the test's groups: %+v", before)
	}
	// The snapshot must notice the smallest change kpeek could make: one commit, one new group.
	commitOffsets(t, admin, idle, topic, map[int32]int64{0: 8})
	if equalSnapshots(after, takeSnapshot(t, admin)) {
		t.Errorf("snapshot comparison missed a changed committed offset")
	}
	commitOffsets(t, admin, uniq("it-readonly-canary"), topic, map[int32]int64{0: 1})
	if equalSnapshots(after, takeSnapshot(t, admin)) {
		t.Errorf("snapshot comparison missed a new group")
	}
}

// kpeekEverything runs every kpeek read-side call over the cluster as cfg's user: topics,
// each topic, groups, cluster info, a full read of every topic and a short follow.
func kpeekEverything(t *testing.T, cfg config.Connection, topics []string) {
	t.Helper()
	cl := connect(t, cfg)
	ctx := ctxFor(t)
	if _, err := cl.ClusterInfo(ctx); err != nil {
		t.Errorf("%s ClusterInfo: %v", cfg.Name, err)
	}
	if _, err := cl.Topics(ctx); err != nil {
		t.Errorf("%s Topics: %v", cfg.Name, err)
	}
	if _, err := cl.Groups(ctx); err != nil {
		t.Logf("%s Groups: %v", cfg.Name, err)
	}
	// Topics are swept four at a time: a sweep of ~40 topics one by one is slow on a busy machine.
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for _, topic := range topics {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			kpeekTopic(ctx, t, cl, cfg.Name, topic)
		})
	}
	wg.Wait()
}

// kpeekTopic describes one topic and reads it every way: whole, last N, and a follow.
func kpeekTopic(ctx context.Context, t *testing.T, cl *kafka.Client, user, topic string) {
	// Errors are expected for the restricted user and the missing topic; only effects matter.
	if _, err := cl.Topic(ctx, topic); err != nil {
		t.Logf("%s Topic(%s): %v", user, topic, err)
		return
	}
	for _, req := range []kafka.ReadRequest{
		{Topic: topic},
		{Topic: topic, From: kafka.Start{Kind: kafka.StartLast, N: 5}},
	} {
		s, err := cl.Read(ctx, req)
		if err != nil {
			t.Logf("%s Read(%s): %v", user, topic, err)
			continue
		}
		// A read that does not end is another test's failure (see TestIntegrationTransactions);
		// here it is bounded and noted, so the snapshot comparison still runs.
		rctx, cancel := context.WithTimeout(ctx, readOnlyReadBound)
		_, err = drain(rctx, s)
		cancel()
		switch {
		case errors.Is(err, context.DeadlineExceeded):
			t.Logf("%s Read(%+v): still running after %v, stopped", user, req, readOnlyReadBound)
		case err != nil:
			t.Errorf("%s Read(%s): %v", user, topic, err)
		}
		s.Close()
	}
	// Start a follow and stop it: the follow path (no end offsets) must not join or commit.
	s, err := cl.Read(ctx, kafka.ReadRequest{Topic: topic, Follow: true})
	if err != nil {
		t.Errorf("%s follow %s: %v", user, topic, err)
		return
	}
	s.Close()
}

// followOne follows topic and waits for one record produced after the follow started.
func followOne(t *testing.T, cfg config.Connection, admin *kgo.Client, topic string) {
	t.Helper()
	cl := connect(t, cfg)
	ctx := ctxFor(t)
	s, err := cl.Read(ctx, kafka.ReadRequest{Topic: topic, From: kafka.Start{Kind: kafka.StartEnd}, Follow: true})
	if err != nil {
		t.Fatalf("%s follow %s: %v", cfg.Name, topic, err)
	}
	defer s.Close()
	produce(t, admin, &kgo.Record{Topic: topic, Partition: 1, Value: []byte("during-follow")})
	for {
		select {
		case b, ok := <-s.Batches():
			if !ok || b.Err != nil {
				t.Fatalf("%s follow %s ended: %v", cfg.Name, topic, b.Err)
			}
			for _, r := range b.Records {
				if string(r.Value) == "during-follow" {
					return
				}
			}
		case <-ctx.Done():
			t.Fatalf("%s follow %s: no record: %v", cfg.Name, topic, ctx.Err())
		}
	}
}

// equalSnapshots compares two snapshots field by field.
func equalSnapshots(a, b snapshot) bool {
	if !slices.Equal(a.Topics, b.Topics) || len(a.Groups) != len(b.Groups) || len(a.Offsets) != len(b.Offsets) {
		return false
	}
	for g, pt := range a.Groups {
		if bt, ok := b.Groups[g]; !ok || bt != pt {
			return false
		}
	}
	for g, offs := range a.Offsets {
		bo := b.Offsets[g]
		if len(bo) != len(offs) {
			return false
		}
		for k, v := range offs {
			if bo[k] != v {
				return false
			}
		}
	}
	return true
}

// snapshot is the cluster state kpeek must never change: groups, their committed offsets,
// and the topic list.
type snapshot struct {
	Groups  map[string]string           // id -> protocol type
	Offsets map[string]map[string]int64 // group -> "topic/partition" -> committed offset
	Topics  []string
}

// takeSnapshot records groups, committed offsets and topics as the admin user.
func takeSnapshot(t *testing.T, admin *kgo.Client) snapshot {
	t.Helper()
	ctx := ctxFor(t)
	s := snapshot{Groups: map[string]string{}, Offsets: map[string]map[string]int64{}}
	lg, err := kmsg.NewPtrListGroupsRequest().RequestWith(ctx, admin)
	if err != nil {
		t.Fatalf("list groups: %v", err)
	}
	if err := kerrOf(lg.ErrorCode, nil); err != nil {
		t.Fatalf("list groups: %v", err)
	}
	for _, g := range lg.Groups {
		s.Groups[g.Group] = g.ProtocolType
		req := kmsg.NewPtrOffsetFetchRequest()
		req.Group = g.Group
		rg := kmsg.NewOffsetFetchRequestGroup()
		rg.Group = g.Group
		req.Groups = append(req.Groups, rg)
		resp, err := req.RequestWith(ctx, admin)
		if err != nil {
			t.Fatalf("offset fetch %s: %v", g.Group, err)
		}
		offs := map[string]int64{}
		add := func(topic string, p int32, o int64) { offs[fmt.Sprintf("%s/%d", topic, p)] = o }
		for _, rt := range resp.Topics {
			for _, rp := range rt.Partitions {
				add(rt.Topic, rp.Partition, rp.Offset)
			}
		}
		for _, rg := range resp.Groups {
			for _, rt := range rg.Topics {
				for _, rp := range rt.Partitions {
					add(rt.Topic, rp.Partition, rp.Offset)
				}
			}
		}
		s.Offsets[g.Group] = offs
	}
	md, err := kmsg.NewPtrMetadataRequest().RequestWith(ctx, admin)
	if err != nil {
		t.Fatalf("metadata: %v", err)
	}
	for _, tp := range md.Topics {
		if tp.Topic != nil {
			s.Topics = append(s.Topics, *tp.Topic)
		}
	}
	slices.Sort(s.Topics)
	return s
}

// drain reads a stream to its end (or until ctx ends) and returns how many records came.
func drain(ctx context.Context, s *kafka.Stream) (int, error) {
	n := 0
	for {
		select {
		case b, ok := <-s.Batches():
			if !ok {
				return n, nil
			}
			if b.Err != nil {
				return n, b.Err
			}
			n += len(b.Records)
		case <-ctx.Done():
			return n, ctx.Err()
		}
	}
}
