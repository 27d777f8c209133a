package cmd

import (
	"context"

	"github.com/kpeek/kpeek/export"
	"github.com/kpeek/kpeek/kafka"
)

// listTopics lists every topic, or only the named one.
func listTopics(ctx context.Context, cl *kafka.Client, name string) (kafka.Topics, error) {
	if name == "" {
		return cl.Topics(ctx)
	}
	t, err := cl.Topic(ctx, name)
	if err != nil {
		return nil, err
	}
	return kafka.Topics{t}, nil
}

// writeTopicConfigs prints every config of one topic (topics -t TOPIC --configs).
func writeTopicConfigs(ctx context.Context, g *globals, cl *kafka.Client, topic, output string) error {
	configs, err := cl.TopicConfigs(ctx, topic)
	if err != nil {
		return err
	}
	return export.WriteTopicConfigs(g.stdout, topic, configs, output)
}
