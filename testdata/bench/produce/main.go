// Command produce writes the data sets of testdata/bench/run.sh into a real broker, once:
// a JSON topic of login events (~190 bytes a record) and an Avro topic behind a schema
// registry it serves itself (Confluent wire format), so kpeek and kcat read the same bytes.
//
//	go run ./testdata/bench/produce -brokers 127.0.0.1:29092 -json bench.json -n 1000000
//	go run ./testdata/bench/produce -brokers 127.0.0.1:29092 -avro bench.avro -n 100000 -registry 127.0.0.1:28081
//
// With -registry it keeps serving the schema until interrupted.
package main

import (
	"context"
	"encoding/binary"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/IBM/sarama"
	"github.com/hamba/avro/v2"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kpeek/kpeek/decode/registryserver"
)

const avroSchema = `{"type":"record","name":"Payment","namespace":"bench","fields":[
 {"name":"id","type":"long"},{"name":"user","type":"string"},{"name":"iban","type":"string"},
 {"name":"amount","type":{"type":"bytes","logicalType":"decimal","precision":12,"scale":2}},
 {"name":"at","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"note","type":["null","string"]}]}`

type payment struct {
	ID     int64     `avro:"id"`
	User   string    `avro:"user"`
	IBAN   string    `avro:"iban"`
	Amount []byte    `avro:"amount"`
	At     time.Time `avro:"at"`
	Note   *string   `avro:"note"`
}

func main() {
	brokers := flag.String("brokers", "127.0.0.1:29092", "bootstrap brokers")
	jsonTopic := flag.String("json", "", "write the JSON data set to this topic")
	avroTopic := flag.String("avro", "", "write the Avro data set to this topic")
	n := flag.Int("n", 1_000_000, "records")
	partitions := flag.Int("partitions", 3, "partitions of a new topic")
	registry := flag.String("registry", "", "serve the Avro schema on this address until interrupted")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *brokers, *jsonTopic, *avroTopic, *n, int32(*partitions), *registry); err != nil {
		fmt.Fprintln(os.Stderr, "produce:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, brokers, jsonTopic, avroTopic string, n int, partitions int32, registryAddr string) error {
	cl, err := kgo.NewClient(kgo.SeedBrokers(strings.Split(brokers, ",")...), kgo.ProducerLinger(5*time.Millisecond),
		kgo.ProducerBatchMaxBytes(1<<20), kgo.RecordPartitioner(kgo.RoundRobinPartitioner()))
	if err != nil {
		return err
	}
	defer cl.Close()
	sc := sarama.NewConfig()
	sc.Version = sarama.V3_9_0_0
	adm, err := sarama.NewClusterAdmin(strings.Split(brokers, ","), sc)
	if err != nil {
		return err
	}
	defer adm.Close()
	rng := rand.New(rand.NewPCG(7, 42))
	start := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	if jsonTopic != "" {
		if err := create(ctx, adm, jsonTopic, partitions); err != nil {
			return err
		}
		err := produce(ctx, cl, jsonTopic, n, func(i int) ([]byte, time.Time) {
			at := start.Add(time.Duration(i) * 80 * time.Millisecond)
			result := "success"
			if rng.IntN(10) == 0 {
				result = "failure"
			}
			v := fmt.Sprintf(`{"ts":%q,"user":"u-%05d","ip":"198.51.100.%d","result":%q,"session":"%016x","agent":"Mozilla/5.0 (X11; Linux x86_64) kpeek-bench","seq":%d}`,
				at.Format(time.RFC3339Nano), rng.IntN(50000), rng.IntN(255), result, rng.Uint64(), i)
			return []byte(v), at
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "produce: %d JSON records in %s\n", n, jsonTopic)
	}
	if avroTopic == "" {
		return nil
	}
	srv := registryserver.New()
	id, _, err := srv.Register(avroTopic+"-value", "AVRO", avroSchema, nil)
	if err != nil {
		return err
	}
	schema := avro.MustParse(avroSchema)
	if err := create(ctx, adm, avroTopic, partitions); err != nil {
		return err
	}
	err = produce(ctx, cl, avroTopic, n, func(i int) ([]byte, time.Time) {
		at := start.Add(time.Duration(i) * 800 * time.Millisecond)
		p := payment{ID: int64(i), User: fmt.Sprintf("u-%05d", rng.IntN(50000)), IBAN: "DE89370400440532013000",
			Amount: big(int64(rng.IntN(10_000_000))), At: at}
		if i%3 == 0 {
			note := "rush"
			p.Note = &note
		}
		body, err := avro.Marshal(schema, p)
		if err != nil {
			panic(err)
		}
		frame := make([]byte, 5, 5+len(body))
		binary.BigEndian.PutUint32(frame[1:], uint32(id))
		return append(frame, body...), at
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "produce: %d Avro records in %s\n", n, avroTopic)
	if registryAddr == "" {
		return nil
	}
	url, err := srv.Start(registryAddr)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "produce: schema registry on %s (interrupt to stop)\n", url)
	<-ctx.Done()
	return srv.Close()
}

// big encodes an unscaled decimal as Avro's big-endian two's complement bytes.
func big(v int64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, uint64(v))
	for len(b) > 1 && b[0] == 0 && b[1] < 0x80 {
		b = b[1:]
	}
	return b
}

func create(_ context.Context, adm sarama.ClusterAdmin, topic string, partitions int32) error {
	err := adm.CreateTopic(topic, &sarama.TopicDetail{NumPartitions: partitions, ReplicationFactor: 1}, false)
	if err != nil {
		return fmt.Errorf("create %s: %w (delete it, or point the benchmark at a fresh broker)", topic, err)
	}
	return nil
}

func produce(ctx context.Context, cl *kgo.Client, topic string, n int, next func(int) ([]byte, time.Time)) error {
	errs := make(chan error, 1)
	for i := range n {
		v, at := next(i)
		cl.Produce(ctx, &kgo.Record{Topic: topic, Value: v, Timestamp: at}, func(_ *kgo.Record, err error) {
			if err != nil {
				select {
				case errs <- err:
				default:
				}
			}
		})
	}
	if err := cl.Flush(ctx); err != nil {
		return err
	}
	select {
	case err := <-errs:
		return err
	default:
		return nil
	}
}
