package kafka

import (
	"errors"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"go.uber.org/goleak"
)

// dropFetches makes the cluster close the client's connection instead of answering fetches
// from+1 to from+k (counted from 1), as a broker restarting does; dropped counts them.
func dropFetches(c *kfake.Cluster, from, k int64) (dropped *atomic.Int64) {
	var seen atomic.Int64
	dropped = new(atomic.Int64)
	c.ControlKey(kmsg.Fetch.Int16(), func(kmsg.Request) (kmsg.Response, error, bool) {
		n := seen.Add(1)
		if n <= from {
			return nil, nil, false // answered normally; the control function stays
		}
		dropped.Add(1)
		if n < from+k {
			c.KeepControl()
		} else {
			c.DropControl() // kfake keeps a function once kept
		}
		return nil, errors.New("broker restarting"), true // closes the connection
	})
	return dropped
}

// readEachOnce checks that recs hold offsets 0..n-1 of each listed partition exactly once,
// each partition in offset order.
func readEachOnce(t *testing.T, recs []Record, parts []int32, n int64) {
	t.Helper()
	next := map[int32]int64{}
	for _, r := range recs {
		if r.Offset != next[r.Partition] {
			t.Fatalf("partition %d: offset %d where %d was due (lost, repeated or out of order)", r.Partition, r.Offset, next[r.Partition])
		}
		if want := fmt.Sprintf("p%d-%d", r.Partition, r.Offset); string(r.Value) != want {
			t.Fatalf("partition %d offset %d holds %q, want %q", r.Partition, r.Offset, r.Value, want)
		}
		next[r.Partition]++
	}
	for _, p := range parts {
		if next[p] != n {
			t.Errorf("partition %d: read %d records, want %d", p, next[p], n)
		}
	}
}

// TestReadRidesOutDroppedConnections: the broker drops the connection of a fetch in the
// middle of a read (once, and then for several fetches in a row, as a broker restarting
// refuses for a while); the read reconnects and delivers every record exactly once, in
// order, and leaves nothing running.
func TestReadRidesOutDroppedConnections(t *testing.T) {
	const n = 400
	parts := []int32{0, 1}
	for _, tt := range []struct {
		name string
		k    int64 // fetches in a row whose connection is dropped
	}{{"once", 1}, {"for a while", 4}} {
		t.Run(tt.name, func(t *testing.T) {
			c := newCluster(t, kfake.SeedTopics(2, "cut"))
			// Small batches and small fetches: the read takes many fetches.
			pc := producer(t, c, kgo.ProducerBatchMaxBytes(1<<10))
			produce(t, pc, "cut", parts, n, base)
			pc.Close()
			ignore := goleak.IgnoreCurrent()
			kc := connectTo(t, c)
			dropped := dropFetches(c, 3, tt.k)
			s, err := kc.Read(testCtx(t), ReadRequest{Topic: "cut", Order: OrderPartition, MaxBytes: 4 << 10})
			if err != nil {
				t.Fatal(err)
			}
			got := readAll(t, s)
			s.Close()
			if dropped.Load() != tt.k {
				t.Fatalf("%d fetches dropped, want %d: the test proves nothing", dropped.Load(), tt.k)
			}
			readEachOnce(t, got, parts, n)
			kc.Close()
			goleak.VerifyNone(t, append(brokerLeakOptions(), ignore)...)
		})
	}
}
