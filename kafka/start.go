package kafka

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ParseStart parses --from: beginning|end|OFFSET|-N (last N per partition)|RFC3339|relative
// (-1h, -30m, -2d, -1h30m: that long before now).
func ParseStart(s string, now time.Time) (Start, error) {
	v := strings.TrimSpace(s)
	switch strings.ToLower(v) {
	case "", "beginning", "earliest", "oldest", "start":
		return Start{Kind: StartBeginning}, nil
	case "end", "latest", "newest":
		return Start{Kind: StartEnd}, nil
	case "now":
		return Start{Kind: StartTime, Time: now}, nil
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 && n != math.MinInt64 {
			return Start{Kind: StartLast, N: -n}, nil
		}
		if strings.HasPrefix(v, "-") {
			// -0 is no record per partition, not offset 0; reading everything instead
			// would be the opposite of what was typed.
			return Start{}, fmt.Errorf("%q: the last N records per partition needs N of 1 or more "+
				"(use beginning to read everything)", s)
		}
		if n >= 0 {
			return Start{Kind: StartOffset, Offset: n}, nil
		}
	}
	if t, ok, err := parseWhen(v, now); ok {
		if err != nil {
			return Start{}, err
		}
		return Start{Kind: StartTime, Time: t}, nil
	}
	return Start{}, fmt.Errorf("%q is not a start: want beginning, end, an offset (42), "+
		"the last N per partition (-10), an RFC3339 time (2026-11-26T02:00:00Z) or a relative time (-1h, -30m, -2d)", s)
}

// ParseStop parses --to: end|now|OFFSET (inclusive)|RFC3339|relative (-1h: that long before now).
func ParseStop(s string, now time.Time) (Stop, error) {
	v := strings.TrimSpace(s)
	switch strings.ToLower(v) {
	case "", "end", "latest":
		return Stop{Kind: StopEnd}, nil
	case "now":
		return Stop{Kind: StopTime, Time: now}, nil
	case "never", "follow":
		return Stop{Kind: StopNever}, nil
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 || strings.HasPrefix(v, "-") {
			return Stop{}, fmt.Errorf("%q: a stop offset cannot be negative (-N means the last N records only in --from)", s)
		}
		return Stop{Kind: StopOffset, Offset: n}, nil
	}
	if t, ok, err := parseWhen(v, now); ok {
		if err != nil {
			return Stop{}, err
		}
		return Stop{Kind: StopTime, Time: t}, nil
	}
	return Stop{}, fmt.Errorf("%q is not a stop: want end, now, an offset (42), "+
		"an RFC3339 time (2026-11-26T03:00:00Z) or a relative time (-1h, -30m, -2d)", s)
}

// epoch is the earliest time Kafka can look up: timestamps are milliseconds since 1970, and
// the negative ones are ListOffsets' special values (-1 latest, -2 earliest).
var epoch = time.UnixMilli(0)

// parseWhen reads an absolute time or a relative one before now; ok is false when s looks
// like neither, so the caller can give its own hint.
func parseWhen(s string, now time.Time) (t time.Time, ok bool, err error) {
	if rel, found := strings.CutPrefix(s, "-"); found {
		d, err := parseRelative(rel)
		if err != nil {
			return time.Time{}, true, fmt.Errorf("%q: %w", s, err)
		}
		if t = now.Add(-d); now.Sub(epoch) < d {
			return time.Time{}, true, fmt.Errorf("%q is before 1970-01-01, the earliest time Kafka records", s)
		}
		return t, true, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			if layout != time.RFC3339Nano {
				// Without a zone the analyst means their own clock, like `date` shows it.
				t, _ = time.ParseInLocation(layout, s, now.Location())
			}
			if t.Before(epoch) {
				return time.Time{}, true, fmt.Errorf("%q is before 1970-01-01, the earliest time Kafka records", s)
			}
			return t, true, nil
		}
	}
	if len(s) >= 4 && s[0] >= '0' && s[0] <= '9' && strings.ContainsAny(s, "-T:") {
		return time.Time{}, true, fmt.Errorf("%q is not an RFC3339 time like 2026-11-26T02:00:00Z", s)
	}
	return time.Time{}, false, nil
}

// parseRelative parses a Go duration plus a day unit (2d, 1d12h), positive only.
func parseRelative(s string) (time.Duration, error) {
	var days int64
	if i := strings.IndexByte(s, 'd'); i >= 0 {
		n, err := strconv.ParseInt(s[:i], 10, 64)
		if err != nil || n < 0 {
			return 0, errors.New("want a relative time like -1h, -30m, -2d or -1d12h")
		}
		if n > int64(math.MaxInt64/int64(24*time.Hour)) {
			return 0, errors.New("is before 1970-01-01, the earliest time Kafka records")
		}
		days, s = n, s[i+1:]
	}
	var d time.Duration
	if s != "" {
		var err error
		if d, err = time.ParseDuration(s); err != nil || d < 0 {
			return 0, errors.New("want a relative time like -1h, -30m, -2d or -1d12h")
		}
	}
	total := time.Duration(days)*24*time.Hour + d
	if total < 0 {
		return 0, errors.New("is before 1970-01-01, the earliest time Kafka records")
	}
	if total == 0 {
		return 0, errors.New("a relative time must be longer than zero")
	}
	return total, nil
}

// partitionSpan is one inclusive range of a -p list; a single partition is lo == hi.
type partitionSpan struct{ lo, hi int32 }

// CheckPartitions checks -p syntax ("0,2,5", "1-3") without knowing the topic, in time
// proportional to len(s): the command line does this before it connects.
func CheckPartitions(s string) error {
	_, err := parsePartitionSpans(s)
	return err
}

// ParsePartitions parses -p ("0,2,5" or ranges like "1-3") for a topic with count
// partitions; empty means all (nil). The result is sorted and without repeats, built in time
// bounded by len(s) log len(s) plus count, so a range like 0-99999999 cannot stall the caller.
// A partition at or past count is a *PartitionNotFoundError naming count.
func ParsePartitions(s, topic string, count int) ([]int32, error) {
	spans, err := parsePartitionSpans(s)
	if err != nil || spans == nil {
		return nil, err
	}
	for _, sp := range spans {
		if int(sp.hi) >= count {
			return nil, &PartitionNotFoundError{Topic: topic, Partition: sp.hi, Partitions: count}
		}
	}
	// Merged spans expand to each partition once, however often the list repeats them.
	slices.SortFunc(spans, func(a, b partitionSpan) int { return cmp.Compare(a.lo, b.lo) })
	var out []int32
	next := int32(0) // the lowest partition not yet in out
	for _, sp := range spans {
		for p := max(sp.lo, next); p <= sp.hi; p++ {
			out = append(out, p)
		}
		next = max(next, sp.hi+1)
	}
	return out, nil
}

func parsePartitionSpans(s string) ([]partitionSpan, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var out []partitionSpan
	for f := range strings.SplitSeq(s, ",") {
		f = strings.TrimSpace(f)
		lo, hi, isRange := strings.Cut(f, "-")
		a, err := strconv.ParseInt(strings.TrimSpace(lo), 10, 32)
		b := a
		if err == nil && isRange {
			b, err = strconv.ParseInt(strings.TrimSpace(hi), 10, 32)
		}
		if err != nil || a < 0 || b < a {
			return nil, fmt.Errorf("%q is not a partition or range like 0-3", f)
		}
		out = append(out, partitionSpan{int32(a), int32(b)})
	}
	return out, nil
}

// windowTime shows a window's ends to the millisecond, the precision of Kafka's timestamps.
const windowTime = "2006-01-02T15:04:05.999Z07:00"

// Validate checks that the request can select what it says, before anything is read: a
// window that ends before it starts is a mistake, not an empty result.
func (r ReadRequest) Validate() error {
	if r.PartitionSpec != "" {
		if err := CheckPartitions(r.PartitionSpec); err != nil {
			return &RequestError{Field: "partitions", Err: fmt.Errorf("partitions: %w", err)}
		}
	}
	if r.Follow || r.To.Kind == StopNever {
		return nil
	}
	switch {
	case r.From.Kind == StartTime && r.To.Kind == StopTime && r.To.Time.Before(r.From.Time):
		return &RequestError{Field: "window", Err: fmt.Errorf("the time window ends at %s, before it starts at %s",
			r.To.Time.UTC().Format(windowTime), r.From.Time.UTC().Format(windowTime))}
	case r.From.Kind == StartOffset && r.To.Kind == StopOffset && r.To.Offset < r.From.Offset:
		return &RequestError{Field: "window", Err: fmt.Errorf("the window ends at offset %d, before it starts at offset %d",
			r.To.Offset, r.From.Offset)}
	}
	return nil
}
