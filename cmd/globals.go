package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/kpeek/kpeek/config"
	"github.com/kpeek/kpeek/export"
	"github.com/kpeek/kpeek/export/audit"
	"github.com/kpeek/kpeek/kafka"
	"github.com/kpeek/kpeek/kafka/demo"
)

// globals are the flags every command shares and what they resolve to.
type globals struct {
	stdout, stderr io.Writer
	version        string   // this build, for manifests
	args           []string // the command line as given (without the program name), for manifests
	// stderrTTY says stderr is a terminal, where progress lines are redrawn in place.
	stderrTTY bool

	demo           bool
	brokers        string
	cluster        string
	configPath     string
	props          []string
	propFiles      []string
	schemaRegistry string
	debug          bool

	// The analyst's audit trail, opened on first use (cmd/audit.go).
	auditLog    *audit.Log
	auditFailed bool // said once; no more tries
	explorer    bool // the explorer owns the terminal: warnings go to the debug log

	conf    *config.File // loaded on first use
	logger  *slog.Logger
	logFile *os.File
	demoC   *demo.Cluster
}

func (g *globals) close() {
	if g.demoC != nil {
		g.demoC.Close()
	}
	if g.logFile != nil {
		g.logFile.Close()
	}
}

// setupLogger sends logs to stderr (headless) or a file (explorer) when --debug is on.
func (g *globals) setupLogger(toFile bool) error {
	if !g.debug {
		g.logger = slog.New(slog.DiscardHandler)
		return nil
	}
	if !toFile {
		g.logger = slog.New(slog.NewTextHandler(g.stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
		return nil
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	path := filepath.Join(dir, "kpeek", "debug.log")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("create debug log folder: %w", err)
	}
	fh, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("open debug log: %w", err)
	}
	g.logFile = fh
	g.logger = slog.New(slog.NewTextHandler(fh, &slog.HandlerOptions{Level: slog.LevelDebug}))
	fmt.Fprintf(g.stderr, "kpeek: debug log at %s\n", path)
	return nil
}

// config loads the config file once (a missing default file is an empty config).
func (g *globals) config() (*config.File, error) {
	if g.conf == nil {
		conf, err := config.LoadFile(config.Path(g.configPath))
		if err != nil {
			return nil, err
		}
		g.conf = conf
	}
	return g.conf, nil
}

// clusterConfigs resolves which clusters the flags name. For the explorer with no
// selection it returns every configured cluster; headless commands need exactly one.
func (g *globals) clusterConfigs(ctx context.Context, needOne bool) ([]config.Cluster, error) {
	chosen := 0
	for _, set := range []bool{g.demo, g.brokers != "", g.cluster != ""} {
		if set {
			chosen++
		}
	}
	if chosen > 1 {
		return nil, usageError{errors.New("choose one of --demo, -b and -c")}
	}
	if g.demo {
		c, err := demo.Start(ctx, demo.WithLogger(g.logger))
		if err != nil {
			return nil, fmt.Errorf("start demo cluster: %w", err)
		}
		g.demoC = c
		return []config.Cluster{c.ClusterConfig()}, nil
	}
	conf := &config.File{}
	if g.brokers == "" {
		var err error
		if conf, err = g.config(); err != nil {
			return nil, err
		}
	}
	cfgs, err := config.Resolve(conf, config.Selection{Brokers: splitList(g.brokers), Cluster: g.cluster,
		Properties: g.props, PropertyFiles: g.propFiles, SchemaRegistry: g.schemaRegistry}, needOne)
	if err != nil {
		return nil, usageError{err}
	}
	return cfgs, nil
}

// connect resolves exactly one cluster and connects to it.
func (g *globals) connect(ctx context.Context) (*kafka.Client, config.Cluster, error) {
	if err := g.setupLogger(false); err != nil {
		return nil, config.Cluster{}, err
	}
	cfgs, err := g.clusterConfigs(ctx, true)
	if err != nil {
		return nil, config.Cluster{}, err
	}
	cfg := cfgs[0]
	// Said before connecting, so a downgrade is known even when the connection then fails.
	for _, w := range cfg.Warnings() {
		fmt.Fprintf(g.stderr, "kpeek: warning: %s\n", oneLine(w))
	}
	stop := g.waitLine(strings.Join(cfg.Brokers, ","), cfg.SocketTimeout())
	cl, err := kafka.New(ctx, cfg.Connection, kafka.WithLogger(g.logger))
	stop()
	if err != nil {
		return nil, cfg, err
	}
	for _, n := range cl.Notes() {
		g.note(n)
	}
	g.auditConnect(cfg)
	return cl, cfg, nil
}

// report prints how an export ended on stderr, over the progress line if there is one.
func (g *globals) report(s export.Summary) {
	clear := ""
	if g.stderrTTY {
		clear = "\r\x1b[K"
	}
	for _, line := range s.Report() {
		if g.logger != nil { // also logged: after SIGHUP the terminal that stderr was is gone
			g.logger.Info(oneLine(line))
		}
		fmt.Fprintf(g.stderr, "%s%s\n", clear, oneLine(line))
	}
}

// waitLine shows, on a terminal, that kpeek is waiting for brokers once the wait passes a
// second, so a silent broker is never a silent kpeek; stop clears the line.
func (g *globals) waitLine(brokers string, limit time.Duration) (stop func()) {
	if !g.stderrTTY {
		return func() {}
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		start := time.Now()
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		drawn := false
		for {
			select {
			case <-done:
				if drawn {
					fmt.Fprint(g.stderr, "\r\x1b[K")
				}
				return
			case <-tick.C:
				drawn = true
				fmt.Fprintf(g.stderr, "\r\x1b[Kkpeek: waiting for %s to answer… %ds (gives up after %s)",
					oneLine(brokers), int(time.Since(start).Seconds()), limit)
			}
		}
	}()
	return func() { close(done); <-finished }
}

// note tells the user on stderr about something the result cannot show, such as what the
// account is not authorized to see.
func (g *globals) note(msg string) {
	fmt.Fprintf(g.stderr, "kpeek: note: %s\n", oneLine(msg))
}

// streamingGCPercent is the garbage-collection target of commands that stream records
// (consume, export, sweep, scan). Their live heap is small and bounded by the read's
// buffers, while every record read turns into garbage: twice the default target cuts the
// collector's CPU by about a tenth of the whole read (1M records: 0.66 → 0.58 CPU-s) for
// about 20 MB more resident memory.
const streamingGCPercent = 200
