package tui

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/kpeek/kpeek/kafka"
	"github.com/kpeek/kpeek/kafka/demo"
)

// demoIntro is the demo's first-screen line: what happened and where to look.
const demoIntro = "Demo incident ~6 h ago, the window is set on it: open auth.logins, then groups"

// demoWindow is the case window the explorer opens the demo on: the scenario's incident
// hour, begun a few minutes early (the demo was seeded moments before this now).
func demoWindow(now time.Time) string {
	from, to := demo.IncidentWindow(now)
	return from.Add(-10*time.Minute).UTC().Format(time.RFC3339) + ".." + to.UTC().Format(time.RFC3339)
}

// deniedNote sums up what the account may not see of the listed topics, so a missing
// permission never passes for an empty or zero value: "not authorized: configs of 3
// topics (retention unknown)".
func deniedNote(ts kafka.Topics) string {
	configs, described := 0, 0
	for _, t := range ts {
		var na *kafka.NotAuthorizedError
		switch {
		case t.ConfigErr != nil && errors.As(t.ConfigErr, &na):
			configs++
		case t.Err != nil && errors.As(t.Err, &na):
			described++
		}
	}
	var parts []string
	if configs > 0 {
		parts = append(parts, fmt.Sprintf("configs of %s (retention unknown)", plural(configs, "topic")))
	}
	if described > 0 {
		parts = append(parts, "details of "+plural(described, "topic"))
	}
	if len(parts) == 0 {
		return ""
	}
	return "not authorized: " + strings.Join(parts, ", ")
}
