package export

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/export/hectest"
)

const benchRecords = 20000

// cpuTime is the process's user+system CPU time. The shared build machine is often far
// busier than its two cores, so per-CPU-second rates are reported next to wall-clock ones.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// report adds records per wall-clock second and per CPU second.
func report(b *testing.B, cpuStart time.Duration, unit string) {
	n := float64(benchRecords * b.N)
	b.ReportMetric(n/b.Elapsed().Seconds(), unit+"/s")
	if cpu := cpuTime() - cpuStart; cpu > 0 {
		b.ReportMetric(n/cpu.Seconds(), unit+"/cpu-s")
	}
}

// BenchmarkNDJSON compares `consume -o ndjson` (decode + the consume writer) with an
// NDJSON export of the same records to a file; run both to get the ratio.
func BenchmarkNDJSON(b *testing.B) {
	recs := sampleRecords(benchRecords)
	dir := b.TempDir()
	b.Run("consume", func(b *testing.B) {
		dec := decode.New()
		cpu := cpuTime()
		for b.Loop() {
			f, err := os.Create(filepath.Join(dir, "consume.ndjson"))
			if err != nil {
				b.Fatal(err)
			}
			w, _ := NewRecordWriter(f, "ndjson")
			for i := range recs {
				env := dec.Decode(b.Context(), &recs[i])
				if err := w.Write(&env); err != nil {
					b.Fatal(err)
				}
			}
			if err := w.Flush(); err != nil {
				b.Fatal(err)
			}
			f.Close()
		}
		report(b, cpu, "records")
	})
	b.Run("export", func(b *testing.B) {
		cpu := cpuTime()
		for b.Loop() {
			req := testRequest(recs)
			req.Records = feed(recs, 500)
			if _, err := ToFile(b.Context(), req, FileOptions{Path: filepath.Join(dir, "export.ndjson"), Force: true}); err != nil {
				b.Fatal(err)
			}
		}
		report(b, cpu, "records")
	})
}

// BenchmarkHEC measures an export to the local test collector (gzip, 1 MiB batches,
// 4 requests in flight).
func BenchmarkHEC(b *testing.B) {
	recs := sampleRecords(benchRecords)
	srv := hectest.New(hectest.WithoutKeeping())
	defer srv.Close()
	opts := HECOptions{URL: srv.URL(), Token: "test-token", SpoolDir: b.TempDir()}
	cpu := cpuTime()
	for b.Loop() {
		req := testRequest(recs)
		req.Records = feed(recs, 500)
		sum, err := ToSplunk(b.Context(), req, opts)
		if err != nil || sum.Acked != benchRecords {
			b.Fatalf("%v %+v", err, sum)
		}
	}
	report(b, cpu, "events")
}

// BenchmarkBundle measures an evidence-bundle export (raw frames, hashes, manifests).
func BenchmarkBundle(b *testing.B) {
	recs := sampleRecords(benchRecords)
	dir := b.TempDir()
	cpu := cpuTime()
	for b.Loop() {
		req := testRequest(recs)
		req.Records = feed(recs, 500)
		if _, err := ToFile(b.Context(), req, FileOptions{Path: filepath.Join(dir, "b.bag"), Format: "bundle", Force: true}); err != nil {
			b.Fatal(err)
		}
	}
	report(b, cpu, "records")
}
