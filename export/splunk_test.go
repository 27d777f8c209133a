package export

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/export/hec"
	"github.com/kpeek/kpeek/export/hectest"
	"github.com/kpeek/kpeek/kafka"
)

func hecOptions(srv *hectest.Server, spoolDir string) HECOptions {
	return HECOptions{
		URL: srv.URL(), Token: "test-token", Index: "main", Source: "kafka:demo:crm.customers", Host: "jump",
		SpoolDir: spoolDir, BatchBytes: 8 << 10, Concurrency: 4,
		Retry:   hec.Retry{Attempts: 3, Base: time.Millisecond, Cap: 5 * time.Millisecond},
		AckPoll: 5 * time.Millisecond, AckTimeout: 200 * time.Millisecond, AckResends: 1, Grace: 100 * time.Millisecond,
	}
}

// position is a record's identity in an event's indexed fields.
type position struct {
	partition int32
	offset    int64
}

func positionOf(t *testing.T, fields map[string]string) position {
	t.Helper()
	p, err1 := strconv.Atoi(fields["partition"])
	o, err2 := strconv.ParseInt(fields["offset"], 10, 64)
	if err1 != nil || err2 != nil {
		t.Fatalf("event fields %v lack partition/offset", fields)
	}
	return position{int32(p), o}
}

// readSpool returns a spool's header and its unconfirmed events' positions; it also
// checks that the token is not in it and that only its owner may read it.
func readSpool(t *testing.T, path string) (SpoolHeader, []position) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(data, []byte("test-token")) || bytes.Contains(data, []byte("bad-token")) {
		t.Fatal("the spool contains the token")
	}
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("spool mode: %v %v, want 0600", st.Mode(), err)
	}
	sc, err := scanJournal(path)
	if err != nil {
		t.Fatal(err)
	}
	src, err := openSpoolSource(path, sc.end, sc.v1, sc.done, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer src.close()
	var out []position
	for {
		line, _, err := src.next(t.Context())
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		var ev hectest.Event
		if err := json.Unmarshal(line, &ev); err != nil {
			t.Fatalf("spool event %q: %v", line, err)
		}
		out = append(out, positionOf(t, ev.Fields))
	}
	if int64(len(out)) != sc.left {
		t.Fatalf("spool: %d events yielded, %d unconfirmed", len(out), sc.left)
	}
	return sc.header, out
}

// exactlyOnce checks that every record of recs is delivered or spooled exactly once.
func exactlyOnce(t *testing.T, recs []kafka.Record, places ...[]position) {
	t.Helper()
	atLeastOnce(t, recs, 0, places...)
}

// atLeastOnce checks that every record is present once, except at most dups records
// that may be present twice (requests cut mid-flight, reported as possible duplicates).
func atLeastOnce(t *testing.T, recs []kafka.Record, dups int64, places ...[]position) {
	t.Helper()
	seen := map[position]int{}
	for _, pl := range places {
		for _, p := range pl {
			seen[p]++
		}
	}
	for _, r := range recs {
		n := seen[position{r.Partition, r.Offset}]
		if n == 2 && dups > 0 {
			dups--
		} else if n != 1 {
			t.Errorf("record %d/%d is present %d times", r.Partition, r.Offset, n)
		}
		delete(seen, position{r.Partition, r.Offset})
	}
	if len(seen) > 0 {
		t.Errorf("unexpected records: %v", seen)
	}
}

func delivered(t *testing.T, srv *hectest.Server) []position {
	var out []position
	for _, ev := range srv.Events() {
		out = append(out, positionOf(t, ev.Fields))
	}
	return out
}

func TestSplunkDeliversEveryRecordOnce(t *testing.T) {
	srv := hectest.New(hectest.WithIndexes("main"))
	defer srv.Close()
	recs := sampleRecords(500)
	req := testRequest(recs)
	var last Progress
	req.Progress = func(p Progress) { last = p }
	sum, err := ToSplunk(t.Context(), req, hecOptions(srv, t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	if last != sum.Progress {
		t.Errorf("last progress report %+v, summary %+v", last, sum.Progress)
	}
	exactlyOnce(t, recs, delivered(t, srv))
	if sum.Selected != 500 || sum.Written != 500 || sum.Acked != 500 || sum.Failed != 0 || sum.Spool != "" {
		t.Errorf("summary = %+v", sum)
	}
	lines := strings.Split(strings.TrimSpace(string(consumeOutput(t, recs))), "\n")
	byPos := map[position]hectest.Event{}
	for _, ev := range srv.Events() {
		byPos[positionOf(t, ev.Fields)] = ev
	}
	var frame []byte
	for i, r := range recs {
		ev := byPos[position{r.Partition, r.Offset}]
		wantTime := fmt.Sprintf("%d.%03d", r.Timestamp.Unix(), r.Timestamp.UnixMilli()%1000)
		if string(ev.Time) != wantTime {
			t.Fatalf("record %d: time %s, want the Kafka timestamp %s", i, ev.Time, wantTime)
		}
		if string(ev.Event) != lines[i] {
			t.Fatalf("record %d: event\n%s\nwant the consume envelope\n%s", i, ev.Event, lines[i])
		}
		frame = appendFrame(frame[:0], &r)
		if sum := sha256.Sum256(frame); ev.Fields["sha256"] != hexHash(sum) || ev.Fields["topic"] != "crm.customers" {
			t.Fatalf("record %d: fields %v", i, ev.Fields)
		}
		if ev.Sourcetype != "_json" || ev.Index != "main" || ev.Source != "kafka:demo:crm.customers" || ev.Host != "jump" {
			t.Fatalf("record %d: metadata %+v", i, ev)
		}
	}
}

func TestSplunkSurvivesFaults(t *testing.T) {
	tests := []struct {
		name   string
		faults []hectest.Fault
		opts   []hectest.Option
	}{
		{"busy", []hectest.Fault{hectest.Fault503, hectest.Fault503}, nil},
		{"internal errors and throttling", []hectest.Fault{hectest.Fault500, hectest.Fault429, hectest.Fault500}, nil},
		{"dropped connections", []hectest.Fault{hectest.FaultDrop, hectest.FaultDrop}, nil},
		{"payload too large", []hectest.Fault{hectest.Fault413, hectest.Fault413, hectest.Fault413}, nil},
		{"small collector limit", nil, []hectest.Option{hectest.WithMaxBody(3000)}},
		{"slow collector", nil, []hectest.Option{hectest.WithEventDelay(5 * time.Millisecond)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := hectest.New(tt.opts...)
			defer srv.Close()
			srv.Inject(tt.faults...)
			recs := sampleRecords(300)
			sum, err := ToSplunk(t.Context(), testRequest(recs), hecOptions(srv, t.TempDir()))
			if err != nil {
				t.Fatal(err)
			}
			exactlyOnce(t, recs, delivered(t, srv))
			if sum.Acked != 300 || sum.Spool != "" {
				t.Errorf("summary = %+v", sum)
			}
		})
	}
}

func TestSplunkFatalErrorsSpoolEverything(t *testing.T) {
	tests := []struct {
		name   string
		srv    []hectest.Option
		index  string
		revoke bool
		want   string
	}{
		{"token revoked mid-export", []hectest.Option{hectest.WithEventDelay(5 * time.Millisecond)}, "main", true, "token was refused"},
		{"forbidden index", []hectest.Option{hectest.WithIndexes("main")}, "secret", false, "may not write to this index"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := hectest.New(tt.srv...)
			defer srv.Close()
			if tt.revoke {
				go func() {
					for srv.Count() == 0 {
						time.Sleep(time.Millisecond)
					}
					srv.SetToken("someone-else")
				}()
			}
			recs := sampleRecords(400)
			opts := hecOptions(srv, t.TempDir())
			opts.Index = tt.index
			sum, err := ToSplunk(t.Context(), testRequest(recs), opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			if sum.Spool == "" || sum.Acked+sum.Failed != 400 {
				t.Fatalf("summary = %+v", sum)
			}
			h, spooled := readSpool(t, sum.Spool)
			// The rest of the stream was drained into the spool.
			atLeastOnce(t, recs, sum.Duplicates, delivered(t, srv), spooled)
			if h.Destination.URL != srv.URL() || h.Destination.Index != tt.index || !strings.Contains(h.Reason, tt.want) {
				t.Errorf("spool header = %+v", h)
			}
		})
	}
}

func TestSplunkPreflight(t *testing.T) {
	tests := []struct {
		name  string
		srv   []hectest.Option
		token string
		sick  bool
		want  string
	}{
		{"unhealthy", nil, "test-token", true, "collector not ready"},
		{"wrong token", nil, "bad-token", false, "token was refused"},
		{"token needs ack", []hectest.Option{hectest.WithAck(0)}, "test-token", false, "export with --ack"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := hectest.New(tt.srv...)
			defer srv.Close()
			srv.SetUnhealthy(tt.sick)
			req := testRequest(sampleRecords(10))
			dir := t.TempDir()
			opts := hecOptions(srv, dir)
			opts.Token = tt.token
			_, err := ToSplunk(t.Context(), req, opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "nothing was read") {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			if len(req.Records) == 0 || srv.Count() != 0 || len(dirNames(t, dir)) != 0 {
				t.Error("records were read, sent or spooled although the preflight failed")
			}
		})
	}
}

// TestKillMidExport kills the receiver mid-export: every record must have arrived
// exactly once or be in the spool, and resuming against the restarted receiver
// delivers the rest.
func TestKillMidExport(t *testing.T) {
	for _, ack := range []bool{false, true} {
		t.Run(fmt.Sprintf("ack=%v", ack), func(t *testing.T) {
			var opts []hectest.Option
			if ack {
				opts = append(opts, hectest.WithAck(0))
			}
			srv := hectest.New(append(opts, hectest.WithKillAfter(700))...)
			recs := sampleRecords(2000)
			o := hecOptions(srv, t.TempDir())
			o.Ack = ack
			sum, err := ToSplunk(t.Context(), testRequest(recs), o)
			if err == nil || sum.Spool == "" {
				t.Fatalf("export to a killed receiver: err %v, summary %+v", err, sum)
			}
			first := delivered(t, srv)
			if len(first) == 0 || len(first) > 700 {
				t.Fatalf("%d events arrived before the kill", len(first))
			}
			_, spooled := readSpool(t, sum.Spool)
			if !ack {
				exactlyOnce(t, recs, first, spooled)
			}
			if sum.Acked+sum.Failed != 2000 {
				t.Errorf("summary = %+v: confirmed + failed must cover every record", sum)
			}

			restarted := hectest.New(append(opts, hectest.WithAddr(srv.Addr()))...)
			defer restarted.Close()
			if restarted.URL() != srv.URL() {
				t.Skipf("could not restart on %s", srv.Addr())
			}
			var total int64
			rs, err := Resume(t.Context(), ResumeRequest{Spool: sum.Spool, Token: "test-token", Progress: func(p Progress) { total = p.Total }})
			if err != nil {
				t.Fatalf("resume: %v (%+v)", err, rs)
			}
			if rs.Acked != int64(len(spooled)) || rs.Spool != "" || total != int64(len(spooled)) {
				t.Errorf("resume summary = %+v, want %d confirmed", rs, len(spooled))
			}
			if _, err := os.Stat(sum.Spool); !os.IsNotExist(err) {
				t.Error("the finished spool was not removed")
			}
			second := delivered(t, restarted)
			if ack {
				// Acknowledged pieces were confirmed; pieces waiting for their ack when the
				// receiver died are spooled and counted as possible duplicates.
				if int64(len(first)) > sum.Acked+sum.Duplicates {
					t.Errorf("%d arrived, %d acked, %d possible duplicates", len(first), sum.Acked, sum.Duplicates)
				}
				return
			}
			exactlyOnce(t, recs, first, second)
		})
	}
}

func TestSplunkInterrupt(t *testing.T) {
	srv := hectest.New(hectest.WithEventDelay(10 * time.Millisecond))
	defer srv.Close()
	recs := sampleRecords(3000)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	ch := make(chan kafka.Batch)
	go func() {
		defer close(ch)
		for i := 0; i < len(recs); i += 100 {
			select {
			case ch <- kafka.Batch{Records: recs[i : i+100]}:
			case <-ctx.Done():
				return
			}
			if i == 1000 {
				cancel()
			}
		}
	}()
	req := testRequest(nil)
	req.Records = ch
	req.Reread = &Reread{}
	req.Capture.Ranges = []kafka.PartitionRange{{Partition: 0, End: 1000}, {Partition: 1, End: 1000}, {Partition: 2, End: 1000}}
	sum, err := ToSplunk(ctx, req, hecOptions(srv, t.TempDir()))
	if err == nil || !strings.Contains(err.Error(), "interrupted") {
		t.Fatalf("err = %v", err)
	}
	h, spooled := readSpool(t, sum.Spool)
	if !h.Interrupted || len(h.Read) != 3 || len(h.ReadUntil) != 3 || h.ReadUntil[1] != 1000 {
		t.Fatalf("spool header = %+v", h)
	}
	var read []kafka.Record
	for _, r := range recs {
		if r.Offset < h.Read[r.Partition] {
			read = append(read, r)
		}
	}
	if len(read) == 0 || len(read) == len(recs) {
		t.Fatalf("%d records read before the interrupt", len(read))
	}
	if sum.Unread != 3000-int64(len(read)) {
		t.Errorf("summary says %d unread, want %d", sum.Unread, 3000-len(read))
	}
	atLeastOnce(t, read, sum.Duplicates, delivered(t, srv), spooled)
}

func TestSplunkAck(t *testing.T) {
	srv := hectest.New(hectest.WithAck(20 * time.Millisecond))
	defer srv.Close()
	recs := sampleRecords(300)
	o := hecOptions(srv, t.TempDir())
	o.Ack, o.AckTimeout = true, time.Minute // the timeout path is TestSplunkLostAcks
	sum, err := ToSplunk(t.Context(), testRequest(recs), o)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Acked != 300 || sum.Duplicates != 0 {
		t.Errorf("summary = %+v", sum)
	}
	exactlyOnce(t, recs, delivered(t, srv))
}

func TestSplunkLostAcks(t *testing.T) {
	srv := hectest.New(hectest.WithAck(0), hectest.WithLostAcks())
	defer srv.Close()
	recs := sampleRecords(50)
	o := hecOptions(srv, t.TempDir())
	o.Ack = true
	sum, err := ToSplunk(t.Context(), testRequest(recs), o)
	if err == nil || !strings.Contains(err.Error(), "not confirmed") {
		t.Fatalf("err = %v", err)
	}
	if sum.Written != 50 || sum.Acked != 0 || sum.Duplicates != 100 || sum.Failed != 50 {
		t.Errorf("summary = %+v, want every record resent once, counted twice as possible duplicates, then spooled", sum)
	}
	if srv.Count() != 100 {
		t.Errorf("server saw %d events, want each record twice (send + one resend)", srv.Count())
	}
	_, spooled := readSpool(t, sum.Spool)
	exactlyOnce(t, recs, spooled)
}

func TestSplunkRedactionAndDefaults(t *testing.T) {
	srv := hectest.New()
	defer srv.Close()
	req := testRequest(sampleRecords(30))
	req.Redact = []string{"value.card_number"}
	opts := hecOptions(srv, t.TempDir())
	opts.Source, opts.BatchBytes, opts.Concurrency = "", 0, 0
	if _, err := ToSplunk(t.Context(), req, opts); err != nil {
		t.Fatal(err)
	}
	for _, ev := range srv.Events() {
		if bytes.Contains(ev.Event, []byte("4111111111111111")) {
			t.Fatal("card number sent to splunk")
		}
		if ev.Source != "kafka:demo:crm.customers" {
			t.Fatalf("source = %q, want kafka:<cluster>:<topic>", ev.Source)
		}
	}
	if srv.Count() != 30 {
		t.Errorf("%d events arrived", srv.Count())
	}
}

func TestSplunkNeedsAWritableSpool(t *testing.T) {
	srv := hectest.New()
	defer srv.Close()
	file := t.TempDir() + "/not-a-folder"
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	req := testRequest(sampleRecords(5))
	_, err := ToSplunk(t.Context(), req, hecOptions(srv, file+"/spool"))
	if err == nil || !strings.Contains(err.Error(), "spool folder") || len(req.Records) == 0 {
		t.Errorf("err = %v; an export must not start without a place for leftovers", err)
	}
}

// TestResumeThatFailsAgain: a resume that cannot deliver leaves the spool with every
// event, so retrying later still loses nothing.
func TestResumeThatFailsAgain(t *testing.T) {
	srv := hectest.New(hectest.WithIndexes("main"))
	defer srv.Close()
	recs := sampleRecords(100)
	opts := hecOptions(srv, t.TempDir())
	opts.Index = "secret" // written into every event, so the resume is refused too
	sum, err := ToSplunk(t.Context(), testRequest(recs), opts)
	if err == nil || sum.Spool == "" {
		t.Fatalf("first export: %v %+v", err, sum)
	}
	rs, err := Resume(t.Context(), ResumeRequest{Spool: sum.Spool, Token: "test-token"})
	if err == nil || !strings.Contains(err.Error(), "may not write to this index") {
		t.Fatalf("resume: err = %v", err)
	}
	if rs.Spool != sum.Spool || rs.Failed != 100 {
		t.Fatalf("resume summary = %+v; the spool must stay where it was, with every event", rs)
	}
	if names := dirNames(t, filepath.Dir(sum.Spool)); len(names) != 1 {
		t.Errorf("spool folder holds %v, want the one spool", names)
	}
	h, spooled := readSpool(t, rs.Spool)
	exactlyOnce(t, recs, spooled)
	if h.Topic != "crm.customers" || h.Destination.Index != "secret" {
		t.Errorf("new spool header = %+v", h)
	}
}

func TestResumeRejectsNonSpool(t *testing.T) {
	p := t.TempDir() + "/x.ndjson"
	if err := os.WriteFile(p, []byte(`{"a":1}`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Resume(t.Context(), ResumeRequest{Spool: p, Token: "t"}); err == nil || !strings.Contains(err.Error(), "not a kpeek spool") {
		t.Errorf("err = %v", err)
	}
}

// TestHECEventEscapesHostileMetadata: the topic name and the source, host and index names
// reach Splunk with C1, bidi and control runes escaped, like the record itself.
func TestHECEventEscapesHostileMetadata(t *testing.T) {
	hostile := "t\u009b\u202e\x1b[2J"
	r := newRenderer(HECOptions{Source: "kafka:" + hostile, Host: hostile, Index: "ir"}, false)
	rec := kafka.Record{Topic: hostile, Value: []byte(`{"a":1}`)}
	env := decode.New().Decode(t.Context(), &rec)
	out := string(r.event(nil, &rec, &env))
	for _, bad := range []string{"\u009b", "\u202e", "\x1b"} {
		if strings.Contains(out, bad) {
			t.Errorf("raw %q in the event %s", bad, out)
		}
	}
	var ev map[string]any
	if err := json.Unmarshal([]byte(out), &ev); err != nil {
		t.Fatalf("event is not JSON: %v\n%s", err, out)
	}
}
