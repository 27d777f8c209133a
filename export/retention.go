package export

import (
	"time"

	"github.com/kpeek/kpeek/kafka"
)

// retentionRaceJSON is how long a topic's oldest record has left, in the topics listing;
// unknown values are null.
type retentionRaceJSON struct {
	RetentionBytes  *int64     `json:"retention_bytes"`
	LogBytes        *int64     `json:"log_bytes"`
	OldestTimestamp *time.Time `json:"oldest_timestamp"`
	ExpiresAt       *time.Time `json:"expires_at"`
	ExpiresBy       *string    `json:"expires_by"`
}

func retentionRace(t *kafka.TopicInfo) retentionRaceJSON {
	var r retentionRaceJSON
	if t.ConfigErr == nil {
		r.RetentionBytes = &t.RetentionBytes
	}
	if t.LogBytes >= 0 {
		r.LogBytes = &t.LogBytes
	}
	if !t.OldestTimestamp.IsZero() {
		ts := t.OldestTimestamp.UTC()
		r.OldestTimestamp = &ts
	}
	if !t.ExpiresAt.IsZero() {
		ts := t.ExpiresAt.UTC()
		r.ExpiresAt, r.ExpiresBy = &ts, &t.ExpiresBy
	}
	return r
}

// listingTime renders a time in a listing table: UTC to the second, "-" when unknown.
func listingTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04:05Z")
}
