package demo

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// endOffsets maps topic and partition to the offset after the last record.
type endOffsets map[string]map[int32]int64

// seed creates the topics, produces every record, commits the groups' offsets, creates
// the ACLs and starts the live group member. It talks to the broker over the wire,
// as a real producer and real consumers would have.
func (c *Cluster) seed(ctx context.Context, o *options) error {
	cl, err := kgo.NewClient(
		kgo.SeedBrokers(c.brokers...),
		kgo.ClientID("kpeek-demo-seeder"),
		kgo.RecordPartitioner(kgo.ManualPartitioner()),
		kgo.ProducerBatchMaxBytes(maxMessageBytes),
		kgo.ProducerBatchCompression(kgo.NoCompression()),
		kgo.ProducerLinger(0),
		kgo.WithLogger(kgoLogger{o.logger, "demo-seeder"}),
	)
	if err != nil {
		return fmt.Errorf("create seeding client: %w", err)
	}
	defer cl.Close()

	ids, err := createTopics(ctx, cl)
	if err != nil {
		return err
	}
	records, err := scenarioRecords(ctx, newSeeder(o.now, c.ids))
	if err != nil {
		return err
	}
	ends, err := produce(ctx, cl, records)
	if err != nil {
		return err
	}
	groups := scenarioGroups(records, ends, o.now)
	for _, g := range groups {
		if err := commitOffsets(ctx, cl, g.name, g.offsets, ids); err != nil {
			return err
		}
	}
	if err := seedHistory(ctx, cl, records, groups, o.now); err != nil {
		return err
	}
	if err := createACLs(ctx, cl); err != nil {
		return err
	}
	if o.noMember {
		return nil
	}
	c.member, err = startMember(ctx, c.brokers, o.logger)
	return err
}

// scenarioRecords builds every topic's records. Each topic gets its own seeded generator,
// so they can be built in parallel and stay deterministic.
func scenarioRecords(ctx context.Context, base *seeder) ([]*kgo.Record, error) {
	builders := []func(*seeder) ([]*kgo.Record, error){
		(*seeder).orders,
		func(s *seeder) ([]*kgo.Record, error) { return s.shipments(ctx) },
		(*seeder).customers,
		(*seeder).logins,
		func(s *seeder) ([]*kgo.Record, error) { return s.audit(), nil },
		func(s *seeder) ([]*kgo.Record, error) { return s.telemetry(), nil },
		(*seeder).hostile,
		(*seeder).bankChangeOrders,
	}
	parts := make([][]*kgo.Record, len(builders))
	errs := make([]error, len(builders))
	var wg sync.WaitGroup
	for i, build := range builders {
		wg.Go(func() { parts[i], errs[i] = build(base.fork(uint64(i))) })
	}
	wg.Wait()
	var all []*kgo.Record
	for i, p := range parts {
		if errs[i] != nil {
			return nil, errs[i]
		}
		all = append(all, p...)
	}
	return base.fork(uint64(len(builders))).incidentTrail(all)
}

// createTopics creates the scenario's topics and returns their ids by name.
func createTopics(ctx context.Context, cl *kgo.Client) (map[string][16]byte, error) {
	req := kmsg.NewPtrCreateTopicsRequest()
	req.TimeoutMillis = 5000
	for _, spec := range scenarioTopics() {
		t := kmsg.NewCreateTopicsRequestTopic()
		t.Topic = spec.name
		t.NumPartitions = spec.partitions
		t.ReplicationFactor = 1
		keys := make([]string, 0, len(spec.configs))
		for k := range spec.configs {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			cfg := kmsg.NewCreateTopicsRequestTopicConfig()
			cfg.Name, cfg.Value = k, kmsg.StringPtr(spec.configs[k])
			t.Configs = append(t.Configs, cfg)
		}
		req.Topics = append(req.Topics, t)
	}
	resp, err := req.RequestWith(ctx, cl)
	if err != nil {
		return nil, fmt.Errorf("create demo topics: %w", err)
	}
	ids := make(map[string][16]byte, len(resp.Topics))
	for _, t := range resp.Topics {
		if err := kerr.ErrorForCode(t.ErrorCode); err != nil {
			return nil, fmt.Errorf("create topic %s: %w", t.Topic, err)
		}
		ids[t.Topic] = t.TopicID
	}
	return ids, nil
}

// produce writes records in as few batches as kgo makes of them and returns the end
// offset of every partition written.
func produce(ctx context.Context, cl *kgo.Client, records []*kgo.Record) (endOffsets, error) {
	results := cl.ProduceSync(ctx, records...)
	ends := endOffsets{}
	for _, r := range results {
		if r.Err != nil {
			return nil, fmt.Errorf("produce to %s partition %d: %w", r.Record.Topic, r.Record.Partition, r.Err)
		}
		if ends[r.Record.Topic] == nil {
			ends[r.Record.Topic] = map[int32]int64{}
		}
		ends[r.Record.Topic][r.Record.Partition] = max(ends[r.Record.Topic][r.Record.Partition], r.Record.Offset+1)
	}
	return ends, nil
}

// commitOffsets commits offsets for group as an admin tool would (generation -1, no
// member), which Kafka accepts for a group with no live members.
func commitOffsets(ctx context.Context, cl *kgo.Client, group string, offsets endOffsets, ids map[string][16]byte) error {
	req := kmsg.NewPtrOffsetCommitRequest()
	req.Group = group
	req.Generation = -1
	for _, topic := range sortedKeys(offsets) {
		t := kmsg.NewOffsetCommitRequestTopic()
		t.Topic, t.TopicID = topic, ids[topic] // names before v10, ids from v10
		for _, p := range sortedKeys(offsets[topic]) {
			part := kmsg.NewOffsetCommitRequestTopicPartition()
			part.Partition, part.Offset = p, offsets[topic][p]
			t.Partitions = append(t.Partitions, part)
		}
		req.Topics = append(req.Topics, t)
	}
	resp, err := req.RequestWith(ctx, cl)
	if err != nil {
		return fmt.Errorf("commit offsets of group %s: %w", group, err)
	}
	for _, t := range resp.Topics {
		for _, p := range t.Partitions {
			if err := kerr.ErrorForCode(p.ErrorCode); err != nil {
				return fmt.Errorf("commit offsets of group %s on %s partition %d: %w", group, t.Topic, p.Partition, err)
			}
		}
	}
	return nil
}

func sortedKeys[K int32 | string, V any](m map[K]V) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// acl is one ALLOW entry the scenario grants.
type acl struct {
	principal string
	resource  kmsg.ACLResourceType
	name      string
	op        kmsg.ACLOperation
}

// scenarioACLs: the ERP service and the (stolen) slyon account may read the purchasing and
// supply topics; analytics reads logins and audit.
func scenarioACLs() []acl {
	var out []acl
	for _, user := range []string{"User:svc-erp", "User:" + IncidentUser} {
		for _, topic := range []string{TopicOrders, TopicShipments} {
			for _, op := range []kmsg.ACLOperation{kmsg.ACLOperationRead, kmsg.ACLOperationDescribe} {
				out = append(out, acl{user, kmsg.ACLResourceTypeTopic, topic, op})
			}
		}
	}
	out = append(out,
		acl{"User:svc-erp", kmsg.ACLResourceTypeGroup, GroupERPSync, kmsg.ACLOperationRead},
		acl{"User:svc-erp", kmsg.ACLResourceTypeTopic, TopicAudit, kmsg.ACLOperationRead},
		acl{"User:" + IncidentUser, kmsg.ACLResourceTypeGroup, GroupBackupAgent, kmsg.ACLOperationRead},
		acl{"User:svc-analytics", kmsg.ACLResourceTypeTopic, TopicLogins, kmsg.ACLOperationRead},
		acl{"User:svc-analytics", kmsg.ACLResourceTypeTopic, TopicAudit, kmsg.ACLOperationRead},
		acl{"User:svc-analytics", kmsg.ACLResourceTypeGroup, GroupAnalytics, kmsg.ACLOperationRead},
	)
	return out
}

// createACLs stores the scenario's ACLs in the broker. kfake keeps and describes them;
// the demo does not turn on enforcement, so every client may still do everything.
func createACLs(ctx context.Context, cl *kgo.Client) error {
	req := kmsg.NewPtrCreateACLsRequest()
	for _, a := range scenarioACLs() {
		cr := kmsg.NewCreateACLsRequestCreation()
		cr.ResourceType, cr.ResourceName = a.resource, a.name
		cr.ResourcePatternType = kmsg.ACLResourcePatternTypeLiteral
		cr.Principal, cr.Host = a.principal, "*"
		cr.Operation, cr.PermissionType = a.op, kmsg.ACLPermissionTypeAllow
		req.Creations = append(req.Creations, cr)
	}
	resp, err := req.RequestWith(ctx, cl)
	if err != nil {
		return fmt.Errorf("create demo ACLs: %w", err)
	}
	for i, r := range resp.Results {
		if err := kerr.ErrorForCode(r.ErrorCode); err != nil {
			a := req.Creations[i]
			return fmt.Errorf("create ACL %s %s on %s: %w", a.Principal, a.Operation, a.ResourceName, err)
		}
	}
	return nil
}
