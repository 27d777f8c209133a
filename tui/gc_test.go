package tui

import (
	"runtime/debug"
	"testing"
)

func TestExplorerLowersTheGCTargetUnlessGOGCIsSet(t *testing.T) {
	before := debug.SetGCPercent(100)
	defer debug.SetGCPercent(before)
	restore := lowerGC()
	if got := debug.SetGCPercent(explorerGCPercent); got != explorerGCPercent {
		t.Errorf("GC target while exploring is %d, want %d", got, explorerGCPercent)
	}
	restore()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GC target after the explorer is %d, want the previous 100", got)
	}
	t.Setenv("GOGC", "200")
	debug.SetGCPercent(200)
	lowerGC()()
	if got := debug.SetGCPercent(100); got != 200 {
		t.Errorf("GOGC=200 was overridden: %d", got)
	}
}
