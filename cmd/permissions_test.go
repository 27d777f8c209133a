package cmd

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/twmb/franz-go/pkg/kversion"
	"github.com/twmb/franz-go/pkg/sasl/plain"
)

// TestRestrictedAccountIsToldWhatItCannotSee: with READ and DESCRIBE on one topic and
// nothing on groups or the cluster, groups is not a silent empty table and retention is
// not 0: stderr says what is not authorized, JSON says null.
func TestRestrictedAccountIsToldWhatItCannotSee(t *testing.T) {
	allow := func(op kmsg.ACLOperation) kfake.ACL {
		return kfake.ACL{Resource: kmsg.ACLResourceTypeTopic, Name: "orders", Pattern: kmsg.ACLResourcePatternTypeLiteral,
			Operation: op, Allow: true}
	}
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.EnableSASL(), kfake.EnableACLs(),
		kfake.Superuser("PLAIN", "admin", "admin-pw"),
		kfake.User("PLAIN", "ir", "ir-pw", allow(kmsg.ACLOperationRead), allow(kmsg.ACLOperationDescribe)),
		kfake.SeedTopics(1, "orders"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	admin, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.DisableClientMetrics(),
		kgo.SASL(plain.Auth{User: "admin", Pass: "admin-pw"}.AsMechanism()), kgo.MaxVersions(kversion.V3_8_0()))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	ctx := context.Background()
	if err := admin.ProduceSync(ctx, &kgo.Record{Topic: "orders", Value: []byte("x")}).FirstErr(); err != nil {
		t.Fatal(err)
	}
	req := kmsg.NewPtrOffsetCommitRequest()
	req.Group, req.Generation = "billing", -1
	rt := kmsg.NewOffsetCommitRequestTopic()
	rt.Topic = "orders"
	rp := kmsg.NewOffsetCommitRequestTopicPartition()
	rp.Offset = 1
	rt.Partitions = append(rt.Partitions, rp)
	req.Topics = append(req.Topics, rt)
	if _, err := req.RequestWith(ctx, admin); err != nil {
		t.Fatal(err)
	}
	as := []string{"-b", c.ListenAddrs()[0], "-X", "security.protocol=SASL_PLAINTEXT", "-X", "sasl.mechanism=PLAIN",
		"-X", "sasl.username=ir", "-X", "sasl.password=ir-pw"}

	out, errOut, code := kpeek(t, append(as, "groups")...)
	if code != exitOK || strings.TrimSpace(out) != "GROUP  STATE  MEMBERS  LAG  TOPICS" {
		t.Errorf("groups: exit %d, stdout %q", code, out)
	}
	if !strings.Contains(errOut, "kpeek: note: 0 consumer groups shown, maybe not all: not authorized to describe the cluster") {
		t.Errorf("groups: stderr %q does not say the listing is filtered", errOut)
	}

	out, errOut, code = kpeek(t, append(as, "topics", "-o", "json")...)
	var topics []map[string]any
	if err := json.Unmarshal([]byte(out), &topics); err != nil || code != exitOK || len(topics) != 1 {
		t.Fatalf("topics -o json: exit %d, %v: %s", code, err, out)
	}
	if topics[0]["retention_ms"] != nil || topics[0]["records"] != float64(1) {
		t.Errorf("retention_ms %v records %v; want null and 1", topics[0]["retention_ms"], topics[0]["records"])
	}
	if !strings.Contains(errOut, `kpeek: note: not authorized to describe configs of topic "orders"`) {
		t.Errorf("topics: stderr %q does not name the missing permission", errOut)
	}
	out, _, _ = kpeek(t, append(as, "topics")...)
	if !strings.Contains(out, "orders  1           1         1        ?        ?") {
		t.Errorf("topics table:\n%s", out)
	}
}
