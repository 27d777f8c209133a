package export

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/kafka"
)

// bundleWriter streams one evidence bag into a temporary directory.
type bundleWriter struct {
	root     string // the temporary directory
	redacted []string
	records  *streamFile
	raw      *streamFile // nil when redacted
	hasher   recordHasher
	line     []byte
	entries  []ManifestRecord
	schemas  map[int]ManifestSchema
	first    time.Time
	last     time.Time
	signer   *Signer
	// rootDigest is set by finish: the SHA-256 of the signed tag manifest.
	rootDigest string
}

// streamFile is a payload file written through a buffer while its SHA-256 is computed.
type streamFile struct {
	rel string
	f   *os.File
	bw  *bufio.Writer
	hw  *hashingWriter
}

func createStream(root, rel string) (*streamFile, error) {
	f, err := os.Create(filepath.Join(root, filepath.FromSlash(rel)))
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", rel, err)
	}
	bw := bufio.NewWriterSize(f, 256<<10)
	return &streamFile{rel: rel, f: f, bw: bw, hw: newHashingWriter(bw)}, nil
}

func (s *streamFile) close() (fileSum, error) {
	err := s.bw.Flush()
	if err == nil {
		err = s.f.Sync()
	}
	if cerr := s.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fileSum{}, fmt.Errorf("write %s: %w", s.rel, err)
	}
	return s.hw.sum(s.rel), nil
}

// toBundle writes an evidence bag (RFC 8493) to a temporary sibling directory and
// renames it into place when every file and manifest is written.
func toBundle(ctx context.Context, req Request, opts FileOptions, m *meter) (Summary, error) {
	sum := Summary{Destination: opts.Path}
	started := time.Now().UTC()
	if err := checkTarget(opts.Path, opts.Force, true); err != nil {
		return sum, err
	}
	signer, err := bundleSigner(opts.Signer, req.Capture.Analyst)
	if err != nil {
		return sum, err
	}
	sel, err := newSelector(req, m)
	if err != nil {
		return sum, err
	}
	rules, _ := ParseRedactions(req.Redact)
	parent, base := filepath.Split(filepath.Clean(opts.Path))
	if parent == "" {
		parent = "."
	}
	tmp, err := os.MkdirTemp(parent, "."+base+".tmp-")
	if err != nil {
		return sum, fmt.Errorf("create temporary bundle for %s: %w", opts.Path, err)
	}
	committed := false
	defer func() {
		if !committed {
			os.RemoveAll(tmp)
		}
	}()
	bw, err := openBundle(tmp, rules)
	if err != nil {
		return sum, err
	}
	bw.signer = signer
	defer bw.abort()
	for {
		rec, env, ok, err := sel.next(ctx)
		if err != nil {
			return sum, err
		}
		if !ok {
			break
		}
		if err := bw.add(rec, env); err != nil {
			return sum, err
		}
		m.written.Add(1)
	}
	ended := time.Now().UTC()
	if err := bw.finish(ctx, req, sel, started, ended); err != nil {
		return sum, err
	}
	sum.RootDigest, sum.Signer = bw.rootDigest, signer.Fingerprint()
	if err := replaceDir(tmp, opts.Path, opts.Force); err != nil {
		return sum, err
	}
	committed = true
	m.acked.Store(m.written.Load())
	return sum, nil
}

func openBundle(root string, redacted []string) (*bundleWriter, error) {
	bw := &bundleWriter{root: root, redacted: redacted, schemas: map[int]ManifestSchema{}}
	bw.hasher.redacted = len(redacted) > 0
	dirs := []string{"data", "data/schemas"}
	if !bw.hasher.redacted {
		dirs = append(dirs, "data/raw")
	}
	for _, d := range dirs {
		if err := os.MkdirAll(filepath.Join(root, filepath.FromSlash(d)), 0o755); err != nil {
			return nil, fmt.Errorf("create bundle folder %s: %w", d, err)
		}
	}
	var err error
	if bw.records, err = createStream(root, RecordsFile); err != nil {
		return nil, err
	}
	if !bw.hasher.redacted {
		if bw.raw, err = createStream(root, RawFile); err != nil {
			return nil, err
		}
	}
	return bw, nil
}

func (bw *bundleWriter) abort() {
	for _, s := range []*streamFile{bw.records, bw.raw} {
		if s != nil {
			s.f.Close()
		}
	}
}

// add writes one record: its envelope line (with raw bytes unless redacted), its raw
// frame, and its manifest entry.
func (bw *bundleWriter) add(rec *kafka.Record, env *decode.Envelope) error {
	bw.line = env.AppendJSON(bw.line[:0], decode.JSONOptions{IncludeRaw: !bw.hasher.redacted})
	sum := bw.hasher.hash(rec, bw.line)
	bw.line = append(bw.line, '\n')
	if _, err := bw.records.hw.Write(bw.line); err != nil {
		return fmt.Errorf("write %s: %w", RecordsFile, err)
	}
	if bw.raw != nil {
		if _, err := bw.raw.hw.Write(bw.hasher.frame); err != nil {
			return fmt.Errorf("write %s: %w", RawFile, err)
		}
	}
	bw.entries = append(bw.entries, ManifestRecord{Partition: rec.Partition, Offset: rec.Offset, SHA256: hexHash(sum)})
	for _, d := range []*decode.Decoded{&env.Key, &env.Value} {
		if d.SchemaID != nil {
			if _, ok := bw.schemas[*d.SchemaID]; !ok {
				bw.schemas[*d.SchemaID] = ManifestSchema{ID: *d.SchemaID, Subject: d.Subject, Version: d.Version}
			}
		}
	}
	ts := env.Timestamp
	if bw.first.IsZero() || ts.Before(bw.first) {
		bw.first = ts
	}
	if ts.After(bw.last) {
		bw.last = ts
	}
	return nil
}

// finish closes the payload, writes schemas, the capture manifest, bag-info, the
// payload and tag manifests and bagit.txt.
func (bw *bundleWriter) finish(ctx context.Context, req Request, sel *selector, started, ended time.Time) error {
	var payload []fileSum
	for _, s := range []*streamFile{bw.records, bw.raw} {
		if s == nil {
			continue
		}
		fs, err := s.close()
		if err != nil {
			return err
		}
		payload = append(payload, fs)
	}
	bw.records, bw.raw = nil, nil
	schemaFiles, schemaNote, err := bw.writeSchemas(ctx, req.Decoder)
	if err != nil {
		return err
	}
	payload = append(payload, schemaFiles...)

	man := bw.manifest(req, sel, started, ended, schemaNote)
	data, err := json.MarshalIndent(man, "", "  ")
	if err != nil {
		return fmt.Errorf("encode %s: %w", CaptureFile, err)
	}
	var tags []fileSum
	add := func(rel string, data []byte) error {
		fs, err := writeSmall(bw.root, rel, data)
		tags = append(tags, fs)
		return err
	}
	if err := add(CaptureFile, append(data, '\n')); err != nil {
		return err
	}
	if err := add(BagitFile, []byte(bagitDeclaration)); err != nil {
		return err
	}
	info := bagInfo(req.Capture, ended, payload, bw.redacted) + "Kpeek-Signer: " + bw.signer.Fingerprint() + "\n"
	if err := add(BagInfoFile, []byte(info)); err != nil {
		return err
	}
	if err := add(SignerFile, bw.signer.PublicKey()); err != nil {
		return err
	}
	ms, err := writeChecksums(bw.root, ManifestFile, payload)
	if err != nil {
		return err
	}
	tags = append(tags, ms)
	tagManifest := checksumLines(tags)
	if _, err := writeSmall(bw.root, TagManifestFile, tagManifest); err != nil {
		return err
	}
	sig, err := bw.signer.sign(tagManifest)
	if err != nil {
		return err
	}
	if _, err := writeSmall(bw.root, SignatureFile, sig); err != nil {
		return err
	}
	bw.rootDigest = rootDigest(tagManifest)
	for _, d := range []string{"data/schemas", "data/raw", "data", "."} {
		syncDir(filepath.Join(bw.root, filepath.FromSlash(d)))
	}
	return nil
}

// writeSchemas writes data/schemas/schemas.json and, when the decoder can give them,
// each schema's text as data/schemas/<id>.schema and the schemas it references as
// data/schemas/<id>.ref<n>.schema, so verify can decode the raw bytes again.
func (bw *bundleWriter) writeSchemas(ctx context.Context, dec *decode.Decoder) ([]fileSum, string, error) {
	ids := make([]int, 0, len(bw.schemas))
	for id := range bw.schemas {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var files []fileSum
	list := make([]ManifestSchema, 0, len(ids))
	var missing []string // ids whose text could not be fetched, with why
	for _, id := range ids {
		s := bw.schemas[id]
		stored, err := dec.StoredSchema(ctx, id)
		if err != nil {
			missing = append(missing, fmt.Sprintf("%d (%v)", id, err))
		} else {
			kept, err := bw.keepSchema(&s, stored)
			if err != nil {
				return nil, "", err
			}
			files = append(files, kept...)
		}
		list = append(list, s)
		bw.schemas[id] = s
	}
	note := "no registry schemas were used"
	switch {
	case len(ids) == 0:
	case len(missing) == 0:
		note = "schema texts in data/schemas/<id>.schema, their references in <id>.ref<n>.schema; sha256 is of that text"
	case len(missing) == len(ids):
		note = "schema ids only: no schema text could be fetched: " + strings.Join(missing, "; ")
	default:
		note = "schema texts in data/schemas/<id>.schema (sha256 is of that text), except ids " + strings.Join(missing, "; ")
	}
	data, err := json.MarshalIndent(struct {
		Note    string           `json:"note"`
		Schemas []ManifestSchema `json:"schemas"`
	}{note, list}, "", "  ")
	if err != nil {
		return nil, "", fmt.Errorf("encode %s: %w", SchemasFile, err)
	}
	fs, err := writeSmall(bw.root, SchemasFile, append(data, '\n'))
	if err != nil {
		return nil, "", err
	}
	return append(files, fs), note, nil
}

// keepSchema writes one schema's text and its references' and records them in s.
func (bw *bundleWriter) keepSchema(s *ManifestSchema, stored decode.StoredSchema) ([]fileSum, error) {
	base := "data/schemas/" + strconv.Itoa(s.ID)
	fs, err := writeSmall(bw.root, base+".schema", []byte(stored.Text))
	if err != nil {
		return nil, err
	}
	files := []fileSum{fs}
	s.File, s.SHA256, s.Type = fs.path, &fs.sum, stored.Type
	if s.Subject == "" {
		s.Subject, s.Version = stored.Subject, stored.Version
	}
	for n, ref := range stored.References {
		rfs, err := writeSmall(bw.root, base+".ref"+strconv.Itoa(n+1)+".schema", []byte(ref.Text))
		if err != nil {
			return nil, err
		}
		files = append(files, rfs)
		s.References = append(s.References, ManifestSchemaRef{Name: ref.Name, Subject: ref.Subject, Version: ref.Version, File: rfs.path, SHA256: rfs.sum})
	}
	return files, nil
}

// bundleSigner is the signer the options give, else the analyst's own key.
func bundleSigner(s *Signer, analyst string) (*Signer, error) {
	if s != nil {
		return s, nil
	}
	dir, err := DefaultKeyDir()
	if err != nil {
		return nil, err
	}
	return LoadSigner(dir, analyst)
}

func (bw *bundleWriter) manifest(req Request, sel *selector, started, ended time.Time, schemaNote string) CaptureManifest {
	c := req.Capture
	man := CaptureManifest{
		Format: "kpeek-capture/1", KpeekVersion: c.Version, Analyst: c.Analyst,
		Cluster: ManifestCluster{Name: c.Cluster, ID: c.ClusterID, Bootstrap: c.Bootstrap},
		Topic:   c.Topic, Selection: c.Selection, Filter: c.Filter,
		Redaction:    ManifestRedaction{Rules: bw.redacted, Detectors: RedactionDetectors(bw.redacted), RawBytesOmitted: len(bw.redacted) > 0},
		CaptureStart: started, CaptureEnd: ended,
		Counts:      ManifestCounts{Read: sel.meter.read.Load(), Selected: sel.meter.selected.Load(), Written: int64(len(bw.entries))},
		SchemaTexts: schemaNote,
		Files:       map[string]string{"records": RecordsFile, "schemas": SchemasFile},
		Records:     bw.entries,
		Provenance:  completeProvenance(c, started),
		Signer: ManifestSigner{Fingerprint: bw.signer.Fingerprint(), PublicKey: strings.TrimSpace(string(bw.signer.PublicKey())),
			Namespace: SignatureNamespace},
	}
	if len(bw.redacted) == 0 {
		man.Redaction.Rules = []string{}
	} else {
		man.Redaction.Mask = Redacted
	}
	if bw.hasher.redacted {
		man.RecordHash = RecordHashRedacted
	} else {
		man.RecordHash, man.RawFormat, man.Files["raw"] = RecordHashRaw, RawFormat, RawFile
	}
	if !bw.first.IsZero() {
		f, l := bw.first.UTC(), bw.last.UTC()
		man.FirstTimestamp, man.LastTimestamp = &f, &l
	}
	for _, s := range bw.schemas {
		man.Schemas = append(man.Schemas, s)
	}
	slices.SortFunc(man.Schemas, func(a, b ManifestSchema) int { return a.ID - b.ID })
	if man.Schemas == nil {
		man.Schemas = []ManifestSchema{}
	}
	man.Partitions = manifestPartitions(c, sel)
	return man
}

// completeProvenance fills what a caller that is not the command line (the explorer)
// left out: the build and the zone are always known.
func completeProvenance(c Capture, started time.Time) Provenance {
	p := c.Provenance
	if p.Build.Version == "" {
		p.Build = CurrentBuild(c.Version)
	}
	if p.TimeZone == "" {
		p.TimeZone = zoneName(started.Local())
	}
	if p.ResolvedAt.IsZero() {
		p.ResolvedAt = started.UTC()
	}
	if p.BrokerCertificates == nil {
		p.BrokerCertificates = []kafka.PeerCertificate{}
	}
	return p
}

// manifestPartitions merges the requested ranges with what was exported from each partition.
func manifestPartitions(c Capture, sel *selector) []ManifestPartition {
	byID := map[int32]*ManifestPartition{}
	var out []ManifestPartition
	for _, r := range c.Ranges {
		out = append(out, ManifestPartition{Partition: r.Partition, Start: r.Start, End: r.End, Earliest: r.Earliest, Latest: r.Latest})
	}
	for p := range sel.seen {
		if !slices.ContainsFunc(out, func(mp ManifestPartition) bool { return mp.Partition == p }) {
			out = append(out, ManifestPartition{Partition: p, Start: -1, End: -1, Earliest: -1, Latest: -1})
		}
	}
	slices.SortFunc(out, func(a, b ManifestPartition) int { return int(a.Partition) - int(b.Partition) })
	for i := range out {
		byID[out[i].Partition] = &out[i]
	}
	for p, s := range sel.seen {
		mp := byID[p]
		first, last := s.first, s.last
		mp.Exported, mp.FirstOffset, mp.LastOffset = s.count, &first, &last
	}
	if out == nil {
		out = []ManifestPartition{}
	}
	return out
}

// replaceDir renames tmp to final; with force an existing final is moved aside first
// and removed only once the new bundle is in place.
func replaceDir(tmp, final string, force bool) error {
	var aside string
	if _, err := os.Lstat(final); err == nil {
		// Re-check: what is there now may not be what was there when the export started.
		if err := checkTarget(final, force, true); err != nil {
			return err
		}
		aside = tmp + ".old"
		if err := os.Rename(final, aside); err != nil {
			return fmt.Errorf("move existing %s aside: %w", final, err)
		}
	}
	if err := os.Rename(tmp, final); err != nil {
		if aside != "" {
			_ = os.Rename(aside, final)
		}
		return fmt.Errorf("move bundle into %s: %w", final, err)
	}
	if aside != "" {
		os.RemoveAll(aside)
	}
	syncDir(filepath.Dir(final))
	return nil
}

// hashingWriter writes through to w while computing the SHA-256 and size of what passed.
type hashingWriter struct {
	w io.Writer
	h hash.Hash
	n int64
}

func newHashingWriter(w io.Writer) *hashingWriter { return &hashingWriter{w: w, h: sha256.New()} }

func (hw *hashingWriter) Write(p []byte) (int, error) {
	n, err := hw.w.Write(p)
	hw.h.Write(p[:n])
	hw.n += int64(n)
	return n, err
}

func (hw *hashingWriter) sum(rel string) fileSum {
	return fileSum{path: rel, sum: hex.EncodeToString(hw.h.Sum(nil)), size: hw.n}
}
