package export

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kpeek/kpeek/export/hectest"
)

// testEvents renders n HEC events of partition 0, offsets 0..n-1.
func testEvents(n int) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		out[i] = fmt.Appendf(nil, `{"time":1.000,"event":{"n":%d},"fields":{"topic":"t","partition":"0","offset":"%d","sha256":"x"}}`+"\n", i, i)
	}
	return out
}

func batchOfEvents(evs [][]byte) *batch {
	b := &batch{}
	for _, ev := range evs {
		b.Body = append(b.Body, ev...)
		b.Ends = append(b.Ends, len(b.Body))
		b.refs = append(b.refs, jref{})
	}
	return b
}

// TestJournalSurvivesACrash writes a journal as an export would, confirms part of it,
// then leaves a torn entry at the end as a crash mid-write does: the spool must hold
// exactly the unconfirmed events of the complete entries, and its read position must
// be the last complete entry's.
func TestJournalSurvivesACrash(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kpeek-spool-t.ndjson")
	h := SpoolHeader{Destination: SpoolDest{URL: "http://x"}, Topic: "t", Selection: &SpoolSelection{},
		ReadUntil: map[int32]int64{0: 100}, Read: map[int32]int64{0: 0}}
	j, err := createJournal(path, h)
	if err != nil {
		t.Fatal(err)
	}
	evs := testEvents(10)
	b1, b2 := batchOfEvents(evs[:6]), batchOfEvents(evs[6:])
	if err := j.add(b1, &readMark{read: map[int32]int64{0: 6}, count: 6}); err != nil {
		t.Fatal(err)
	}
	if err := j.add(b2, &readMark{read: map[int32]int64{0: 10}, count: 10}); err != nil {
		t.Fatal(err)
	}
	if err := j.confirm(append(b1.refs[1:4:4], b2.refs[0])); err != nil {
		t.Fatal(err)
	}
	j.f.Close()
	// The crash: a third batch's entry and half of its first event.
	torn := `{"kpeek_journal":"batch","id":3,"n":2,"read":{"0":12},"count":12}` + "\n" + string(testEvents(12)[10][:20])
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(torn)
	f.Close()

	hdr, spooled := readSpool(t, path)
	want := []position{{0, 0}, {0, 4}, {0, 5}, {0, 7}, {0, 8}, {0, 9}}
	if fmt.Sprint(spooled) != fmt.Sprint(want) {
		t.Errorf("spooled %v, want %v", spooled, want)
	}
	if hdr.Read[0] != 10 || hdr.ReadCount != 10 {
		t.Errorf("read position %v/%d, want the last complete entry's (10)", hdr.Read, hdr.ReadCount)
	}
	if r := hdr.Remaining(); len(r) != 1 || r[0].Start != 10 || r[0].End != 100 {
		t.Errorf("remaining = %+v, want partition 0 [10,100)", r)
	}

	// Resuming against a collector delivers exactly the unconfirmed events, appends to the
	// same file (cutting the torn tail) and, with the rest unread and no cluster, says so.
	srv := hectest.New()
	defer srv.Close()
	data, _ := os.ReadFile(path)
	data = bytes.Replace(data, []byte(`"url":"http://x"`), fmt.Appendf(nil, `"url":%q`, srv.URL()), 1)
	os.WriteFile(path, data, 0o600)
	if _, err := Resume(t.Context(), ResumeRequest{Spool: path, Token: "test-token"}); err == nil ||
		!strings.Contains(err.Error(), "never read") {
		t.Fatalf("resume without a cluster: %v", err)
	}
	if srv.Count() != 0 {
		t.Fatal("a resume that cannot finish must not start")
	}
	// Without a selection to finish, the same journal resumes and is removed.
	data = bytes.Replace(data, []byte(`"selection":{},`), nil, 1)
	os.WriteFile(path, data, 0o600)
	sum, err := Resume(t.Context(), ResumeRequest{Spool: path, Token: "test-token"})
	if err != nil {
		t.Fatalf("resume: %v", err)
	}
	if got := delivered(t, srv); fmt.Sprint(got) != fmt.Sprint(want) || sum.Acked != 6 || sum.Spool != "" {
		t.Errorf("resume delivered %v (%+v), want %v", got, sum, want)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Error("the finished spool is still there")
	}
}

// TestJournalIsWrittenWhileTheExportRuns: the spool exists, 0600, with the header and
// the batches sent so far while the collector is still working, not only at the end.
func TestJournalIsWrittenWhileTheExportRuns(t *testing.T) {
	srv := hectest.New(hectest.WithHoldAfter(100))
	defer srv.Close()
	dir := t.TempDir()
	recs := sampleRecords(600)
	done := make(chan Summary, 1)
	go func() {
		sum, _ := ToSplunk(t.Context(), testRequest(recs), hecOptions(srv, dir))
		done <- sum
	}()
	for deadline := time.Now().Add(30 * time.Second); srv.Held() == 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the collector never held a request")
		}
	}
	names := dirNames(t, dir)
	if len(names) != 1 || !strings.HasPrefix(names[0], "kpeek-spool-") {
		t.Fatalf("spool folder mid-export: %v", names)
	}
	_, spooled := readSpool(t, filepath.Join(dir, names[0]))
	if len(spooled) == 0 {
		t.Error("nothing journaled while the export runs")
	}
	srv.Release()
	sum := <-done
	if sum.Acked != 600 || sum.Spool != "" || len(dirNames(t, dir)) != 0 {
		t.Errorf("summary %+v, folder %v: a finished export leaves no spool", sum, dirNames(t, dir))
	}
}

// TestAckWithoutAckID: a collector that accepts events with --ack but returns no ackId
// fails the export clearly; what it took is counted as delivered unacknowledged (not
// resent), the rest is spooled.
func TestAckWithoutAckID(t *testing.T) {
	for _, mode := range []string{"always", "once"} {
		t.Run(mode, func(t *testing.T) {
			opts := []hectest.Option{hectest.WithAck(0)}
			if mode == "always" {
				opts = append(opts, hectest.WithoutAckIDs())
			}
			srv := hectest.New(opts...)
			defer srv.Close()
			if mode == "once" {
				srv.Inject(hectest.FaultNoAckID, hectest.FaultNoAckID) // the first answers the token check
			}
			recs := sampleRecords(300)
			o := hecOptions(srv, t.TempDir())
			o.Ack, o.Concurrency = true, 1
			sum, err := ToSplunk(t.Context(), testRequest(recs), o)
			if err == nil || !strings.Contains(err.Error(), "without an ackId") {
				t.Fatalf("err = %v", err)
			}
			if sum.Unacked == 0 || sum.Acked+sum.Unacked+sum.Failed != 300 {
				t.Errorf("summary = %+v", sum)
			}
			report := strings.Join(sum.Report(), "\n")
			if !strings.Contains(report, "WITHOUT acknowledgement") {
				t.Errorf("report does not say acks were missing:\n%s", report)
			}
			_, spooled := readSpool(t, sum.Spool)
			exactlyOnce(t, recs, delivered(t, srv), spooled)
		})
	}
}

// TestReportNamesTheCauseOfDuplicates: without --ack a cut request is never blamed on
// an acknowledgement timeout.
func TestReportNamesTheCauseOfDuplicates(t *testing.T) {
	cut := strings.Join(Summary{Destination: "x", Duplicates: 5}.Report(), "\n")
	if strings.Contains(cut, "acknowledgement") || !strings.Contains(cut, "5 records may have been delivered twice") {
		t.Errorf("cut request report:\n%s", cut)
	}
	acks := strings.Join(Summary{Destination: "x", Duplicates: 7, AckTimeouts: 4}.Report(), "\n")
	if !strings.Contains(acks, "4 records may have been delivered twice (acknowledgement timed out)") ||
		!strings.Contains(acks, "3 records may have been delivered twice (a request was cut off") {
		t.Errorf("mixed report:\n%s", acks)
	}
	spool := strings.Join(Summary{Destination: "x", Spool: "/s p", ResumeWith: "kpeek -c prod export --resume '/s p'"}.Report(), "\n")
	if !strings.Contains(spool, "finish with: kpeek -c prod export --resume '/s p'") {
		t.Errorf("spool report:\n%s", spool)
	}
}

// TestFullDiskStopsTheExport: when the journal cannot be written (the disk is full),
// the export stops with that cause and sends nothing it could not journal first.
func TestFullDiskStopsTheExport(t *testing.T) {
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skipf("no /dev/full here: %v", err)
	}
	srv := hectest.New()
	defer srv.Close()
	opts := hecOptions(srv, t.TempDir()).withDefaults()
	client, err := newHECClient(opts, opts.Token)
	if err != nil {
		t.Fatal(err)
	}
	req := testRequest(sampleRecords(200))
	req.Reread = &Reread{}
	m := newMeter(200, nil)
	sel, err := newSelector(req, m)
	if err != nil {
		t.Fatal(err)
	}
	h := SpoolHeader{Destination: destOf(opts), Topic: "crm.customers"}
	selectionHeader(&h, req)
	j, err := createJournal(spoolName(opts.SpoolDir, "crm.customers"), h)
	if err != nil {
		t.Fatal(err)
	}
	j.f.Close()
	j.f = full
	sum, err := deliver(t.Context(), opts, client, m, &recordSource{sel: sel, render: newRenderer(opts, false)}, j, false, Summary{})
	if err == nil || !strings.Contains(err.Error(), "no space left") {
		t.Fatalf("err = %v", err)
	}
	if srv.Count() != 0 || sum.Acked != 0 {
		t.Errorf("%d events sent without being journaled (%+v)", srv.Count(), sum)
	}
	if sum.Spool == "" {
		t.Fatal("the summary does not say where the spool is")
	}
	if hdr, err := ReadSpoolHeader(sum.Spool); err != nil || len(hdr.Remaining()) != 3 {
		t.Errorf("spool after a full disk: %+v, %v; want the whole selection left to read", hdr, err)
	}
}

// TestAckAgainstACollectorWithoutAcknowledgement: --ack against a token without
// indexer acknowledgement fails before anything is read or sent.
func TestAckAgainstACollectorWithoutAcknowledgement(t *testing.T) {
	srv := hectest.New() // acknowledgement off
	defer srv.Close()
	o := hecOptions(srv, t.TempDir())
	o.Ack = true
	req := testRequest(sampleRecords(10))
	sum, err := ToSplunk(t.Context(), req, o)
	if err == nil || !strings.Contains(err.Error(), "--ack") || !strings.Contains(err.Error(), "nothing was read or sent") {
		t.Fatalf("err = %v", err)
	}
	if srv.Count() != 0 || sum.Spool != "" || len(req.Records) == 0 {
		t.Errorf("sent %d, spool %q, records taken: %v", srv.Count(), sum.Spool, len(req.Records) == 0)
	}
}

// TestSpoolInUseIsNotResumed: a spool still being written (an export running, or
// another resume) is refused, so its events are never sent twice.
func TestSpoolInUseIsNotResumed(t *testing.T) {
	srv := hectest.New()
	defer srv.Close()
	path := filepath.Join(t.TempDir(), "kpeek-spool-t.ndjson")
	j, err := createJournal(path, SpoolHeader{Destination: SpoolDest{URL: srv.URL()}, Topic: "t"})
	if err != nil {
		t.Fatal(err)
	}
	if err := j.add(batchOfEvents(testEvents(3)), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := Resume(t.Context(), ResumeRequest{Spool: path, Token: "test-token"}); err == nil ||
		!strings.Contains(err.Error(), "in use by another kpeek") {
		t.Fatalf("resume of a spool in use: %v", err)
	}
	if srv.Count() != 0 {
		t.Fatal("events of a spool in use were sent")
	}
	j.f.Close() // the export ended (or died): the lock is gone with it
	if sum, err := Resume(t.Context(), ResumeRequest{Spool: path, Token: "test-token"}); err != nil || srv.Count() != 3 {
		t.Fatalf("resume after the writer ended: %v, %+v, %d delivered", err, sum, srv.Count())
	}
}

// TestInterruptWhileTheLastBatchIsInFlight: an interrupt after every record was taken,
// while the last batch waits for the collector, is reported as the interrupt it is.
func TestInterruptWhileTheLastBatchIsInFlight(t *testing.T) {
	srv := hectest.New(hectest.WithHoldAfter(1))
	defer srv.Close()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	recs := sampleRecords(20)
	type result struct {
		sum Summary
		err error
	}
	done := make(chan result, 1)
	go func() {
		sum, err := ToSplunk(ctx, testRequest(recs), hecOptions(srv, t.TempDir()))
		done <- result{sum, err}
	}()
	for deadline := time.Now().Add(30 * time.Second); srv.Held() == 0; time.Sleep(2 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the collector never held a request")
		}
	}
	cancel()
	r := <-done
	if r.err == nil || !strings.Contains(r.err.Error(), "interrupted") {
		t.Fatalf("err = %v", r.err)
	}
	_, spooled := readSpool(t, r.sum.Spool)
	exactlyOnce(t, recs, spooled)
}
