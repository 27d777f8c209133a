package kafka

import (
	"errors"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"
)

func TestTopicConfigsSourceAndDefault(t *testing.T) {
	c := newCluster(t, kfake.SeedTopics(1, "logins"))
	setTopicConfig(t, c, "logins", "retention.ms", "3600000")
	kc := connectTo(t, c)
	cfgs, err := kc.TopicConfigs(testCtx(t), "logins")
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]ConfigEntry{}
	for _, cf := range cfgs {
		by[cf.Name] = cf
	}
	if r := by["retention.ms"]; r.Value == nil || *r.Value != "3600000" || r.Source != "topic" || r.Default {
		t.Errorf("retention.ms = %+v, want 3600000 set on the topic", r)
	}
	if cp := by["cleanup.policy"]; cp.Value == nil || *cp.Value != "delete" || !cp.Default || cp.Source != "default" {
		t.Errorf("cleanup.policy = %+v, want the default delete", cp)
	}
	if len(cfgs) < 5 {
		t.Errorf("%d configs, want every config, not only overrides", len(cfgs))
	}
	_, err = kc.TopicConfigs(testCtx(t), "missing")
	var nf *TopicNotFoundError
	if !errors.As(err, &nf) {
		t.Errorf("missing topic: %v, want *TopicNotFoundError", err)
	}
}
