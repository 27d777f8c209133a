package demo

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"encoding/json"
	"io/fs"
	"math/big"
	"net"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hamba/avro/v2"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

func TestClusterConfig(t *testing.T) {
	c, _ := startDemo(t)
	cfg := c.ClusterConfig()
	if cfg.Name != "demo" || len(cfg.Brokers) != 1 || cfg.SchemaRegistry == nil {
		t.Fatalf("ClusterConfig() = %+v, want name demo, one broker and a registry", cfg)
	}
	for _, addr := range []string{cfg.Brokers[0], strings.TrimPrefix(cfg.SchemaRegistry.URL, "http://")} {
		host, _, err := net.SplitHostPort(addr)
		if err != nil || !net.ParseIP(host).IsLoopback() {
			t.Errorf("address %q is not on loopback", addr)
		}
	}
}

func TestStartTopics(t *testing.T) {
	_, cl := startDemo(t)
	ctx := t.Context()
	counts := partitionCounts(t, ctx, cl)
	for _, spec := range scenarioTopics() {
		if got := counts[spec.name]; got != spec.partitions {
			t.Errorf("%s: %d partitions, want %d", spec.name, got, spec.partitions)
			continue
		}
		for p, end := range listEnds(t, ctx, cl, spec.name, spec.partitions) {
			if end == 0 {
				t.Errorf("%s/%d is empty", spec.name, p)
			}
		}
	}
	if len(counts) != len(scenarioTopics()) {
		t.Errorf("topics %v, want exactly the %d scenario topics", counts, len(scenarioTopics()))
	}
	if ends := listEnds(t, ctx, cl, TopicOrders, 3); ends[0] < 200 || ends[1] < 200 || ends[2] < 200 {
		t.Errorf("%s partitions hold %v records, want a few hundred each", TopicOrders, ends)
	}
}

func TestRecordsSpreadOverLastDay(t *testing.T) {
	_, cl := startDemo(t)
	recs := readAll(t, t.Context(), cl, TopicLogins)
	var withHeaders int
	lastByPartition := map[int32]time.Time{}
	for _, r := range recs {
		if r.Timestamp.Before(testNow.Add(-24*time.Hour)) || r.Timestamp.After(testNow) {
			t.Fatalf("record at %s is outside the 24 hours before %s", r.Timestamp, testNow)
		}
		if r.Timestamp.Before(lastByPartition[r.Partition]) {
			t.Fatalf("partition %d goes back in time at offset %d", r.Partition, r.Offset)
		}
		lastByPartition[r.Partition] = r.Timestamp
		if len(r.Headers) > 0 {
			withHeaders++
		}
	}
	if withHeaders < len(recs)*3/4 {
		t.Errorf("%d of %d records have headers, want most", withHeaders, len(recs))
	}
}

func TestGroups(t *testing.T) {
	_, cl := startDemo(t)
	ctx := t.Context()
	counts := partitionCounts(t, ctx, cl)
	lag := func(group string, got endOffsets) map[string]int64 {
		out := map[string]int64{}
		for topic, ps := range got {
			ends := listEnds(t, ctx, cl, topic, counts[topic])
			for p, off := range ps {
				out[topic] += ends[p] - off
			}
		}
		return out
	}
	tests := []struct {
		group  string
		topics []string
		check  func(topic string, lag int64) bool
		want   string
	}{
		{GroupERPSync, []string{TopicAudit, TopicOrders, TopicShipments}, func(_ string, l int64) bool { return l == 0 }, "no lag"},
		{GroupAnalytics, []string{TopicLogins, TopicAudit}, func(_ string, l int64) bool { return l >= 100 && l < 1000 }, "lag in the hundreds"},
		{GroupBackupAgent, []string{TopicOrders, TopicShipments}, func(_ string, l int64) bool { return l == 0 }, "no lag"},
	}
	for _, tt := range tests {
		t.Run(tt.group, func(t *testing.T) {
			got := committed(t, ctx, cl, tt.group)
			if topics := sortedKeys(got); !slices.Equal(topics, slices.Sorted(slices.Values(tt.topics))) {
				t.Fatalf("commits on %v, want exactly %v", topics, tt.topics)
			}
			for topic, l := range lag(tt.group, got) {
				if len(got[topic]) != int(counts[topic]) {
					t.Errorf("%s: commits on %d of %d partitions", topic, len(got[topic]), counts[topic])
				}
				if !tt.check(topic, l) {
					t.Errorf("%s: lag %d, want %s", topic, l, tt.want)
				}
			}
		})
	}
}

func TestBackupAgentLiveMember(t *testing.T) {
	_, cl := startDemo(t)
	var g kmsg.DescribeGroupsResponseGroup
	// Start waits a bounded time for the join; on a slow machine it may finish later.
	for range 50 {
		req := kmsg.NewPtrDescribeGroupsRequest()
		req.Groups = []string{GroupBackupAgent}
		resp, err := req.RequestWith(t.Context(), cl)
		if err != nil {
			t.Fatalf("describe groups: %v", err)
		}
		if g = resp.Groups[0]; g.State == "Stable" {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if g.State != "Stable" || len(g.Members) != 1 {
		t.Fatalf("group %s is %s with %d members, want Stable with 1", g.Group, g.State, len(g.Members))
	}
	m := g.Members[0]
	if m.ClientID != BackupAgentClientID || m.ClientHost == "" {
		t.Errorf("member client id %q host %q, want %q and a host", m.ClientID, m.ClientHost, BackupAgentClientID)
	}
	var a kmsg.ConsumerMemberAssignment
	if err := a.ReadFrom(m.MemberAssignment); err != nil {
		t.Fatalf("read assignment: %v", err)
	}
	var topics []string
	for _, tp := range a.Topics {
		topics = append(topics, tp.Topic)
	}
	slices.Sort(topics)
	if !slices.Equal(topics, []string{TopicOrders, TopicShipments}) {
		t.Errorf("member assigned %v, want the purchasing and supply topics", topics)
	}
}

func TestWithoutLiveMember(t *testing.T) {
	_, cl := startDemo(t, WithoutLiveMember())
	req := kmsg.NewPtrDescribeGroupsRequest()
	req.Groups = []string{GroupBackupAgent}
	resp, err := req.RequestWith(t.Context(), cl)
	if err != nil {
		t.Fatalf("describe groups: %v", err)
	}
	if g := resp.Groups[0]; len(g.Members) != 0 || g.State != "Empty" {
		t.Errorf("group is %s with %d members, want Empty with none", g.State, len(g.Members))
	}
	if got := committed(t, t.Context(), cl, GroupBackupAgent); len(got) != 2 {
		t.Errorf("committed %v, want offsets on two topics", got)
	}
}

func TestACLs(t *testing.T) {
	_, cl := startDemo(t)
	req := kmsg.NewPtrDescribeACLsRequest()
	req.ResourceType = kmsg.ACLResourceTypeAny
	req.ResourcePatternType = kmsg.ACLResourcePatternTypeAny
	req.Operation = kmsg.ACLOperationAny
	req.PermissionType = kmsg.ACLPermissionTypeAny
	resp, err := req.RequestWith(t.Context(), cl)
	if err != nil {
		t.Fatalf("describe ACLs: %v", err)
	}
	have := map[string]bool{}
	for _, r := range resp.Resources {
		for _, a := range r.ACLs {
			have[a.Principal+" "+a.Operation.String()+" "+r.ResourceName] = true
		}
	}
	for _, user := range []string{"User:svc-erp", "User:slyon"} {
		for _, topic := range []string{TopicOrders, TopicShipments} {
			for _, op := range []string{"READ", "DESCRIBE"} {
				if key := user + " " + op + " " + topic; !have[key] {
					t.Errorf("missing ACL %s", key)
				}
			}
		}
	}
}

func TestAvroOrdersDecodeWithWriterSchema(t *testing.T) {
	c, cl := startDemo(t)
	ids := c.SchemaIDs()
	recs := readAll(t, t.Context(), cl, TopicOrders)
	schemas := map[int]avro.Schema{}
	seen := map[int]int{}
	var large int
	for _, r := range recs {
		id := frameID(t, r.Value)
		sc, ok := schemas[id]
		if !ok {
			text := registryGet(t, c, "/schemas/ids/"+strconv.Itoa(id)).Schema
			var err error
			if sc, err = avro.ParseWithCache(text, "", &avro.SchemaCache{}); err != nil {
				t.Fatalf("parse writer schema %d: %v", id, err)
			}
			schemas[id] = sc
		}
		var v map[string]any
		if err := avro.Unmarshal(sc, r.Value[5:], &v); err != nil {
			t.Fatalf("decode %s/%d@%d with schema %d: %v", r.Topic, r.Partition, r.Offset, id, err)
		}
		seen[id]++
		if _, has := v["approved_by"]; has != (id == ids.OrdersV2) {
			t.Fatalf("schema %d record has approved_by=%v", id, has)
		}
		amount, ok := v["amount"].(*big.Rat)
		if !ok {
			t.Fatalf("amount is %T, want *big.Rat", v["amount"])
		}
		if amount.Cmp(big.NewRat(10000, 1)) > 0 {
			large++
		}
	}
	if seen[ids.OrdersV1] == 0 || seen[ids.OrdersV2] == 0 || len(seen) != 2 {
		t.Errorf("records per schema id %v, want both v1 (%d) and v2 (%d)", seen, ids.OrdersV1, ids.OrdersV2)
	}
	if large == 0 {
		t.Error("no order has an amount above 10000")
	}
}

func TestCustomersJSONKeepsBigNumbers(t *testing.T) {
	c, cl := startDemo(t)
	var bigSeen, cardSeen bool
	for _, r := range readAll(t, t.Context(), cl, TopicCustomers) {
		if id := frameID(t, r.Value); id != c.SchemaIDs().Customers {
			t.Fatalf("customer framed with schema %d, want %d", id, c.SchemaIDs().Customers)
		}
		if bytes.Contains(r.Value, []byte(`"customer_number":`+BigCustomerNumber+`,`)) {
			bigSeen = true
		}
		dec := json.NewDecoder(bytes.NewReader(r.Value[5:]))
		dec.UseNumber()
		var v map[string]any
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("customer at offset %d is not JSON: %v", r.Offset, err)
		}
		if card, ok := v["card"].(map[string]any); ok && card["pan"] == "4111111111111111" {
			cardSeen = true
		}
	}
	if !bigSeen || !cardSeen {
		t.Errorf("customer_number %s seen: %v; test PAN seen: %v", BigCustomerNumber, bigSeen, cardSeen)
	}
}

func TestLoginsIncidentBurst(t *testing.T) {
	_, cl := startDemo(t)
	var failures []time.Time
	var success time.Time
	for _, r := range readAll(t, t.Context(), cl, TopicLogins) {
		var l login
		if err := json.Unmarshal(r.Value, &l); err != nil {
			t.Fatalf("login at offset %d: %v", r.Offset, err)
		}
		if l.User != IncidentUser || l.IP != IncidentIP {
			continue
		}
		if l.Result == "failure" {
			failures = append(failures, r.Timestamp)
		} else {
			success = r.Timestamp
		}
	}
	slices.SortFunc(failures, time.Time.Compare)
	if len(failures) < 30 {
		t.Fatalf("%d failures from %s, want a burst of about 40", len(failures), IncidentIP)
	}
	if span := failures[len(failures)-1].Sub(failures[0]); span > 10*time.Minute {
		t.Errorf("burst spans %s, want a few minutes", span)
	}
	if ago := testNow.Sub(failures[0]); ago < 5*time.Hour || ago > 7*time.Hour {
		t.Errorf("burst starts %s before now, want about 6 hours", ago)
	}
	if !success.After(failures[len(failures)-1]) {
		t.Errorf("success at %s, want one after the last failure at %s", success, failures[len(failures)-1])
	}
}

func TestHostilePayloads(t *testing.T) {
	c, cl := startDemo(t)
	byKey := map[string]*kgo.Record{}
	for _, r := range readAll(t, t.Context(), cl, TopicHostile) {
		byKey[string(r.Key)] = r
	}
	contains := map[string]string{
		"screen-clear":    "\x1b[2J\x1b[H",
		"osc52-clipboard": "\x1b]52;c;",
		"title-change":    "\x1b]0;pwned\x07",
		"c1-controls":     "\u009b",
	}
	for key, want := range contains {
		if r := byKey[key]; r == nil || !strings.Contains(string(r.Value), want) {
			t.Errorf("record %q missing or without %q", key, want)
		}
	}
	if byKey["invoice\u202Efdp.exe"] == nil {
		t.Error("no record with a bidi override in its key")
	}
	if r := byKey["invalid-utf8"]; r == nil || !bytes.Contains(r.Value, []byte{0xff, 0xfe}) {
		t.Error("no invalid UTF-8 value")
	}
	if r := byKey["large-value"]; r == nil || len(r.Value) != HostileLargeValueBytes {
		t.Error("no 2 MB value")
	}
	if r := byKey["unknown-schema-id"]; r == nil || frameID(t, r.Value) != UnknownSchemaID {
		t.Error("no value with the unknown schema id")
	}
	if r := byKey["tombstone"]; r == nil || r.Value != nil {
		t.Error("no tombstone (nil value)")
	}
	if r := byKey["many-headers"]; r == nil || len(r.Headers) != HostileManyHeaders {
		t.Errorf("no record with %d headers", HostileManyHeaders)
	}
	if r := byKey["binary-headers"]; r == nil || !bytes.Equal(r.Headers[0].Value, []byte{0, 1, 2, 0xff, 0xfe}) {
		t.Error("no record with binary header values")
	}
	r := byKey["truncated-avro"]
	if r == nil || frameID(t, r.Value) != c.SchemaIDs().OrdersV2 {
		t.Fatal("no truncated Avro record framed with the orders v2 id")
	}
	sc, err := parseAvro(OrdersV2File)
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := avro.Unmarshal(sc, r.Value[5:], &v); err == nil {
		t.Error("truncated Avro decoded without error")
	}
}

func TestSchemasFS(t *testing.T) {
	for _, name := range []string{OrdersV1File, OrdersV2File, AddressFile, ShipmentsFile, CustomersFile} {
		if b, err := fs.ReadFile(Schemas(), name); err != nil || len(b) == 0 {
			t.Errorf("Schemas() has no %s: %v", name, err)
		}
	}
}

func TestLoopbackOnly(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:9092", ":9092", "192.0.2.1:9092", "example.com:9092"} {
		if _, err := Start(t.Context(), WithKafkaAddr(addr)); err == nil {
			t.Errorf("Start with Kafka on %q succeeded, want a loopback-only error", addr)
		}
		if _, err := Start(t.Context(), WithRegistryAddr(addr)); err == nil {
			t.Errorf("Start with the registry on %q succeeded, want a loopback-only error", addr)
		}
	}
	for _, addr := range []string{"", "127.0.0.1:0", "localhost:0", "[::1]:9092"} {
		if err := checkLoopback(addr); err != nil {
			t.Errorf("checkLoopback(%q) = %v, want nil", addr, err)
		}
	}
}

func TestWithKafkaAddr(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	c, _ := startDemo(t, WithKafkaAddr(addr))
	if got := c.ClusterConfig().Brokers; !slices.Equal(got, []string{addr}) {
		t.Errorf("brokers %v, want [%s]", got, addr)
	}
	if _, err := Start(t.Context(), WithKafkaAddr(addr)); err == nil {
		t.Error("a second Start on the same address succeeded")
	}
}

func TestDeterministic(t *testing.T) {
	read := func() []*kgo.Record {
		_, cl := startDemo(t, WithoutLiveMember())
		recs := readAll(t, t.Context(), cl, TopicOrders)
		slices.SortFunc(recs, func(a, b *kgo.Record) int {
			return cmp.Or(cmp.Compare(a.Partition, b.Partition), cmp.Compare(a.Offset, b.Offset))
		})
		return recs
	}
	a, b := read(), read()
	if len(a) != len(b) {
		t.Fatalf("runs produced %d and %d orders", len(a), len(b))
	}
	for i := range a {
		if !bytes.Equal(a[i].Value, b[i].Value) || !a[i].Timestamp.Equal(b[i].Timestamp) {
			t.Fatalf("order %d differs between runs", i)
		}
	}
}

// frameID returns the schema id of a Confluent-framed value.
func frameID(t testing.TB, v []byte) int {
	t.Helper()
	if len(v) < 5 || v[0] != 0 {
		t.Fatalf("value %q is not Confluent-framed", v[:min(len(v), 8)])
	}
	return int(binary.BigEndian.Uint32(v[1:5]))
}
