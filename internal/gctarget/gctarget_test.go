package gctarget

import (
	"runtime/debug"
	"testing"
)

func TestSet(t *testing.T) {
	before := debug.SetGCPercent(100)
	defer debug.SetGCPercent(before)
	restore := Set(50)
	if got := debug.SetGCPercent(50); got != 50 {
		t.Errorf("GC target %d, want 50", got)
	}
	restore()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GC target after restore %d, want the previous 100", got)
	}
	t.Setenv("GOGC", "150")
	debug.SetGCPercent(150)
	Set(50)()
	if got := debug.SetGCPercent(100); got != 150 {
		t.Errorf("GOGC=150 was overridden: %d", got)
	}
}
