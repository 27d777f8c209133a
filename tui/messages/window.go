package messages

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/kpeek/kpeek/kafka"
)

// DefaultWindow is the start dialog's window when the analyst has not chosen one:
// the last hour, where an incident being handled now is.
const DefaultWindow = "-1h..now"

// window is a parsed case window: where a read starts and stops, and as text that
// reads the same records later (times resolved, so another topic gets the same hour).
type window struct {
	from     kafka.Start
	to       kafka.Stop
	resolved string
}

// clockTime is "02:00" or "02:00:30": a time of day, today in the zone the table shows.
var clockTime = regexp.MustCompile(`^([01]?\d|2[0-3]):[0-5]\d(:[0-5]\d)?$`)

// parseWindow parses "FROM..TO", or a lone FROM that reads to the end. Each side is
// what --from and --to accept (beginning, end, OFFSET, -N, -1h, RFC3339, now) or a
// time of day in loc ("02:00..03:00" is today; a window that would end before it
// starts, or start in the future, is moved a day back).
func parseWindow(s string, now time.Time, loc *time.Location) (window, error) {
	now = now.In(loc)
	s = strings.TrimSpace(s)
	if s == "" {
		s = DefaultWindow
	}
	fromText, toText, pair := strings.Cut(s, "..")
	fromText, toText = strings.TrimSpace(fromText), strings.TrimSpace(toText)
	if !pair {
		toText = "end"
	}
	if strings.Contains(toText, "..") {
		return window{}, fmt.Errorf("%q: one .. between the start and the end", s)
	}
	fromClock, toClock := clockTime.MatchString(fromText), clockTime.MatchString(toText)
	day := now
	if fromClock {
		t := atClock(day, fromText)
		if t.After(now) {
			day = day.AddDate(0, 0, -1) // 23:00 typed at 01:00 means last night
		}
		fromText = atClock(day, fromText).Format(time.RFC3339)
	}
	if toClock {
		t := atClock(day, toText)
		if fromClock {
			if start, _ := time.Parse(time.RFC3339, fromText); !t.After(start) {
				t = t.AddDate(0, 0, 1) // 23:00..01:00 crosses midnight
			}
		}
		toText = t.Format(time.RFC3339)
	}
	var w window
	var err error
	if fromText == "" {
		fromText = "beginning"
	}
	if w.from, err = kafka.ParseStart(fromText, now); err != nil {
		return window{}, err
	}
	if toText == "" {
		toText = "end"
	}
	if w.to, err = kafka.ParseStop(toText, now); err != nil {
		return window{}, err
	}
	if w.from.Kind == kafka.StartTime && w.to.Kind == kafka.StopTime && !w.to.Time.After(w.from.Time) {
		return window{}, errors.New("the window ends before it starts")
	}
	w.resolved = sideText(fromText, w.from.Kind == kafka.StartTime, w.from.Time, false) + ".." +
		sideText(toText, w.to.Kind == kafka.StopTime, w.to.Time, true)
	return w, nil
}

// atClock is day's date at the time of day hh:mm[:ss].
func atClock(day time.Time, hhmm string) time.Time {
	var h, m, sec int
	if strings.Count(hhmm, ":") == 2 {
		_, _ = fmt.Sscanf(hhmm, "%d:%d:%d", &h, &m, &sec)
	} else {
		_, _ = fmt.Sscanf(hhmm, "%d:%d", &h, &m)
	}
	y, mo, d := day.Date()
	return time.Date(y, mo, d, h, m, sec, 0, day.Location())
}

// sideText is one side of the resolved window: a time as RFC3339 in UTC, anything else
// as typed. Times are rounded to the second outwards (the end up), so the resolved
// window never loses a record the typed one holds.
func sideText(text string, isTime bool, t time.Time, end bool) string {
	if !isTime {
		return text
	}
	r := t.UTC().Truncate(time.Second)
	if end && r.Before(t) {
		r = r.Add(time.Second)
	}
	return r.Format(time.RFC3339)
}

// WindowLabel is a resolved window as the status line shows it: "02:00–03:00 UTC" within
// one day, full times otherwise, or the offset forms as typed.
func WindowLabel(resolved string) string {
	from, to, _ := strings.Cut(resolved, "..")
	a, errA := time.Parse(time.RFC3339, from)
	b, errB := time.Parse(time.RFC3339, to)
	switch {
	case errA == nil && errB == nil && a.Format("2006-01-02") == b.Format("2006-01-02"):
		return a.Format("01-02 15:04:05") + "–" + b.Format("15:04:05") + " UTC"
	case errA == nil && errB == nil:
		return a.Format("01-02 15:04:05") + "–" + b.Format("01-02 15:04:05") + " UTC"
	}
	return oneLine(resolved)
}

// WindowMsg tells the frame the case window the analyst chose (resolved: the same
// records whenever it is read), so the next topic opens on it and the status line shows it.
type WindowMsg struct{ Window string }

func windowChosen(resolved string) tea.Cmd {
	return func() tea.Msg { return WindowMsg{Window: resolved} }
}

// zone is where times of day typed into the pane are read: the zone the table shows.
func (m Model) zone() *time.Location {
	if m.local {
		return time.Local
	}
	return time.UTC
}
