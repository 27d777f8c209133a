package groups

import (
	"context"
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/kafka/history"
)

// HistorySource loads one group's history from __consumer_offsets.
type HistorySource func(ctx context.Context, group string) (history.Report, error)

// historyTimeout bounds one history load: __consumer_offsets is read from its start.
const historyTimeout = time.Minute

// SetSources makes the page load an opened group's history and a topic's readers through
// src; ctx bounds every load (the explorer's lifetime).
func (m Model) SetSources(ctx context.Context, src Sources) Model {
	m.histCtx, m.sources = ctx, src
	return m
}

// historyMsg answers history request req for group.
type historyMsg struct {
	req   int
	group string
	rep   history.Report
	err   error
}

// groupHistory is what the detail knows of the open group's history.
type groupHistory struct {
	req     int
	loading bool
	rep     *history.Report
	err     error
}

// loadHistory starts loading the open group's history; the answer to an older request is
// dropped when it arrives.
func (m Model) loadHistory() (Model, tea.Cmd) {
	m.hist.req++
	m.hist.loading, m.hist.rep, m.hist.err = true, nil, nil
	if m.sources.History == nil {
		m.hist.loading = false
		return m, nil
	}
	src, ctx, req, group := m.sources.History, m.histCtx, m.hist.req, m.detail.id
	if ctx == nil {
		ctx = context.Background()
	}
	return m, func() tea.Msg {
		cctx, cancel := context.WithTimeout(ctx, historyTimeout)
		defer cancel()
		rep, err := src(cctx, group)
		return historyMsg{req: req, group: group, rep: rep, err: err}
	}
}

func (m Model) gotHistory(msg historyMsg) Model {
	if msg.req != m.hist.req || msg.group != m.detail.id {
		return m
	}
	m.hist.loading, m.hist.err = false, msg.err
	if msg.err == nil {
		m.hist.rep = &msg.rep
	}
	return m
}

// recentEvents is how many of the newest events the detail lists.
const recentEvents = 40

// historyLines lays out the open group's history for the detail; addSpan adds a line that
// opens the records a commit span covers.
func (m Model) historyLines(add func(style lipgloss.Style, text string),
	addSpan func(style lipgloss.Style, text string, span OpenRecordsMsg)) {
	s := m.c.Styles
	add(s.Section, "History (from __consumer_offsets)")
	if name, ok := history.Connector(m.detail.id); ok {
		add(s.Error, "  Kafka Connect sink connector "+decode.Sanitize(name)+": it copies what it reads to another system")
	}
	h := m.hist
	switch {
	case m.sources.History == nil:
		add(s.Dim, "  not available for this cluster")
		return
	case h.loading:
		add(s.Dim, "  reading __consumer_offsets…")
		return
	case h.err != nil:
		add(s.Error, "  "+decode.Sanitize(h.err.Error()))
		return
	case h.rep == nil:
		return
	}
	rep := h.rep
	for _, n := range rep.Notes {
		add(s.Dim, "  "+decode.Sanitize(n))
	}
	if !rep.Oldest.IsZero() {
		add(s.Dim, "  reaches back to "+rep.Oldest.UTC().Format(time.RFC3339))
	}
	if len(rep.Summaries) > 0 {
		add(s.TableHeader, "  TOPIC · FIRST COMMIT → LAST COMMIT · RECORDS · CLIENT IDS · HOSTS")
	}
	for _, sum := range rep.Summaries {
		add(s.Value, fmt.Sprintf("  %s · %s → %s · %s · %s · %s", decode.Sanitize(sum.Topic), clock(sum.FirstCommit),
			clock(sum.LastCommit), sum.ConsumedText(), decode.Sanitize(strings.Join(sum.ClientIDs, ",")),
			decode.Sanitize(strings.Join(sum.Hosts, ","))))
		if r := rangesText(sum.Ranges); r != "" {
			add(s.Dim, "    offsets "+r)
		}
		for _, rg := range sum.Ranges {
			if rg.To > rg.From {
				addSpan(s.Dim, fmt.Sprintf("    its records: kpeek consume -t %s -p %d --from %d --to %d",
					decode.Sanitize(sum.Topic), rg.Partition, rg.From, rg.To-1),
					OpenRecordsMsg{Group: m.detail.id, Topic: sum.Topic, Partition: rg.Partition, From: rg.From, To: rg.To})
			}
		}
	}
	if len(rep.Events) == 0 {
		add(s.Dim, "  no events")
		return
	}
	add(s.Section, fmt.Sprintf("  Events (newest first, %d of %d)", min(len(rep.Events), recentEvents), len(rep.Events)))
	for i := len(rep.Events) - 1; i >= 0 && i >= len(rep.Events)-recentEvents; i-- {
		e := rep.Events[i]
		text := fmt.Sprintf("  %s %-14s %s", clock(e.Time), e.Kind, decode.Sanitize(eventText(e)))
		if e.Kind == history.EventCommit && e.Delta > 0 {
			addSpan(s.Value, text, OpenRecordsMsg{Group: m.detail.id, Topic: e.Topic, Partition: e.Partition,
				From: e.Offset - e.Delta, To: e.Offset})
			continue
		}
		add(s.Value, text)
	}
}

func clock(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("01-02 15:04:05")
}

func eventText(e history.Event) string {
	switch e.Kind {
	case history.EventCommit:
		if e.Delta >= 0 {
			return fmt.Sprintf("%s/%d → %d (+%d)", e.Topic, e.Partition, e.Offset, e.Delta)
		}
		return fmt.Sprintf("%s/%d → %d", e.Topic, e.Partition, e.Offset)
	case history.EventMemberJoined, history.EventMemberLeft:
		return e.ClientID + " from " + e.ClientHost
	case history.EventHostChanged:
		return e.ClientID + " moved " + e.PrevHost + " → " + e.ClientHost
	case history.EventOffsetDeleted:
		return fmt.Sprintf("%s/%d", e.Topic, e.Partition)
	}
	return fmt.Sprintf("generation %d", e.Generation)
}

// rangesText renders what a group consumed per partition: "p0 11→230 p1 ≤14→227"; ≤ marks a
// start that may be earlier (no commit before it was seen).
func rangesText(rs []history.Range) string {
	parts := make([]string, 0, len(rs))
	for _, r := range rs {
		from := fmt.Sprint(r.From)
		if !r.FromKnown {
			from = "≤" + from
		}
		parts = append(parts, fmt.Sprintf("p%d %s→%d", r.Partition, from, r.To))
	}
	return strings.Join(parts, " ")
}
