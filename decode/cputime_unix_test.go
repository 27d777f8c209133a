//go:build unix

package decode

import (
	"syscall"
	"testing"
	"time"
)

// reportCPU adds cpu-ns/op: the process's CPU time per operation, which stays honest on
// a shared machine where wall-clock ns/op includes time spent waiting for a core.
func reportCPU(b *testing.B, run func()) {
	b.Helper()
	before := cpuTime()
	run()
	b.ReportMetric(float64(cpuTime()-before)/float64(b.N), "cpu-ns/op")
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
