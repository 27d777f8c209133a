package sweep

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kpeek/kpeek/config"
	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/decode/filter"
	"github.com/kpeek/kpeek/kafka"
	"github.com/kpeek/kpeek/kafka/demo"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

// testNow pins the demo's clock so the incident hour is known.
var testNow = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

// demoClient starts the demo scenario and connects a kpeek client with its decoder.
func demoClient(t testing.TB) (*kafka.Client, *decode.Decoder) {
	t.Helper()
	c, err := demo.Start(t.Context(), demo.WithNow(testNow), demo.WithoutLiveMember())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	cfg := c.ClusterConfig()
	cl, err := kafka.New(t.Context(), cfg.Connection)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cl.Close() })
	dec, err := decode.FromConfig(decode.Config{Registry: cfg.SchemaRegistry})
	if err != nil {
		t.Fatal(err)
	}
	return cl, dec
}

func iocs(t testing.TB, lines ...string) *filter.IOCSet {
	t.Helper()
	set, err := filter.ParseIOCs(strings.NewReader(strings.Join(lines, "\n")))
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// collectHits runs a sweep and returns its hits in emitted order.
func collectHits(t *testing.T, src Source, req Request) ([]*Hit, Summary) {
	t.Helper()
	var hits []*Hit
	sum, err := Run(t.Context(), src, req, func(h *Hit) error {
		hits = append(hits, h)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return hits, sum
}

func TestSweepFindsThePlantedHitsOnly(t *testing.T) {
	cl, dec := demoClient(t)
	from, to := demo.IncidentWindow(testNow)
	set := iocs(t, "# the intruder", demo.IncidentIP)

	hits, sum := collectHits(t, cl, Request{From: from, To: to, IOCs: set, Decoder: dec})
	perTopic := map[string]int{}
	for i, h := range hits {
		perTopic[h.Envelope.Topic]++
		if h.Envelope.Timestamp.Before(from) || h.Envelope.Timestamp.After(to) {
			t.Errorf("hit %d at %v is outside the window", i, h.Envelope.Timestamp)
		}
		if len(h.Matched) == 0 || h.Matched[0].Indicator != demo.IncidentIP || h.Matched[0].Path == "" {
			t.Errorf("hit %d matched %+v, want the address and where", i, h.Matched)
		}
		if i > 0 && h.Envelope.Timestamp.Before(hits[i-1].Envelope.Timestamp) {
			t.Errorf("hit %d at %v comes after one at %v", i, h.Envelope.Timestamp, hits[i-1].Envelope.Timestamp)
		}
	}
	want := map[string]int{demo.TopicLogins: 41, demo.TopicAudit: 3, demo.TopicCustomers: 1}
	if fmt.Sprint(perTopic) != fmt.Sprint(want) {
		t.Errorf("hits per topic = %v, want %v", perTopic, want)
	}
	if sum.Hits() != 45 || len(sum.Failed()) != 0 || sum.Scanned() == 0 {
		t.Errorf("summary: %d hits, %d scanned, failed %v", sum.Hits(), sum.Scanned(), sum.Failed())
	}
	for _, tr := range sum.Topics {
		if tr.Hits > 0 && (tr.FirstHit.Before(from) || tr.LastHit.After(to) || tr.LastHit.Before(tr.FirstHit)) {
			t.Errorf("%s first/last hit %v/%v", tr.Topic, tr.FirstHit, tr.LastHit)
		}
	}

	// The whole day holds no other sighting, and the day without the incident hour none.
	day, _ := collectHits(t, cl, Request{From: testNow.Add(-25 * time.Hour), To: testNow, IOCs: set, Decoder: dec})
	if len(day) != 45 {
		t.Errorf("the whole day has %d hits, want the 45 planted in the incident hour", len(day))
	}
	after, _ := collectHits(t, cl, Request{From: to.Add(time.Millisecond), To: testNow, IOCs: set, Decoder: dec})
	if len(after) != 0 {
		t.Errorf("after the incident hour: %d hits, want none", len(after))
	}
}

func TestSweepMatchFilterAndTopicGlobs(t *testing.T) {
	cl, dec := demoClient(t)
	from, to := demo.IncidentWindow(testNow)
	flt, err := filter.Compile(`value.result == "failure"`)
	if err != nil {
		t.Fatal(err)
	}
	hits, sum := collectHits(t, cl, Request{From: from, To: to, Filter: flt, Decoder: dec, Topics: []string{"auth.*"}})
	if len(sum.Topics) != 1 || sum.Topics[0].Topic != demo.TopicLogins {
		t.Fatalf("swept %+v, want auth.logins only", sum.Topics)
	}
	if len(hits) < 40 || hits[0].Matched[0].Kind != KindFilter || hits[0].Matched[0].Indicator != flt.String() {
		t.Errorf("%d hits, first matched %+v", len(hits), hits[0].Matched)
	}
}

func TestSelect(t *testing.T) {
	ts := kafka.Topics{{Name: "__consumer_offsets", Internal: true}, {Name: "auth.logins"}, {Name: "erp.audit"},
		{Name: "erp.purchasing.orders"}}
	names := func(ps []string, internal bool) string {
		got, err := Select(ts, ps, internal)
		if err != nil {
			return "error: " + err.Error()
		}
		return strings.Join(got, " ")
	}
	for _, tt := range []struct {
		patterns []string
		internal bool
		want     string
	}{
		{nil, false, "auth.logins erp.audit erp.purchasing.orders"},
		{nil, true, "__consumer_offsets auth.logins erp.audit erp.purchasing.orders"},
		{[]string{"erp.*"}, false, "erp.audit erp.purchasing.orders"},
		{[]string{"auth.logins", "erp.p*"}, false, "auth.logins erp.purchasing.orders"},
		{[]string{"__*"}, false, `error: topic pattern "__*" matches only internal topics (add --internal)`},
		{[]string{"__*"}, true, "__consumer_offsets"},
		{[]string{"erp.*", "hr.*"}, false, `error: topic pattern "hr.*" matches none of the 4 topics`},
		{[]string{"erp.audit.old"}, false, `error: topic pattern "erp.audit.old" matches none of the 4 topics`},
		{[]string{"[erp"}, false, `error: topic pattern "[erp": syntax error in pattern`},
	} {
		if got := names(tt.patterns, tt.internal); got != tt.want {
			t.Errorf("Select(%v, internal %v) = %q, want %q", tt.patterns, tt.internal, got, tt.want)
		}
	}
}

// deniedSource fails reads of one topic as a broker without READ on it would.
type deniedSource struct {
	Source
	topic string
}

var errDenied = errors.New(`not authorized to read topic "erp.audit"`)

func (d deniedSource) Read(ctx context.Context, req kafka.ReadRequest) (*kafka.Stream, error) {
	if req.Topic == d.topic {
		return nil, errDenied
	}
	return d.Source.Read(ctx, req)
}

func TestSweepReportsUnreadableTopicAndGoesOn(t *testing.T) {
	cl, dec := demoClient(t)
	from, to := demo.IncidentWindow(testNow)
	hits, sum := collectHits(t, deniedSource{cl, demo.TopicAudit},
		Request{From: from, To: to, IOCs: iocs(t, demo.IncidentIP), Decoder: dec})
	failed := sum.Failed()
	if len(failed) != 1 || failed[0].Topic != demo.TopicAudit || !errors.Is(failed[0].Err, errDenied) {
		t.Fatalf("failed = %+v, want erp.audit with its reason", failed)
	}
	if len(hits) != 42 {
		t.Errorf("%d hits, want the 42 outside erp.audit", len(hits))
	}
	var summary bytes.Buffer
	if err := WriteSummary(&summary, sum); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(summary.String(), "not read: not authorized") {
		t.Errorf("summary does not say why erp.audit was not read:\n%s", summary.String())
	}
}

func TestRunRejectsBadRequests(t *testing.T) {
	set := iocs(t, "1.2.3.4")
	flt, _ := filter.Compile("x")
	for name, req := range map[string]Request{
		"neither":        {From: testNow, To: testNow.Add(time.Hour)},
		"both":           {From: testNow, To: testNow.Add(time.Hour), IOCs: set, Filter: flt},
		"reverse window": {From: testNow, To: testNow.Add(-time.Hour), IOCs: set},
	} {
		if _, err := Run(t.Context(), nil, req, nil); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestWriterFormats(t *testing.T) {
	ts := time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)
	hit := &Hit{Envelope: decode.Envelope{Topic: "evil\x1b[2J", Offset: 7, Timestamp: ts,
		Value: decode.Decoded{JSON: []byte(`{"ip":"203.0.113.7"}`), Encoding: decode.EncodingJSON}},
		Matched: []filter.IOCHit{{Indicator: "203.0.113.7", Kind: filter.IOCIP, Path: "value.ip"}}}
	sum := Summary{From: ts, To: ts.Add(time.Hour), Topics: []TopicResult{{Topic: "evil\x1b[2J", Scanned: 3, Hits: 1,
		FirstHit: ts, LastHit: ts}, {Topic: "denied", Err: errDenied}}}
	out := func(format string) string {
		var b bytes.Buffer
		w, err := NewWriter(&b, format)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Write(hit); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(sum); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	var line map[string]any
	if err := json.Unmarshal([]byte(out("ndjson")), &line); err != nil {
		t.Fatal(err)
	}
	if m, _ := line["matched"].([]any); len(m) != 1 || line["topic"] != "evil\x1b[2J" {
		t.Errorf("ndjson line = %v", line)
	}
	var doc struct {
		Hits    []map[string]any `json:"hits"`
		Summary struct {
			Hits   int64 `json:"hits"`
			Topics []struct {
				Topic string  `json:"topic"`
				Error *string `json:"error"`
			} `json:"topics"`
		} `json:"summary"`
	}
	if err := json.Unmarshal([]byte(out("json")), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Hits) != 1 || doc.Summary.Hits != 1 || doc.Summary.Topics[1].Error == nil {
		t.Errorf("json = %+v", doc)
	}
	for _, f := range OutputFormats {
		if strings.ContainsRune(out(f), 0x1b) {
			t.Errorf("-o %s lets a raw ESC from a topic name through", f)
		}
	}
	if _, err := NewWriter(&bytes.Buffer{}, "csv"); err == nil {
		t.Error("NewWriter accepted csv")
	}
}

// BenchmarkSweepWindow sweeps a one-hour window of a topic whose window holds the same
// records while the data before it grows tenfold: the sweep must cost the same.
func BenchmarkSweepWindow(b *testing.B) {
	const inWindow = 2000
	for _, older := range []int{inWindow, 10 * inWindow} {
		b.Run(fmt.Sprintf("older=%d", older), func(b *testing.B) {
			c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(4, "events"))
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close()
			pc, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.RecordPartitioner(kgo.ManualPartitioner()))
			if err != nil {
				b.Fatal(err)
			}
			defer pc.Close()
			now := time.Now().Truncate(time.Hour)
			windowStart := now.Add(-time.Hour)
			var recs []*kgo.Record
			add := func(n int, from time.Time, span time.Duration) {
				for i := range n {
					recs = append(recs, &kgo.Record{Topic: "events", Partition: int32(i % 4),
						Timestamp: from.Add(span * time.Duration(i) / time.Duration(n)),
						Value:     fmt.Appendf(nil, `{"ip":"10.0.%d.%d","n":%d}`, i/250%250, i%250, i)})
				}
			}
			add(older, windowStart.Add(-30*24*time.Hour), 30*24*time.Hour-time.Minute)
			add(inWindow, windowStart, time.Hour-time.Minute)
			slices.SortStableFunc(recs, func(a, b *kgo.Record) int { return a.Timestamp.Compare(b.Timestamp) })
			if err := pc.ProduceSync(context.Background(), recs...).FirstErr(); err != nil {
				b.Fatal(err)
			}
			cl, err := kafka.New(context.Background(), config.Connection{Name: "bench", Brokers: c.ListenAddrs()})
			if err != nil {
				b.Fatal(err)
			}
			defer cl.Close()
			set, _ := filter.ParseIOCs(strings.NewReader("10.0.3.7"))
			req := Request{From: windowStart, To: now, IOCs: set}
			var scanned int64
			for b.Loop() {
				sum, err := Run(context.Background(), cl, req, func(*Hit) error { return nil })
				if err != nil {
					b.Fatal(err)
				}
				if scanned = sum.Scanned(); scanned != inWindow {
					b.Fatalf("scanned %d records, want the %d in the window", scanned, inWindow)
				}
			}
			b.ReportMetric(float64(scanned), "records/op")
		})
	}
}

// cancellingSource cancels the sweep when it starts reading one topic, as Ctrl-C would.
type cancellingSource struct {
	Source
	topic  string
	cancel context.CancelFunc
}

func (c cancellingSource) Read(ctx context.Context, req kafka.ReadRequest) (*kafka.Stream, error) {
	if req.Topic == c.topic {
		c.cancel()
		return nil, ctx.Err()
	}
	return c.Source.Read(ctx, req)
}

func TestSweepInterruptedStillEmitsWhatItFound(t *testing.T) {
	cl, dec := demoClient(t)
	from, to := demo.IncidentWindow(testNow)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var hits []*Hit
	// One topic at a time, in name order: auth.logins is read before crm.customers interrupts.
	sum, err := Run(ctx, cancellingSource{cl, demo.TopicCustomers, cancel},
		Request{From: from, To: to, IOCs: iocs(t, demo.IncidentIP), Decoder: dec, Concurrency: 1},
		func(h *Hit) error { hits = append(hits, h); return nil })
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want the interruption", err)
	}
	if len(hits) != 41 || hits[0].Envelope.Topic != demo.TopicLogins {
		t.Errorf("%d hits emitted, want auth.logins' 41 found before the interrupt", len(hits))
	}
	if len(sum.Failed()) == 0 {
		t.Error("summary does not mark the unfinished topics")
	}
}

func TestDetachCopiesEveryByte(t *testing.T) {
	key, value, header := []byte(`"k"`), []byte(`{"ip":"203.0.113.7"}`), []byte(`"v"`)
	env := decode.Envelope{Key: decode.Decoded{JSON: key, Raw: key[1:2]}, Value: decode.Decoded{JSON: value, Raw: value},
		Headers: []decode.HeaderValue{{Key: "h", Value: decode.Decoded{JSON: header, Raw: header}}}}
	got := detach(env)
	for _, b := range [][]byte{key, value, header} {
		for i := range b {
			b[i] = 'X'
		}
	}
	if string(got.Key.JSON) != `"k"` || string(got.Key.Raw) != "k" || string(got.Value.JSON) != `{"ip":"203.0.113.7"}` ||
		string(got.Headers[0].Value.Raw) != `"v"` {
		t.Errorf("detached envelope changed with the fetch buffer: %+v", got)
	}
}
