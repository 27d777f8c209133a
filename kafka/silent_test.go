package kafka

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/kpeek/kpeek/config"
	"github.com/kpeek/kpeek/kafka/kafkatest"
	"github.com/twmb/franz-go/pkg/kfake"
)

// TestSilentBrokerIsNamed: a broker that takes the connection and says nothing is named,
// with the timeout that ran out, among brokers that fail in other ways.
func TestSilentBrokerIsNamed(t *testing.T) {
	silent := kafkatest.SilentBroker(t)
	for _, brokers := range [][]string{{silent}, {"127.0.0.1:1", silent}} {
		_, err := New(testCtx(t), config.Connection{Brokers: brokers, SocketTimeoutMs: 300}, WithLogger(testLogger(t)))
		var na *NoAnswerError
		if !errors.As(err, &na) || !slices.Equal(na.Addrs, []string{silent}) {
			t.Fatalf("brokers %v: err = %v, want a NoAnswerError naming %s", brokers, err, silent)
		}
		if !strings.Contains(err.Error(), silent+" accepted the connection but did not answer within 300ms") ||
			!strings.Contains(err.Error(), "socket.timeout.ms") {
			t.Errorf("message %q does not name the broker, the timeout and its setting", err)
		}
	}
}

// TestSilentBootstrapBrokerBesideAGoodOne: one silent bootstrap broker must not sink the
// connection when another answers (sarama picks seeds in random order, so both orders and a
// few tries); when kpeek had to route around it, a note names it.
func TestSilentBootstrapBrokerBesideAGoodOne(t *testing.T) {
	c := newCluster(t, kfake.SeedTopics(1, "t"))
	silent := kafkatest.SilentBroker(t)
	for i := range 4 {
		brokers := []string{silent, c.ListenAddrs()[0]}
		if i%2 == 1 {
			brokers[0], brokers[1] = brokers[1], brokers[0]
		}
		kc, err := New(testCtx(t), config.Connection{Brokers: brokers, SocketTimeoutMs: 300}, WithLogger(testLogger(t)))
		if err != nil {
			t.Fatalf("brokers %v: %v", brokers, err)
		}
		for _, n := range kc.Notes() {
			if !strings.Contains(n, silent+" accepted the connection but did not answer") ||
				!strings.Contains(n, "connected through "+c.ListenAddrs()[0]) {
				t.Errorf("note %q", n)
			}
		}
		if _, err := kc.Topics(testCtx(t)); err != nil {
			t.Errorf("topics through the good broker: %v", err)
		}
		kc.Close()
	}
}
