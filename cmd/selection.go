package cmd

import (
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/kpeek/kpeek/config"
	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/decode/filter"
	"github.com/kpeek/kpeek/kafka"
	"github.com/spf13/cobra"
)

// selection is the record selection shared by consume and export.
type selection struct {
	topic       string
	from, to    string
	partitions  string
	max         int64
	follow      bool
	order       string
	filter      string
	keyFormat   string
	valueFormat string
}

func (s *selection) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVarP(&s.topic, "topic", "t", "", "topic to read (required)")
	f.StringVar(&s.from, "from", "", "start: beginning|end|OFFSET|-N (last N per partition)|RFC3339|-1h (default beginning)")
	f.StringVar(&s.to, "to", "", "stop: end|now|OFFSET|RFC3339|-1h (default end as of now)")
	f.StringVarP(&s.partitions, "partitions", "p", "", "partitions, e.g. 0,2 (default all)")
	f.Int64VarP(&s.max, "max", "n", 0, "stop after reading this many records (the filter applies to those)")
	f.BoolVarP(&s.follow, "follow", "f", false, "keep reading new records until interrupted")
	f.StringVar(&s.order, "order", "", "time (merge partitions by timestamp) or partition (default time, partition with --follow)")
	f.StringVar(&s.filter, "filter", "", "text, /regex/ or CEL expression, e.g. 'value.amount > 10000'")
	formats := formatNames()
	f.StringVar(&s.keyFormat, "key-format", "", "how to decode keys: "+formats+" (default auto)")
	f.StringVar(&s.valueFormat, "value-format", "", "how to decode values: "+formats+" (default auto)")
}

// request turns the selection into a read request, a decoder and a filter.
// parse checks the whole selection before anything connects, so a typo is a usage error
// (exit 2) even when the cluster is unreachable.
func (s *selection) parse() (kafka.ReadRequest, *filter.Filter, error) {
	var req kafka.ReadRequest
	if s.topic == "" {
		return req, nil, usageError{errors.New("missing -t TOPIC")}
	}
	if s.max < 0 {
		return req, nil, usageError{errors.New("-n must be positive")}
	}
	for _, f := range []string{s.keyFormat, s.valueFormat} {
		if _, err := decode.ParseFormat(f); err != nil {
			return req, nil, usageError{err}
		}
	}
	now := time.Now()
	req = kafka.ReadRequest{Topic: s.topic, Max: s.max, Follow: s.follow}
	if s.from != "" {
		start, err := kafka.ParseStart(s.from, now)
		if err != nil {
			return req, nil, usageError{fmt.Errorf("--from: %w", err)}
		}
		req.From = start
	}
	if s.to != "" {
		if s.follow {
			return req, nil, usageError{errors.New("--to and --follow cannot be used together")}
		}
		stop, err := kafka.ParseStop(s.to, now)
		if err != nil {
			return req, nil, usageError{fmt.Errorf("--to: %w", err)}
		}
		req.To = stop
	}
	var err error
	if req.Order, err = kafka.ParseOrder(s.order); err != nil {
		return req, nil, usageError{fmt.Errorf("--order: %w", err)}
	}
	if err := kafka.CheckPartitions(s.partitions); err != nil {
		return req, nil, usageError{fmt.Errorf("-p: %w", err)}
	}
	req.PartitionSpec = s.partitions
	if err := req.Validate(); err != nil {
		return req, nil, usageError{fmt.Errorf("--from/--to: %w", err)}
	}
	flt, err := filter.Compile(s.filter)
	if err != nil {
		return req, nil, usageError{fmt.Errorf("--filter: %w", err)}
	}
	return req, flt, nil
}

// decoder builds the decoder for the cluster's registry and topics and the format flags.
func (s *selection) decoder(cfg config.Cluster, logger *slog.Logger) (*decode.Decoder, error) {
	dec, err := decode.FromConfig(decode.Config{Registry: cfg.SchemaRegistry, Topics: cfg.Topics,
		KeyFormat: s.keyFormat, ValueFormat: s.valueFormat, Logger: logger})
	if err != nil {
		return nil, usageError{err}
	}
	return dec, nil
}

// describe renders the selection as the user gave it, for manifests.
func (s *selection) describe() string {
	var parts []string
	add := func(flag, v string) {
		if v != "" {
			parts = append(parts, flag+" "+v)
		}
	}
	add("--from", s.from)
	add("--to", s.to)
	add("-p", s.partitions)
	add("--order", s.order)
	if s.max > 0 {
		add("-n", strconv.FormatInt(s.max, 10))
	}
	return strings.Join(parts, " ")
}
