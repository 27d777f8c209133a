package export

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/kpeek/kpeek/config"
	"github.com/kpeek/kpeek/decode"
)

func newTestSigner(t testing.TB, who string) *Signer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewSigner(priv, who)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// testSigner is the analyst's key in tests; otherSigner a forger's.
func testSigner(t testing.TB) *Signer  { return newTestSigner(t, "slyon@jump") }
func otherSigner(t testing.TB) *Signer { return newTestSigner(t, "forger@elsewhere") }

func removeFile(rel string) func(string) error {
	return func(bag string) error { return os.Remove(filepath.Join(bag, filepath.FromSlash(rel))) }
}

func linkTo(rel, target string) func(string) error {
	return func(bag string) error {
		p := filepath.Join(bag, filepath.FromSlash(rel))
		if err := os.Remove(p); err != nil {
			return err
		}
		return os.Symlink(target, p)
	}
}

// reseal recomputes everything a BagIt tool would after an edit: both manifests and
// Payload-Oxum; with a signer it also signs the new tag manifest (a forger's own key),
// without one the old signature stays.
func reseal(t *testing.T, bag string, signer *Signer) {
	t.Helper()
	var payload []fileSum
	var octets int64
	err := filepath.WalkDir(filepath.Join(bag, "data"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(bag, p)
		rel = filepath.ToSlash(rel)
		sum, size, err := fileSHA256(t.Context(), bag, rel)
		payload = append(payload, fileSum{rel, sum, size})
		octets += size
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.ReadFile(filepath.Join(bag, BagInfoFile))
	if err != nil {
		t.Fatal(err)
	}
	info = regexp.MustCompile(`Payload-Oxum: \S+`).ReplaceAll(info, fmt.Appendf(nil, "Payload-Oxum: %d.%d", octets, len(payload)))
	if err := os.WriteFile(filepath.Join(bag, BagInfoFile), info, 0o644); err != nil {
		t.Fatal(err)
	}
	if signer != nil {
		if err := os.WriteFile(filepath.Join(bag, SignerFile), signer.PublicKey(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ms, err := writeChecksums(bag, ManifestFile, payload)
	if err != nil {
		t.Fatal(err)
	}
	tags := []fileSum{ms}
	for _, rel := range []string{BagitFile, BagInfoFile, CaptureFile, SignerFile} {
		if missing(bag, rel) {
			continue
		}
		sum, size, err := fileSHA256(t.Context(), bag, rel)
		if err != nil {
			t.Fatal(err)
		}
		tags = append(tags, fileSum{rel, sum, size})
	}
	tm := checksumLines(tags)
	if err := os.WriteFile(filepath.Join(bag, TagManifestFile), tm, 0o644); err != nil {
		t.Fatal(err)
	}
	if signer != nil {
		sig, err := signer.sign(tm)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(bag, SignatureFile), sig, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// editRecords rewrites data/records.ndjson with old replaced by new.
func editRecords(t *testing.T, bag, old, new string) {
	t.Helper()
	p := filepath.Join(bag, filepath.FromSlash(RecordsFile))
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(old)) {
		t.Fatalf("records.ndjson has no %q", old)
	}
	if err := os.WriteFile(p, bytes.Replace(b, []byte(old), []byte(new), 1), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestUnsealedBundleIsRefused(t *testing.T) {
	bag, _ := writeBundle(t)
	for _, rel := range []string{SignerFile, SignatureFile} {
		if err := os.Remove(filepath.Join(bag, rel)); err != nil {
			t.Fatal(err)
		}
	}
	reseal(t, bag, nil)
	if _, err := Verify(t.Context(), bag); !errors.Is(err, ErrBundleChanged) || !strings.Contains(err.Error(), "not sealed") {
		t.Fatalf("Verify of an unsealed bundle = %v", err)
	}
}

func TestSealedBundleVerifies(t *testing.T) {
	bag, man := writeBundle(t)
	rep, err := Verify(t.Context(), bag)
	if err != nil {
		t.Fatal(err)
	}
	tm, _ := os.ReadFile(filepath.Join(bag, TagManifestFile))
	if rep.RootDigest != rootDigest(tm) || !strings.HasPrefix(rep.RootDigest, "sha256:") {
		t.Errorf("root digest %q, want the tag manifest's", rep.RootDigest)
	}
	if rep.Signer != man.Signer.Fingerprint || !strings.HasPrefix(rep.Signer, "SHA256:") {
		t.Errorf("signer %q, manifest says %q", rep.Signer, man.Signer.Fingerprint)
	}
	if rep.Records != 60 || rep.Bound != 60 || rep.Redecoded != 60 || len(rep.NotBound) != 0 {
		t.Errorf("report = %+v, want all 60 records bound and decoded again", rep)
	}
	if _, err := Verify(t.Context(), bag, RequireSigner(rep.Signer)); err != nil {
		t.Errorf("with the right signer: %v", err)
	}
	if _, err := Verify(t.Context(), bag, RequireSigner(strings.TrimPrefix(rep.Signer, "SHA256:"))); err != nil {
		t.Errorf("with the right signer without its prefix: %v", err)
	}
	if _, err := Verify(t.Context(), bag, RequireRootDigest(strings.TrimPrefix(rep.RootDigest, "sha256:"))); err != nil {
		t.Errorf("with the right root digest: %v", err)
	}
	_, err = Verify(t.Context(), bag, RequireRootDigest("sha256:"+strings.Repeat("0", 64)))
	if !errors.Is(err, ErrBundleChanged) || !strings.Contains(err.Error(), "not the expected") {
		t.Errorf("with another root digest required: %v", err)
	}
	_, err = Verify(t.Context(), bag, RequireSigner(otherSigner(t).Fingerprint()))
	if !errors.Is(err, ErrBundleChanged) || !strings.Contains(err.Error(), "sealed by") {
		t.Errorf("with another signer required: %v", err)
	}
}

// TestRehashedBundleFailsTheSeal is the BagIt forgery: edit, recompute both manifests.
func TestRehashedBundleFailsTheSeal(t *testing.T) {
	bag, _ := writeBundle(t)
	editRecords(t, bag, `"name":"Customer 0"`, `"name":"Customer X"`)
	reseal(t, bag, nil)
	_, err := Verify(t.Context(), bag)
	if !errors.Is(err, ErrBundleChanged) || !strings.Contains(err.Error(), SignatureFile) {
		t.Fatalf("Verify = %v, want the signature to fail", err)
	}
}

// TestVerifyBindsRecordsToRawBytes edits the readable records and re-seals the bag with
// a forger's key, so every hash and the signature check out: only binding each line to
// its raw frame catches the edit.
func TestVerifyBindsRecordsToRawBytes(t *testing.T) {
	tests := []struct {
		name, old, new, want string
	}{
		{"decoded value", `"name":"Customer 0"`, `"name":"Customer X"`, "partition 0 offset 0"},
		{"decoded value of another length", `"amount":10.50`, `"amount":1050.00`, "value does not match"},
		{"timestamp", `"timestamp":"2026-11-26T02:14:08.123Z"`, `"timestamp":"2026-11-26T03:14:08.123Z"`, "partition 1 offset 0"},
		{"header", `"trace_id":"t0000"`, `"trace_id":"t9999"`, "headers does not match"},
		{"key", `"key":"c-0"`, `"key":"c-9"`, "key does not match"},
		{"encoding", `"value_encoding":"base64"`, `"value_encoding":"string"`, "does not match"},
		{"an added field", `"size":`, `"note":"x","size":`, "note does not match"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bag, _ := writeBundle(t)
			editRecords(t, bag, tt.old, tt.new)
			reseal(t, bag, otherSigner(t))
			_, err := Verify(t.Context(), bag)
			if !errors.Is(err, ErrBundleChanged) || !strings.Contains(err.Error(), RecordsFile) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Verify = %v, want %s named with %q", err, RecordsFile, tt.want)
			}
		})
	}
}

func TestRedactedBundleSaysWhatIsNotBound(t *testing.T) {
	bag, _ := writeBundle(t, "value.card_number")
	rep, err := Verify(t.Context(), bag)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Bound != 0 || len(rep.NotBound) != 1 || !strings.Contains(rep.NotBound[0], "60 records") || !strings.Contains(rep.NotBound[0], "redacted") {
		t.Errorf("report = %+v, want the 60 records named as not bound, redacted", rep)
	}
}

func TestVerifyStopsWhenCancelled(t *testing.T) {
	bag, _ := writeBundle(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := Verify(ctx, bag)
	if err == nil || !errors.Is(err, context.Canceled) {
		t.Fatalf("Verify with a cancelled context = %v, want it interrupted", err)
	}
}

// TestSSHKeygenVerifiesTheSeal checks the seal with OpenSSH alone, as the README tells
// people without kpeek to.
func TestSSHKeygenVerifiesTheSeal(t *testing.T) {
	if _, err := exec.LookPath("ssh-keygen"); err != nil {
		t.Skip("ssh-keygen not installed")
	}
	bag, _ := writeBundle(t)
	pub, _ := os.ReadFile(filepath.Join(bag, SignerFile))
	allowed := filepath.Join(t.TempDir(), "allowed_signers")
	if err := os.WriteFile(allowed, append([]byte("analyst "), pub...), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func() error {
		tm, err := os.Open(filepath.Join(bag, TagManifestFile))
		if err != nil {
			t.Fatal(err)
		}
		defer tm.Close()
		cmd := exec.Command("ssh-keygen", "-Y", "verify", "-f", allowed, "-I", "analyst", "-n", SignatureNamespace,
			"-s", filepath.Join(bag, SignatureFile))
		cmd.Stdin = tm
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("%v: %s", err, out)
		}
		return nil
	}
	if err := run(); err != nil {
		t.Fatalf("ssh-keygen -Y verify: %v", err)
	}
	if err := flipByte(TagManifestFile, 5)(bag); err != nil {
		t.Fatal(err)
	}
	if err := run(); err == nil {
		t.Fatal("ssh-keygen accepts a changed tag manifest")
	}
}

func TestLoadSignerCreatesAPrivateKeyOnce(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "kpeek")
	s1, err := LoadSigner(dir, "slyon@jump")
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(filepath.Join(dir, KeyFile))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v, mode %v; want 0600", err, st.Mode())
	}
	s2, err := LoadSigner(dir, "slyon@jump")
	if err != nil || s2.Fingerprint() != s1.Fingerprint() {
		t.Fatalf("second load: %v, fingerprint %s then %s", err, s1.Fingerprint(), s2.Fingerprint())
	}
	if err := os.Chmod(filepath.Join(dir, KeyFile), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadSigner(dir, "slyon@jump"); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("a world-readable key: %v, want a refusal", err)
	}
}

// TestLocalSchemaRecordsAreNamedNotRedecoded: a value decoded with a local schema file
// (not kept in the bag) is still bound to its raw bytes field by field, and the report
// says its decoded view could not be derived again.
func TestLocalSchemaRecordsAreNamedNotRedecoded(t *testing.T) {
	dir := t.TempDir()
	avsc := filepath.Join(dir, "login.avsc")
	const schema = `{"type":"record","name":"Login","fields":[{"name":"user","type":"string"}]}`
	if err := os.WriteFile(avsc, []byte(schema), 0o644); err != nil {
		t.Fatal(err)
	}
	dec, err := decode.FromConfig(decode.Config{Topics: map[string]config.TopicFormat{"crm.customers": {ValueFormat: "avro", ValueSchema: avsc}}})
	if err != nil {
		t.Fatal(err)
	}
	recs := sampleRecords(3)
	for i := range recs {
		recs[i].Value = append([]byte{10}, "slyon"...) // Avro: string of length 5
	}
	req := testRequest(recs)
	req.Decoder = dec
	bag := filepath.Join(dir, "bag")
	if _, err := ToFile(t.Context(), req, FileOptions{Path: bag, Format: "bundle", Signer: testSigner(t)}); err != nil {
		t.Fatal(err)
	}
	rep, err := Verify(t.Context(), bag)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Bound != 3 || rep.Redecoded != 0 || len(rep.NotBound) != 1 || !strings.Contains(rep.NotBound[0], "local avro schema") {
		t.Errorf("report %+v", rep)
	}
	// The raw bytes are still bound: a changed value_raw fails.
	editRecords(t, bag, `"value_raw":"CnNseW9u"`, `"value_raw":"CnNseW9v"`)
	reseal(t, bag, otherSigner(t))
	if _, err := Verify(t.Context(), bag); !errors.Is(err, ErrBundleChanged) || !strings.Contains(err.Error(), "value_raw") {
		t.Errorf("Verify of a changed value_raw = %v", err)
	}
}

// TestForcedFormatsAreDecodedAgain: a bundle exported with --value-format (hex, msgpack,
// cbor, string, base64) verifies with every record decoded again, failures included.
func TestForcedFormatsAreDecodedAgain(t *testing.T) {
	for _, f := range []string{"hex", "msgpack", "cbor", "string", "base64", "json"} {
		t.Run(f, func(t *testing.T) {
			dec, err := decode.FromConfig(decode.Config{KeyFormat: f, ValueFormat: f})
			if err != nil {
				t.Fatal(err)
			}
			req := testRequest(sampleRecords(21))
			req.Decoder = dec
			bag := filepath.Join(t.TempDir(), "bag")
			if _, err := ToFile(t.Context(), req, FileOptions{Path: bag, Format: "bundle", Signer: testSigner(t)}); err != nil {
				t.Fatal(err)
			}
			rep, err := Verify(t.Context(), bag)
			if err != nil || rep.Redecoded != 21 {
				t.Fatalf("Verify = %+v, %v", rep, err)
			}
		})
	}
}

// TestSchemaPathsStayInTheBag: a re-sealed manifest pointing a schema outside the bag is refused.
func TestSchemaPathsStayInTheBag(t *testing.T) {
	bag, _ := writeBundle(t)
	p := filepath.Join(bag, CaptureFile)
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	b = bytes.Replace(b, []byte(`"schemas": []`), []byte(`"schemas": [{"id": 1, "file": "../../../../etc/passwd", "sha256": null}]`), 1)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	reseal(t, bag, otherSigner(t))
	if _, err := Verify(t.Context(), bag); !errors.Is(err, ErrBundleChanged) || !strings.Contains(err.Error(), "not in data/schemas/") {
		t.Fatalf("Verify = %v", err)
	}
}

// TestVerifyThroughALinkToTheBag: the bag may be given by a link; what is inside is still
// checked (an added file is found).
func TestVerifyThroughALinkToTheBag(t *testing.T) {
	bag, _ := writeBundle(t)
	link := filepath.Join(t.TempDir(), "link.bag")
	if err := os.Symlink(bag, link); err != nil {
		t.Fatal(err)
	}
	if _, err := Verify(t.Context(), link); err != nil {
		t.Fatalf("through a link: %v", err)
	}
	if err := os.WriteFile(filepath.Join(bag, "data", "extra"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Verify(t.Context(), link); !errors.Is(err, ErrBundleChanged) || !strings.Contains(err.Error(), "data/extra") {
		t.Fatalf("an added file seen through a link: %v", err)
	}
}
