package sweep

import (
	"bytes"
	"strings"
	"testing"

	"github.com/kpeek/kpeek/decode"
)

func TestTableHitWithoutTimestamp(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewWriter(&buf, "table")
	if err != nil {
		t.Fatal(err)
	}
	h := &Hit{Envelope: decode.Envelope{Topic: "legacy", Partition: 1, Offset: 5, TimestampType: "none"}}
	if err := w.Write(h); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(Summary{}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(buf.String(), "\n")
	if len(lines) < 2 || !strings.HasPrefix(lines[1], "none ") {
		t.Fatalf("sweep table:\n%s", buf.String())
	}
}
