package export

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"
)

// RecordDigestDefinition says what a Splunk export's record digest covers; the summary
// event carries it so the digest can be recomputed from the events' fields.
const RecordDigestDefinition = "sha256 over one line per delivered record, sorted by partition then offset: " +
	"\"<partition>/<offset>/<sha256 field of the event>\\n\""

// RecordDigest accumulates the digest of a Splunk export's delivered records, in any
// order and from any goroutine: it is the Splunk counterpart of a bundle's root digest.
type RecordDigest struct {
	mu      sync.Mutex
	records []ManifestRecord
}

// Add notes one delivered record and its hash (the event's sha256 field).
func (d *RecordDigest) Add(partition int32, offset int64, sum [32]byte) {
	d.mu.Lock()
	d.records = append(d.records, ManifestRecord{Partition: partition, Offset: offset, SHA256: hexHash(sum)})
	d.mu.Unlock()
}

// Sum returns "sha256:<hex>" over what was added (see RecordDigestDefinition) and how many records.
func (d *RecordDigest) Sum() (string, int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	slices.SortFunc(d.records, func(a, b ManifestRecord) int {
		if a.Partition != b.Partition {
			return int(a.Partition) - int(b.Partition)
		}
		return int(min(max(a.Offset-b.Offset, -1), 1))
	})
	h := sha256.New()
	var line []byte
	for _, r := range d.records {
		line = strconv.AppendInt(line[:0], int64(r.Partition), 10)
		line = append(line, '/')
		line = strconv.AppendInt(line, r.Offset, 10)
		line = append(line, '/')
		line = append(line, r.SHA256...)
		line = append(line, '\n')
		h.Write(line)
	}
	return fmt.Sprintf("sha256:%x", h.Sum(nil)), len(d.records)
}

// SummaryEvent renders the one final HEC event of a Splunk export (sourcetype
// kpeek:summary): where the records came from, the counts, the record digest and the
// audit entry, so the case ticket and Splunk hold the same figures.
func SummaryEvent(c Capture, p Progress, digest *RecordDigest, opts HECOptions, ended time.Time) ([]byte, error) {
	sum, n := digest.Sum()
	ev := map[string]any{
		"time":       float64(ended.UnixMilli()) / 1000,
		"sourcetype": "kpeek:summary",
		"event": map[string]any{
			"kpeek_summary": true, "topic": c.Topic, "cluster": c.Cluster, "cluster_id": c.ClusterID,
			"selection": c.Selection, "filter": c.Filter, "analyst": c.Analyst, "kpeek_version": c.Version,
			"selected": p.Selected, "delivered": p.Written, "confirmed": p.Acked, "failed": p.Failed,
			"record_digest": sum, "record_digest_records": n, "record_digest_definition": RecordDigestDefinition,
			"command_line": c.Provenance.CommandLine, "window_from": c.Provenance.WindowFrom, "window_to": c.Provenance.WindowTo,
			"audit_entry": c.Provenance.AuditEntry, "ended": ended.UTC(),
		},
	}
	for k, v := range map[string]string{"host": opts.Host, "source": opts.Source, "index": opts.Index} {
		if v != "" {
			ev[k] = v
		}
	}
	b, err := json.Marshal(ev)
	if err != nil {
		return nil, fmt.Errorf("encode the Splunk summary event: %w", err)
	}
	return append(b, '\n'), nil
}
