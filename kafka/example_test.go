package kafka_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/kpeek/kpeek/config"
	"github.com/kpeek/kpeek/kafka"
)

// Read the last ten records of every partition of a topic, as `kpeek consume --from -10` does.
func ExampleClient_Read() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cl, err := kafka.New(ctx, config.Connection{Brokers: []string{"127.0.0.1:9092"}},
		kafka.WithLogger(slog.New(slog.NewTextHandler(os.Stderr, nil))))
	if err != nil {
		fmt.Println(err) // e.g. "cannot reach broker 127.0.0.1:9092: connection refused"
		return
	}
	defer cl.Close()
	for _, w := range cl.Warnings() {
		fmt.Fprintln(os.Stderr, "warning:", w)
	}
	from, _ := kafka.ParseStart("-10", time.Now())
	s, err := cl.Read(ctx, kafka.ReadRequest{Topic: "auth.logins", From: from})
	if err != nil {
		fmt.Println(err) // e.g. `topic "auth.logins" does not exist`
		return
	}
	defer s.Close()
	for b := range s.Batches() {
		if b.Err != nil {
			fmt.Println(b.Err)
			return
		}
		for _, r := range b.Records {
			fmt.Printf("%d/%d %s\n", r.Partition, r.Offset, r.Value)
		}
	}
}
