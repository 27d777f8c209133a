package kafka

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/IBM/sarama"
)

// ACL is one access-control binding as the cluster stores it, in the words kafka-acls uses.
type ACL struct {
	ResourceType string // topic, group, cluster, transactional_id, delegation_token
	PatternType  string // literal or prefixed
	Name         string // the resource name or prefix; "*" with literal matches every name
	Principal    string // e.g. User:alice, User:* for everyone
	Host         string // "*" for any host
	Operation    string // read, write, describe, all, ...
	Permission   string // allow or deny
}

// ACLs is every binding the account may describe, sorted.
type ACLs []ACL

// ErrNoAuthorizer means the cluster runs without an authorizer: there are no ACLs and every
// principal may do everything.
var ErrNoAuthorizer = errors.New("the cluster has no authorizer (security disabled): every principal may read every topic")

// ACLs lists every ACL binding the account may describe (DESCRIBE on the cluster). Without
// it the error is a NotAuthorizedError; without an authorizer it is ErrNoAuthorizer.
func (c *Client) ACLs(ctx context.Context) (ACLs, error) {
	filter := sarama.AclFilter{ResourceType: sarama.AclResourceAny, ResourcePatternTypeFilter: sarama.AclPatternAny,
		Operation: sarama.AclOperationAny, PermissionType: sarama.AclPermissionAny}
	res, err := request(ctx, c.client, nil, func(*sarama.Broker) ([]sarama.ResourceAcls, error) { return c.admin.ListAcls(filter) })
	if err != nil {
		if errors.Is(err, sarama.ErrSecurityDisabled) {
			return nil, ErrNoAuthorizer
		}
		return nil, c.explain(ctx, err, "describe ACLs of", "the cluster")
	}
	var out ACLs
	for _, r := range res {
		for _, a := range r.Acls {
			if a == nil {
				continue
			}
			out = append(out, ACL{ResourceType: lowerName(r.ResourceType.String()),
				PatternType: lowerName(r.ResourcePatternType.String()), Name: r.ResourceName,
				Principal: a.Principal, Host: a.Host, Operation: lowerName(a.Operation.String()),
				Permission: lowerName(a.PermissionType.String())})
		}
	}
	slices.SortFunc(out, compareACL)
	return out, nil
}

func compareACL(a, b ACL) int {
	return cmp.Or(cmp.Compare(a.ResourceType, b.ResourceType), cmp.Compare(a.Name, b.Name),
		cmp.Compare(a.PatternType, b.PatternType), cmp.Compare(a.Principal, b.Principal),
		cmp.Compare(a.Operation, b.Operation), cmp.Compare(a.Permission, b.Permission), cmp.Compare(a.Host, b.Host))
}

// lowerName turns sarama's names (TransactionalID, DescribeConfigs) into kafka-acls' words.
func lowerName(s string) string {
	var b strings.Builder
	for i, r := range s {
		if r >= 'A' && r <= 'Z' {
			if i > 0 && !(s[i-1] >= 'A' && s[i-1] <= 'Z') {
				b.WriteByte('_')
			}
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Matches reports whether the binding applies to the topic: a literal name equal to it, the
// literal wildcard "*", or a prefix of it.
func (a ACL) Matches(topic string) bool {
	if a.ResourceType != "topic" {
		return false
	}
	switch a.PatternType {
	case "literal":
		return a.Name == topic || a.Name == "*"
	case "prefixed":
		return strings.HasPrefix(topic, a.Name)
	}
	return false
}

// ForTopic keeps the bindings that apply to topic.
func (as ACLs) ForTopic(topic string) ACLs {
	var out ACLs
	for _, a := range as {
		if a.Matches(topic) {
			out = append(out, a)
		}
	}
	return out
}

// ForPrincipal keeps the bindings of principal and those granted to everyone (User:*).
func (as ACLs) ForPrincipal(principal string) ACLs {
	var out ACLs
	for _, a := range as {
		if a.Principal == principal || a.Principal == "User:*" {
			out = append(out, a)
		}
	}
	return out
}

// TopicReader is a principal an ACL allows to read a topic, from a host.
type TopicReader struct {
	Principal string
	Host      string
	Via       []ACL // the ALLOW bindings that grant it
	DeniedBy  []ACL // DENY bindings that override it; set means the principal may not read
}

// Allowed reports whether the principal may read (no deny overrides its allow).
func (r TopicReader) Allowed() bool { return len(r.DeniedBy) == 0 }

// Readers works out who may READ topic from the bindings: every principal and host with an
// ALLOW on READ or ALL through a literal, wildcard or prefixed pattern, with the DENY
// bindings (for the principal or everyone, from the host or any) that override it.
func (as ACLs) Readers(topic string) []TopicReader {
	reads := func(a ACL) bool { return a.Operation == "read" || a.Operation == "all" }
	var denies []ACL
	idx := map[[2]string]int{}
	var out []TopicReader
	for _, a := range as.ForTopic(topic) {
		if !reads(a) {
			continue
		}
		if a.Permission == "deny" {
			denies = append(denies, a)
			continue
		}
		if a.Permission != "allow" {
			continue
		}
		k := [2]string{a.Principal, a.Host}
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k] = i
			out = append(out, TopicReader{Principal: a.Principal, Host: a.Host})
		}
		out[i].Via = append(out[i].Via, a)
	}
	for i := range out {
		for _, d := range denies {
			if (d.Principal == out[i].Principal || d.Principal == "User:*") && (d.Host == out[i].Host || d.Host == "*") {
				out[i].DeniedBy = append(out[i].DeniedBy, d)
			}
		}
	}
	slices.SortFunc(out, func(a, b TopicReader) int {
		return cmp.Or(cmp.Compare(a.Principal, b.Principal), cmp.Compare(a.Host, b.Host))
	})
	return out
}
