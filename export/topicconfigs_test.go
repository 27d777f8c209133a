package export

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/kpeek/kpeek/kafka"
)

func TestWriteTopicConfigs(t *testing.T) {
	str := func(s string) *string { return &s }
	cfgs := []kafka.ConfigEntry{
		{Name: "retention.ms", Value: str("3600000"), Source: "topic"},
		{Name: "sasl.jaas.config", Source: "static-broker", Default: true, Sensitive: true},
		{Name: "evil", Value: str("\x1b]52;c;cHduZWQ=\x07"), Source: "topic"},
	}
	var table bytes.Buffer
	if err := WriteTopicConfigs(&table, "t", cfgs, "table"); err != nil {
		t.Fatal(err)
	}
	out := table.String()
	for _, want := range []string{"retention.ms", "3600000", "topic", "(sensitive, withheld)", `\x1b]52`} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if strings.ContainsRune(out, 0x1b) {
		t.Error("a raw ESC from a config value reached the table")
	}
	var js bytes.Buffer
	if err := WriteTopicConfigs(&js, "t", cfgs, "json"); err != nil {
		t.Fatal(err)
	}
	var parsed struct {
		Topic   string           `json:"topic"`
		Configs []map[string]any `json:"configs"`
	}
	if err := json.Unmarshal(js.Bytes(), &parsed); err != nil {
		t.Fatal(err)
	}
	if parsed.Topic != "t" || len(parsed.Configs) != 3 || parsed.Configs[0]["default"] != false ||
		parsed.Configs[1]["value"] != nil || parsed.Configs[1]["source"] != "static-broker" {
		t.Errorf("json = %s", js.String())
	}
}
