package kafka

import (
	"errors"
	"reflect"
	"testing"

	"github.com/kpeek/kpeek/config"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/twmb/franz-go/pkg/sasl/plain"
)

func topicACL(pattern, name, principal, host, op, perm string) ACL {
	return ACL{ResourceType: "topic", PatternType: pattern, Name: name, Principal: principal, Host: host,
		Operation: op, Permission: perm}
}

// TestReaders: literal, wildcard and prefixed ALLOWs on READ or ALL grant reading; DENY for
// the principal or everyone overrides; other operations, topics and resources do not count.
func TestReaders(t *testing.T) {
	acls := ACLs{
		topicACL("literal", "erp.orders", "User:svc-erp", "*", "read", "allow"),
		topicACL("literal", "erp.orders", "User:svc-erp", "*", "describe", "allow"),
		topicACL("prefixed", "erp.", "User:slyon", "*", "all", "allow"),
		topicACL("literal", "*", "User:auditor", "10.0.0.1", "read", "allow"),
		topicACL("prefixed", "erp", "User:auditor", "*", "read", "deny"),
		topicACL("literal", "erp.orders", "User:writer", "*", "write", "allow"),
		topicACL("literal", "crm.customers", "User:crm", "*", "read", "allow"),
		topicACL("prefixed", "erp.ordersX", "User:nobody", "*", "read", "allow"),
		{ResourceType: "group", PatternType: "literal", Name: "erp.orders", Principal: "User:grp", Host: "*", Operation: "read", Permission: "allow"},
	}
	got := acls.Readers("erp.orders")
	want := []TopicReader{
		{Principal: "User:auditor", Host: "10.0.0.1", Via: []ACL{acls[3]}, DeniedBy: []ACL{acls[4]}},
		{Principal: "User:slyon", Host: "*", Via: []ACL{acls[2]}},
		{Principal: "User:svc-erp", Host: "*", Via: []ACL{acls[0]}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Readers\n got %+v\nwant %+v", got, want)
	}
	if got[0].Allowed() || !got[1].Allowed() {
		t.Errorf("Allowed: auditor %v slyon %v", got[0].Allowed(), got[1].Allowed())
	}
	// Deny for everyone overrides too.
	everyone := append(slicesClone(acls), topicACL("literal", "erp.orders", "User:*", "*", "read", "deny"))
	for _, r := range everyone.Readers("erp.orders") {
		if r.Allowed() {
			t.Errorf("%s allowed despite a deny for User:*", r.Principal)
		}
	}
	if n := len(acls.ForPrincipal("User:slyon")); n != 1 {
		t.Errorf("ForPrincipal(slyon) = %d bindings, want 1", n)
	}
}

func slicesClone(a ACLs) ACLs { return append(ACLs(nil), a...) }

func TestLowerName(t *testing.T) {
	for in, want := range map[string]string{"Read": "read", "DescribeConfigs": "describe_configs",
		"TransactionalID": "transactional_id", "Topic": "topic"} {
		if got := lowerName(in); got != want {
			t.Errorf("lowerName(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestACLsListing lists bindings as an admin, and an account without DESCRIBE on the
// cluster gets a NotAuthorizedError that names it.
func TestACLsListing(t *testing.T) {
	c := newCluster(t, kfake.EnableSASL(), kfake.EnableACLs(),
		kfake.Superuser("PLAIN", "admin", "admin-pw"), kfake.User("PLAIN", "ir", "ir-pw"),
		kfake.SeedTopics(1, "orders"))
	admin := producer(t, c, kgo.SASL(plain.Auth{User: "admin", Pass: "admin-pw"}.AsMechanism()))
	req := kmsg.NewPtrCreateACLsRequest()
	for _, p := range []kmsg.ACLResourcePatternType{kmsg.ACLResourcePatternTypeLiteral, kmsg.ACLResourcePatternTypePrefixed} {
		cr := kmsg.NewCreateACLsRequestCreation()
		cr.ResourceType, cr.ResourceName, cr.ResourcePatternType = kmsg.ACLResourceTypeTopic, "ord", p
		cr.Principal, cr.Host, cr.Operation, cr.PermissionType = "User:ir", "*", kmsg.ACLOperationRead, kmsg.ACLPermissionTypeAllow
		req.Creations = append(req.Creations, cr)
	}
	if _, err := req.RequestWith(testCtx(t), admin); err != nil {
		t.Fatal(err)
	}
	ctx := testCtx(t)
	kc, err := New(ctx, config.Connection{Brokers: c.ListenAddrs(),
		SASL: &config.SASL{Mechanism: "PLAIN", Username: "admin", Password: "admin-pw"}}, WithLogger(testLogger(t)))
	if err != nil {
		t.Fatal(err)
	}
	defer kc.Close()
	acls, err := kc.ACLs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var mine ACLs
	for _, a := range acls {
		if a.Principal == "User:ir" {
			mine = append(mine, a)
		}
	}
	want := ACLs{topicACL("literal", "ord", "User:ir", "*", "read", "allow"), topicACL("prefixed", "ord", "User:ir", "*", "read", "allow")}
	if !reflect.DeepEqual(mine, want) {
		t.Errorf("ACLs of User:ir\n got %+v\nwant %+v", mine, want)
	}
	if r := acls.Readers("orders"); len(r) != 1 || r[0].Principal != "User:ir" || len(r[0].Via) != 1 {
		t.Errorf("readers of orders: %+v", r)
	}

	ir, err := New(ctx, config.Connection{Brokers: c.ListenAddrs(),
		SASL: &config.SASL{Mechanism: "PLAIN", Username: "ir", Password: "ir-pw"}}, WithLogger(testLogger(t)))
	if err != nil {
		t.Fatal(err)
	}
	defer ir.Close()
	_, err = ir.ACLs(ctx)
	var na *NotAuthorizedError
	if !errors.As(err, &na) || na.Resource != "the cluster" {
		t.Errorf("ACLs without DESCRIBE on the cluster: %v, want NotAuthorizedError on the cluster", err)
	}
}
