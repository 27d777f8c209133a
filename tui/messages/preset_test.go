package messages

import (
	"slices"
	"testing"
	"time"

	"github.com/kpeek/kpeek/kafka"
)

// TestPresetOffsets: a commit span [from, to) becomes the prompt's offsets from to to-1 on
// its partition, and enter's request reads exactly those; an empty span changes nothing.
func TestPresetOffsets(t *testing.T) {
	topic := kafka.TopicInfo{Name: "erp.purchasing.orders", Partitions: []kafka.PartitionInfo{{ID: 0}, {ID: 1}, {ID: 2}}}
	m := New(nil, Source{Topic: topic}).PresetOffsets(2, 14, 226)
	req, sel, _, ok := m.prompt.request(time.UTC)
	if !ok {
		t.Fatalf("the preset prompt does not parse: %v", m.prompt.errs)
	}
	if req.From != (kafka.Start{Kind: kafka.StartOffset, Offset: 14}) || req.To != (kafka.Stop{Kind: kafka.StopOffset, Offset: 225}) ||
		!slices.Equal(req.Partitions, []int32{2}) || req.Follow {
		t.Errorf("request %+v, want partition 2 offsets 14 to 225", req)
	}
	if sel != "--from 14 --to 225 -p 2" {
		t.Errorf("selection %q", sel)
	}
	empty := New(nil, Source{Topic: topic}).PresetOffsets(1, 7, 7)
	if req, _, _, _ := empty.prompt.request(time.UTC); req.From.Kind == kafka.StartOffset || len(req.Partitions) != 0 {
		t.Errorf("an empty span changed the prompt: %+v", req)
	}
}
