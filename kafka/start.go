package kafka

import (
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
		if n < 0 {
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

// parseWhen reads an absolute time or a relative one before now; ok is false when s looks
// like neither, so the caller can give its own hint.
func parseWhen(s string, now time.Time) (t time.Time, ok bool, err error) {
	if rel, found := strings.CutPrefix(s, "-"); found {
		d, err := parseRelative(rel)
		if err != nil {
			return time.Time{}, true, fmt.Errorf("%q: %w", s, err)
		}
		return now.Add(-d), true, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			if layout != time.RFC3339Nano {
				// Without a zone the analyst means their own clock, like `date` shows it.
				t, _ = time.ParseInLocation(layout, s, now.Location())
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
	if total <= 0 {
		return 0, errors.New("a relative time must be longer than zero")
	}
	return total, nil
}

// ParsePartitions parses -p: "0,2,5" or ranges like "1-3"; empty means all (nil).
// The result is sorted and without repeats.
func ParsePartitions(s string) ([]int32, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var out []int32
	for f := range strings.SplitSeq(s, ",") {
		f = strings.TrimSpace(f)
		lo, hi, isRange := strings.Cut(f, "-")
		a, err := strconv.ParseInt(lo, 10, 32)
		b := a
		if err == nil && isRange {
			b, err = strconv.ParseInt(hi, 10, 32)
		}
		if err != nil || a < 0 || b < a {
			return nil, fmt.Errorf("%q is not a partition or range like 0-3", f)
		}
		for p := a; p <= b; p++ {
			if !slices.Contains(out, int32(p)) {
				out = append(out, int32(p))
			}
		}
	}
	slices.Sort(out)
	return out, nil
}
