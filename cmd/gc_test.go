package cmd

import (
	"runtime/debug"
	"testing"
)

func TestStreamingGC(t *testing.T) {
	before := debug.SetGCPercent(100)
	defer debug.SetGCPercent(before)
	restore := streamingGC()
	if got := debug.SetGCPercent(streamingGCPercent); got != streamingGCPercent {
		t.Errorf("GC target while streaming %d, want %d", got, streamingGCPercent)
	}
	restore()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GC target after %d, want the previous 100", got)
	}
	t.Setenv("GOGC", "150")
	debug.SetGCPercent(150)
	streamingGC()()
	if got := debug.SetGCPercent(100); got != 150 {
		t.Errorf("GOGC=150 was overridden: %d", got)
	}
}
