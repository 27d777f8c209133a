package tui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"

	"github.com/kpeek/kpeek/config"
	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/kafka"
	"github.com/kpeek/kpeek/tui/common"
	"github.com/kpeek/kpeek/tui/groups"
	"github.com/kpeek/kpeek/tui/messages"
	"github.com/kpeek/kpeek/tui/nav"
	"github.com/kpeek/kpeek/tui/overview"
	"github.com/kpeek/kpeek/tui/schemas"
	"github.com/kpeek/kpeek/tui/sweep"
	"github.com/kpeek/kpeek/tui/topics"
)

// page is what the main pane shows.
type page int

const (
	pageOverview page = iota
	pageTopics
	pageGroups
	pageMessages
	pageSweep
	pageSchemas
)

// conn is the cluster the explorer is connected (or connecting) to.
type conn struct {
	req     int // the connect request this state answers; results for others are stale
	cfg     config.Cluster
	state   nav.ConnState
	cluster Cluster
	info    kafka.ClusterInfo
	dec     *decode.Decoder
	err     error
	// in flight, so a slow cluster gets one listing at a time
	fetchingTopics, fetchingGroups bool
	// why the last listing failed; cleared by the next one that works
	topicsErr, groupsErr error
	// security warnings of the connection (TLS verification off, ...) and what the
	// account may not see; both stay on the status line
	warnings []string
	denied   string
	// liveness: a probe in flight, and since when the cluster has not answered
	probing bool
	lost    error
	lostAt  time.Time
}

// App is the explorer's root model: it owns the pages, the focus and the connection.
type App struct {
	c       *common.Common
	ctx     context.Context
	opts    Options
	connect connectFunc
	now     func() time.Time
	noColor bool

	conn      conn
	lastReq   int
	nav       nav.Model
	overview  overview.Model
	topics    topics.Model
	groups    groups.Model
	sweep     sweep.Model
	schemas   schemas.Model
	msgs      *messages.Model       // the open messages pane, nil when none
	msgsTopic string                // the topic it reads
	msgsID    int                   // the open pane's id: its Cmds' results are routed back to it alone
	lastPane  int                   // the last pane id handed out
	parked    []keptPane            // panes left while an export runs; they keep receiving messages
	kept      []keptPane            // panes left recently, oldest first; opening their topic restores them
	forgotten []string              // topics whose kept pane was dropped to make room
	msgOpts   []messages.Option     // given to every messages pane after the frame's own (tests: a reader of fixed records)
	ticker    func(req int) tea.Cmd // arms the refresh timer

	page         page
	navFocused   bool
	showHelp     bool
	confirmQuit  bool   // asking before quitting: an export runs or marks are unexported
	confirmLeave bool   // asking before leaving a messages pane with marks
	intro        string // the demo's one line on what to investigate, until a topic is opened
	window       string // the case window last chosen (resolved); every topic opens on it
	hint         string // a one-shot note for the status line (restored, opened afresh); the next key clears it
	notice       string // the last error or warning for the status line
	help         help.Model
}

// newApp builds the root model; connect opens clusters (tests pass a fake).
func newApp(ctx context.Context, opts Options, connect connectFunc) App {
	noColor := os.Getenv("NO_COLOR") != ""
	c := common.New(opts.Logger)
	c.Styles = common.NewStyles(true, noColor)
	names := make([]string, len(opts.Clusters))
	for i, cfg := range opts.Clusters {
		names[i] = cfg.Name
	}
	a := App{
		c: c, ctx: ctx, opts: opts, connect: connect, now: time.Now, noColor: noColor,
		nav:        nav.New(c, names).Focus(),
		overview:   overview.New(c),
		topics:     topics.New(c),
		groups:     groups.New(c),
		sweep:      sweep.New(c),
		schemas:    schemas.New(c),
		help:       help.New(),
		ticker:     refreshCmd,
		navFocused: true,
	}
	if opts.Demo {
		a.intro, a.window = demoIntro, demoWindow(time.Now())
		a.sweep = a.sweep.OfferWindow(a.window)
	}
	if len(opts.Clusters) == 0 {
		a.notice = "no clusters configured: start with --demo, -b HOST:PORT or a config file"
	}
	return a
}

// Init asks the terminal for its background and connects to the initial cluster.
func (a App) Init() tea.Cmd {
	if a.opts.Initial == "" {
		return tea.RequestBackgroundColor
	}
	return tea.Batch(tea.RequestBackgroundColor, func() tea.Msg {
		return nav.OpenClusterMsg{Name: a.opts.Initial}
	})
}

// Update handles one message.
func (a App) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		a.c.Width, a.c.Height = msg.Width, msg.Height
		return a.layout(), nil
	case tea.BackgroundColorMsg:
		*a.c.Styles = *common.NewStyles(msg.IsDark(), a.noColor)
		return a, nil
	case tea.KeyPressMsg:
		return a.handleKey(msg)
	case nav.OpenClusterMsg:
		return a.openCluster(msg.Name)
	case nav.OpenViewMsg:
		a = a.showView(msg.View)
		var cmd tea.Cmd
		if msg.View == nav.Schemas {
			a.schemas, cmd = a.schemas.Load()
		}
		return a, cmd
	case topics.OpenMsg:
		return a.openTopic(msg.Topic)
	case sweep.OpenMsg:
		return a.openSweepHit(msg)
	case groups.OpenRecordsMsg:
		return a.openGroupRecords(msg)
	case topics.ReadersMsg:
		var cmd tea.Cmd
		a.groups, cmd = a.groups.ShowReaders(msg.Topic)
		return a.show(pageGroups).focusMain(), cmd
	case connectedMsg:
		return a.connected(msg)
	case topicsMsg:
		return a.gotTopics(msg)
	case groupsMsg:
		return a.gotGroups(msg)
	case refreshMsg:
		return a.refresh(msg)
	case probeMsg:
		return a.probed(msg)
	case paneMsg:
		return a.route(msg)
	}
	return a.forward(msg)
}

// forward passes other messages (stream batches, cursor blinks) to the panes that may
// be waiting for them.
func (a App) forward(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmds []tea.Cmd
	if a.msgs != nil {
		m, cmd := a.msgs.Update(msg)
		a.msgs = &m
		cmds = append(cmds, tagCmd(a.msgsID, cmd))
	}
	busy := a.parked[:0:0]
	for _, p := range a.parked {
		var cmd tea.Cmd
		p.pane, cmd = p.pane.Update(msg)
		cmds = append(cmds, tagCmd(p.id, cmd))
		if p.pane.Busy() {
			busy = append(busy, p)
		}
	}
	a.parked = busy
	if _, typed := msg.(tea.PasteMsg); len(a.kept) > 0 && !typed { // a paste is for the pane on screen
		a.kept = slices.Clone(a.kept)
		for i := range a.kept {
			var cmd tea.Cmd
			a.kept[i].pane, cmd = a.kept[i].pane.Update(msg)
			cmds = append(cmds, tagCmd(a.kept[i].id, cmd))
		}
	}
	var cmd tea.Cmd
	switch a.page {
	case pageTopics:
		a.topics, cmd = a.topics.Update(msg)
	case pageGroups:
		a.groups, cmd = a.groups.Update(msg)
	}
	var sweepCmd, schemasCmd tea.Cmd // a sweep reports back even while another page shows
	a.sweep, sweepCmd = a.sweep.Update(msg)
	a.schemas, schemasCmd = a.schemas.Update(msg) // so does the registry
	return a, tea.Batch(append(cmds, cmd, sweepCmd, schemasCmd)...)
}

func (a App) cfgNamed(name string) (config.Cluster, bool) {
	for _, c := range a.opts.Clusters {
		if c.Name == name {
			return c, true
		}
	}
	return config.Cluster{}, false
}

// openCluster connects to a cluster, dropping the current one; selecting the cluster
// already connected just shows its overview.
func (a App) openCluster(name string) (tea.Model, tea.Cmd) {
	cfg, ok := a.cfgNamed(name)
	if !ok {
		a.notice = fmt.Sprintf("cluster %q is not configured", name)
		return a, nil
	}
	if a.conn.cfg.Name == name && a.conn.state == nav.Connected {
		return a.show(pageOverview), nil
	}
	cmds := []tea.Cmd{closeCmd(a.conn.cluster, a.c.Logger)}
	a = a.closeMessages().dropKept()
	a.lastReq++
	a.conn = conn{req: a.lastReq, cfg: cfg, state: nav.Connecting}
	a.notice = ""
	a.topics, a.groups, a.sweep = a.topics.Reset(), a.groups.Reset(), a.sweep.SetSource(nil, nil)
	a.schemas = a.schemas.SetUnavailable("not connected to " + name)
	a.nav = a.nav.SetCluster(name, nav.Connecting).SetCount(nav.Topics, "").SetCount(nav.Groups, "")
	a.c.Logger.Debug("connect", "cluster", name, "req", a.conn.req)
	cmds = append(cmds, connectCmd(a.ctx, a.conn.req, cfg, a.connect, a.opts.NewDecoder, a.c.Logger))
	return a.show(pageOverview).syncOverview(), tea.Batch(cmds...)
}

func (a App) connected(msg connectedMsg) (tea.Model, tea.Cmd) {
	if msg.req != a.conn.req {
		a.c.Logger.Debug("drop stale connect result", "req", msg.req, "current", a.conn.req)
		return a, closeCmd(msg.cluster, a.c.Logger)
	}
	name := a.conn.cfg.Name
	if msg.err != nil {
		a.c.Logger.Debug("connect failed", "cluster", name, "err", msg.err)
		a.conn.state, a.conn.err = nav.Failed, msg.err
		a.nav = a.nav.SetCluster(name, nav.Failed)
		a.notice = "cannot connect to " + name + ": " + msg.err.Error()
		return a.syncOverview(), nil
	}
	a.conn.state, a.conn.cluster, a.conn.info, a.conn.dec = nav.Connected, msg.cluster, msg.info, msg.dec
	a.groups = a.groups.SetSources(a.ctx, groups.SourcesFrom(msg.cluster))
	if client, ok := msg.cluster.(*kafka.Client); ok {
		a.sweep = a.sweep.SetSource(client, msg.dec)
	}
	if w, ok := msg.cluster.(interface{ Warnings() []string }); ok {
		a.conn.warnings = w.Warnings()
	}
	a.schemas = schemasFrom(a.ctx, a.schemas, msg)
	if msg.decErr != nil {
		a.notice = "decoding falls back to plain formats: " + msg.decErr.Error()
	}
	a.nav = a.nav.SetCluster(name, nav.Connected).SelectView(nav.Topics)
	a = a.syncOverview()
	if a.page == pageOverview {
		a = a.show(pageTopics).focusMain()
	}
	return a.fetch()
}

// fetch lists topics and groups unless a listing is already on its way, and re-arms the timer.
func (a App) fetch() (App, tea.Cmd) { return a.fetchSome(true, true) }

// fetchSome lists what was asked for, skipping listings already on their way.
func (a App) fetchSome(topics, groups bool) (App, tea.Cmd) {
	cmds := []tea.Cmd{a.ticker(a.conn.req)}
	if topics && !a.conn.fetchingTopics {
		a.conn.fetchingTopics = true
		cmds = append(cmds, topicsCmd(a.ctx, a.conn.req, a.conn.cluster, a.now))
	}
	if groups && !a.conn.fetchingGroups {
		a.conn.fetchingGroups = true
		cmds = append(cmds, groupsCmd(a.ctx, a.conn.req, a.conn.cluster))
	}
	return a, tea.Batch(cmds...)
}

func (a App) refresh(msg refreshMsg) (tea.Model, tea.Cmd) {
	if msg.req != a.conn.req || a.conn.state != nav.Connected {
		return a, nil
	}
	// Only what is on screen refreshes, to spare a production cluster: describing every
	// group's offsets is the expensive call. A rate over a longer gap is still a true average.
	// A metadata probe runs on every page, so a dead broker shows within seconds even
	// while the messages pane follows a topic.
	a, cmd := a.fetchSome(a.page == pageTopics || a.page == pageOverview, a.page == pageGroups)
	if a.conn.probing {
		return a, cmd
	}
	a.conn.probing = true
	return a, tea.Batch(cmd, probeCmd(a.ctx, a.conn.req, a.conn.cluster, a.now))
}

// probed records whether the cluster answered, and tells the messages panes when
// the connection is lost or back.
func (a App) probed(msg probeMsg) (tea.Model, tea.Cmd) {
	if msg.req != a.conn.req {
		return a, nil
	}
	a.conn.probing = false
	switch {
	case msg.err != nil && a.conn.lost == nil:
		a.c.Logger.Debug("connection lost", "cluster", a.conn.cfg.Name, "err", msg.err)
		a.conn.lost, a.conn.lostAt = msg.err, msg.at
		return a.forward(messages.ConnectionMsg{Lost: msg.err})
	case msg.err != nil:
		a.conn.lost = msg.err // the latest reason
	case a.conn.lost != nil:
		a.hint = fmt.Sprintf("connection restored after %s", msg.at.Sub(a.conn.lostAt).Round(time.Second))
		a.conn.lost = nil
		return a.forward(messages.ConnectionMsg{})
	}
	return a, nil
}

func (a App) gotTopics(msg topicsMsg) (tea.Model, tea.Cmd) {
	if msg.req != a.conn.req {
		return a, nil
	}
	a.conn.fetchingTopics = false
	if msg.err != nil {
		a.c.Logger.Debug("list topics", "err", msg.err)
		a.conn.topicsErr = fmt.Errorf("list topics: %w", msg.err)
		a.topics = a.topics.SetError(msg.err)
		return a, nil
	}
	a.conn.topicsErr = nil
	a.conn.denied = deniedNote(msg.topics)
	a.topics = a.topics.SetTopics(msg.topics, msg.at)
	a.nav = a.nav.SetCount(nav.Topics, fmt.Sprint(len(msg.topics.WithoutInternal())))
	return a, nil
}

func (a App) gotGroups(msg groupsMsg) (tea.Model, tea.Cmd) {
	if msg.req != a.conn.req {
		return a, nil
	}
	a.conn.fetchingGroups = false
	if msg.err != nil {
		a.c.Logger.Debug("list groups", "err", msg.err)
		a.conn.groupsErr = fmt.Errorf("list consumer groups: %w", msg.err)
		a.groups = a.groups.SetError(msg.err)
		return a, nil
	}
	a.conn.groupsErr = nil
	a.groups = a.groups.SetGroups(msg.groups)
	a.nav = a.nav.SetCount(nav.Groups, fmt.Sprint(len(msg.groups)))
	return a, nil
}

func (a App) syncOverview() App {
	st := overview.State{Name: a.conn.cfg.Name, Bootstrap: a.conn.cfg.Brokers,
		Connecting: a.conn.state == nav.Connecting, Err: a.conn.err}
	if a.conn.state == nav.Connected {
		info := a.conn.info
		st.Info = &info
		if b := a.conn.cluster.Bootstrap(); len(b) > 0 {
			st.Bootstrap = b
		}
	}
	a.overview = a.overview.SetState(st)
	return a
}

// openTopic opens the messages pane on a topic.
func (a App) openTopic(t kafka.TopicInfo) (tea.Model, tea.Cmd) {
	if a.conn.state != nav.Connected {
		return a, nil
	}
	a = a.leaveMessages()
	a.intro = "" // read; the row goes back to the panes (layout below, in show)
	var kept *keptPane
	a, kept, a.hint = a.restore(t.Name)
	a.msgsTopic = t.Name
	if kept != nil {
		a.msgs, a.msgsID = new(kept.pane.SetSize(a.mainSize())), kept.id
		a.hint = "restored " + decode.Sanitize(t.Name) + " as you left it"
		return a.show(pageMessages).focusMain(), nil
	}
	opts := append([]messages.Option{messages.WithCap(a.opts.MaxRecords), messages.WithAudit(a.opts.Audit)}, a.msgOpts...)
	a.msgs = new(messages.New(a.c, messages.Source{
		Reader: a.conn.cluster, Decoder: a.conn.dec, Topic: t, ClusterName: a.conn.cfg.Name,
		ClusterID: a.conn.info.ID, Bootstrap: a.conn.cluster.Bootstrap(), Version: a.opts.Version,
		Splunk: a.conn.cfg.Splunk,
		Window: a.window,
	}, opts...).SetSize(a.mainSize()))
	a.lastPane++
	a.msgsID = a.lastPane
	a = a.show(pageMessages).focusMain()
	return a, tagCmd(a.msgsID, a.msgs.Init())
}

// closeMessages leaves the messages pane; one whose export still runs is parked so
// the export finishes, reports back and quitting still asks.
func (a App) closeMessages() App {
	if a.msgs == nil {
		return a
	}
	m := a.msgs.Blur()
	m.Close() // stops the reads; a running export goes on
	if m.Busy() {
		a.parked = append(a.parked, keptPane{topic: a.msgsTopic, pane: m, id: a.msgsID})
	}
	a.msgs = nil
	if a.page == pageMessages {
		a.page = pageTopics
	}
	return a
}

// busy reports whether quitting now would abandon an export.
func (a App) busy() bool {
	if a.msgs != nil && a.msgs.Busy() {
		return true
	}
	for _, k := range a.kept {
		if k.pane.Busy() {
			return true
		}
	}
	for _, p := range a.parked {
		if p.pane.Busy() {
			return true
		}
	}
	return false
}

// exportStopWait bounds how long quitting waits for a running export to stop: its
// in-flight batches end and the rest is spooled.
const exportStopWait = 10 * time.Second

// shutdown releases everything once the program has ended. Exports still running are
// stopped; the error says how they ended and where their spools are.
func (a App) shutdown() error {
	var reports []string
	a.sweep.Close()
	var panes []messages.Model
	if a.msgs != nil {
		panes = append(panes, *a.msgs)
	}
	for _, p := range a.parked {
		panes = append(panes, p.pane)
	}
	// All exports stop at once: quitting waits for the slowest, not for the sum.
	stopped := make([]string, len(panes))
	var wg sync.WaitGroup
	for i, p := range panes {
		wg.Go(func() { stopped[i] = p.FinishExport(exportStopWait) })
	}
	wg.Wait()
	for i, p := range panes {
		if stopped[i] != "" {
			reports = append(reports, stopped[i])
		}
		p.Close()
	}
	a.dropKept()
	if a.conn.cluster != nil {
		_ = a.conn.cluster.Close()
	}
	if len(reports) > 0 {
		return errors.New(strings.Join(reports, "; "))
	}
	return nil
}
