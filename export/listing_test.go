package export

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/kpeek/kpeek/kafka"
)

func TestWriteTopicsAndGroups(t *testing.T) {
	topics := kafka.Topics{
		{Name: "auth.logins", ReplicationFactor: 3, CleanupPolicy: "delete", RetentionMs: 3 * 24 * 3600 * 1000,
			Partitions: []kafka.PartitionInfo{{ID: 0, Earliest: 10, Latest: 110}, {ID: 1, Latest: 5}}},
		{Name: "evil\x1b]0;pwned\x07", ConfigErr: errors.New("not authorized to describe configs"),
			Partitions: []kafka.PartitionInfo{{ID: 0, Earliest: -1, Latest: -1}}},
	}
	var table bytes.Buffer
	if err := WriteTopics(&table, topics, "table"); err != nil {
		t.Fatal(err)
	}
	out := table.String()
	for _, want := range []string{"auth.logins", "105", "3d", `evil\x1b]0;pwned\x07`, "?"} {
		if !strings.Contains(out, want) {
			t.Errorf("topics table lacks %q:\n%s", want, out)
		}
	}
	if strings.ContainsRune(out, 0x1b) {
		t.Error("a raw ESC from a topic name reached the table")
	}
	var js bytes.Buffer
	if err := WriteTopics(&js, topics, "json"); err != nil {
		t.Fatal(err)
	}
	var parsed []map[string]any
	if err := json.Unmarshal(js.Bytes(), &parsed); err != nil || len(parsed) != 2 || parsed[0]["records"] != float64(105) ||
		parsed[1]["config_error"] == nil {
		t.Errorf("topics json = %s (%v)", js.String(), err)
	}
	// Unknown is null, never 0 or "": the account could not read the configs.
	if len(parsed) == 2 && (parsed[1]["retention_ms"] != nil || parsed[1]["cleanup_policy"] != nil ||
		parsed[0]["retention_ms"] != float64(3*24*3600*1000)) {
		t.Errorf("retention_ms/cleanup_policy: want the value when known and null when not: %s", js.String())
	}
	if len(parsed) == 2 {
		p0 := parsed[1]["partitions"].([]any)[0].(map[string]any)
		if parsed[1]["records"] != nil || p0["earliest_offset"] != nil || p0["latest_offset"] != nil {
			t.Errorf("offsets that could not be listed must be null, not -1 or 0: %s", js.String())
		}
	}

	groups := kafka.Groups{{ID: "analytics", State: "Empty", Offsets: []kafka.GroupOffset{
		{Topic: "auth.logins", Partition: 0, Committed: 5, End: 105, Lag: 100},
		{Topic: "auth.logins", Partition: 1, Committed: -1, End: -1, Lag: -1},
	}}}
	var gt bytes.Buffer
	if err := WriteGroups(&gt, groups, "table"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(gt.String(), "100+?") {
		t.Errorf("groups table should mark unknown lag:\n%s", gt.String())
	}
	var gj bytes.Buffer
	if err := WriteGroups(&gj, groups, "json"); err != nil {
		t.Fatal(err)
	}
	var g []map[string]any
	if err := json.Unmarshal(gj.Bytes(), &g); err != nil || g[0]["total_lag"] != float64(100) || len(g[0]["topics"].([]any)) != 1 {
		t.Errorf("groups json = %s (%v)", gj.String(), err)
	}
}

func TestProgressRateAndETA(t *testing.T) {
	p := Progress{Written: 250, Total: 1000, Elapsed: 2e9}
	if p.Rate() != 125 || p.ETA().Seconds() != 6 {
		t.Errorf("rate %v eta %v, want 125/s and 6s", p.Rate(), p.ETA())
	}
	if (Progress{}).ETA() != 0 || (Progress{Written: 5, Total: 5, Elapsed: 1e9}).ETA() != 0 {
		t.Error("ETA should be 0 when unknown or done")
	}
	if !strings.Contains(ProgressLine(p), "ETA 6s") {
		t.Errorf("progress line %q", ProgressLine(p))
	}
	s := Summary{Progress: Progress{Selected: 3, Written: 3, Acked: 2}, Destination: "hec", Spool: "x.spool"}
	if r := s.Report(); len(r) != 2 || !strings.Contains(r[1], "kpeek export --resume x.spool") {
		t.Errorf("report %q", r)
	}
}

// TestListingJSONEscapesHostileIDs: group, client and topic ids are attacker-chosen; the
// JSON listings escape them the way consume escapes records.
func TestListingJSONEscapesHostileIDs(t *testing.T) {
	evil := "ops\u009b31m\u202egnp.exe\x1b]0;t\x07\x7f"
	groups := kafka.Groups{{ID: evil, State: "Stable", Members: []kafka.MemberInfo{{ID: evil, ClientID: evil, ClientHost: evil,
		Assigned: []kafka.TopicPartition{{Topic: evil}}}}, Offsets: []kafka.GroupOffset{{Topic: evil, Committed: 1, End: 2, Lag: 1}}}}
	topics := kafka.Topics{{Name: evil, CleanupPolicy: evil}}
	for name, write := range map[string]func(*bytes.Buffer) error{
		"groups": func(b *bytes.Buffer) error { return WriteGroups(b, groups, "json") },
		"topics": func(b *bytes.Buffer) error { return WriteTopics(b, topics, "json") },
	} {
		var b bytes.Buffer
		if err := write(&b); err != nil {
			t.Fatal(err)
		}
		for _, bad := range []string{"\u009b", "\u202e", "\x1b", "\x07", "\x7f"} {
			if strings.Contains(b.String(), bad) {
				t.Errorf("%s json carries a raw %q: %s", name, bad, b.String())
			}
		}
		if !strings.Contains(b.String(), `ops\u009b31m\u202egnp.exe\u001b]0;t\u0007\u007f`) {
			t.Errorf("%s json does not escape like consume: %s", name, b.String())
		}
		var v any
		if err := json.Unmarshal(b.Bytes(), &v); err != nil {
			t.Errorf("%s json invalid: %v", name, err)
		}
	}
}
