package kafka

import (
	"context"
	"errors"

	"github.com/IBM/sarama"
)

// RecordSizes is each partition's average record size in bytes, estimated from its log
// size on disk and the records between its watermarks (batch overhead and compression
// included, which is what crossed the network).
type RecordSizes map[TopicPartition]float64

// Of returns the partition's average record size, or 0 when unknown.
func (s RecordSizes) Of(topic string, partition int32) float64 {
	return s[TopicPartition{Topic: topic, Partition: partition}]
}

// AverageRecordSizes estimates the average record size of every partition of topics from
// the brokers' log directories (DESCRIBE on the cluster). Partitions without records or
// without a log size are left out.
func (c *Client) AverageRecordSizes(ctx context.Context, topics Topics) (RecordSizes, error) {
	info, err := c.ClusterInfo(ctx)
	if err != nil {
		return nil, err
	}
	ids := make([]int32, 0, len(info.Brokers))
	for _, b := range info.Brokers {
		ids = append(ids, b.ID)
	}
	dirs, err := request(ctx, c.client, nil, func(*sarama.Broker) (map[int32][]sarama.DescribeLogDirsResponseDirMetadata, error) {
		return c.admin.DescribeLogDirs(ids)
	})
	if err != nil && len(dirs) == 0 {
		return nil, c.explain(ctx, err, "describe log dirs of", "the cluster")
	}
	// Each replica reports its size; the leader's (or the largest) stands for the partition.
	bytes := map[TopicPartition]int64{}
	for _, ds := range dirs {
		for _, d := range ds {
			if !errors.Is(d.ErrorCode, sarama.ErrNoError) {
				continue
			}
			for _, t := range d.Topics {
				for _, p := range t.Partitions {
					tp := TopicPartition{Topic: t.Topic, Partition: p.PartitionID}
					bytes[tp] = max(bytes[tp], p.Size)
				}
			}
		}
	}
	out := RecordSizes{}
	for _, t := range topics {
		for _, p := range t.Partitions {
			n := p.Latest - p.Earliest
			size := bytes[TopicPartition{Topic: t.Name, Partition: p.ID}]
			if n > 0 && size > 0 {
				out[TopicPartition{Topic: t.Name, Partition: p.ID}] = float64(size) / float64(n)
			}
		}
	}
	return out, nil
}
