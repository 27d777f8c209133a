package export

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/kafka"
)

func TestNDJSONIsExactlyWhatConsumePrints(t *testing.T) {
	recs := sampleRecords(301)
	path := filepath.Join(t.TempDir(), "x.ndjson")
	var reports []Progress
	req := testRequest(recs)
	req.Progress = func(p Progress) { reports = append(reports, p) }
	sum, err := ToFile(t.Context(), req, FileOptions{Path: path, Format: "ndjson"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := consumeOutput(t, recs); !bytes.Equal(got, want) {
		t.Fatalf("export differs from consume output:\n got %.300s\nwant %.300s", got, want)
	}
	if !strings.Contains(string(got), `"id":12345678901234567890`) {
		t.Error("big integer lost its exact digits")
	}
	want := Progress{Selected: 301, Written: 301, Acked: 301, Total: 301}
	sum.Elapsed = 0
	if sum.Progress != want || sum.Destination != path {
		t.Errorf("summary = %+v, want %+v to %s", sum.Progress, want, path)
	}
	if len(reports) == 0 || reports[len(reports)-1].Acked != 301 {
		t.Errorf("last progress report = %+v, want the final figures", reports)
	}
}

func TestFileDestinationSafety(t *testing.T) {
	for _, format := range []string{"ndjson", "csv", "bundle"} {
		t.Run(format, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "out")
			if err := os.WriteFile(path, []byte("keep me"), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := ToFile(t.Context(), testRequest(sampleRecords(10)), FileOptions{Path: path, Format: format})
			if err == nil || !strings.Contains(err.Error(), "--force") {
				t.Fatalf("export over an existing file: err = %v, want a refusal naming --force", err)
			}
			if b, _ := os.ReadFile(path); string(b) != "keep me" {
				t.Fatal("existing file was touched without --force")
			}
			if _, err := ToFile(t.Context(), testRequest(sampleRecords(10)), FileOptions{Path: path, Format: format, Force: true}); err != nil {
				t.Fatalf("with force: %v", err)
			}
			if names := dirNames(t, dir); len(names) != 1 || names[0] != "out" {
				t.Errorf("folder holds %v, want only out", names)
			}
		})
	}
}

func TestInterruptedExportLeavesNothing(t *testing.T) {
	for _, format := range []string{"ndjson", "csv", "bundle"} {
		t.Run(format, func(t *testing.T) {
			dir := t.TempDir()
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			ch := make(chan kafka.Batch) // never closed: the export waits until cancelled
			go func() {
				ch <- kafka.Batch{Records: sampleRecords(20)}
				cancel() // the export has taken the batch
			}()
			req := testRequest(nil)
			req.Records = ch
			sum, err := ToFile(ctx, req, FileOptions{Path: filepath.Join(dir, "x"), Format: format})
			if err == nil || !strings.Contains(err.Error(), "interrupted") {
				t.Fatalf("err = %v, want interrupted", err)
			}
			if names := dirNames(t, dir); len(names) != 0 {
				t.Errorf("after an interrupt the folder holds %v, want nothing", names)
			}
			if sum.Failed != sum.Selected || sum.Acked != 0 {
				t.Errorf("summary = %+v, want every selected record failed", sum.Progress)
			}
		})
	}
}

func TestFileReadErrorLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	ch := make(chan kafka.Batch, 2)
	ch <- kafka.Batch{Records: sampleRecords(5)}
	ch <- kafka.Batch{Err: os.ErrDeadlineExceeded}
	close(ch)
	req := testRequest(nil)
	req.Records = ch
	_, err := ToFile(t.Context(), req, FileOptions{Path: filepath.Join(dir, "x.ndjson")})
	if err == nil || !strings.Contains(err.Error(), "read records of crm.customers") {
		t.Fatalf("err = %v, want the read error named", err)
	}
	if names := dirNames(t, dir); len(names) != 0 {
		t.Errorf("folder holds %v", names)
	}
}

func TestCSV(t *testing.T) {
	recs := sampleRecords(8)
	path := filepath.Join(t.TempDir(), "x.csv")
	if _, err := ToFile(t.Context(), testRequest(recs), FileOptions{Path: path, Format: "csv"}); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("the CSV does not parse back: %v", err)
	}
	header := strings.Join(rows[0], ",")
	wantHeader := "topic,partition,offset,timestamp,timestamp_type,key,key_encoding,value_encoding,value_schema_id,headers," +
		"value.id,value.name,value.email,value.card_number,value.amount,value.tags,value.address,value"
	if header != wantHeader {
		t.Fatalf("header\n got %s\nwant %s", header, wantHeader)
	}
	col := map[string]int{}
	for i, n := range rows[0] {
		col[n] = i
	}
	tests := []struct {
		row    int
		column string
		want   string
	}{
		{1, "value.id", "12345678901234567890"},
		{1, "value.name", "Customer 0"},
		{1, "value.amount", "10.50"},
		{1, "value.tags", `["a","b"]`},
		{1, "value.address", `{"city":"Lyon","zip":"69001"}`},
		{1, "value", ""},
		{1, "timestamp", "2026-11-26T02:14:07.123Z"},
		{1, "headers", `{"trace_id":"t0000","source":"idp"}`},
		{4, "value", "audit line 3, with \"quotes\", commas\nand a newline"},
		{4, "value.id", ""},
		{5, "value_encoding", "base64"},
		{6, "value", ""},
		{6, "key", ""},
		{6, "value_encoding", "null"},
		{6, "headers", `{"trace_id":"t0005","source":["idp","replay"]}`},
	}
	for _, tt := range tests {
		if got := rows[tt.row][col[tt.column]]; got != tt.want {
			t.Errorf("row %d %s = %q, want %q", tt.row, tt.column, got, tt.want)
		}
	}
	if len(rows) != 9 {
		t.Errorf("%d rows, want header + 8", len(rows))
	}
}

func TestUnknownFormat(t *testing.T) {
	_, err := ToFile(t.Context(), testRequest(nil), FileOptions{Path: filepath.Join(t.TempDir(), "x"), Format: "xml"})
	if err == nil || !strings.Contains(err.Error(), "ndjson, csv or bundle") {
		t.Fatalf("err = %v", err)
	}
}

func TestToFileReportsTheAbsolutePath(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	req := Request{Records: closedBatches(), Decoder: decode.New()}
	sum, err := ToFile(t.Context(), req, FileOptions{Path: "rel.ndjson", Format: "ndjson"})
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "rel.ndjson"); sum.Destination != want {
		t.Errorf("destination %q, want %q", sum.Destination, want)
	}
}

func closedBatches() <-chan kafka.Batch {
	ch := make(chan kafka.Batch)
	close(ch)
	return ch
}

// TestForceRefusesWhatIsNotAFile: --force replaced /dev/full with a regular file.
func TestForceRefusesWhatIsNotAFile(t *testing.T) {
	dir := t.TempDir()
	pipe := filepath.Join(dir, "pipe")
	if err := mkfifo(pipe); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(dir, "target")
	if err := os.WriteFile(target, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(dir, "folder")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	// A pipe stands for /dev/full: a test that replaced a real device would break the machine.
	paths := []string{pipe, link}
	for _, format := range []string{"ndjson", "csv", "bundle"} {
		for _, p := range append(paths, sub) {
			if format == "bundle" && p == sub {
				continue // a bundle folder is what --force replaces
			}
			before, _ := os.Lstat(p)
			_, err := ToFile(t.Context(), testRequest(sampleRecords(3)), FileOptions{Path: p, Format: format, Force: true, Signer: testSigner(t)})
			if err == nil || !strings.Contains(err.Error(), "--force") {
				t.Errorf("%s --force over %s: err = %v, want a refusal", format, p, err)
			}
			if after, err := os.Lstat(p); err != nil || after.Mode() != before.Mode() || !os.SameFile(before, after) {
				t.Errorf("%s --force replaced %s", format, p)
			}
		}
	}
}

// TestFileExportReportsItsDigest: every file export ends with a digest for the case ticket.
func TestFileExportReportsItsDigest(t *testing.T) {
	for _, format := range []string{"ndjson", "csv"} {
		path := filepath.Join(t.TempDir(), "x")
		sum, err := ToFile(t.Context(), testRequest(sampleRecords(5)), FileOptions{Path: path, Format: format})
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("sha256:%x", sha256.Sum256(b)); sum.RootDigest != want {
			t.Errorf("%s: digest %q, want %q", format, sum.RootDigest, want)
		}
		if r := strings.Join(sum.Report(), "\n"); !strings.Contains(r, "file digest "+sum.RootDigest) {
			t.Errorf("%s: report lacks the digest:\n%s", format, r)
		}
	}
}
