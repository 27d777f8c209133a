package topics

import (
	"fmt"
	"strconv"

	"github.com/kpeek/kpeek/kafka"
)

// Retention renders retention.ms the way the command line does: 7d, 12h, 30m, "forever" for -1.
func Retention(ms int64) string { return kafka.FormatRetention(ms) }

// Cleanup shortens cleanup.policy to fit its column.
func Cleanup(p string) string {
	switch p {
	case "compact,delete", "delete,compact":
		return "cmp+del"
	case "":
		return "?"
	}
	return p
}

// Count renders a count with k/M/G suffixes past 10,000.
func Count(n int64) string {
	switch {
	case n < 10_000:
		return strconv.FormatInt(n, 10)
	case n < 1_000_000:
		return fmt.Sprintf("%.1fk", float64(n)/1e3)
	case n < 1_000_000_000:
		return fmt.Sprintf("%.1fM", float64(n)/1e6)
	}
	return fmt.Sprintf("%.1fG", float64(n)/1e9)
}

// Rate renders records per second: "-" while unknown, then 0, 3.5, 120, 4.2k.
func Rate(v float64, known bool) string {
	switch {
	case !known:
		return "-"
	case v == 0:
		return "0"
	case v < 10:
		return fmt.Sprintf("%.1f", v)
	case v < 10_000:
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.1fk", v/1e3)
}
