package kafka

import (
	"context"
	"errors"
	"time"

	"github.com/IBM/sarama"
)

// Transient-error retries: a fresh client may not have connected to a leader yet, and a
// leader may move between the metadata answer and the request. A few short tries ride
// that out; anything longer is a real problem worth reporting.
const (
	transientTries   = 4
	transientBackoff = 200 * time.Millisecond
)

// transient tells the errors that usually clear within a second: a broker connection not
// up yet, or a partition whose leader moved or is being elected.
func transient(err error) bool {
	for _, t := range []error{
		sarama.ErrNotConnected, sarama.ErrNotLeaderForPartition, sarama.ErrLeaderNotAvailable,
		sarama.ErrFencedLeaderEpoch, sarama.ErrUnknownLeaderEpoch,
	} {
		if errors.Is(err, t) {
			return true
		}
	}
	return false
}

// pause waits before retry number try (1, 2, ...), longer each time; it returns ctx's error
// if ctx ends first.
func pause(ctx context.Context, try int) error {
	return sleep(ctx, time.Duration(try)*transientBackoff)
}
