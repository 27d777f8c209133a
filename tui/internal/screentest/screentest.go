// Package screentest has the helpers the explorer's tests use to read a rendered screen.
package screentest

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Line returns the first line of screen that contains s, colour stripped, or "".
func Line(screen, s string) string {
	for _, l := range strings.Split(ansi.Strip(screen), "\n") {
		if strings.Contains(l, s) {
			return l
		}
	}
	return ""
}

// HasRow reports whether a line of screen holds exactly these space-separated fields.
func HasRow(screen, fields string) bool {
	for _, l := range strings.Split(ansi.Strip(screen), "\n") {
		if strings.Join(strings.Fields(l), " ") == fields {
			return true
		}
	}
	return false
}
