package export

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Bundle file names (BagIt tag files and payload), relative to the bag root.
const (
	BagitFile       = "bagit.txt"
	BagInfoFile     = "bag-info.txt"
	ManifestFile    = "manifest-sha256.txt"
	TagManifestFile = "tagmanifest-sha256.txt"
	CaptureFile     = "kpeek-manifest.json"
	RecordsFile     = "data/records.ndjson"
	RawFile         = "data/raw/records.bin"
	SchemasFile     = "data/schemas/schemas.json"
)

// bagitDeclaration is bagit.txt exactly as RFC 8493 section 2.1.1 requires.
const bagitDeclaration = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"

// CaptureManifest is kpeek-manifest.json: what was captured, from where, by whom, and
// the SHA-256 of every record.
type CaptureManifest struct {
	Format         string              `json:"format"` // "kpeek-capture/1"
	KpeekVersion   string              `json:"kpeek_version"`
	Analyst        string              `json:"analyst"`
	Cluster        ManifestCluster     `json:"cluster"`
	Topic          string              `json:"topic"`
	Selection      string              `json:"selection"`
	Filter         string              `json:"filter"`
	Redaction      ManifestRedaction   `json:"redaction"`
	CaptureStart   time.Time           `json:"capture_start"`
	CaptureEnd     time.Time           `json:"capture_end"`
	Partitions     []ManifestPartition `json:"partitions"`
	Counts         ManifestCounts      `json:"counts"`
	FirstTimestamp *time.Time          `json:"first_timestamp"`
	LastTimestamp  *time.Time          `json:"last_timestamp"`
	Schemas        []ManifestSchema    `json:"schemas"`
	SchemaTexts    string              `json:"schema_texts"`
	Files          map[string]string   `json:"files"`
	RawFormat      string              `json:"raw_format,omitempty"`
	RecordHash     string              `json:"record_hash"`
	Records        []ManifestRecord    `json:"records"`
	Signer         ManifestSigner      `json:"signer"`
	Provenance     Provenance          `json:"provenance"`
}

// ManifestSigner is the key that seals the bundle: the SSH signature in
// tagmanifest-sha256.txt.sig is made with it.
type ManifestSigner struct {
	Fingerprint string `json:"fingerprint"` // SHA256:... as ssh-keygen -l prints it
	PublicKey   string `json:"public_key"`  // also in kpeek-signer.pub
	Namespace   string `json:"namespace"`   // for ssh-keygen -Y verify -n
}

// ManifestCluster identifies the cluster the records were read from.
type ManifestCluster struct {
	Name      string   `json:"name"`
	ID        string   `json:"id"`
	Bootstrap []string `json:"bootstrap"`
}

// ManifestRedaction records the masking rules applied to the export.
type ManifestRedaction struct {
	Rules           []string `json:"rules"`               // field paths and profiles (pii, pci, secrets, all)
	Detectors       string   `json:"detectors,omitempty"` // the detector set behind a profile, e.g. kpeek-scan/1
	Mask            string   `json:"mask,omitempty"`
	RawBytesOmitted bool     `json:"raw_bytes_omitted"`
}

// ManifestPartition is one partition's requested range, watermarks at capture time, and what was exported.
type ManifestPartition struct {
	Partition   int32  `json:"partition"`
	Start       int64  `json:"start"`
	End         int64  `json:"end"` // exclusive
	Earliest    int64  `json:"earliest"`
	Latest      int64  `json:"latest"`
	Exported    int64  `json:"exported"`
	FirstOffset *int64 `json:"first_offset"`
	LastOffset  *int64 `json:"last_offset"`
}

// ManifestCounts are the export's record counts.
type ManifestCounts struct {
	Read     int64 `json:"read"`     // records read from Kafka
	Selected int64 `json:"selected"` // passed the filter
	Written  int64 `json:"written"`  // lines in data/records.ndjson
}

// ManifestSchema is one registry schema the exported records used.
type ManifestSchema struct {
	ID      int     `json:"id"`
	Subject string  `json:"subject,omitempty"`
	Version int     `json:"version,omitempty"`
	Type    string  `json:"type,omitempty"` // AVRO, PROTOBUF or JSON, as the registry names it
	File    string  `json:"file,omitempty"`
	SHA256  *string `json:"sha256"` // of the schema text; null when the text was not available
	// References are the schemas it imports or whose named types it uses, dependencies first.
	References []ManifestSchemaRef `json:"references,omitempty"`
}

// ManifestSchemaRef is one schema a kept schema references, kept beside it.
type ManifestSchemaRef struct {
	Name    string `json:"name"`
	Subject string `json:"subject"`
	Version int    `json:"version"`
	File    string `json:"file"`
	SHA256  string `json:"sha256"`
}

// ManifestRecord is one exported record's position and hash (see CaptureManifest.RecordHash).
type ManifestRecord struct {
	Partition int32  `json:"partition"`
	Offset    int64  `json:"offset"`
	SHA256    string `json:"sha256"`
}

// fileSum is a file's path in the bag, its SHA-256 and size.
type fileSum struct {
	path string
	sum  string
	size int64
}

// writeChecksums writes a BagIt manifest: "<sha256>  <path>" lines sorted by path; the
// two-space separator is also what sha256sum -c reads.
func writeChecksums(root, rel string, sums []fileSum) (fileSum, error) {
	return writeSmall(root, rel, checksumLines(sums))
}

// checksumLines renders a BagIt manifest's content.
func checksumLines(sums []fileSum) []byte {
	sorted := append([]fileSum(nil), sums...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].path < sorted[j].path })
	var b strings.Builder
	for _, s := range sorted {
		fmt.Fprintf(&b, "%s  %s\n", s.sum, s.path)
	}
	return []byte(b.String())
}

// bagInfo renders bag-info.txt.
func bagInfo(c Capture, created time.Time, payload []fileSum, redacted []string) string {
	var octets int64
	for _, p := range payload {
		octets += p.size
	}
	var b strings.Builder
	line := func(label, value string) {
		if value != "" {
			fmt.Fprintf(&b, "%s: %s\n", label, oneLine(value))
		}
	}
	line("Bagging-Date", created.UTC().Format("2006-01-02"))
	line("Bagging-Time", created.UTC().Format(time.RFC3339))
	line("Bag-Software-Agent", "kpeek "+c.Version)
	line("Payload-Oxum", fmt.Sprintf("%d.%d", octets, len(payload)))
	line("Contact-Name", c.Analyst)
	line("External-Description", fmt.Sprintf("Kafka records of topic %s from cluster %s, exported by kpeek; see %s", c.Topic, clusterLabel(c), CaptureFile))
	line("Kpeek-Topic", c.Topic)
	line("Kpeek-Cluster-Id", c.ClusterID)
	if len(redacted) > 0 {
		line("Kpeek-Redaction", strings.Join(redacted, ","))
		line("Kpeek-Raw-Bytes", "omitted: the export is redacted, so the original bytes are not in this bag")
	} else {
		line("Kpeek-Raw-Bytes", RawFile)
	}
	return b.String()
}

func clusterLabel(c Capture) string {
	if c.Cluster != "" {
		return c.Cluster
	}
	return strings.Join(c.Bootstrap, ",")
}

// oneLine keeps a tag value on one line, as bag-info.txt requires.
func oneLine(s string) string {
	return strings.NewReplacer("\r", " ", "\n", " ").Replace(s)
}

// writeSmall writes and fsyncs the whole file root/rel and returns its checksum entry.
func writeSmall(root, rel string, data []byte) (fileSum, error) {
	f, err := os.Create(filepath.Join(root, filepath.FromSlash(rel)))
	if err != nil {
		return fileSum{}, fmt.Errorf("create %s: %w", rel, err)
	}
	hw := newHashingWriter(f)
	_, err = hw.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fileSum{}, fmt.Errorf("write %s: %w", rel, err)
	}
	return hw.sum(rel), nil
}
