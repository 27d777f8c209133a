package cmd

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/kpeek/kpeek/export"
	"github.com/kpeek/kpeek/kafka"
	"github.com/kpeek/kpeek/kafka/history"
	"github.com/spf13/cobra"
)

func newHistoryCmd(g *globals) *cobra.Command {
	var (
		output   string
		groups   []string
		topics   []string
		from, to string
	)
	cmd := &cobra.Command{
		Use:   "history",
		Short: "Commits and memberships of consumer groups over time, from __consumer_offsets",
		Long: "history reads __consumer_offsets like any topic (it joins no group and commits nothing) and\n" +
			"shows a timeline: commits with how far each moved, members joining and leaving with client id\n" +
			"and host, generation bumps, groups emptied or deleted; then per group and topic the first and\n" +
			"last commit, records consumed, estimated bytes, and every client id and host seen.",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkChoice("-o", output, export.HistoryFormats...); err != nil {
				return err
			}
			start, stop, err := parseWindow(from, to, time.Now())
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			cl, _, err := g.connect(ctx)
			if err != nil {
				return err
			}
			defer cl.Close()
			q := history.Query{Groups: groups, Topics: topics, From: start, To: stop}
			sizes, note := history.Sizes(ctx, cl, "")
			q.AvgRecordSize = sizes.Of
			rep, err := history.Read(ctx, cl, q, history.WithLogger(g.logger))
			if err != nil {
				return err
			}
			if note != "" && len(rep.Summaries) > 0 {
				rep.Notes = append(rep.Notes, note)
			}
			if err := export.WriteHistory(g.stdout, rep, output); err != nil {
				return fmt.Errorf("write history: %w", err)
			}
			g.printNotes(rep.Notes)
			if rep.Records > 0 {
				g.printNotes([]string{fmt.Sprintf("history reaches back to %s (oldest of %d records read from %s)",
					rep.Oldest.UTC().Format(time.RFC3339), rep.Records, history.OffsetsTopic)})
			}
			notes, err := unmatchedNames(ctx, cl, rep, groups, topics)
			g.printNotes(notes)
			return err
		},
	}
	f := cmd.Flags()
	f.StringVarP(&output, "output", "o", "table", "table, ndjson or json")
	f.StringArrayVarP(&groups, "group", "g", nil, "only this consumer group (repeatable)")
	f.StringArrayVarP(&topics, "topic", "t", nil, "only commits on this topic and groups that read it (repeatable)")
	f.StringVar(&from, "from", "", "window start: RFC3339 or relative (-24h) (default: the oldest record)")
	f.StringVar(&to, "to", "", "window end: RFC3339, relative or now (default now)")
	return cmd
}

// topicLookup is what unmatchedNames asks of the cluster.
type topicLookup interface {
	Topic(ctx context.Context, name string) (kafka.TopicInfo, error)
}

// unmatchedNames says which of the groups and topics asked for the history shows nothing
// of, and which topics it shows that no longer exist, so that an empty table never passes
// for an answer. It fails (exit 1) when nothing was shown and a name asked for is unknown
// both to the history and to the cluster: most likely a typo, not "nobody read it".
func unmatchedNames(ctx context.Context, tl topicLookup, rep history.Report, groups, topics []string) ([]string, error) {
	seenGroups, seenTopics := map[string]bool{}, map[string]bool{}
	for _, e := range rep.Events {
		seenGroups[e.Group] = true
		if e.Topic != "" {
			seenTopics[e.Topic] = true
		}
	}
	for _, s := range rep.Summaries {
		seenGroups[s.Group], seenTopics[s.Topic] = true, true
	}
	var notes, unknown []string
	for _, gr := range groups {
		switch {
		case seenGroups[gr]:
		case len(topics) > 0:
			notes = append(notes, fmt.Sprintf("group %q: nothing within the window on the topics asked for", gr))
		default:
			notes = append(notes, fmt.Sprintf("no record in %s within the window mentions group %q", history.OffsetsTopic, gr))
			unknown = append(unknown, fmt.Sprintf("group %q", gr))
		}
	}
	for _, t := range topics {
		_, err := tl.Topic(ctx, t)
		var missing *kafka.TopicNotFoundError
		exists := !errors.As(err, &missing)
		switch {
		case err != nil && exists:
			notes = append(notes, fmt.Sprintf("topic %q: %v", t, err))
		case seenTopics[t] && !exists:
			notes = append(notes, fmt.Sprintf("topic %q does not exist now (deleted?); the commits above are what %s still holds of it", t, history.OffsetsTopic))
		case !seenTopics[t] && !exists:
			notes = append(notes, fmt.Sprintf("topic %q does not exist and no commit in %s within the window mentions it", t, history.OffsetsTopic))
			unknown = append(unknown, fmt.Sprintf("topic %q", t))
		case !seenTopics[t]:
			notes = append(notes, fmt.Sprintf("no group committed offsets on topic %q within the window", t))
		}
	}
	if len(rep.Events) == 0 && len(rep.Summaries) == 0 && len(unknown) > 0 {
		return notes, fmt.Errorf("history: nothing found for %s", strings.Join(unknown, ", "))
	}
	return notes, nil
}

// parseWindow parses a time window; offsets make no sense for history and are refused.
func parseWindow(from, to string, now time.Time) (time.Time, time.Time, error) {
	var start, stop time.Time
	s, err := kafka.ParseStart(from, now)
	switch {
	case err != nil:
		return start, stop, usageError{fmt.Errorf("--from: %w", err)}
	case s.Kind == kafka.StartTime:
		start = s.Time
	case s.Kind != kafka.StartBeginning:
		return start, stop, usageError{fmt.Errorf("--from %q: want a time (RFC3339 or -1h) or beginning", from)}
	}
	e, err := kafka.ParseStop(to, now)
	switch {
	case err != nil:
		return start, stop, usageError{fmt.Errorf("--to: %w", err)}
	case e.Kind == kafka.StopTime:
		stop = e.Time
	case e.Kind != kafka.StopEnd:
		return start, stop, usageError{fmt.Errorf("--to %q: want a time (RFC3339 or -1h) or now", to)}
	}
	if !start.IsZero() && !stop.IsZero() && stop.Before(start) {
		return start, stop, usageError{errors.New("--to is before --from")}
	}
	return start, stop, nil
}

// printNotes prints what a command could not show and why, one line each, on stderr.
func (g *globals) printNotes(notes []string) {
	for _, n := range notes {
		fmt.Fprintf(g.stderr, "kpeek: note: %s\n", oneLine(n))
	}
}
