//go:build unix

package filter

import (
	"syscall"
	"time"
)

// processCPU is the CPU time this process has used, so benchmarks can report
// throughput per core even on a machine busy with other work.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
