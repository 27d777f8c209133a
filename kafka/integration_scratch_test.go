//go:build integration

package kafka_test

import (
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/twmb/franz-go/pkg/kversion"
)

func TestScratch(t *testing.T) {
	e := env(t)
	for _, v := range []*kversion.Versions{nil, kversion.V3_9_0()} {
		var opts []kgo.Opt
		if v != nil {
			opts = append(opts, kgo.MaxVersions(v))
		}
		admin := adminClient(t, e, opts...)
		topic := topicName(itAllowedPrefix, "scratch")
		if v == nil {
			createTopic(t, admin, topic, 1, nil)
		}
		req := kmsg.NewPtrOffsetCommitRequest()
		req.Group = "scratch-" + itRun + v.String()
		req.Generation = -1
		rt := kmsg.NewOffsetCommitRequestTopic()
		rt.Topic = topic
		rp := kmsg.NewOffsetCommitRequestTopicPartition()
		rp.Offset = 0
		rt.Partitions = append(rt.Partitions, rp)
		req.Topics = append(req.Topics, rt)
		resp, err := req.RequestWith(ctxFor(t), admin)
		t.Logf("v=%v version=%d err=%v resp=%+v", v, req.GetVersion(), err, resp)
	}
}
