package messages

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
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

// Dialog fields. Which ones show depends on the destination (see fields).
const (
	exportFieldDest   = iota
	exportFieldTarget // file path or HEC URL
	exportFieldOption // file format or Splunk index
	exportFieldToken  // HEC token typed in, when none is configured
	exportFieldCheck  // file: overwrite; Splunk: indexer acknowledgement
	exportFieldRedact // field paths to mask, for both destinations
)

// exportState is the export dialog and the export it runs in the background.
type exportState struct {
	open   bool
	opened bool // once: the first open picks Splunk when the config names it
	dest   int
	format int
	force  bool // file: overwrite an existing file
	ack    bool // Splunk: indexer acknowledgement
	path   textinput.Model
	url    textinput.Model
	index  textinput.Model
	token  textinput.Model // masked; never saved or logged, cleared once an export has it
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
	result   *exportResult // shared with the export's goroutine, read after finished
}

// exportResult is how the background export ended, for FinishExport after the program
// (and with it the exportDoneMsg) is gone.
type exportResult struct {
	mu  sync.Mutex
	sum export.Summary
	err error
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
	e := exportState{
		path:     mk("evidence.ndjson"),
		url:      mk("https://splunk.example:8088/services/collector/event"),
		index:    mk("default index of the token"),
		token:    mk("HEC token (not saved)"),
		redact:   mk("e.g. value.card_number,value.email"),
		barWidth: 40,
	}
	e.token.EchoMode = textinput.EchoPassword
	e.token.EchoCharacter = '•'
	return e
}

func (e exportState) setWidth(w int) exportState {
	e.barWidth = min(60, max(10, w-40))
	for _, in := range []*textinput.Model{&e.path, &e.url, &e.index, &e.token, &e.redact} {
		in.SetWidth(min(64, max(10, w-20)))
	}
	return e
}

// fields are the dialog's fields, in tab order, for the chosen destination.
func (e exportState) fields(askToken bool) []int {
	if e.dest == destFile {
		return []int{exportFieldDest, exportFieldTarget, exportFieldOption, exportFieldCheck, exportFieldRedact}
	}
	f := []int{exportFieldDest, exportFieldTarget, exportFieldOption}
	if askToken {
		f = append(f, exportFieldToken)
	}
	return append(f, exportFieldCheck, exportFieldRedact)
}

// askToken is whether the dialog needs a typed token: none is configured or in the environment.
func (m Model) askToken() bool { return !export.HasHECToken(m.src.Splunk) }

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

// openExport opens the dialog. Unless an export runs, every field starts afresh: a new
// default file name, the configured Splunk destination, no token, no error.
func (m Model) openExport() (Model, tea.Cmd) {
	e := &m.export
	e.open = true
	if e.running {
		return m, nil
	}
	e.summary, e.failure, e.err = nil, nil, ""
	if !e.opened {
		e.opened = true
		if c := m.src.Splunk; c != nil && c.URL != "" {
			e.dest = destSplunk // the analyst's usual destination: records in Splunk in two keys
		}
	}
	n, what := m.selectionCount()
	e.count, e.what = n, fmt.Sprintf("%s %s %s", thousands(n), what, plural(n, "record"))
	e.path.SetValue(export.DefaultFileName(m.src.Topic.Name, formats[e.format], time.Now()))
	e.url.SetValue("")
	e.index.SetValue("")
	if c := m.src.Splunk; c != nil {
		e.url.SetValue(c.URL)
		e.index.SetValue(c.Index)
	}
	e.token.SetValue("")
	e.redact.SetValue("")
	e.force = false
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

func (e *exportState) setFocus(field int) tea.Cmd {
	e.focus = field
	for _, in := range []*textinput.Model{&e.path, &e.url, &e.index, &e.token, &e.redact} {
		in.Blur()
	}
	if in := e.input(); in != nil {
		return in.Focus()
	}
	return nil
}

// moveFocus moves the focus by step fields, wrapping around.
func (e *exportState) moveFocus(step int, askToken bool) tea.Cmd {
	fs := e.fields(askToken)
	i := 0
	for k, f := range fs {
		if f == e.focus {
			i = k
		}
	}
	return e.setFocus(fs[(i+step+len(fs))%len(fs)])
}

// input is the text input under the focus, or nil on a choice or checkbox.
func (e *exportState) input() *textinput.Model {
	switch {
	case e.focus == exportFieldTarget && e.dest == destFile:
		return &e.path
	case e.focus == exportFieldTarget:
		return &e.url
	case e.focus == exportFieldOption && e.dest == destSplunk:
		return &e.index
	case e.focus == exportFieldToken && e.dest == destSplunk:
		return &e.token
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
		e.token.SetValue("")
		return m, nil
	case e.running:
		return m, nil
	case key.Matches(msg, k.Submit):
		return m.runExport()
	case key.Matches(msg, k.NextField):
		return m, e.moveFocus(1, m.askToken())
	case key.Matches(msg, k.PrevField):
		return m, e.moveFocus(-1, m.askToken())
	case e.input() == nil && key.Matches(msg, k.Toggle):
		e.toggle()
		return m, nil
	}
	var cmd tea.Cmd
	if in := e.input(); in != nil {
		*in, cmd = in.Update(msg)
		e.err = ""
	}
	return m, cmd
}

// toggle flips the choice or checkbox under the focus.
func (e *exportState) toggle() {
	switch e.focus {
	case exportFieldDest:
		e.dest = 1 - e.dest
	case exportFieldOption:
		old := "." + formats[e.format]
		e.format = (e.format + 1) % len(formats)
		p := strings.TrimSuffix(e.path.Value(), old)
		if formats[e.format] != "bundle" {
			p += "." + formats[e.format]
		}
		e.path.SetValue(p)
	case exportFieldCheck:
		if e.dest == destFile {
			e.force = !e.force
		} else {
			e.ack = !e.ack
		}
	}
	e.err = ""
}

// sinkFunc runs one export to its destination.
type sinkFunc func(context.Context, export.Request) (export.Summary, error)

// sink resolves the dialog's destination; on a problem it sets e.err, moves the focus
// where the fix goes and returns nil.
func (m *Model) sink() (sinkFunc, tea.Cmd) {
	e := &m.export
	if e.dest == destFile {
		opts := export.FileOptions{Path: strings.TrimSpace(e.path.Value()), Format: formats[e.format], Force: e.force}
		if opts.Path == "" {
			e.err = "a file path is needed"
			return nil, e.setFocus(exportFieldTarget)
		}
		return func(ctx context.Context, r export.Request) (export.Summary, error) {
			return export.ToFile(ctx, r, opts)
		}, nil
	}
	opts, err := export.ResolveHEC(export.HECTarget{
		Options: export.HECOptions{URL: e.url.Value(), Index: e.index.Value(), Ack: e.ack},
		Config:  m.src.Splunk, Cluster: m.src.ClusterName, Topic: m.src.Topic.Name, Typed: e.token.Value()})
	switch {
	case errors.Is(err, export.ErrNoHECURL):
		e.err = "a HEC URL is needed (…/services/collector/event), or a splunk: block in the config"
		return nil, e.setFocus(exportFieldTarget)
	case errors.Is(err, export.ErrNoHECToken):
		e.err = "type the HEC token (it is not saved), or set " + TokenEnv + " or a token in the config"
		return nil, e.setFocus(exportFieldToken)
	case err != nil:
		e.err = err.Error()
		return nil, nil
	}
	return func(ctx context.Context, r export.Request) (export.Summary, error) {
		return export.ToSplunk(ctx, r, opts)
	}, nil
}

// runExport starts the export in a Cmd fed from a snapshot of the selected records;
// progress comes back through a channel read by a Cmd re-armed per update.
func (m Model) runExport() (Model, tea.Cmd) {
	e := &m.export
	seqs, what := m.selection()
	if len(seqs) == 0 {
		e.err = "nothing to export"
		return m, nil
	}
	redact, err := export.ParseRedactions(splitPaths(e.redact.Value()))
	if err != nil {
		e.err = err.Error()
		return m, e.setFocus(exportFieldRedact)
	}
	sink, cmd := m.sink()
	if sink == nil {
		return m, cmd
	}
	e.token.SetValue("") // the export has it; the dialog does not keep it
	start, audit := m.exportStartDetails(len(seqs), what), m.audit

	e.id++
	// Not the pane's context: leaving the pane keeps the export running. FinishExport
	// cancels it when the explorer quits.
	ctx, cancel := context.WithCancel(context.Background())
	e.cancel, e.running, e.started = cancel, true, time.Now()
	e.progress, e.summary, e.failure, e.err = export.Progress{Total: int64(len(seqs))}, nil, nil, ""
	e.progCh, e.finished, e.result = make(chan export.Progress, 1), make(chan struct{}), &exportResult{}

	id, progCh, finished, result, snap, dec := e.id, e.progCh, e.finished, e.result, m.store.Snapshot(), m.dec
	capture := m.capture()
	feedCtx := ctx
	if e.dest == destSplunk {
		// On cancel what was not sent goes to the spool, all of it: marked records
		// cannot be read again by a resume.
		feedCtx = context.WithoutCancel(ctx)
	}
	run := func() tea.Msg {
		defer close(finished)
		defer cancel()
		if audit != nil {
			capture.Provenance.AuditEntry = audit("export-start", start)
		}
		batches := make(chan kafka.Batch, 4)
		go feed(feedCtx, snap, seqs, batches)
		req := export.Request{Records: batches, Total: int64(len(seqs)), Decoder: dec, Capture: capture, Redact: redact,
			Progress: func(p export.Progress) { latest(progCh, p) }}
		sum, err := sink(ctx, req)
		if audit != nil {
			audit("export", exportEndDetails(start, sum, err))
		}
		result.mu.Lock()
		result.sum, result.err = sum, err
		result.mu.Unlock()
		return exportDoneMsg{id: id, summary: sum, err: err}
	}
	return m, tea.Batch(run, waitProgress(id, progCh, finished))
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
	if e.summary.Unacked > 0 {
		s += fmt.Sprintf(" · %d NOT acknowledged", e.summary.Unacked)
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
