//go:build integration

package kafka_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/kpeek/kpeek/decode/filter"
	"github.com/kpeek/kpeek/sweep"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// TestIntegrationSweep sweeps as the restricted user: the hits planted inside the window
// are found, those outside are not, and a topic it may describe but not read is reported
// with the reason while the sweep goes on.
func TestIntegrationSweep(t *testing.T) {
	e := env(t)
	admin := adminClient(t, e)
	run := uniq("sweep")
	logins, audit := itAllowedPrefix+run+"-logins", itAllowedPrefix+run+"-audit"
	denied := "it-describeonly-" + run
	createTopic(t, admin, logins, 2, nil)
	createTopic(t, admin, audit, 1, nil)
	createTopic(t, admin, denied, 1, nil)
	allowDescribe(t, admin, e["KPEEK_IT_READER_USER"], denied)

	from := time.Now().Add(-3 * time.Hour).Truncate(time.Second)
	to := from.Add(time.Hour)
	rec := func(topic string, p int32, at time.Time, v string) *kgo.Record {
		return &kgo.Record{Topic: topic, Partition: p, Timestamp: at, Value: []byte(v)}
	}
	produce(t, admin,
		rec(logins, 0, from.Add(-time.Minute), `{"ip":"203.0.113.7","n":"before"}`),
		rec(logins, 0, from.Add(time.Minute), `{"ip":"10.0.0.1"}`),
		rec(logins, 0, from.Add(2*time.Minute), `{"ip":"203.0.113.7","n":"in-1"}`),
		rec(logins, 1, from.Add(90*time.Second), `{"ip":"203.0.113.7","n":"in-0"}`),
		rec(logins, 1, to.Add(time.Minute), `{"ip":"203.0.113.7","n":"after"}`),
		rec(audit, 0, from.Add(30*time.Minute), `export by slyon from 203.0.113.7`),
		rec(denied, 0, from.Add(10*time.Minute), `{"ip":"203.0.113.7"}`),
	)
	set, err := filter.ParseIOCs(strings.NewReader("203.0.113.7"))
	if err != nil {
		t.Fatal(err)
	}
	reader := connect(t, readerConfig(e, t))
	var got []string
	sum, err := sweep.Run(ctxFor(t), reader, sweep.Request{From: from, To: to, IOCs: set,
		Topics: []string{"*" + run + "*"}}, func(h *sweep.Hit) error {
		got = append(got, h.Envelope.Topic+"|"+string(h.Envelope.Value.JSON))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{logins + `|{"ip":"203.0.113.7","n":"in-0"}`, logins + `|{"ip":"203.0.113.7","n":"in-1"}`,
		audit + `|"export by slyon from 203.0.113.7"`}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("hits:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	failed := sum.Failed()
	if len(failed) != 1 || failed[0].Topic != denied {
		t.Fatalf("failed topics = %+v, want %s", failed, denied)
	}
	assertOneLine(t, failed[0].Err, "not authorized", denied)
	if len(sum.Topics) != 3 {
		t.Errorf("summary covers %d topics, want 3", len(sum.Topics))
	}
}

// allowDescribe lets user DESCRIBE (not READ) one topic.
func allowDescribe(t *testing.T, admin *kgo.Client, user, topic string) {
	t.Helper()
	req := kmsg.NewPtrCreateACLsRequest()
	c := kmsg.NewCreateACLsRequestCreation()
	c.ResourceType, c.ResourceName = kmsg.ACLResourceTypeTopic, topic
	c.ResourcePatternType = kmsg.ACLResourcePatternTypeLiteral
	c.Principal, c.Host = "User:"+user, "*"
	c.Operation, c.PermissionType = kmsg.ACLOperationDescribe, kmsg.ACLPermissionTypeAllow
	req.Creations = append(req.Creations, c)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	resp, err := req.RequestWith(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range resp.Results {
		if err := kerrOf(r.ErrorCode, r.ErrorMessage); err != nil {
			t.Fatalf("create ACL: %v", err)
		}
	}
}
