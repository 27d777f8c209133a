// Package messages is the explorer's messages pane: records streaming in, filter,
// detail, marks, timeline and the export dialog.
//
// The pane keeps raw records in a chunked store (store.go), decodes only what is on
// screen (table.go) or being filtered (filterbar.go), and does every slow thing in a
// tea.Cmd over copied values whose result carries the id of the request it answers.
package messages

import (
	"context"
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/kpeek/kpeek/config"
	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/kafka"
	"github.com/kpeek/kpeek/tui/common"
)

// Reader reads ranges of records; *kafka.Client is one.
type Reader interface {
	Read(ctx context.Context, req kafka.ReadRequest) (*kafka.Stream, error)
}

// Source is the topic the pane reads and what it needs to read and decode it.
type Source struct {
	Reader      Reader
	Decoder     *decode.Decoder
	Topic       kafka.TopicInfo
	ClusterName string
	ClusterID   string
	Bootstrap   []string
	Version     string         // kpeek version, for export manifests
	Splunk      *config.Splunk // the cluster's configured Splunk destination; nil if none
	// Window is the case window the start dialog offers ("" for DefaultWindow): the
	// frame passes the last one chosen, so every topic is read over the same hour.
	Window string
}

// Stream is a running read as the pane uses it; *kafka.Stream satisfies it.
type Stream interface {
	Batches() <-chan kafka.Batch
	Ranges() []kafka.PartitionRange
	// Stalled names the broker a followed read waits on while it does not answer; nil while
	// the read's brokers answer.
	Stalled() error
	Close() error
}

// ReadFunc starts a read; the pane calls it from a Cmd. Tests pass a fake.
type ReadFunc func(ctx context.Context, req kafka.ReadRequest) (Stream, error)

// Option configures the pane.
type Option func(*Model)

// WithReader replaces the Kafka client as the source of records (tests, replays).
func WithReader(read ReadFunc) Option { return func(m *Model) { m.read = read } }

// WithClock replaces the clock the pane reads "now" from (relative windows, widening).
func WithClock(now func() time.Time) Option { return func(m *Model) { m.now = now } }

// WithCap sets how many records the pane holds before it drops the oldest.
func WithCap(n int) Option { return func(m *Model) { m.store = newStore(n) } }

// Model is the messages pane.
type Model struct {
	c      *common.Common
	src    Source
	keys   keyMap
	styles common.MessagesStyles // used when the frame's Common has none
	dec    *decode.Decoder
	read   ReadFunc
	audit  AuditFunc                                                         // nil: no audit trail
	after  func(time.Duration, func(time.Time) tea.Msg) tea.Cmd              // tea.Tick; tests stop the clock
	now    func() time.Time                                                  // nil: time.Now
	wait   func(id int, ch <-chan kafka.Batch, gather time.Duration) tea.Cmd // waitBatch; tests never block

	ctx    context.Context // lives as long as the pane; Close cancels it
	cancel context.CancelFunc

	width, height int
	focused       bool // the cursor row is highlighted only while the pane has the keyboard

	store  *store
	rd     readState
	rows   rowCache
	ord    viewOrder            // the rows in the chosen order (time by default)
	win    window               // the window the last read was asked for
	spans  map[int32]offsetSpan // offsets loaded per partition, so widening never loads one twice
	jump   jumpState
	cols   []string // decoded fields shown as columns instead of VALUE
	colsIn columnsState
	local  bool // times in local time instead of UTC
	// which timestamp types the loaded records have: LogAppendTime is the broker's
	// clock, not the producer's, and an analyst must know which one they read
	tsCreate, tsLogAppend bool
	tl                    timeline

	cursor, top int  // cursor row and first visible row, in view order
	tail        bool // keep the cursor on the newest row as records arrive

	prompt   startPrompt
	filter   filterState
	warm     warmState
	marks    marks
	detail   detailState
	preview  detailState // the cursor record beside the table on a wide pane
	connLost error       // the frame cannot reach the cluster: a live read is stalled
	export   exportState
	scan     scanState

	notice string // a one-line message under the table (copied, dropped, ...)
}

// New returns the pane for src; Init opens the "where to start" prompt.
func New(c *common.Common, src Source, opts ...Option) Model {
	if c == nil {
		c = &common.Common{}
	}
	ctx, cancel := context.WithCancel(context.Background())
	m := Model{
		c:      c,
		src:    src,
		keys:   newKeyMap(c.Keys),
		styles: common.NewMessagesStyles(true),
		dec:    src.Decoder,
		after:  tea.Tick,
		wait:   waitBatch,
		ctx:    ctx,
		cancel: cancel,
		store:  newStore(DefaultCap),
		rows:   newRowCache(),
		width:  c.Width,
		height: c.Height,
	}
	if m.dec == nil {
		m.dec = decode.New()
	}
	if src.Reader != nil {
		reader := src.Reader
		m.read = func(ctx context.Context, req kafka.ReadRequest) (Stream, error) {
			s, err := reader.Read(ctx, req)
			if err != nil || s == nil {
				return nil, err
			}
			return s, nil
		}
	}
	for _, o := range opts {
		o(&m)
	}
	m.prompt = newStartPrompt(src.Topic, src.Window)
	if m.now != nil {
		m.prompt.now = m.now
	}
	m.filter = newFilterState()
	m.export = newExportState()
	return m
}

// Init starts the pane: the "where to start" prompt has the keyboard.
func (m Model) Init() tea.Cmd {
	return nil
}

// Update handles a message.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	var cmds []tea.Cmd
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		var cmd tea.Cmd
		wasRunning := m.export.running
		m, cmd = m.handleKey(msg)
		if m.export.running && !wasRunning {
			m.marks.exporting = m.marks.rev // what this export delivers
		}
		cmds = append(cmds, cmd)
	case readStartedMsg, batchMsg, tickMsg:
		var cmd tea.Cmd
		m, cmd = m.updateRead(msg)
		cmds = append(cmds, cmd)
	case rowsDecodedMsg:
		m.rows.add(msg)
	case filterDebounceMsg, filterResultMsg:
		var cmd tea.Cmd
		m, cmd = m.updateFilter(msg)
		cmds = append(cmds, cmd)
	case warmResultMsg:
		var cmd tea.Cmd
		m, cmd = m.updateWarm(msg)
		cmds = append(cmds, cmd)
	case detailLoadedMsg:
		m = m.updateDetail(msg)
	case previewLoadedMsg:
		m = m.updatePreview(msg)
	case ConnectionMsg:
		if m.connLost != nil && msg.Lost == nil && m.rd.live {
			m.notice = "connection restored: reading again"
		}
		m.connLost = msg.Lost
	case scanDoneMsg:
		var cmd tea.Cmd
		m, cmd = m.updateScan(msg)
		cmds = append(cmds, cmd)
	case exportProgressMsg, exportDoneMsg:
		if d, ok := msg.(exportDoneMsg); ok && d.id == m.export.id && d.err == nil && m.export.running {
			m.marks.exported = m.marks.exporting // the marks as they were when it started
		}
		var cmd tea.Cmd
		m, cmd = m.updateExport(msg)
		cmds = append(cmds, cmd)
	default:
		var cmd tea.Cmd
		m, cmd = m.updateWidgets(msg)
		cmds = append(cmds, cmd)
	}
	m = m.syncOrder()
	if m.tail {
		m.cursor = m.rowCount() - 1
	}
	m = m.clampCursor()
	cmds = append(cmds, m.decodeVisible())
	var preview tea.Cmd
	m, preview = m.syncPreview()
	cmds = append(cmds, preview)
	return m, tea.Batch(cmds...)
}

// handleKey routes a key: an open prompt or dialog first, then the detail view, the
// filter input, and finally the table.
func (m Model) handleKey(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	switch {
	case m.prompt.open:
		return m.promptKey(msg)
	case m.export.open:
		return m.exportKey(msg)
	case m.scan.open:
		return m.scanKey(msg)
	case m.detail.open:
		return m.detailKey(msg)
	case m.jump.open:
		return m.jumpKey(msg)
	case m.colsIn.open:
		return m.columnsKey(msg)
	case m.filter.typing:
		return m.filterKey(msg)
	}
	return m.tableKey(msg)
}

// updateWidgets forwards other messages (cursor blinks, progress frames) to the
// widget that is showing.
func (m Model) updateWidgets(msg tea.Msg) (Model, tea.Cmd) {
	var cmd tea.Cmd
	switch {
	case m.prompt.open:
		m.prompt, cmd = m.prompt.update(msg)
	case m.filter.typing:
		return m.filterInput(msg) // a paste edits the filter like typing does
	}
	return m, cmd
}

// View renders the pane at its size.
func (m Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	switch {
	case m.prompt.open:
		return m.frame(m.prompt.view(m.st(), m.width, m.height))
	case m.export.open:
		return m.frame(m.export.view(m.st(), m.width, m.askToken()))
	case m.scan.open:
		return m.scanView()
	case m.detail.open:
		return m.detail.view(m.st(), m.width)
	case m.split():
		return m.splitView()
	}
	return m.mainView()
}

// mainView is the counter line, the timeline, the filter line, the table and the notice.
func (m Model) mainView() string {
	var top []string
	top = append(top, m.counterLine())
	top = append(top, m.tl.view(m.st(), m.width, m.timelineHeight())...)
	top = append(top, m.filterLines()...)
	bottom := m.noticeLine()
	rows := m.tableHeight()
	lines := append(top, m.tableView(rows)...)
	if bottom != "" {
		lines = append(lines, bottom)
	}
	return common.Box(strings.Join(lines, "\n"), m.width, m.height)
}

// frame places a dialog at the top of the pane.
func (m Model) frame(s string) string {
	return common.Box(s, m.width, m.height)
}

// st is the pane's styles, read from Common at each use: the frame replaces them
// when the terminal reports its background.
func (m Model) st() common.MessagesStyles {
	if m.c.Styles != nil && m.c.Styles.Messages.ChromaStyle != "" {
		return m.c.Styles.Messages
	}
	return m.styles
}

// AtRoot is true when esc has nothing left to close in the pane, so the frame may
// take it to leave the pane.
func (m Model) AtRoot() bool {
	return !m.CapturesInput() && !m.detail.open && !m.scan.open && !m.filter.active() && m.filter.err == "" && !m.marks.anchoring
}

// SetSize sets the pane's size.
func (m Model) SetSize(width, height int) Model {
	m.width, m.height = width, height
	m.filter.input.SetWidth(max(10, width-30)) // room for the match count
	m.detail = m.detail.setSize(width, height)
	if m.preview.open {
		_, rw := m.splitWidths()
		m.preview = m.preview.setSize(rw, height)
	}
	m.export = m.export.setWidth(width)
	return m.clampCursor()
}

// Focus gives the pane the keyboard.
func (m Model) Focus() Model {
	m.focused = true
	return m
}

// Blur takes the keyboard away.
func (m Model) Blur() Model {
	m.focused = false
	return m
}

// Close cancels the pane's reads (not a running export).
func (m Model) Close() {
	m.rd.stop()
	if m.filter.cancel != nil {
		m.filter.cancel()
	}
	if m.scan.cancel != nil {
		m.scan.cancel()
	}
	if m.cancel != nil {
		m.cancel() // an export runs under its own context and keeps going
	}
}

// CapturesInput is true while a text input or dialog in the pane has the keyboard, so
// the frame must route every key here (q typed in a filter never quits). The detail
// view does not capture: q, ? and tab work there; AtRoot keeps esc for it.
func (m Model) CapturesInput() bool {
	return m.prompt.open || m.filter.typing || m.export.open || m.jump.open || m.colsIn.open
}

// Busy is true while an export is running (the frame asks before quitting).
func (m Model) Busy() bool { return m.export.running }

// ConnectionMsg tells the pane the frame lost the cluster (Lost set) or has it back.
type ConnectionMsg struct{ Lost error }

// Marks is how many marked records no export has delivered yet; the frame asks
// before discarding them.
func (m Model) Marks() int {
	if m.marks.rev == m.marks.exported {
		return 0
	}
	return m.marks.count
}

// Status is the pane's part of the status line (marks, counters).
func (m Model) Status() string {
	parts := []string{fmt.Sprintf("%s loaded", thousands(int64(m.store.Len())))}
	if m.filter.active() {
		parts = append(parts, fmt.Sprintf("%s match", thousands(int64(len(m.filter.matches)))))
	}
	if m.marks.count > 0 {
		parts = append(parts, m.marks.summary)
	}
	if m.export.running {
		parts = append(parts, "exporting "+m.export.progressText())
	}
	return strings.Join(parts, " · ")
}

// Topic is the topic the pane reads.
func (m Model) Topic() string { return m.src.Topic.Name }
