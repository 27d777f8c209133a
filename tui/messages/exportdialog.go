package messages

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/kpeek/kpeek/export"
	"github.com/kpeek/kpeek/kafka"
)

// TokenEnv is where the export dialog takes the Splunk HEC token from.
const TokenEnv = export.TokenEnv

var formats = []string{"ndjson", "csv", "bundle"}

const (
	destFile = iota
	destSplunk
)

// Dialog fields; which text input a field edits depends on the destination.
const (
	exportFieldDest   = iota
	exportFieldTarget // file path or HEC URL
	exportFieldOption // file format or Splunk index
	exportFieldRedact // field paths to mask, for both destinations
	exportFields
)

// exportState is the export dialog and the export it runs in the background.
type exportState struct {
	open   bool
	dest   int
	format int
	path   textinput.Model
	url    textinput.Model
	index  textinput.Model
	redact textinput.Model
	focus  int
	err    string
	what   string // "12 marked records"
	count  int64

	id       int
	running  bool
	cancel   context.CancelFunc
	progress export.Progress
	started  time.Time
	barWidth int
	summary  *export.Summary
	failure  error
	progCh   chan export.Progress
	finished chan struct{}
}

// exportProgressMsg is a progress update of export id.
type exportProgressMsg struct {
	id int
	p  export.Progress
}

// exportDoneMsg is how export id ended.
type exportDoneMsg struct {
	id      int
	summary export.Summary
	err     error
}

func newExportState() exportState {
	mk := func(placeholder string) textinput.Model {
		in := newInput(1024)
		in.Placeholder = placeholder
		in.SetWidth(48)
		return in
	}
	return exportState{
		path:     mk("evidence.ndjson"),
		url:      mk("https://splunk.example:8088/services/collector/event"),
		index:    mk("default index of the token"),
		redact:   mk("e.g. value.card_number,value.email"),
		barWidth: 40,
	}
}

func (e exportState) setWidth(w int) exportState {
	e.barWidth = min(60, max(10, w-40))
	for _, in := range []*textinput.Model{&e.path, &e.url, &e.index, &e.redact} {
		in.SetWidth(min(64, max(10, w-20)))
	}
	return e
}

// selection is what an export covers: the marks, else the filter's matches, else
// everything loaded.
func (m Model) selection() ([]int64, string) {
	switch {
	case m.marks.count > 0:
		return m.marks.seqs(), "marked"
	case m.filter.active():
		return append([]int64(nil), m.filter.matches...), "matching the filter"
	}
	seqs := make([]int64, 0, m.store.Len())
	for s := m.store.First(); s < m.store.End(); s++ {
		seqs = append(seqs, s)
	}
	return seqs, "loaded"
}

func (m Model) openExport() (Model, tea.Cmd) {
	e := &m.export
	e.open = true
	if e.running {
		return m, nil
	}
	e.summary, e.failure, e.err = nil, nil, ""
	n, what := m.selectionCount()
	e.count, e.what = n, fmt.Sprintf("%s %s %s", thousands(n), what, plural(n, "record"))
	if e.path.Value() == "" {
		e.path.SetValue(fmt.Sprintf("%s-%s%s", safeName(m.src.Topic.Name),
			time.Now().UTC().Format("20060102T150405Z"), extension(formats[e.format])))
	}
	return m, e.setFocus(exportFieldDest)
}

// selectionCount is selection() without building the list.
func (m Model) selectionCount() (int64, string) {
	switch {
	case m.marks.count > 0:
		return int64(m.marks.count), "marked"
	case m.filter.active():
		return int64(len(m.filter.matches)), "matching the filter"
	}
	return int64(m.store.Len()), "loaded"
}

func (e *exportState) setFocus(i int) tea.Cmd {
	e.focus = (i + exportFields) % exportFields
	e.path.Blur()
	e.url.Blur()
	e.index.Blur()
	e.redact.Blur()
	if in := e.input(); in != nil {
		return in.Focus()
	}
	return nil
}

// input is the text input under the focus, or nil on a choice field.
func (e *exportState) input() *textinput.Model {
	switch {
	case e.focus == exportFieldTarget && e.dest == destFile:
		return &e.path
	case e.focus == exportFieldTarget:
		return &e.url
	case e.focus == exportFieldOption && e.dest == destSplunk:
		return &e.index
	case e.focus == exportFieldRedact:
		return &e.redact
	}
	return nil
}

func (m Model) exportKey(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	k, e := m.keys, &m.export
	switch {
	case e.running && key.Matches(msg, k.Cancel):
		e.cancel()
		return m, nil
	case key.Matches(msg, k.Back) || (e.running || e.summary != nil || e.failure != nil) && key.Matches(msg, k.Submit):
		e.open = false // a running export keeps going; the status line shows it
		return m, nil
	case e.running:
		return m, nil
	case key.Matches(msg, k.Submit):
		return m.runExport()
	case key.Matches(msg, k.NextField):
		return m, e.setFocus(e.focus + 1)
	case key.Matches(msg, k.PrevField):
		return m, e.setFocus(e.focus - 1)
	case e.input() == nil && key.Matches(msg, k.Toggle):
		if e.focus == exportFieldDest {
			e.dest = 1 - e.dest
		} else {
			old := extension(formats[e.format])
			e.format = (e.format + 1) % len(formats)
			if p := e.path.Value(); old == "" || strings.HasSuffix(p, old) {
				e.path.SetValue(strings.TrimSuffix(p, old) + extension(formats[e.format]))
			}
		}
		e.err = ""
		return m, nil
	}
	var cmd tea.Cmd
	if in := e.input(); in != nil {
		*in, cmd = in.Update(msg)
		e.err = ""
	}
	return m, cmd
}

// runExport starts the export in a Cmd fed from a snapshot of the selected records;
// progress comes back through a channel read by a Cmd re-armed per update.
func (m Model) runExport() (Model, tea.Cmd) {
	e := &m.export
	seqs, _ := m.selection()
	if len(seqs) == 0 {
		e.err = "nothing to export"
		return m, nil
	}
	redact, err := export.ParseRedactions(splitPaths(e.redact.Value()))
	if err != nil {
		e.err = err.Error()
		return m, e.setFocus(exportFieldRedact)
	}
	var sink func(context.Context, export.Request) (export.Summary, error)
	switch e.dest {
	case destFile:
		opts := export.FileOptions{Path: strings.TrimSpace(e.path.Value()), Format: formats[e.format]}
		if opts.Path == "" {
			e.err = "a file path is needed"
			return m, nil
		}
		sink = func(ctx context.Context, r export.Request) (export.Summary, error) {
			return export.ToFile(ctx, r, opts)
		}
	case destSplunk:
		opts := export.HECOptions{URL: strings.TrimSpace(e.url.Value()), Index: strings.TrimSpace(e.index.Value()),
			Token: os.Getenv(TokenEnv)}
		switch {
		case opts.URL == "":
			e.err = "a HEC URL is needed"
			return m, nil
		case opts.Token == "":
			e.err = "set " + TokenEnv + " to the HEC token before starting kpeek"
			return m, nil
		}
		sink = func(ctx context.Context, r export.Request) (export.Summary, error) {
			return export.ToSplunk(ctx, r, opts)
		}
	}

	e.id++
	ctx, cancel := context.WithCancel(context.Background()) // not the pane's: leaving the pane keeps it running
	e.cancel, e.running, e.started = cancel, true, time.Now()
	e.progress, e.summary, e.failure, e.err = export.Progress{Total: int64(len(seqs))}, nil, nil, ""
	e.progCh, e.finished = make(chan export.Progress, 1), make(chan struct{})

	id, progCh, finished, snap, dec := e.id, e.progCh, e.finished, m.store.Snapshot(), m.dec
	capture := m.capture()
	run := func() tea.Msg {
		defer close(finished)
		defer cancel()
		batches := make(chan kafka.Batch, 4)
		go feed(ctx, snap, seqs, batches)
		req := export.Request{Records: batches, Total: int64(len(seqs)), Decoder: dec, Capture: capture, Redact: redact,
			Progress: func(p export.Progress) { latest(progCh, p) }}
		sum, err := sink(ctx, req)
		return exportDoneMsg{id: id, summary: sum, err: err}
	}
	return m, tea.Batch(run, waitProgress(id, progCh, finished))
}

// feed sends the selected records in batches, in order, and closes out.
func feed(ctx context.Context, snap snapshot, seqs []int64, out chan<- kafka.Batch) {
	defer close(out)
	const size = 512
	for len(seqs) > 0 {
		n := min(size, len(seqs))
		b := kafka.Batch{Records: make([]kafka.Record, n)}
		for i, seq := range seqs[:n] {
			b.Records[i] = *snap.At(seq)
		}
		seqs = seqs[n:]
		select {
		case out <- b:
		case <-ctx.Done():
			return
		}
	}
}

// latest puts p on a one-slot channel, replacing an update nobody read yet.
func latest(ch chan export.Progress, p export.Progress) {
	for {
		select {
		case ch <- p:
			return
		default:
		}
		select {
		case <-ch:
		default:
		}
	}
}

func waitProgress(id int, ch <-chan export.Progress, finished <-chan struct{}) tea.Cmd {
	return func() tea.Msg {
		select {
		case p := <-ch:
			return exportProgressMsg{id: id, p: p}
		case <-finished:
			return nil
		}
	}
}

func (m Model) updateExport(msg tea.Msg) (Model, tea.Cmd) {
	e := &m.export
	switch msg := msg.(type) {
	case exportProgressMsg:
		if msg.id != e.id || !e.running {
			return m, nil
		}
		e.progress = msg.p
		return m, waitProgress(msg.id, e.progCh, e.finished)
	case exportDoneMsg:
		if msg.id != e.id {
			return m, nil
		}
		e.running = false
		sum := msg.summary
		e.summary = &sum
		e.progress = sum.Progress
		e.failure = msg.err
		if msg.err != nil && errors.Is(msg.err, context.Canceled) {
			e.failure = errors.New("cancelled")
		}
		if !e.open {
			m.notice = "export finished: " + e.resultLine()
		}
	}
	return m, nil
}

// capture describes the read for the export's manifest.
func (m Model) capture() export.Capture {
	c := export.Capture{
		Cluster: m.src.ClusterName, ClusterID: m.src.ClusterID, Bootstrap: m.src.Bootstrap,
		Topic: m.src.Topic.Name, Ranges: m.rd.ranges, Selection: m.rd.selection, Filter: m.filter.expr,
		Analyst: export.Analyst(), Version: m.src.Version,
	}
	return c
}

// progressText is "1,200/5,000 · 3,100/s · ETA 2s".
func (e exportState) progressText() string {
	p := e.progress
	s := fmt.Sprintf("%s/%s", thousands(p.Written), thousands(p.Total))
	if p.Elapsed == 0 {
		p.Elapsed = time.Since(e.started)
	}
	if rate := p.Rate(); rate > 0 {
		s += fmt.Sprintf(" · %s/s", thousands(int64(rate)))
	}
	if eta := p.ETA(); eta > 0 {
		s += fmt.Sprintf(" · ETA %s", eta)
	}
	return s
}

// resultLine sums up a finished export.
func (e exportState) resultLine() string {
	if e.summary == nil {
		return ""
	}
	p := e.summary.Progress
	s := fmt.Sprintf("selected %s · written %s · confirmed %s · failed %s", thousands(p.Selected),
		thousands(p.Written), thousands(p.Acked), thousands(p.Failed))
	if e.summary.Spool != "" {
		s += " · leftovers in " + oneLine(e.summary.Spool)
	}
	if e.summary.Duplicates > 0 {
		s += fmt.Sprintf(" · %d possibly sent twice", e.summary.Duplicates)
	}
	return s
}

// splitPaths splits a comma-separated list of field paths, dropping blanks.
func splitPaths(s string) []string {
	var out []string
	for p := range strings.SplitSeq(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// safeName turns a topic name into a file name part.
func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '.' || r == '-' || r == '_' || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') || ('0' <= r && r <= '9') {
			return r
		}
		return '_'
	}, s)
}

// extension is the file extension for a format; a bundle is a folder, without one.
func extension(format string) string {
	if format == "bundle" {
		return ""
	}
	return "." + format
}
