package kafka

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"sync"

	"github.com/IBM/sarama"
)

// groupFetchers bounds concurrent OffsetFetch calls so a cluster with thousands of groups
// is not hit with thousands of requests at once.
const groupFetchers = 8

// Groups lists consumer groups with members, committed offsets and lag, sorted by id.
// A group that cannot be fully described has Err set; the call fails only when no group
// could be listed at all. When the account may not describe the cluster, Kafka lists only
// the groups it may DESCRIBE: the groups come back with an *IncompleteError saying so, and
// are valid (possibly none).
func (c *Client) Groups(ctx context.Context) (Groups, error) {
	list, err := request(ctx, c.client, nil, func(*sarama.Broker) (map[string]string, error) { return c.admin.ListConsumerGroups() })
	if err != nil {
		if len(list) == 0 {
			return nil, c.explain(ctx, err, "list", "consumer groups")
		}
		c.log.Warn("some brokers did not list their consumer groups", "err", err)
	}
	ids := slices.Sorted(maps.Keys(list))
	// Kafka filters ListGroups by ACL without an error: an account that may not describe
	// the cluster sees only the groups it may DESCRIBE, which can look like none at all.
	hidden := c.groupsHidden(ctx, len(ids))
	if len(ids) == 0 {
		return Groups{}, hidden
	}
	out := make(Groups, len(ids))
	for i, id := range ids {
		out[i] = GroupInfo{ID: id, ProtocolType: list[id]}
	}
	c.describeGroups(ctx, out)

	var wg sync.WaitGroup
	sem := make(chan struct{}, groupFetchers)
	for i := range out {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			c.committedOffsets(ctx, &out[i])
		})
	}
	wg.Wait()
	c.fillLag(ctx, out)
	return out, hidden
}

// groupsHidden returns an *IncompleteError when the account may not DESCRIBE the cluster,
// so the group listing holds only the groups it may DESCRIBE one by one; nil when the
// listing is complete or the broker cannot say (DescribeCluster needs Kafka 2.8).
func (c *Client) groupsHidden(ctx context.Context, visible int) error {
	b := c.client.LeastLoadedBroker()
	if b == nil {
		return nil
	}
	req := sarama.NewDescribeClusterRequest(c.sc.Version)
	req.IncludeClusterAuthorizedOperations = true
	resp, err := request(ctx, c.client, b, func(b *sarama.Broker) (*sarama.DescribeClusterResponse, error) { return b.DescribeCluster(req) })
	if err != nil || !errors.Is(resp.Err, sarama.ErrNoError) || resp.ClusterAuthorizedOperations == math.MinInt32 {
		c.log.Debug("cluster authorized operations unknown", "err", cmp.Or(err, error(resp.Err)))
		return nil
	}
	if resp.ClusterAuthorizedOperations&(1<<int32(sarama.AclOperationDescribe)) != 0 {
		return nil
	}
	return &IncompleteError{What: "consumer groups", Visible: visible,
		Err: &NotAuthorizedError{Operation: "describe", Resource: "the cluster"},
		Why: "Kafka lists only the groups this account may DESCRIBE"}
}

// describeGroups fills state, protocol and members; a failure is recorded per group.
func (c *Client) describeGroups(ctx context.Context, gs Groups) {
	ids := make([]string, len(gs))
	for i, g := range gs {
		ids[i] = g.ID
	}
	descs, err := request(ctx, c.client, nil, func(*sarama.Broker) ([]*sarama.GroupDescription, error) {
		return c.admin.DescribeConsumerGroups(ids)
	})
	if err != nil {
		err = c.translate(err, "describe", "consumer groups")
		for i := range gs {
			gs[i].Err = err
		}
		return
	}
	var nextGen []int
	defer func() {
		if len(nextGen) > 0 {
			c.describeNextGen(ctx, gs, nextGen)
		}
	}()
	byID := make(map[string]*sarama.GroupDescription, len(descs))
	for _, d := range descs {
		byID[d.GroupId] = d
	}
	for i := range gs {
		g := &gs[i]
		d, ok := byID[g.ID]
		if !ok {
			g.Err = fmt.Errorf("describe group %q: the coordinator did not answer for it", g.ID)
			continue
		}
		if looksNextGen(d) {
			g.State = d.State
			nextGen = append(nextGen, i)
			continue
		}
		if !errors.Is(d.Err, sarama.ErrNoError) {
			g.Err = c.translate(d.Err, "describe", fmt.Sprintf("group %q", g.ID))
			continue
		}
		g.State, g.Protocol = d.State, d.Protocol
		g.ProtocolType = cmp.Or(d.ProtocolType, g.ProtocolType)
		for _, m := range d.Members {
			mi := MemberInfo{ID: m.MemberId, ClientID: m.ClientId, ClientHost: m.ClientHost}
			if g.ProtocolType == "consumer" {
				// Non-consumer protocols (connect, ...) carry assignments kpeek cannot read.
				if a, err := m.GetMemberAssignment(); err == nil && a != nil {
					for topic, parts := range a.Topics {
						for _, p := range parts {
							mi.Assigned = append(mi.Assigned, TopicPartition{topic, p})
						}
					}
				}
			}
			slices.SortFunc(mi.Assigned, compareTP)
			g.Members = append(g.Members, mi)
		}
		sortMembers(g.Members)
	}
}

// sortMembers orders members by client id, then member id, so views are stable.
func sortMembers(ms []MemberInfo) {
	slices.SortFunc(ms, func(a, b MemberInfo) int {
		return cmp.Or(cmp.Compare(a.ClientID, b.ClientID), cmp.Compare(a.ID, b.ID))
	})
}

// committedOffsets fills the group's committed offsets (OffsetFetch, read-only) plus every
// assigned partition with nothing committed.
func (c *Client) committedOffsets(ctx context.Context, g *GroupInfo) {
	resp, err := request(ctx, c.client, nil, func(*sarama.Broker) (*sarama.OffsetFetchResponse, error) {
		return c.admin.ListConsumerGroupOffsets(g.ID, nil)
	})
	if err != nil {
		g.Err = cmp.Or(g.Err, c.translate(err, "fetch committed offsets of", fmt.Sprintf("group %q", g.ID)))
		return
	}
	blocks := resp.Blocks
	if resp.Version >= 8 {
		blocks = nil
		for _, rg := range resp.Groups {
			if rg.GroupId == g.ID {
				blocks = rg.Blocks
			}
		}
	}
	seen := map[TopicPartition]bool{}
	part := partial{op: fmt.Sprintf("fetch committed offsets of group %q", g.ID)}
	for topic, parts := range blocks {
		for p, b := range parts {
			part.total++
			if !errors.Is(b.Err, sarama.ErrNoError) {
				part.add(fmt.Sprintf("%s/%d", topic, p), c.translate(b.Err, "fetch committed offsets of", fmt.Sprintf("topic %q", topic)))
				continue
			}
			seen[TopicPartition{topic, p}] = true
			g.Offsets = append(g.Offsets, GroupOffset{Topic: topic, Partition: p, Committed: b.Offset, End: -1, Lag: -1})
		}
	}
	for _, m := range g.Members {
		for _, tp := range m.Assigned {
			if !seen[tp] {
				seen[tp] = true
				g.Offsets = append(g.Offsets, GroupOffset{Topic: tp.Topic, Partition: tp.Partition, Committed: -1, End: -1, Lag: -1})
			}
		}
	}
	slices.SortFunc(g.Offsets, func(a, b GroupOffset) int {
		return compareTP(TopicPartition{a.Topic, a.Partition}, TopicPartition{b.Topic, b.Partition})
	})
	g.Err = cmp.Or(g.Err, part.err())
}

// fillLag asks for the end offset of every partition any group touches, once, and sets lag.
func (c *Client) fillLag(ctx context.Context, gs Groups) {
	var topics []string
	tps := map[TopicPartition]bool{}
	for _, g := range gs {
		for _, o := range g.Offsets {
			tp := TopicPartition{o.Topic, o.Partition}
			if !tps[tp] {
				tps[tp] = true
				topics = append(topics, o.Topic)
			}
		}
	}
	if len(tps) == 0 {
		return
	}
	slices.Sort(topics)
	topics = slices.Compact(topics)
	if _, err := request(ctx, c.client, nil, func(*sarama.Broker) (struct{}, error) {
		return struct{}{}, c.client.RefreshMetadata(topics...)
	}); err != nil {
		c.log.Debug("refresh metadata for lag", "err", err)
	}
	leaders := map[TopicPartition]int32{}
	leaderErrs := map[TopicPartition]error{}
	for tp := range tps {
		b, err := c.client.Leader(tp.Topic, tp.Partition)
		if err != nil {
			leaderErrs[tp] = c.translate(err, "find the leader of", fmt.Sprintf("topic %q", tp.Topic))
			continue
		}
		leaders[tp] = b.ID()
	}
	ends := c.listOffsets(ctx, leaders, sarama.OffsetNewest, sarama.ReadUncommitted)
	for i := range gs {
		g := &gs[i]
		part := partial{op: fmt.Sprintf("list end offsets for group %q", g.ID), total: len(g.Offsets)}
		for j := range g.Offsets {
			o := &g.Offsets[j]
			tp := TopicPartition{o.Topic, o.Partition}
			end, ok := ends.offsets[tp]
			if !ok {
				part.add(fmt.Sprintf("%s/%d", o.Topic, o.Partition), cmp.Or(ends.errs[tp], leaderErrs[tp]))
				continue
			}
			o.End = end
			if o.Committed >= 0 {
				o.Lag = max(end-o.Committed, 0)
			}
		}
		g.Err = cmp.Or(g.Err, part.err())
	}
}

func compareTP(a, b TopicPartition) int {
	return cmp.Or(cmp.Compare(a.Topic, b.Topic), cmp.Compare(a.Partition, b.Partition))
}
