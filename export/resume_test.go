package export

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kpeek/kpeek/config"
	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/decode/filter"
	"github.com/kpeek/kpeek/export/hectest"
	"github.com/kpeek/kpeek/kafka"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

const resumeTopic = "erp.orders"

// kafkaTopic starts an in-process cluster with resumeTopic: 3 partitions of n records,
// value {"n":i,"even":bool,"card":"4111…"}; it returns a kpeek client and a raw client.
func kafkaTopic(t *testing.T, n int) (*kafka.Client, *kgo.Client) {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(3, resumeTopic))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	raw, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.RecordPartitioner(kgo.ManualPartitioner()),
		kgo.ProducerLinger(0))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(raw.Close)
	var recs []*kgo.Record
	for p := range int32(3) {
		for i := range n {
			recs = append(recs, &kgo.Record{Topic: resumeTopic, Partition: p,
				Value: fmt.Appendf(nil, `{"n":%d,"even":%v,"card":"4111111111111111"}`, i, i%2 == 0)})
		}
	}
	if err := raw.ProduceSync(t.Context(), recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
	cl, err := kafka.New(t.Context(), config.Connection{Name: "test", Brokers: c.ListenAddrs()},
		kafka.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cl.Close() })
	return cl, raw
}

// exportRequest reads the whole topic as `kpeek export --filter /"even":true/ --redact value.card` would.
func exportRequest(t *testing.T, ctx context.Context, cl *kafka.Client) Request {
	t.Helper()
	st, err := cl.Read(ctx, kafka.ReadRequest{Topic: resumeTopic, BatchSize: 20})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	flt, err := filter.Compile(`/"even":true/`)
	if err != nil {
		t.Fatal(err)
	}
	return Request{Records: st.Batches(), Total: SelectionTotal(st.Ranges(), 0), Decoder: decode.New(), Filter: flt,
		Redact: []string{"value.card"}, Reread: &Reread{},
		Capture: Capture{Cluster: "test", Topic: resumeTopic, Ranges: st.Ranges(), Filter: `/"even":true/`}}
}

// wantEven is every record the filter selects.
func wantEven(n int) []kafka.Record {
	var out []kafka.Record
	for p := range int32(3) {
		for i := 0; i < n; i += 2 {
			out = append(out, kafka.Record{Partition: p, Offset: int64(i)})
		}
	}
	return out
}

// interruptedExport exports the topic to a collector and interrupts it once the
// collector holds a request (it committed hold events); it returns the collector (now
// letting requests through), the summary and the spool's header.
func interruptedExport(t *testing.T, cl *kafka.Client, hold int) (*hectest.Server, Summary, SpoolHeader) {
	t.Helper()
	srv := hectest.New(hectest.WithHoldAfter(hold))
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	req := exportRequest(t, ctx, cl)
	o := hecOptions(srv, dir)
	o.BatchBytes, o.Concurrency = 2<<10, 2
	done := make(chan Summary, 1)
	var err error
	go func() {
		var sum Summary
		sum, err = ToSplunk(ctx, req, o)
		done <- sum
	}()
	for deadline := time.Now().Add(30 * time.Second); srv.Held() == 0; time.Sleep(2 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the collector never held a request")
		}
	}
	cancel()
	sum := <-done
	if err == nil || !strings.Contains(err.Error(), "interrupted") || sum.Spool == "" || sum.Unread == 0 {
		t.Fatalf("interrupted export: %v, %+v", err, sum)
	}
	srv.Release()
	h, err := ReadSpoolHeader(sum.Spool)
	if err != nil {
		t.Fatal(err)
	}
	return srv, sum, h
}

// TestResumeReadsTheRest: an export interrupted early leaves most of the selection
// unread; the resume delivers the spooled events and reads the rest with the same
// filter and redaction, so that every selected record arrives exactly once.
func TestResumeReadsTheRest(t *testing.T) {
	const n = 400
	cl, _ := kafkaTopic(t, n)
	srv, sum, h := interruptedExport(t, cl, 60)
	if h.Selection == nil || h.Selection.Filter != `/"even":true/` || !slices.Equal(h.Selection.Redact, []string{"value.card"}) ||
		h.ReadUntil[2] != n || len(h.Remaining()) == 0 {
		t.Fatalf("spool header = %+v (%+v)", h, h.Selection)
	}
	first := len(srv.Events())

	rs, err := Resume(t.Context(), ResumeRequest{Spool: sum.Spool, Token: "test-token", Reader: cl, Decoder: decode.New()})
	if err != nil {
		t.Fatalf("resume: %v (%+v)", err, rs)
	}
	if rs.Spool != "" {
		t.Errorf("resume left a spool: %+v", rs)
	}
	if int(rs.Acked)+first < len(wantEven(n)) {
		t.Errorf("resume confirmed %d after %d, want all %d", rs.Acked, first, len(wantEven(n)))
	}
	exactlyOnce(t, wantEven(n), delivered(t, srv))
	for _, ev := range srv.Events() {
		if strings.Contains(string(ev.Event), "4111111111111111") {
			t.Fatal("the resumed part was not redacted")
		}
	}
}

// TestResumeReportsWhatAgedOut: records deleted from Kafka (the log start offset moved)
// between the interrupt and the resume are named exactly; the rest is delivered and the
// resume fails.
func TestResumeReportsWhatAgedOut(t *testing.T) {
	const n = 400
	cl, raw := kafkaTopic(t, n)
	srv, sum, h := interruptedExport(t, cl, 30)
	from := h.Read[1]
	if from >= 300 {
		t.Fatalf("partition 1 was read to %d before the interrupt", from)
	}
	deleteRecords(t, raw, 1, 300)

	_, err := Resume(t.Context(), ResumeRequest{Spool: sum.Spool, Token: "test-token", Reader: cl, Decoder: decode.New()})
	var aged *AgedOutError
	if !errors.As(err, &aged) {
		t.Fatalf("resume: err = %v, want an AgedOutError", err)
	}
	if len(aged.Ranges) != 1 || aged.Ranges[0] != (kafka.PartitionRange{Partition: 1, Start: from, End: 300}) {
		t.Errorf("aged out = %+v, want partition 1 [%d,300)", aged.Ranges, from)
	}
	if msg := err.Error(); !strings.Contains(msg, fmt.Sprintf("partition 1 offsets %d-299", from)) {
		t.Errorf("message does not name the offsets: %s", msg)
	}
	var want []kafka.Record
	for _, r := range wantEven(n) {
		if r.Partition != 1 || r.Offset < from || r.Offset >= 300 {
			want = append(want, r)
		}
	}
	got := delivered(t, srv)
	var kept []position
	for _, p := range got {
		if p.partition != 1 || p.offset < from || p.offset >= 300 {
			kept = append(kept, p)
		}
	}
	exactlyOnce(t, want, kept)
}

// deleteRecords moves partition's log start offset to before, as retention does.
func deleteRecords(t *testing.T, raw *kgo.Client, partition int32, before int64) {
	t.Helper()
	req := kmsg.NewPtrDeleteRecordsRequest()
	rt := kmsg.NewDeleteRecordsRequestTopic()
	rt.Topic = resumeTopic
	rp := kmsg.NewDeleteRecordsRequestTopicPartition()
	rp.Partition, rp.Offset = partition, before
	rt.Partitions = append(rt.Partitions, rp)
	req.Topics = append(req.Topics, rt)
	req.TimeoutMillis = 5000
	resp, err := req.RequestWith(t.Context(), raw)
	if err != nil {
		t.Fatal(err)
	}
	if code := resp.Topics[0].Partitions[0].ErrorCode; code != 0 {
		t.Fatalf("delete records: error code %d", code)
	}
}

// TestResumeReportsARecreatedTopic: a topic deleted and created again since the export
// ends before the recorded end offsets; what it no longer holds is named, not skipped.
func TestResumeReportsARecreatedTopic(t *testing.T) {
	const n = 400
	cl, raw := kafkaTopic(t, n)
	_, sum, h := interruptedExport(t, cl, 30)
	del := kmsg.NewPtrDeleteTopicsRequest()
	del.TopicNames = []string{resumeTopic}
	dt := kmsg.NewDeleteTopicsRequestTopic()
	dt.Topic = kmsg.StringPtr(resumeTopic)
	del.Topics = append(del.Topics, dt)
	del.TimeoutMillis = 5000
	if resp, err := del.RequestWith(t.Context(), raw); err != nil || resp.Topics[0].ErrorCode != 0 {
		t.Fatalf("delete topic: %v %+v", err, resp)
	}
	create := kmsg.NewPtrCreateTopicsRequest()
	ct := kmsg.NewCreateTopicsRequestTopic()
	ct.Topic, ct.NumPartitions, ct.ReplicationFactor = resumeTopic, 3, 1
	create.Topics = append(create.Topics, ct)
	create.TimeoutMillis = 5000
	if resp, err := create.RequestWith(t.Context(), raw); err != nil || resp.Topics[0].ErrorCode != 0 {
		t.Fatalf("create topic: %v %+v", err, resp)
	}
	_, err := Resume(t.Context(), ResumeRequest{Spool: sum.Spool, Token: "test-token", Reader: cl, Decoder: decode.New()})
	var aged *AgedOutError
	if !errors.As(err, &aged) || len(aged.Ranges) != 3 {
		t.Fatalf("resume: err = %v", err)
	}
	for _, r := range aged.Ranges {
		if r.Start != h.Read[r.Partition] || r.End != n {
			t.Errorf("gone %+v, want [%d,%d)", r, h.Read[r.Partition], n)
		}
	}
}
