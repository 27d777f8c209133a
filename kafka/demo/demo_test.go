package demo

import (
	"testing"
)

func TestStartTopics(t *testing.T) {
	_, cl := startDemo(t)
	ctx := t.Context()
	counts := partitionCounts(t, ctx, cl)
	for _, spec := range scenarioTopics() {
		if got := counts[spec.name]; got != spec.partitions {
			t.Errorf("%s: %d partitions, want %d", spec.name, got, spec.partitions)
			continue
		}
		for p, end := range listEnds(t, ctx, cl, spec.name, spec.partitions) {
			if end == 0 {
				t.Errorf("%s/%d is empty", spec.name, p)
			}
		}
	}
	if len(counts) != len(scenarioTopics()) {
		t.Errorf("topics %v, want exactly the %d scenario topics", counts, len(scenarioTopics()))
	}
}

func BenchmarkStart(b *testing.B) {
	for b.Loop() {
		c, err := Start(b.Context())
		if err != nil {
			b.Fatal(err)
		}
		c.Close()
	}
}
