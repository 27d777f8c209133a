//go:build !unix

package decode

import "testing"

// reportCPU runs the benchmark loop; CPU time is only measured on unix.
func reportCPU(b *testing.B, run func()) { run() }
