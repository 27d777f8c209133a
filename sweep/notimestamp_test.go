package sweep

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/decode/filter"
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

// TestHostileTextIsEscapedInJSON: topic names, errors and field paths come from the data;
// the sweep's JSON escapes C1, bidi and control runes like every record kpeek prints.
func TestHostileTextIsEscapedInJSON(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewWriter(&buf, "json")
	if err != nil {
		t.Fatal(err)
	}
	hostile := "t\u009b\u202e\x1b"
	if err := w.Write(&Hit{Envelope: decode.Envelope{Topic: hostile},
		Matched: []filter.IOCHit{{Indicator: hostile, Path: "value." + hostile}}}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(Summary{Topics: []TopicResult{{Topic: hostile, Err: errors.New(hostile)}}}); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"\u009b", "\u202e", "\x1b"} {
		if strings.Contains(buf.String(), bad) {
			t.Errorf("raw %q in %s", bad, buf.String())
		}
	}
}
