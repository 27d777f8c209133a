package export

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func TestRecordDigestIsOrderIndependent(t *testing.T) {
	var a, b RecordDigest
	for i := range 10 {
		a.Add(int32(i%3), int64(i), sha256.Sum256([]byte{byte(i)}))
	}
	for i := 9; i >= 0; i-- {
		b.Add(int32(i%3), int64(i), sha256.Sum256([]byte{byte(i)}))
	}
	sa, na := a.Sum()
	sb, _ := b.Sum()
	if sa != sb || na != 10 {
		t.Fatalf("digests %s / %s of %d records", sa, sb, na)
	}
	// The definition is what a reader recomputes.
	var lines strings.Builder
	for p := range 3 {
		for i := range 10 {
			if i%3 == p {
				fmt.Fprintf(&lines, "%d/%d/%x\n", p, i, sha256.Sum256([]byte{byte(i)}))
			}
		}
	}
	if want := fmt.Sprintf("sha256:%x", sha256.Sum256([]byte(lines.String()))); sa != want {
		t.Errorf("digest %s, recomputed by the definition %s", sa, want)
	}
	var c RecordDigest
	c.Add(0, 0, sha256.Sum256([]byte("changed")))
	if sc, _ := c.Sum(); sc == sa {
		t.Error("different records, same digest")
	}
}

func TestSummaryEvent(t *testing.T) {
	var d RecordDigest
	d.Add(0, 1, sha256.Sum256([]byte("x")))
	c := testRequest(nil).Capture
	c.Provenance.AuditEntry = "audit#7 sha256:abc"
	b, err := SummaryEvent(c, Progress{Selected: 1, Written: 1, Acked: 1}, &d, HECOptions{Index: "ir", Source: "kafka:demo:crm.customers"}, testEpoch)
	if err != nil {
		t.Fatal(err)
	}
	var ev struct {
		Sourcetype string         `json:"sourcetype"`
		Index      string         `json:"index"`
		Event      map[string]any `json:"event"`
	}
	if err := json.Unmarshal(b, &ev); err != nil {
		t.Fatal(err)
	}
	want, _ := d.Sum()
	if ev.Sourcetype != "kpeek:summary" || ev.Index != "ir" || ev.Event["record_digest"] != want || ev.Event["audit_entry"] != "audit#7 sha256:abc" || ev.Event["confirmed"] != 1.0 {
		t.Errorf("summary event %s", b)
	}
}
