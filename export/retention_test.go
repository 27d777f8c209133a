package export

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/kpeek/kpeek/kafka"
)

func TestTopicsListOldestAndExpiry(t *testing.T) {
	oldest := time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC)
	topics := kafka.Topics{
		{Name: "auth.logins", CleanupPolicy: "delete", RetentionMs: 72 * 3600 * 1000, RetentionBytes: -1, LogBytes: 4096,
			OldestTimestamp: oldest, ExpiresAt: oldest.Add(72 * time.Hour), ExpiresBy: kafka.ExpiryByTime},
		{Name: "unknown", RetentionMs: -1, RetentionBytes: -1, LogBytes: -1},
	}
	var table bytes.Buffer
	if err := WriteTopics(&table, topics, "table"); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"OLDEST", "EXPIRES", "2026-11-25 02:00:00Z", "2026-11-28 02:00:00Z"} {
		if !strings.Contains(table.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, table.String())
		}
	}
	var js bytes.Buffer
	if err := WriteTopics(&js, topics, "json"); err != nil {
		t.Fatal(err)
	}
	var parsed []map[string]any
	if err := json.Unmarshal(js.Bytes(), &parsed); err != nil {
		t.Fatal(err)
	}
	known, unknown := parsed[0], parsed[1]
	if known["oldest_timestamp"] != "2026-11-25T02:00:00Z" || known["expires_at"] != "2026-11-28T02:00:00Z" ||
		known["expires_by"] != "retention.ms" || known["log_bytes"] != float64(4096) {
		t.Errorf("known topic: %v", known)
	}
	for _, k := range []string{"oldest_timestamp", "expires_at", "expires_by", "log_bytes"} {
		if v, ok := unknown[k]; !ok || v != nil {
			t.Errorf("unknown topic %s = %v (present %v), want null", k, v, ok)
		}
	}
}
