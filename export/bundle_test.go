package export

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kpeek/kpeek/config"
	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/decode/registryserver"
)

func writeBundle(t *testing.T, redact ...string) (string, CaptureManifest) {
	t.Helper()
	bag := filepath.Join(t.TempDir(), "case-42.bag")
	req := testRequest(sampleRecords(60))
	req.Redact = redact
	if _, err := ToFile(t.Context(), req, FileOptions{Path: bag, Format: "bundle", Signer: testSigner(t)}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(bag, CaptureFile))
	if err != nil {
		t.Fatal(err)
	}
	var man CaptureManifest
	if err := json.Unmarshal(data, &man); err != nil {
		t.Fatal(err)
	}
	return bag, man
}

func TestBundleLayoutAndManifest(t *testing.T) {
	bag, man := writeBundle(t)
	if _, err := Verify(t.Context(), bag); err != nil {
		t.Fatalf("fresh bundle does not verify: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(bag, BagitFile)); string(b) != "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n" {
		t.Errorf("bagit.txt = %q", b)
	}
	info, _ := os.ReadFile(filepath.Join(bag, BagInfoFile))
	for _, want := range []string{"Bagging-Date: ", "Payload-Oxum: ", "Contact-Name: slyon@jump", "Kpeek-Raw-Bytes: data/raw/records.bin"} {
		if !strings.Contains(string(info), want) {
			t.Errorf("bag-info.txt lacks %q:\n%s", want, info)
		}
	}
	if man.Counts != (ManifestCounts{Read: 60, Selected: 60, Written: 60}) || len(man.Records) != 60 {
		t.Errorf("counts = %+v, %d record hashes", man.Counts, len(man.Records))
	}
	if man.Cluster.ID != "kfake-1" || man.Topic != "crm.customers" || man.Analyst != "slyon@jump" || man.RecordHash != RecordHashRaw {
		t.Errorf("manifest header = %+v", man)
	}
	if len(man.Partitions) != 3 || man.Partitions[1].Exported != 20 || *man.Partitions[1].LastOffset != 19 || man.Partitions[1].Latest != 100 {
		t.Errorf("partitions = %+v", man.Partitions)
	}
	if p := man.Provenance; p.Build.Version != "test" || p.Build.Revision == "" || p.TimeZone == "" || p.ResolvedAt.IsZero() || p.BrokerCertificates == nil {
		t.Errorf("provenance of a capture without one (the explorer's) = %+v, want build, zone and time filled", p)
	}
	if !man.FirstTimestamp.Equal(testEpoch) || man.CaptureEnd.Before(man.CaptureStart) {
		t.Errorf("timestamps: first %v, capture %v..%v", man.FirstTimestamp, man.CaptureStart, man.CaptureEnd)
	}
	// The raw frames give back the records exactly, so the decoded view can be re-derived.
	f, err := os.Open(filepath.Join(bag, filepath.FromSlash(RawFile)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	frame, err := readFrame(f, nil)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := parseFrame(frame)
	if err != nil {
		t.Fatal(err)
	}
	want := sampleRecords(1)[0]
	if rec.Offset != want.Offset || !bytes.Equal(rec.Value, want.Value) || !bytes.Equal(rec.Headers[0].Value, want.Headers[0].Value) || !rec.Timestamp.Equal(want.Timestamp) {
		t.Errorf("first raw frame = %+v, want %+v", rec, want)
	}
}

func TestBundleSHA256SumAgrees(t *testing.T) {
	if _, err := exec.LookPath("sha256sum"); err != nil {
		t.Skip("sha256sum not installed")
	}
	bag, _ := writeBundle(t)
	for _, m := range []string{ManifestFile, TagManifestFile} {
		cmd := exec.Command("sha256sum", "--strict", "-c", m)
		cmd.Dir = bag
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("sha256sum -c %s: %v\n%s", m, err, out)
		}
	}
}

func TestVerifyNamesWhatChanged(t *testing.T) {
	tests := []struct {
		name   string
		tamper func(bag string) error
		want   string
	}{
		{"flipped byte in records", flipByte(RecordsFile, 100), RecordsFile},
		{"flipped byte in raw bytes", flipByte(RawFile, 200), RawFile},
		{"flipped byte in capture manifest", flipByte(CaptureFile, 50), CaptureFile},
		{"edited bag-info", flipByte(BagInfoFile, 3), BagInfoFile},
		{"edited payload manifest", flipByte(ManifestFile, 0), ManifestFile},
		{"added payload file", func(bag string) error {
			return os.WriteFile(filepath.Join(bag, "data", "extra.txt"), []byte("x"), 0o644)
		}, "data/extra.txt"},
		{"removed payload file", func(bag string) error { return os.Remove(filepath.Join(bag, filepath.FromSlash(SchemasFile))) }, SchemasFile},
		{"removed tag manifest", removeFile(TagManifestFile), TagManifestFile},
		{"removed capture manifest", removeFile(CaptureFile), CaptureFile},
		{"removed raw frames", removeFile(RawFile), RawFile},
		{"removed signature", removeFile(SignatureFile), SignatureFile},
		{"raw frames replaced by a link to /dev/zero", linkTo(RawFile, "/dev/zero"), RawFile},
		{"raw folder replaced by a link", func(bag string) error {
			raw := filepath.Join(bag, "data", "raw")
			if err := os.Rename(raw, filepath.Join(t.TempDir(), "raw")); err != nil {
				return err
			}
			return os.Symlink(t.TempDir(), raw)
		}, "data/raw"},
		{"tag file replaced by a link", linkTo(BagInfoFile, "/etc/hostname"), BagInfoFile},
		{"named pipe in the payload", func(bag string) error {
			return mkfifo(filepath.Join(bag, "data", "pipe"))
		}, "data/pipe"},
		{"bad declaration", func(bag string) error {
			return os.WriteFile(filepath.Join(bag, BagitFile), []byte("BagIt-Version: 0.97\n"), 0o644)
		}, BagitFile},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bag, _ := writeBundle(t)
			if err := tt.tamper(bag); err != nil {
				t.Fatal(err)
			}
			_, err := Verify(t.Context(), bag)
			if !errors.Is(err, ErrBundleChanged) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Verify = %v, want ErrBundleChanged naming %s", err, tt.want)
			}
		})
	}
}

// TestVerifyRecordHashes changes a raw frame and re-seals the bag as a forger with
// their own key would: only the per-record hashes in the capture manifest catch it.
func TestVerifyRecordHashes(t *testing.T) {
	bag, _ := writeBundle(t)
	if err := flipByte(RawFile, 40)(bag); err != nil {
		t.Fatal(err)
	}
	reseal(t, bag, otherSigner(t))
	_, err := Verify(t.Context(), bag)
	if !errors.Is(err, ErrBundleChanged) || !strings.Contains(err.Error(), RawFile) || !strings.Contains(err.Error(), "partition 0 offset 0") {
		t.Fatalf("Verify = %v, want the changed record named", err)
	}
}

func TestRedactedBundle(t *testing.T) {
	bag, man := writeBundle(t, "value.card_number", "value.email")
	if _, err := Verify(t.Context(), bag); err != nil {
		t.Fatalf("redacted bundle does not verify: %v", err)
	}
	if _, err := os.Stat(filepath.Join(bag, "data", "raw")); !os.IsNotExist(err) {
		t.Error("a redacted bundle must not hold raw bytes")
	}
	data, _ := os.ReadFile(filepath.Join(bag, filepath.FromSlash(RecordsFile)))
	for _, leak := range []string{"4111111111111111", "c0@example.com", "value_raw", "NDExMTEx"} {
		if bytes.Contains(data, []byte(leak)) {
			t.Errorf("records.ndjson still contains %q", leak)
		}
	}
	if !bytes.Contains(data, []byte(`"card_number":"[REDACTED]"`)) {
		t.Error("card_number not masked")
	}
	info, _ := os.ReadFile(filepath.Join(bag, BagInfoFile))
	if !strings.Contains(string(info), "Kpeek-Redaction: value.card_number,value.email") || !strings.Contains(string(info), "omitted") {
		t.Errorf("bag-info does not record the redaction:\n%s", info)
	}
	if !man.Redaction.RawBytesOmitted || len(man.Redaction.Rules) != 2 || man.RecordHash != RecordHashRedacted {
		t.Errorf("manifest redaction = %+v, hash %q", man.Redaction, man.RecordHash)
	}
	if err := flipByte(RecordsFile, 10)(bag); err != nil {
		t.Fatal(err)
	}
	if _, err := Verify(t.Context(), bag); err == nil {
		t.Error("tampered redacted bundle verifies")
	}
}

func TestBundleSchemaTexts(t *testing.T) {
	reg := registryserver.New()
	const text = `{"type":"record","name":"C","fields":[{"name":"n","type":"string"}]}`
	id, _, err := reg.Register("crm.customers-value", registryserver.TypeAvro, text, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(reg)
	defer srv.Close()
	registry, err := decode.NewRegistry(config.Registry{URL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	withRegistry := decode.New(decode.WithRegistry(registry))

	tests := []struct {
		name      string
		dec       *decode.Decoder
		wantFiles int
		wantNote  string
		wantText  bool
	}{
		{"no registry: ids only, saying why", decode.New(), 1, "ids only", false},
		{"registry: the text is kept and hashed", withRegistry, 2, "schema texts in", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			bw := &bundleWriter{schemas: map[int]ManifestSchema{id: {ID: id, Subject: "crm.customers-value", Version: 1}}, root: t.TempDir()}
			if err := os.MkdirAll(filepath.Join(bw.root, "data", "schemas"), 0o755); err != nil {
				t.Fatal(err)
			}
			files, note, err := bw.writeSchemas(t.Context(), tc.dec)
			if err != nil {
				t.Fatal(err)
			}
			got := bw.schemas[id]
			if len(files) != tc.wantFiles || !strings.Contains(note, tc.wantNote) || (got.SHA256 != nil) != tc.wantText {
				t.Fatalf("files %v, note %q, schema %+v", files, note, got)
			}
			if tc.wantText {
				b, err := os.ReadFile(filepath.Join(bw.root, filepath.FromSlash(got.File)))
				if err != nil || string(b) != text {
					t.Errorf("schema file = %q, %v; want the registry's text", b, err)
				}
			}
		})
	}
}

func flipByte(rel string, at int64) func(bag string) error {
	return func(bag string) error {
		p := filepath.Join(bag, filepath.FromSlash(rel))
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		b[at%int64(len(b))] ^= 0x01
		return os.WriteFile(p, b, 0o644)
	}
}
