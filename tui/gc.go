package tui

import (
	"os"
	"runtime/debug"
)

// explorerGCPercent is the explorer's garbage-collection target. A messages pane holds
// up to a million records in pointer-free slabs, which the collector marks at almost no
// cost; what it does cost is the default target of twice the live heap while a read
// turns records into garbage. Half that keeps a million loaded records well under
// 450 MB for a few percent more CPU.
const explorerGCPercent = 50

// lowerGC sets the explorer's GC target unless the user chose one with GOGC; the
// returned func puts the previous one back.
func lowerGC() (restore func()) {
	if _, set := os.LookupEnv("GOGC"); set {
		return func() {}
	}
	prev := debug.SetGCPercent(explorerGCPercent)
	return func() { debug.SetGCPercent(prev) }
}
