package kafka

import (
	"errors"
	"strings"
	"testing"

	"github.com/kpeek/kpeek/config"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/twmb/franz-go/pkg/sasl/plain"
)

// allowACL grants op on the named resource, for kfake.User.
func allowACL(res kmsg.ACLResourceType, name string, op kmsg.ACLOperation) kfake.ACL {
	return kfake.ACL{Resource: res, Name: name, Pattern: kmsg.ACLResourcePatternTypeLiteral, Operation: op, Allow: true}
}

// TestLeastPrivilege: an incident account with READ and DESCRIBE on one topic can list and
// read it; configs it may not describe and topics it may not read are named, not fatal.
func TestLeastPrivilege(t *testing.T) {
	c := newCluster(t, kfake.EnableSASL(), kfake.EnableACLs(),
		kfake.Superuser("PLAIN", "admin", "admin-pw"),
		kfake.User("PLAIN", "ir", "ir-pw",
			allowACL(kmsg.ACLResourceTypeTopic, "orders", kmsg.ACLOperationRead),
			allowACL(kmsg.ACLResourceTypeTopic, "orders", kmsg.ACLOperationDescribe),
			allowACL(kmsg.ACLResourceTypeTopic, "secret", kmsg.ACLOperationDescribe)),
		kfake.SeedTopics(1, "orders", "secret"))
	admin := producer(t, c, kgo.SASL(plain.Auth{User: "admin", Pass: "admin-pw"}.AsMechanism()))
	produce(t, admin, "orders", []int32{0}, 3, base)
	produce(t, admin, "secret", []int32{0}, 2, base)

	kc, err := New(testCtx(t), config.Connection{Brokers: c.ListenAddrs(),
		SASL: &config.SASL{Mechanism: "PLAIN", Username: "ir", Password: "ir-pw"}}, WithLogger(testLogger(t)))
	if err != nil {
		t.Fatal(err)
	}
	defer kc.Close()
	ctx := testCtx(t)

	orders, err := kc.Topic(ctx, "orders")
	if err != nil {
		t.Fatal(err)
	}
	var na *NotAuthorizedError
	if orders.Records() != 3 || !errors.As(orders.ConfigErr, &na) || orders.RetentionMs != 0 {
		t.Errorf("orders = %+v, want 3 records and a config error naming the missing ACL", orders)
	}
	if na != nil && !strings.Contains(na.Error(), `describe configs of topic "orders"`) {
		t.Errorf("config error = %q", na)
	}

	s, err := kc.Read(ctx, ReadRequest{Topic: "orders"})
	if err != nil {
		t.Fatal(err)
	}
	if got := readAll(t, s); len(got) != 3 {
		t.Errorf("read %d records, want 3", len(got))
	}
	s.Close()

	// Describe is allowed, read is not: the refusal comes with the first fetch.
	if s, err = kc.Read(ctx, ReadRequest{Topic: "secret"}); err == nil {
		for b := range s.Batches() {
			if b.Err != nil {
				err = b.Err
			}
		}
		s.Close()
	}
	t.Logf("reading secret: %v", err)
	if !errors.As(err, &na) || !strings.Contains(err.Error(), `topic "secret"`) {
		t.Errorf("reading secret: err = %v, want *NotAuthorizedError naming the topic", err)
	}
}
