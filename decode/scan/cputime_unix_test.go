//go:build unix

package scan

import (
	"syscall"
	"time"
)

// cpuTime is the process's CPU time so far: benchmarks divide work by it, which stays
// honest on a shared machine where wall-clock time includes waiting for a core.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
