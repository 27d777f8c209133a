package export

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkVerify measures verify of a 20 000-record bundle: seal, hashes, and every
// record bound to its raw frame and decoded again.
func BenchmarkVerify(b *testing.B) {
	bag := filepath.Join(b.TempDir(), "bag")
	req := testRequest(sampleRecords(20_000))
	if _, err := ToFile(b.Context(), req, FileOptions{Path: bag, Format: "bundle", Signer: testSigner(b)}); err != nil {
		b.Fatal(err)
	}
	var size int64
	for _, rel := range []string{RecordsFile, RawFile} {
		st, err := os.Stat(filepath.Join(bag, filepath.FromSlash(rel)))
		if err != nil {
			b.Fatal(err)
		}
		size += st.Size()
	}
	b.SetBytes(size)
	b.ResetTimer()
	for b.Loop() {
		rep, err := Verify(b.Context(), bag)
		if err != nil || rep.Redecoded != 20_000 {
			b.Fatalf("%+v, %v", rep, err)
		}
	}
	b.ReportMetric(float64(20_000*b.N)/b.Elapsed().Seconds(), "records/s")
}
