package common

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Truncate cuts s to at most width cells, ending in "…" when it had to cut.
func Truncate(s string, width int) string {
	if width <= 0 {
		return ""
	}
	return ansi.Truncate(s, width, "…")
}

// PadRight truncates or pads s with spaces to exactly width cells.
func PadRight(s string, width int) string {
	s = Truncate(s, width)
	if n := width - ansi.StringWidth(s); n > 0 {
		s += strings.Repeat(" ", n)
	}
	return s
}

// PadLeft truncates or pads s on the left to exactly width cells, for numbers.
func PadLeft(s string, width int) string {
	s = Truncate(s, width)
	if n := width - ansi.StringWidth(s); n > 0 {
		s = strings.Repeat(" ", n) + s
	}
	return s
}

// Box fits content into exactly width×height cells: long lines are cut, short ones
// padded, missing lines added and extra ones dropped, so panes never push the frame.
func Box(content string, width, height int) string {
	if width <= 0 || height <= 0 {
		return ""
	}
	lines := strings.Split(content, "\n")
	if len(lines) > height {
		lines = lines[:height]
	}
	for len(lines) < height {
		lines = append(lines, "")
	}
	for i, l := range lines {
		lines[i] = PadRight(l, width)
	}
	return strings.Join(lines, "\n")
}
