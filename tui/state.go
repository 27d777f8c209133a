package tui

import (
	"errors"
	"fmt"
	"strings"

	"github.com/kpeek/kpeek/kafka"
)

// demoIntro is the demo's first-screen line: what happened and where to look.
const demoIntro = "Demo incident ~45 min ago: open auth.logins for the burst, then Consumer groups"

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
