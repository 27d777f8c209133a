package kafka

import (
	"errors"
	"strings"
	"testing"

	"github.com/kpeek/kpeek/config"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/twmb/franz-go/pkg/kversion"
	"github.com/twmb/franz-go/pkg/sasl/plain"
)

// TestMissingPermissionsAreNotEmptyResults: an incident account with READ and DESCRIBE on
// one topic and nothing on groups or the cluster gets the groups it can see (none) with a
// typed note saying the listing is filtered, and retention that is unknown, not 0.
func TestMissingPermissionsAreNotEmptyResults(t *testing.T) {
	c := newCluster(t, kfake.EnableSASL(), kfake.EnableACLs(),
		kfake.Superuser("PLAIN", "admin", "admin-pw"),
		kfake.User("PLAIN", "ir", "ir-pw",
			allowACL(kmsg.ACLResourceTypeTopic, "orders", kmsg.ACLOperationRead),
			allowACL(kmsg.ACLResourceTypeTopic, "orders", kmsg.ACLOperationDescribe)),
		kfake.SeedTopics(1, "orders"))
	admin := producer(t, c, kgo.SASL(plain.Auth{User: "admin", Pass: "admin-pw"}.AsMechanism()),
		kgo.MaxVersions(kversion.V3_8_0()))
	produce(t, admin, "orders", []int32{0}, 3, base)
	req := kmsg.NewPtrOffsetCommitRequest()
	req.Group, req.Generation = "billing", -1
	rt := kmsg.NewOffsetCommitRequestTopic()
	rt.Topic = "orders"
	rp := kmsg.NewOffsetCommitRequestTopicPartition()
	rp.Offset = 1
	rt.Partitions = append(rt.Partitions, rp)
	req.Topics = append(req.Topics, rt)
	if _, err := req.RequestWith(testCtx(t), admin); err != nil {
		t.Fatal(err)
	}

	as := func(user, pw string) *Client {
		kc, err := New(testCtx(t), config.Connection{Brokers: c.ListenAddrs(),
			SASL: &config.SASL{Mechanism: "PLAIN", Username: user, Password: pw}}, WithLogger(testLogger(t)))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { kc.Close() })
		return kc
	}
	ctx := testCtx(t)

	groups, err := as("ir", "ir-pw").Groups(ctx)
	var hidden *IncompleteError
	var na *NotAuthorizedError
	if !errors.As(err, &hidden) || !errors.As(err, &na) || groups == nil || len(groups) != 0 {
		t.Fatalf("groups as ir = %v, %v; want none and an IncompleteError saying why", groups, err)
	}
	if !strings.Contains(err.Error(), "not authorized to describe the cluster") ||
		!strings.Contains(err.Error(), "only the groups this account may DESCRIBE") {
		t.Errorf("note = %q", err)
	}
	if groups, err := as("admin", "admin-pw").Groups(ctx); err != nil || len(groups) != 1 {
		t.Errorf("groups as admin = %v, %v; want billing and no note", groups, err)
	}

	orders, err := as("ir", "ir-pw").Topic(ctx, "orders")
	if err != nil {
		t.Fatal(err)
	}
	if orders.Retention() != "?" || !orders.RecordsKnown() || orders.Records() != 3 {
		t.Errorf("orders as ir: retention %q, records %d (known %v); want ?, 3", orders.Retention(), orders.Records(), orders.RecordsKnown())
	}
}

func TestFormatRetention(t *testing.T) {
	for ms, want := range map[int64]string{-1: "forever", 0: "0s", 3 * 24 * 3600 * 1000: "3d", 3600 * 1000: "1h",
		90 * 60 * 1000: "90m", 90 * 1000: "1m30s"} {
		if got := FormatRetention(ms); got != want {
			t.Errorf("FormatRetention(%d) = %q, want %q", ms, got, want)
		}
	}
	if got := (&TopicInfo{RetentionMs: 0, ConfigErr: errors.New("denied")}).Retention(); got != "?" {
		t.Errorf("unknown retention = %q, want ?", got)
	}
}
