package messages

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/textinput"

	"github.com/kpeek/kpeek/tui/common"
)

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
// frame twice a second for nothing. Views restyle it with inputView.
func newInput(limit int) textinput.Model {
	in := textinput.New()
	st := in.Styles()
	st.Cursor.Blink = false
	in.SetStyles(st)
	in.Prompt = ""
	in.CharLimit = limit
	return in
}

// inputView renders in with the current styles, which change when the terminal
// reports its background.
func inputView(in textinput.Model, st common.MessagesStyles) string {
	if st.ChromaStyle != "" { // built by NewMessagesStyles
		in.SetStyles(st.Input)
	}
	return in.View()
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
