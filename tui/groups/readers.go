package groups

import (
	"context"
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/kafka/history"
	"github.com/kpeek/kpeek/tui/common"
)

// ReadersSource answers who may read a topic (ACLs), who did (history) and who does now.
type ReadersSource func(ctx context.Context, topic string) (history.ReadersReport, error)

// Sources are the forensic loaders the page uses; either may be nil.
type Sources struct {
	History HistorySource
	Readers ReadersSource
}

// SourcesFrom builds the loaders from a cluster that can read topics and list ACLs (a
// kafka.Client can); what cl cannot do stays nil.
func SourcesFrom(cl any) Sources {
	var s Sources
	if r, ok := cl.(history.Reader); ok {
		s.History = func(ctx context.Context, group string) (history.Report, error) {
			return history.Read(ctx, r, history.Query{Groups: []string{group}})
		}
	}
	if c, ok := cl.(history.Cluster); ok {
		s.Readers = func(ctx context.Context, topic string) (history.ReadersReport, error) {
			return history.Readers(ctx, c, topic, time.Time{}, time.Time{})
		}
	}
	return s
}

// readersMsg answers readers request req for topic.
type readersMsg struct {
	req   int
	topic string
	rep   history.ReadersReport
	err   error
}

// topicReaders is what the page knows of the narrowed topic's readers.
type topicReaders struct {
	req     int
	loading bool
	rep     *history.ReadersReport
	err     error
}

// ShowReaders narrows the page to the groups reading topic and loads who may read it, who
// did and from where.
func (m Model) ShowReaders(topic string) (Model, tea.Cmd) {
	m = m.SetReading(topic)
	m.readers.req++
	m.readers.loading, m.readers.rep, m.readers.err = false, nil, nil
	src := m.sources.Readers
	if src == nil || topic == "" {
		return m.relayout(), nil
	}
	m.readers.loading = true
	ctx, req := m.histCtx, m.readers.req
	if ctx == nil {
		ctx = context.Background()
	}
	return m.relayout(), func() tea.Msg {
		cctx, cancel := context.WithTimeout(ctx, historyTimeout)
		defer cancel()
		rep, err := src(cctx, topic)
		return readersMsg{req: req, topic: topic, rep: rep, err: err}
	}
}

func (m Model) gotReaders(msg readersMsg) Model {
	if msg.req != m.readers.req || msg.topic != m.reading {
		return m
	}
	m.readers.loading, m.readers.err = false, msg.err
	if msg.err == nil {
		m.readers.rep = &msg.rep
	}
	return m.relayout()
}

// maxReaderLines keeps the readers section from crowding out the groups table.
const maxReaderLines = 10

// readerLines renders the narrowed topic's readers above the groups table.
func (m Model) readerLines() []string {
	if m.reading == "" || m.sources.Readers == nil {
		return nil
	}
	s := m.c.Styles
	w := m.width
	var out []string
	add := func(text string, dim bool) {
		st := s.Value
		if dim {
			st = s.Dim
		}
		out = append(out, st.Render(common.Truncate(text, w)))
	}
	r := m.readers
	switch {
	case r.loading:
		add("who may read it, who did: reading ACLs and __consumer_offsets…", true)
	case r.err != nil:
		out = append(out, s.Error.Render(common.Truncate(decode.Sanitize(r.err.Error()), w)))
	case r.rep != nil:
		rep := r.rep
		if rep.ACLs {
			var may []string
			for _, a := range rep.Allowed {
				p := decode.Sanitize(a.Principal)
				if a.Host != "*" {
					p += "@" + decode.Sanitize(a.Host)
				}
				if !a.Allowed() {
					p += " (denied)"
				}
				may = append(may, p)
			}
			if len(may) == 0 {
				may = []string{"no ACL grants READ"}
			}
			add("May read (ACLs): "+strings.Join(may, ", "), false)
		}
		for _, g := range rep.Groups {
			line := fmt.Sprintf("Did read: %s %s → %s, %s records from %s as %s", decode.Sanitize(g.Group),
				clock(g.FirstCommit), clock(g.LastCommit), g.ConsumedText(), decode.Sanitize(strings.Join(g.Hosts, ",")),
				decode.Sanitize(strings.Join(g.ClientIDs, ",")))
			if g.Connector != "" {
				line += " (Kafka Connect sink)"
			}
			add(line, false)
		}
		for _, n := range rep.Notes {
			add(decode.Sanitize(n), true)
		}
	}
	if len(out) > maxReaderLines {
		more := len(out) - maxReaderLines + 1
		out = append(out[:maxReaderLines-1], s.Dim.Render(fmt.Sprintf("… %d more lines (kpeek readers -t TOPIC)", more)))
	}
	return out
}

// relayout prepares the readers lines and gives the table what is left of the page.
func (m Model) relayout() Model {
	m.readerView = m.readerLines()
	m.table = m.table.SetSize(m.width, max(m.height-1-len(m.readerView), 0))
	return m
}
