package messages

import (
	"fmt"

	"charm.land/bubbles/v2/textinput"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
)

// cut truncates s (which may hold styling) to w cells, marking the cut with an ellipsis.
func cut(s string, w int) string {
	if w <= 0 {
		return ""
	}
	return ansi.Truncate(s, w, "…")
}

// pad cuts plain s to w cells and fills it with spaces up to w.
func pad(s string, w int) string {
	s = cut(s, w)
	if n := ansi.StringWidth(s); n < w {
		s += strings.Repeat(" ", w-n)
	}
	return s
}

// padLeft is pad, aligned right.
func padLeft(s string, w int) string {
	s = cut(s, w)
	if n := ansi.StringWidth(s); n < w {
		s = strings.Repeat(" ", w-n) + s
	}
	return s
}

// fit cuts lines to w cells and returns exactly h of them.
func fit(lines []string, w, h int) string {
	out := make([]string, h)
	for i := range out {
		if i < len(lines) {
			out[i] = cut(lines[i], w)
		}
	}
	return strings.Join(out, "\n")
}

// thousands formats n with thin separators: 1,000,000.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// bytesize is a short human size: 112, 1.2K, 2.0M.
func bytesize(n int) string {
	switch {
	case n < 1000:
		return strconv.Itoa(n)
	case n < 1000*1024:
		return fmt.Sprintf("%.1fK", float64(n)/1024)
	case n < 1000*1024*1024:
		return fmt.Sprintf("%.1fM", float64(n)/(1024*1024))
	}
	return fmt.Sprintf("%.1fG", float64(n)/(1024*1024*1024))
}

// newInput is a text input with a steady cursor: a blinking one redraws the whole
// frame twice a second for nothing.
func newInput(limit int) textinput.Model {
	in := textinput.New()
	st := in.Styles()
	st.Cursor.Blink = false
	in.SetStyles(st)
	in.Prompt = ""
	in.CharLimit = limit
	return in
}

// shortDuration is a duration for an axis label: 250ms, 4s, 2m0s.
func shortDuration(d time.Duration) string {
	switch {
	case d < time.Second:
		return d.Round(time.Millisecond).String()
	case d < time.Minute:
		return d.Round(time.Second).String()
	}
	return d.Round(time.Minute).String()
}

// plural is word, with an s unless n is 1.
func plural(n int64, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// spanLayout is the time layout for a span's ends: the time of day when both ends
// fall on the same UTC day, else the date too.
func spanLayout(from, to int64) string {
	a, b := time.Unix(0, from).UTC(), time.Unix(0, to).UTC()
	if a.YearDay() == b.YearDay() && a.Year() == b.Year() {
		return "15:04:05"
	}
	return "01-02 15:04"
}
