package kafka

import (
	"context"
	"errors"
	"fmt"

	"github.com/IBM/sarama"
)

// TopicConfigs describes every config of topic (DESCRIBE_CONFIGS on the topic), sorted by
// name, with where each value comes from: Source "topic" is an override set on the topic.
// A missing topic is a *TopicNotFoundError.
func (c *Client) TopicConfigs(ctx context.Context, topic string) ([]ConfigEntry, error) {
	cfgs, err := c.describeConfigs(ctx, sarama.TopicResource, topic, fmt.Sprintf("topic %q", topic))
	if errors.Is(err, sarama.ErrUnknownTopicOrPartition) {
		return nil, &TopicNotFoundError{Topic: topic}
	}
	return cfgs, err
}
