// Package gctarget sets a command's garbage-collection target, leaving the user's GOGC alone.
package gctarget

import (
	"os"
	"runtime/debug"
)

// Set makes percent the GC target unless the user chose one with GOGC; the returned func
// puts the previous target back.
func Set(percent int) (restore func()) {
	if _, set := os.LookupEnv("GOGC"); set {
		return func() {}
	}
	prev := debug.SetGCPercent(percent)
	return func() { debug.SetGCPercent(prev) }
}
