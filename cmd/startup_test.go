package cmd

import (
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"testing"
)

// TestPackageInitIsLight: kpeek's own packages do no heavy work at start-up (compiling
// regular expressions, registering lexers, building CEL environments): every command pays
// for it, and `kpeek topics` must start about as fast as kcat. Counted in allocations (the
// runtime's init trace of this test binary, which links every package kpeek does), not in
// time, so the check is the same on a busy machine.
func TestPackageInitIsLight(t *testing.T) {
	if os.Getenv("KPEEK_INIT_TRACE_CHILD") != "" {
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestPackageInitIsLight$")
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1", "KPEEK_INIT_TRACE_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("run the test binary with an init trace: %v\n%s", err, out)
	}
	line := regexp.MustCompile(`(?m)^init (github\.com/kpeek/kpeek\S*) @.*, (\d+) bytes, (\d+) allocs$`)
	found := line.FindAllSubmatch(out, -1)
	if len(found) < 5 {
		t.Fatalf("the init trace names %d of kpeek's packages, want them all:\n%s", len(found), out)
	}
	const maxBytes, maxAllocs = 64 << 10, 500
	for _, m := range found {
		bytes, _ := strconv.Atoi(string(m[2]))
		allocs, _ := strconv.Atoi(string(m[3]))
		if bytes > maxBytes || allocs > maxAllocs {
			t.Errorf("package %s allocates %d bytes in %d allocations at start-up, want at most %d and %d: make it lazy",
				m[1], bytes, allocs, maxBytes, maxAllocs)
		}
	}
}
