//go:build integration

// Integration tests against a real Apache Kafka broker started by testdata/kafka/up.sh.
// Run: testdata/kafka/ci.sh (every version), or up.sh VERSION then
// `go test -tags integration -count=1 ./kafka/...`. Without the env file the tests skip.
//
// The scaffolding here (creating topics, producing, ACLs, group members, snapshots) uses
// franz-go kgo/kmsg as the admin user; only the code under test goes through kpeek's API.
package kafka_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kpeek/kpeek/config"
	"github.com/kpeek/kpeek/kafka"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/twmb/franz-go/pkg/kversion"
)

// itEnv is the broker description written by up.sh.
type itEnv map[string]string

var (
	itEnvOnce sync.Once
	itEnvVal  itEnv
	itEnvErr  error

	itSetupOnce sync.Once
	itSetupErr  error

	// itRun makes this run's topic and group names unique, so reruns on one broker never clash.
	itRun = fmt.Sprintf("%x", time.Now().UnixNano()&0xffffffffff)
)

// Topic name prefixes: the restricted user may DESCRIBE and READ "it-allowed-*" only.
const (
	itAllowedPrefix = "it-allowed-"
	itSecretPrefix  = "it-secret-"
)

// itEnvPath is where up.sh writes the env file, or $KPEEK_IT_ENV.
func itEnvPath() string {
	if p := os.Getenv("KPEEK_IT_ENV"); p != "" {
		return p
	}
	return filepath.Join("..", "testdata", "kafka", "run", "env")
}

// loadEnv reads KEY=value lines from the env file.
func loadEnv(path string) (itEnv, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	env := itEnv{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			return nil, fmt.Errorf("%s: bad line %q", path, line)
		}
		env[k] = v
	}
	return env, sc.Err()
}

// env returns the broker's env or skips the test with how to start one.
func env(t *testing.T) itEnv {
	t.Helper()
	itEnvOnce.Do(func() { itEnvVal, itEnvErr = loadEnv(itEnvPath()) })
	if itEnvErr != nil {
		t.Skipf("no real Kafka broker: %v (start one with testdata/kafka/up.sh, or run testdata/kafka/ci.sh)", itEnvErr)
	}
	itSetupOnce.Do(func() { itSetupErr = setupACLs(itEnvVal) })
	if itSetupErr != nil {
		t.Fatalf("integration setup: %v", itSetupErr)
	}
	return itEnvVal
}

// get returns one env value and fails the test when up.sh did not write it.
func (e itEnv) get(t *testing.T, key string) string {
	t.Helper()
	v, ok := e[key]
	if !ok || v == "" {
		if e["KPEEK_IT_LEGACY"] == "1" {
			t.Skipf("Kafka %s in ZooKeeper mode (as up.sh runs it) offers no %s", e["KPEEK_IT_KAFKA_VERSION"], key)
		}
		t.Fatalf("env file %s has no %s: rerun testdata/kafka/up.sh", itEnvPath(), key)
	}
	return v
}

// ctxFor bounds a test generously: a hang fails the test instead of the whole run.
func ctxFor(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// plaintextConfig is kpeek's config for the unauthenticated listener (a super user).
func plaintextConfig(e itEnv, t *testing.T) config.Connection {
	return config.Connection{Name: "it-plaintext", Brokers: []string{e.get(t, "KPEEK_IT_PLAINTEXT")}}
}

// saslConfig is kpeek's config for the SASL_PLAINTEXT listener with one mechanism and user.
func saslConfig(e itEnv, t *testing.T, mechanism, user, password string) config.Connection {
	return config.Connection{
		Name:    "it-sasl",
		Brokers: []string{e.get(t, "KPEEK_IT_SASL")},
		SASL:    &config.SASL{Mechanism: mechanism, Username: user, Password: password},
	}
}

// readerConfig is the restricted user over SCRAM-SHA-512.
func readerConfig(e itEnv, t *testing.T) config.Connection {
	return saslConfig(e, t, "SCRAM-SHA-512", e.get(t, "KPEEK_IT_READER_USER"), e.get(t, "KPEEK_IT_READER_PASSWORD"))
}

// connect opens a kpeek client and closes it when the test ends.
func connect(t *testing.T, cfg config.Connection) *kafka.Client {
	t.Helper()
	cl, err := kafka.New(ctxFor(t), cfg)
	if err != nil {
		t.Fatalf("kafka.New(%s): %v", cfg.Name, err)
	}
	t.Cleanup(func() { _ = cl.Close() })
	return cl
}

// adminClient is a franz-go client on the PLAINTEXT listener (ANONYMOUS is a super user).
func adminClient(t *testing.T, e itEnv, opts ...kgo.Opt) *kgo.Client {
	t.Helper()
	cl, err := newAdmin(e[`KPEEK_IT_PLAINTEXT`], opts...)
	if err != nil {
		t.Fatalf("franz-go client: %v", err)
	}
	t.Cleanup(cl.Close)
	return cl
}

// newAdmin builds a franz-go client for test scaffolding.
func newAdmin(addr string, opts ...kgo.Opt) (*kgo.Client, error) {
	return kgo.NewClient(append([]kgo.Opt{
		kgo.SeedBrokers(addr),
		kgo.ClientID("kpeek-it-scaffold"),
		kgo.ProducerBatchMaxBytes(7 << 20),
		kgo.RecordPartitioner(kgo.ManualPartitioner()),
		// Kafka 4 names topics by id in OffsetCommit/OffsetFetch v10; names are simpler here.
		kgo.MaxVersions(kversion.V3_9_0()),
	}, opts...)...)
}

// setupACLs grants the restricted user DESCRIBE and READ on "it-allowed-*" topics and nothing
// else (no group ACLs); creating an ACL that exists is a no-op, so reruns are fine.
func setupACLs(e itEnv) error {
	cl, err := newAdmin(e["KPEEK_IT_PLAINTEXT"])
	if err != nil {
		return err
	}
	defer cl.Close()
	req := kmsg.NewPtrCreateACLsRequest()
	for _, op := range []kmsg.ACLOperation{kmsg.ACLOperationDescribe, kmsg.ACLOperationRead} {
		c := kmsg.NewCreateACLsRequestCreation()
		c.ResourceType = kmsg.ACLResourceTypeTopic
		c.ResourceName = itAllowedPrefix
		c.ResourcePatternType = kmsg.ACLResourcePatternTypePrefixed
		c.Principal = "User:" + e["KPEEK_IT_READER_USER"]
		c.Host = "*"
		c.Operation = op
		c.PermissionType = kmsg.ACLPermissionTypeAllow
		req.Creations = append(req.Creations, c)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	resp, err := req.RequestWith(ctx, cl)
	if err != nil {
		return fmt.Errorf("create ACLs: %w", err)
	}
	for _, r := range resp.Results {
		if err := kerrOf(r.ErrorCode, r.ErrorMessage); err != nil {
			return fmt.Errorf("create ACL: %w", err)
		}
	}
	return nil
}

// kerrOf turns a Kafka error code and message into an error, nil for success.
func kerrOf(code int16, msg *string) error {
	if code == 0 {
		return nil
	}
	m := ""
	if msg != nil {
		m = ": " + *msg
	}
	return fmt.Errorf("kafka error code %d%s", code, m)
}

// itSeq numbers names within this process, so -count=N reruns never reuse one.
var itSeq atomic.Int64

// uniq is a name unique to this call: what, the run id and a sequence number.
func uniq(what string) string { return fmt.Sprintf("%s-%s-%d", what, itRun, itSeq.Add(1)) }

// topicName is a unique topic name; "it-allowed-" ones are readable by the restricted user.
func topicName(prefix, what string) string { return prefix + uniq(what) }

// createTopic creates a topic with configs and waits until its partitions have leaders.
func createTopic(t *testing.T, cl *kgo.Client, name string, partitions int32, configs map[string]string) {
	t.Helper()
	ctx := ctxFor(t)
	req := kmsg.NewPtrCreateTopicsRequest()
	tp := kmsg.NewCreateTopicsRequestTopic()
	tp.Topic, tp.NumPartitions, tp.ReplicationFactor = name, partitions, 1
	for k, v := range configs {
		c := kmsg.NewCreateTopicsRequestTopicConfig()
		c.Name, c.Value = k, kmsg.StringPtr(v)
		tp.Configs = append(tp.Configs, c)
	}
	req.Topics = append(req.Topics, tp)
	req.TimeoutMillis = 60000
	resp, err := req.RequestWith(ctx, cl)
	if err != nil {
		t.Fatalf("create topic %s: %v", name, err)
	}
	for _, r := range resp.Topics {
		if err := kerrOf(r.ErrorCode, r.ErrorMessage); err != nil {
			t.Fatalf("create topic %s: %v", name, err)
		}
	}
	// Wait until every partition's leader serves it: metadata names the leader a moment before
	// the broker has the partition, and kpeek (unlike a producer) does not retry NOT_LEADER.
	for !partitionsServed(ctx, cl, name, partitions) {
		if ctx.Err() != nil {
			t.Fatalf("topic %s: partitions never got a serving leader: %v", name, ctx.Err())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// partitionsServed reports whether ListOffsets answers without error for every partition.
func partitionsServed(ctx context.Context, cl *kgo.Client, topic string, partitions int32) bool {
	req := kmsg.NewPtrListOffsetsRequest()
	rt := kmsg.NewListOffsetsRequestTopic()
	rt.Topic = topic
	for p := int32(0); p < partitions; p++ {
		rp := kmsg.NewListOffsetsRequestTopicPartition()
		rp.Partition, rp.Timestamp = p, -1
		rt.Partitions = append(rt.Partitions, rp)
	}
	req.Topics = append(req.Topics, rt)
	// Issued through the client, a sharded request goes to each partition's leader.
	resp, err := req.RequestWith(ctx, cl)
	if err != nil || len(resp.Topics) != 1 || len(resp.Topics[0].Partitions) != int(partitions) {
		return false
	}
	return !slices.ContainsFunc(resp.Topics[0].Partitions, func(p kmsg.ListOffsetsResponseTopicPartition) bool {
		return p.ErrorCode != 0
	})
}

// produce writes records synchronously and fails the test on any error.
func produce(t *testing.T, cl *kgo.Client, rs ...*kgo.Record) {
	t.Helper()
	if err := cl.ProduceSync(ctxFor(t), rs...).FirstErr(); err != nil {
		t.Fatalf("produce: %v", err)
	}
}

// readHangBound turns a bounded read that never ends into a failure. Not a speed check: the
// reads here are of a few records (or one 5 MB one) and end in well under a second when right.
const readHangBound = 60 * time.Second

// readAll runs a kpeek read and collects every record until the stream ends.
func readAll(t *testing.T, cl *kafka.Client, req kafka.ReadRequest) ([]kafka.Record, []kafka.PartitionRange) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), readHangBound)
	defer cancel()
	s, err := cl.Read(ctx, req)
	if err != nil {
		t.Fatalf("Read(%+v): %v", req, err)
	}
	defer s.Close()
	var out []kafka.Record
	for {
		select {
		case b, ok := <-s.Batches():
			if !ok {
				return out, s.Ranges()
			}
			if b.Err != nil {
				t.Fatalf("Read(%s): stream failed: %v", req.Topic, b.Err)
			}
			out = append(out, b.Records...)
		case <-ctx.Done():
			t.Fatalf("Read(%s from %+v): did not end within %v; got %d records, ranges %+v",
				req.Topic, req.From, readHangBound, len(out), s.Ranges())
		}
	}
}

// byPartition groups records' offsets per partition, in the order they arrived.
func byPartition(rs []kafka.Record) map[int32][]int64 {
	out := map[int32][]int64{}
	for _, r := range rs {
		out[r.Partition] = append(out[r.Partition], r.Offset)
	}
	return out
}

// span returns the offsets from..to, inclusive.
func span(from, to int64) []int64 {
	var out []int64
	for o := from; o <= to; o++ {
		out = append(out, o)
	}
	return out
}

// assertOneLine checks an error for users: set, one line, and naming every word in want.
func assertOneLine(t *testing.T, err error, want ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("want an error naming %q, got none", want)
	}
	msg := err.Error()
	if strings.ContainsAny(msg, "\r\n") {
		t.Errorf("error is not one line: %q", msg)
	}
	for _, w := range want {
		if !strings.Contains(strings.ToLower(msg), strings.ToLower(w)) {
			t.Errorf("error %q does not mention %q", msg, w)
		}
	}
}

// asType asserts that err wraps a *T and returns it.
func asType[T error](t *testing.T, err error) T {
	t.Helper()
	var target T
	if !errors.As(err, &target) {
		t.Fatalf("error %q (%T) is not a %T", err, err, target)
	}
	return target
}
