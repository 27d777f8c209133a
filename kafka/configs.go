package kafka

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/IBM/sarama"
)

// ConfigEntry is one configuration value of a broker or topic as the cluster reports it.
type ConfigEntry struct {
	Name string
	// Value is nil when the broker withholds it (a sensitive config such as a password).
	Value     *string
	Source    string // where the value comes from: default, static-broker, dynamic-broker, topic, ...
	Default   bool   // the value is the broker's built-in default
	Sensitive bool
	ReadOnly  bool
}

// BrokerConfigs describes every config of one broker, sorted by name. It needs
// DESCRIBE_CONFIGS on the cluster.
func (c *Client) BrokerConfigs(ctx context.Context, id int32) ([]ConfigEntry, error) {
	return c.describeConfigs(ctx, sarama.BrokerResource, strconv.Itoa(int(id)), fmt.Sprintf("broker %d", id))
}

// describeConfigs describes every config of one resource.
func (c *Client) describeConfigs(ctx context.Context, kind sarama.ConfigResourceType, name, what string) ([]ConfigEntry, error) {
	res := []*sarama.ConfigResource{{Type: kind, Name: name}}
	results, err := request(ctx, c.client, nil, func(*sarama.Broker) ([]*sarama.ConfigResourceResult, error) {
		return c.admin.DescribeConfigs(res, sarama.DescribeConfigsOptions{})
	})
	if err != nil {
		return nil, c.translate(err, "describe configs of", what)
	}
	var out []ConfigEntry
	for _, r := range results {
		if !errors.Is(r.ErrorCode, sarama.ErrNoError) {
			return nil, c.translate(r.ErrorCode, "describe configs of", what)
		}
		for _, e := range r.Configs {
			ce := ConfigEntry{Name: e.Name, Source: configSource(e.Source, e.Default),
				Default: e.Default || e.Source == sarama.SourceDefault, Sensitive: e.Sensitive, ReadOnly: e.ReadOnly}
			if !e.Sensitive {
				v := e.Value
				ce.Value = &v
			}
			out = append(out, ce)
		}
	}
	slices.SortFunc(out, func(a, b ConfigEntry) int { return cmp.Compare(a.Name, b.Name) })
	return out, nil
}

// configSource names where a value comes from, in the words kafka-configs.sh uses.
func configSource(s sarama.ConfigSource, isDefault bool) string {
	switch s {
	case sarama.SourceTopic:
		return "topic"
	case sarama.SourceDynamicBroker:
		return "dynamic-broker"
	case sarama.SourceDynamicDefaultBroker:
		return "dynamic-default-broker"
	case sarama.SourceStaticBroker:
		return "static-broker"
	case sarama.SourceDefault:
		return "default"
	}
	if isDefault {
		return "default"
	}
	return "unknown"
}
