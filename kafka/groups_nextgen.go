package kafka

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/IBM/sarama"
)

// looksNextGen tells whether a DescribeGroups answer may be hiding a Kafka 4 consumer-protocol
// group (KIP-848): Kafka answers for those with state Dead and no members, or (DescribeGroups
// v6+) with GROUP_ID_NOT_FOUND; kfake says Stable with no members, which a classic group
// never is.
func looksNextGen(d *sarama.GroupDescription) bool {
	if errors.Is(d.Err, sarama.ErrGroupIDNotFound) {
		return true
	}
	return errors.Is(d.Err, sarama.ErrNoError) && len(d.Members) == 0 && (d.State == "Dead" || d.State == "Stable")
}

// describeNextGen describes the groups at idx with ConsumerGroupDescribe (API 69, read-only)
// on each group's coordinator. A group the API does not know keeps what DescribeGroups said
// (it really is gone); a broker without the API sets a one-line error instead of a wrong Dead.
func (c *Client) describeNextGen(ctx context.Context, gs Groups, idx []int) {
	byBroker := map[*sarama.Broker][]int{}
	for _, i := range idx {
		g := &gs[i]
		b, err := request(ctx, c.client, nil, func(*sarama.Broker) (*sarama.Broker, error) { return c.client.Coordinator(g.ID) })
		if err != nil {
			g.Err = c.translate(err, "find the coordinator of", fmt.Sprintf("group %q", g.ID))
			continue
		}
		byBroker[b] = append(byBroker[b], i)
	}
	names := c.topicNamesByID(ctx)
	for b, is := range byBroker {
		req := sarama.NewConsumerGroupDescribeRequest(c.sc.Version)
		for _, i := range is {
			req.GroupIDs = append(req.GroupIDs, gs[i].ID)
		}
		resp, err := request(ctx, c.client, b, func(b *sarama.Broker) (*sarama.ConsumerGroupDescribeResponse, error) {
			return b.ConsumerGroupDescribe(req)
		})
		for _, i := range is {
			g := &gs[i]
			switch {
			case errors.Is(err, sarama.ErrUnsupportedVersion):
				g.Err = fmt.Errorf("describe group %q: it may be a consumer-protocol group (KIP-848) and broker %d does not support describing those (ConsumerGroupDescribe)", g.ID, b.ID())
			case err != nil:
				g.Err = c.translate(err, "describe", fmt.Sprintf("group %q", g.ID))
			default:
				c.applyNextGen(g, resp, names)
			}
		}
	}
}

// topicNamesByID returns a lookup from topic id to name, asking for the cluster's metadata
// once and only if an assignment arrives without its topic's name (kfake sends ids only).
func (c *Client) topicNamesByID(ctx context.Context) func(sarama.Uuid) string {
	var byID map[sarama.Uuid]string
	return func(id sarama.Uuid) string {
		if byID == nil {
			byID = map[sarama.Uuid]string{}
			md, err := c.metadata(ctx, nil)
			if err != nil {
				c.log.Debug("topic names for group assignments", "err", err)
				return ""
			}
			for _, t := range md.Topics {
				byID[t.Uuid] = t.Name
			}
		}
		return byID[id]
	}
}

// applyNextGen copies one group's ConsumerGroupDescribe answer into g; names resolves topic
// ids the answer left unnamed.
func (c *Client) applyNextGen(g *GroupInfo, resp *sarama.ConsumerGroupDescribeResponse, names func(sarama.Uuid) string) {
	i := slices.IndexFunc(resp.Groups, func(d sarama.ConsumerGroupDescription) bool { return d.GroupID == g.ID })
	if i < 0 {
		g.Err = fmt.Errorf("describe group %q: the coordinator did not answer for it", g.ID)
		return
	}
	d := resp.Groups[i]
	if errors.Is(d.ErrorCode, sarama.ErrGroupIDNotFound) {
		// Not a consumer-protocol group either: a classic group that is really gone.
		c.log.Debug("group is neither classic nor consumer-protocol", "group", g.ID)
		g.State = cmp.Or(g.State, "Dead")
		g.Err = nil
		return
	}
	if !errors.Is(d.ErrorCode, sarama.ErrNoError) {
		g.Err = c.translate(d.ErrorCode, "describe", fmt.Sprintf("group %q", g.ID))
		return
	}
	g.Err = nil
	g.State, g.Protocol = d.GroupState, d.AssignorName
	g.ProtocolType = cmp.Or(g.ProtocolType, "consumer")
	g.Members = nil
	for _, m := range d.Members {
		mi := MemberInfo{ID: m.MemberID, ClientID: m.ClientID, ClientHost: m.ClientHost}
		for _, tp := range m.Assignment.TopicPartitions {
			topic := cmp.Or(tp.TopicName, names(tp.TopicID))
			if topic == "" {
				c.log.Debug("assigned topic unknown", "group", g.ID, "topic_id", tp.TopicID)
				continue
			}
			for _, p := range tp.Partitions {
				mi.Assigned = append(mi.Assigned, TopicPartition{topic, p})
			}
		}
		slices.SortFunc(mi.Assigned, compareTP)
		g.Members = append(g.Members, mi)
	}
	sortMembers(g.Members)
}
