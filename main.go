// Command kpeek shows what is inside Apache Kafka right now and ships it as evidence.
// main.go holds the command line: flags, config load, wiring, and errors mapped to exit codes.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/decode/filter"
	"github.com/kpeek/kpeek/export"
	"github.com/kpeek/kpeek/kafka"
	"github.com/kpeek/kpeek/kafka/demo"
	"github.com/kpeek/kpeek/tui"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// Exit codes.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
	// exitTampered means kpeek verify found evidence that changed since capture.
	exitTampered = 3
	exitInt      = 130
)

func main() {
	version = buildVersion(version)
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// buildVersion names this build for manifests: the -ldflags version, else the module
// version `go install` recorded, else the VCS revision `go build` in a clone recorded.
func buildVersion(v string) string {
	info, ok := debug.ReadBuildInfo()
	if v != "dev" || !ok {
		return v
	}
	if mv := info.Main.Version; mv != "" && mv != "(devel)" {
		return mv
	}
	rev, dirty := "", false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return v
	}
	v = "dev-" + rev[:min(12, len(rev))]
	if dirty {
		v += "-dirty"
	}
	return v
}

// usageError marks errors in how kpeek was called.
type usageError struct{ error }

// run executes kpeek with args and returns the exit code; it never panics to the user.
func run(args []string, stdout, stderr io.Writer) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "kpeek: internal error: %v (run with --debug and report it)\n", r)
			code = exitError
		}
	}()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	g := &globals{stdout: stdout, stderr: stderr}
	root := newRootCmd(g)
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	g.close()
	if err == nil {
		return exitOK
	}
	fmt.Fprintf(stderr, "kpeek: %s\n", oneLine(err.Error()))
	var ue usageError
	switch {
	case errors.As(err, &ue):
		return exitUsage
	case errors.Is(err, export.ErrBundleChanged):
		return exitTampered
	case ctx.Err() != nil:
		return exitInt
	}
	return exitError
}

// oneLine keeps an error to one line so a terminal shows it whole.
func oneLine(s string) string {
	return strings.Join(strings.Fields(decode.Sanitize(s)), " ")
}

// globals are the flags every command shares and what they resolve to.
type globals struct {
	stdout, stderr io.Writer

	demo           bool
	brokers        string
	cluster        string
	configPath     string
	props          []string
	propFiles      []string
	schemaRegistry string
	debug          bool

	conf    *kafka.Config // loaded on first use
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

func newRootCmd(g *globals) *cobra.Command {
	root := &cobra.Command{
		Use:   "kpeek",
		Short: "See what is inside Kafka right now, find the records that matter, ship them as evidence",
		Long: "kpeek is a read-only Kafka explorer for incident response.\n" +
			"Run bare it opens the explorer; every view also exists as a headless command.",
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          noArgs,
		RunE:          func(cmd *cobra.Command, _ []string) error { return runExplorer(cmd.Context(), g) },
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	f := root.PersistentFlags()
	f.BoolVar(&g.demo, "demo", false, "use the embedded demo cluster and schema registry")
	f.StringVarP(&g.brokers, "brokers", "b", "", "bootstrap brokers, HOST:PORT[,HOST:PORT]")
	f.StringVarP(&g.cluster, "cluster", "c", "", "a cluster named in the config file")
	f.StringVar(&g.configPath, "config", "", "config file (default $KPEEK_CONFIG, else the user config dir's kpeek/config.yaml)")
	f.StringArrayVarP(&g.props, "property", "X", nil, "client property key=value (librdkafka/Java names), repeatable")
	f.StringArrayVarP(&g.propFiles, "properties-file", "F", nil, "client.properties file, repeatable")
	f.StringVar(&g.schemaRegistry, "schema-registry", "", "schema registry URL")
	f.BoolVar(&g.debug, "debug", false, "log diagnostics (to stderr for commands, to a file for the explorer)")

	root.AddCommand(newTopicsCmd(g), newGroupsCmd(g), newConsumeCmd(g), newExportCmd(g),
		newVerifyCmd(g), newDemoCmd(g), newVersionCmd())
	return root
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
func (g *globals) config() (*kafka.Config, error) {
	if g.conf == nil {
		conf, err := kafka.LoadConfigFile(kafka.ConfigPath(g.configPath))
		if err != nil {
			return nil, err
		}
		g.conf = conf
	}
	return g.conf, nil
}

// clusterConfigs resolves which clusters the flags name. For the explorer with no
// selection it returns every configured cluster; headless commands need exactly one.
func (g *globals) clusterConfigs(ctx context.Context, needOne bool) ([]kafka.ClusterConfig, error) {
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
		return []kafka.ClusterConfig{c.ClusterConfig()}, nil
	}
	conf := &kafka.Config{}
	if g.brokers == "" {
		var err error
		if conf, err = g.config(); err != nil {
			return nil, err
		}
	}
	cfgs, err := kafka.Resolve(conf, kafka.Selection{Brokers: splitList(g.brokers), Cluster: g.cluster,
		Properties: g.props, PropertyFiles: g.propFiles, SchemaRegistry: g.schemaRegistry}, needOne)
	if err != nil {
		return nil, usageError{err}
	}
	return cfgs, nil
}

// connect resolves exactly one cluster and connects to it.
func (g *globals) connect(ctx context.Context) (*kafka.Client, kafka.ClusterConfig, error) {
	if err := g.setupLogger(false); err != nil {
		return nil, kafka.ClusterConfig{}, err
	}
	cfgs, err := g.clusterConfigs(ctx, true)
	if err != nil {
		return nil, kafka.ClusterConfig{}, err
	}
	cfg := cfgs[0]
	cl, err := kafka.New(ctx, cfg, kafka.WithLogger(g.logger))
	if err != nil {
		return nil, cfg, err
	}
	for _, w := range cl.Warnings() {
		fmt.Fprintf(g.stderr, "kpeek: warning: %s\n", oneLine(w))
	}
	return cl, cfg, nil
}

func runExplorer(ctx context.Context, g *globals) error {
	if err := g.setupLogger(true); err != nil {
		return err
	}
	cfgs, err := g.clusterConfigs(ctx, false)
	if err != nil {
		return err
	}
	initial := ""
	if len(cfgs) == 1 {
		initial = cfgs[0].Name
	}
	conf, err := g.config()
	if err != nil {
		return err
	}
	return tui.Run(ctx, tui.Options{
		Clusters: cfgs,
		Initial:  initial,
		NewDecoder: func(c kafka.ClusterConfig) (*decode.Decoder, error) {
			return decode.FromConfig(decode.Config{Registry: c.SchemaRegistry, Topics: c.Topics, Logger: g.logger})
		},
		Logger:     g.logger,
		Version:    version,
		MaxRecords: conf.Explorer.MaxRecords,
	})
}

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print kpeek's version",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintln(cmd.OutOrStdout(), "kpeek", version)
			return nil
		},
	}
}

func newTopicsCmd(g *globals) *cobra.Command {
	var output string
	var internal bool
	cmd := &cobra.Command{
		Use:   "topics",
		Short: "List topics with partitions, record counts and retention",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkChoice("-o", output, export.ListingFormats...); err != nil {
				return err
			}
			cl, _, err := g.connect(cmd.Context())
			if err != nil {
				return err
			}
			defer cl.Close()
			topics, err := cl.Topics(cmd.Context())
			if err != nil {
				return err
			}
			if !internal {
				topics = topics.WithoutInternal()
			}
			return export.WriteTopics(g.stdout, topics, output)
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "table", "table or json")
	cmd.Flags().BoolVar(&internal, "internal", false, "include internal topics (__consumer_offsets, ...)")
	return cmd
}

func newGroupsCmd(g *globals) *cobra.Command {
	var output, topic string
	cmd := &cobra.Command{
		Use:   "groups",
		Short: "List consumer groups with state, members and lag",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkChoice("-o", output, export.ListingFormats...); err != nil {
				return err
			}
			cl, _, err := g.connect(cmd.Context())
			if err != nil {
				return err
			}
			defer cl.Close()
			groups, err := cl.Groups(cmd.Context())
			if err != nil {
				return err
			}
			if topic != "" {
				groups = groups.Reading(topic)
			}
			return export.WriteGroups(g.stdout, groups, output)
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "table", "table or json")
	cmd.Flags().StringVarP(&topic, "topic", "t", "", "only groups that read this topic")
	return cmd
}

// selection is the record selection shared by consume and export.
type selection struct {
	topic       string
	from, to    string
	partitions  string
	max         int64
	follow      bool
	filter      string
	keyFormat   string
	valueFormat string
}

func (s *selection) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVarP(&s.topic, "topic", "t", "", "topic to read (required)")
	f.StringVar(&s.from, "from", "", "start: beginning|end|OFFSET|-N (last N per partition)|RFC3339|-1h (default beginning)")
	f.StringVar(&s.to, "to", "", "stop: end|now|OFFSET|RFC3339|-1h (default end as of now)")
	f.StringVarP(&s.partitions, "partitions", "p", "", "partitions, e.g. 0,2 (default all)")
	f.Int64VarP(&s.max, "max", "n", 0, "stop after this many records")
	f.BoolVarP(&s.follow, "follow", "f", false, "keep reading new records until interrupted")
	f.StringVar(&s.filter, "filter", "", "text, /regex/ or CEL expression, e.g. 'value.amount > 10000'")
	formats := formatNames()
	f.StringVar(&s.keyFormat, "key-format", "", "how to decode keys: "+formats+" (default auto)")
	f.StringVar(&s.valueFormat, "value-format", "", "how to decode values: "+formats+" (default auto)")
}

// request turns the selection into a read request, a decoder and a filter.
// parse checks the whole selection before anything connects, so a typo is a usage error
// (exit 2) even when the cluster is unreachable.
func (s *selection) parse() (kafka.ReadRequest, *filter.Filter, error) {
	var req kafka.ReadRequest
	if s.topic == "" {
		return req, nil, usageError{errors.New("missing -t TOPIC")}
	}
	if s.max < 0 {
		return req, nil, usageError{errors.New("-n must be positive")}
	}
	for _, f := range []string{s.keyFormat, s.valueFormat} {
		if _, err := decode.ParseFormat(f); err != nil {
			return req, nil, usageError{err}
		}
	}
	now := time.Now()
	req = kafka.ReadRequest{Topic: s.topic, Max: s.max, Follow: s.follow}
	if s.from != "" {
		start, err := kafka.ParseStart(s.from, now)
		if err != nil {
			return req, nil, usageError{fmt.Errorf("--from: %w", err)}
		}
		req.From = start
	}
	if s.to != "" {
		if s.follow {
			return req, nil, usageError{errors.New("--to and --follow cannot be used together")}
		}
		stop, err := kafka.ParseStop(s.to, now)
		if err != nil {
			return req, nil, usageError{fmt.Errorf("--to: %w", err)}
		}
		req.To = stop
	}
	var err error
	if req.Partitions, err = kafka.ParsePartitions(s.partitions); err != nil {
		return req, nil, usageError{fmt.Errorf("-p: %w", err)}
	}
	flt, err := filter.Compile(s.filter)
	if err != nil {
		return req, nil, usageError{fmt.Errorf("--filter: %w", err)}
	}
	return req, flt, nil
}

// decoder builds the decoder for the cluster's registry and topics and the format flags.
func (s *selection) decoder(cfg kafka.ClusterConfig, logger *slog.Logger) (*decode.Decoder, error) {
	dec, err := decode.FromConfig(decode.Config{Registry: cfg.SchemaRegistry, Topics: cfg.Topics,
		KeyFormat: s.keyFormat, ValueFormat: s.valueFormat, Logger: logger})
	if err != nil {
		return nil, usageError{err}
	}
	return dec, nil
}

func newConsumeCmd(g *globals) *cobra.Command {
	var sel selection
	var output string
	var withRaw bool
	cmd := &cobra.Command{
		Use:   "consume -t TOPIC",
		Short: "Print records (read-only: never joins a group or commits)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if err := checkChoice("-o", output, export.OutputFormats...); err != nil {
				return err
			}
			req, flt, err := sel.parse()
			if err != nil {
				return err
			}
			cl, cfg, err := g.connect(ctx)
			if err != nil {
				return err
			}
			defer cl.Close()
			dec, err := sel.decoder(cfg, g.logger)
			if err != nil {
				return err
			}
			w, err := export.NewRecordWriter(g.stdout, output, export.WithRaw(withRaw))
			if err != nil {
				return usageError{err}
			}
			stream, err := cl.Read(ctx, req)
			if err != nil {
				return err
			}
			defer stream.Close()
			n, err := copyRecords(ctx, stream, dec, flt, w, sel.follow)
			if ferr := w.Flush(); err == nil {
				err = ferr
			}
			g.logger.Debug("consume done", "records", n)
			if err != nil && sel.follow && ctx.Err() != nil {
				return nil // interrupted follow is the normal way to stop
			}
			return err
		},
	}
	sel.register(cmd)
	cmd.Flags().StringVarP(&output, "output", "o", "ndjson", "ndjson, json, table or raw")
	cmd.Flags().BoolVar(&withRaw, "raw-bytes", false, "add key_raw and value_raw (base64) to each envelope")
	return cmd
}

// copyRecords decodes, filters and writes every record of the stream; it flushes after
// each batch while following so records appear as they arrive.
func copyRecords(ctx context.Context, s *kafka.Stream, dec *decode.Decoder, flt *filter.Filter,
	w export.RecordWriter, follow bool) (int, error) {
	n := 0
	for b := range s.Batches() {
		if b.Err != nil {
			return n, b.Err
		}
		for i := range b.Records {
			env := dec.Decode(ctx, &b.Records[i])
			if !flt.Match(&env) {
				continue
			}
			if err := w.Write(&env); err != nil {
				return n, fmt.Errorf("write output: %w", err)
			}
			n++
		}
		if follow {
			if err := w.Flush(); err != nil {
				return n, fmt.Errorf("write output: %w", err)
			}
		}
	}
	return n, ctx.Err()
}

func newVerifyCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "verify BUNDLE",
		Short: "Re-check every hash of an evidence bundle",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := export.Verify(args[0]); err != nil {
				return err
			}
			fmt.Fprintf(g.stdout, "%s: verified\n", args[0])
			return nil
		},
	}
}

func newDemoCmd(g *globals) *cobra.Command {
	demoCmd := &cobra.Command{Use: "demo", Short: "The embedded demo cluster", Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() }}
	var addr, regAddr string
	serve := &cobra.Command{
		Use:   "serve",
		Short: "Run the demo cluster and schema registry on loopback until interrupted",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := g.setupLogger(false); err != nil {
				return err
			}
			c, err := demo.Start(cmd.Context(), demo.WithKafkaAddr(addr), demo.WithRegistryAddr(regAddr),
				demo.WithLogger(g.logger))
			if err != nil {
				return fmt.Errorf("start demo cluster: %w", err)
			}
			defer c.Close()
			cfg := c.ClusterConfig()
			fmt.Fprintf(g.stderr, "kpeek demo: kafka on %s, schema registry on %s (Ctrl-C to stop)\n",
				strings.Join(cfg.Brokers, ","), cfg.SchemaRegistry.URL)
			<-cmd.Context().Done()
			return nil
		},
	}
	serve.Flags().StringVar(&addr, "addr", "127.0.0.1:9092", "Kafka listen address")
	serve.Flags().StringVar(&regAddr, "registry-addr", "127.0.0.1:8081", "schema registry listen address")
	demoCmd.AddCommand(serve)
	return demoCmd
}

func formatNames() string {
	var names []string
	for _, f := range decode.Formats() {
		names = append(names, string(f))
	}
	return strings.Join(names, "|")
}

// noArgs and exactArgs are cobra's checks with their errors marked as usage errors (exit 2).
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		if cmd.HasSubCommands() {
			return usageError{fmt.Errorf("unknown command %q for %q", args[0], cmd.CommandPath())}
		}
		return usageError{fmt.Errorf("%s takes no arguments, got %q", cmd.CommandPath(), args[0])}
	}
	return nil
}

func exactArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := cobra.ExactArgs(n)(cmd, args); err != nil {
			return usageError{err}
		}
		return nil
	}
}

func checkChoice(flag, v string, allowed ...string) error {
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	return usageError{fmt.Errorf("%s %q: want one of %s", flag, v, strings.Join(allowed, ", "))}
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func newExportCmd(g *globals) *cobra.Command {
	var sel selection
	var fileOpts export.FileOptions
	var hec export.HECOptions
	var tokenFile, resume string
	var redact []string
	cmd := &cobra.Command{
		Use:   "export -t TOPIC (--file PATH [--format ndjson|csv|bundle] | --splunk URL)",
		Short: "Export records to a file or evidence bundle, or to Splunk HEC, losing none",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			progress := progressPrinter(g.stderr)
			if resume != "" {
				token, err := hecToken(tokenFile, "")
				if err != nil {
					return err
				}
				sum, err := export.Resume(ctx, resume, token, progress)
				g.report(sum)
				return err
			}
			if (fileOpts.Path == "") == (hec.URL == "") {
				return usageError{errors.New("choose one destination: --file PATH or --splunk URL")}
			}
			if fileOpts.Path != "" {
				if err := checkChoice("--format", fileOpts.Format, "ndjson", "csv", "bundle"); err != nil {
					return err
				}
			}
			if sel.follow {
				return usageError{errors.New("export takes a bounded range: use --to instead of --follow")}
			}
			req, flt, err := sel.parse()
			if err != nil {
				return err
			}
			if redact, err = export.ParseRedactions(redact); err != nil {
				return usageError{fmt.Errorf("--redact: %w", err)}
			}
			cl, cfg, err := g.connect(ctx)
			if err != nil {
				return err
			}
			defer cl.Close()
			dec, err := sel.decoder(cfg, g.logger)
			if err != nil {
				return err
			}
			info, err := cl.ClusterInfo(ctx)
			if err != nil {
				return err
			}
			stream, err := cl.Read(ctx, req)
			if err != nil {
				return err
			}
			defer stream.Close()
			var total int64
			for _, r := range stream.Ranges() {
				if r.End > r.Start {
					total += r.End - r.Start
				}
			}
			if req.Max > 0 && req.Max < total {
				total = req.Max
			}
			xr := export.Request{
				Records: stream.Batches(), Total: total, Decoder: dec, Filter: flt, Redact: redact,
				Progress: progress,
				Capture: export.Capture{Cluster: cfg.Name, ClusterID: info.ID, Bootstrap: cl.Bootstrap(),
					Topic: sel.topic, Ranges: stream.Ranges(), Selection: sel.describe(), Filter: sel.filter,
					Analyst: export.Analyst(), Version: version},
			}
			var sum export.Summary
			if fileOpts.Path != "" {
				sum, err = export.ToFile(ctx, xr, fileOpts)
			} else {
				if hec.URL == "default" {
					if cfg.Splunk == nil || cfg.Splunk.URL == "" {
						return usageError{fmt.Errorf("--splunk default: cluster %q has no splunk destination in the config", cfg.Name)}
					}
					hec = hec.WithDefaults(*cfg.Splunk)
				}
				conf := ""
				if cfg.Splunk != nil {
					conf = cfg.Splunk.Token
				}
				if hec.Token, err = hecToken(tokenFile, conf); err != nil {
					return err
				}
				if hec.Source == "" {
					hec.Source = "kafka:" + cfg.Name + ":" + sel.topic
				}
				sum, err = export.ToSplunk(ctx, xr, hec)
			}
			g.report(sum)
			return err
		},
	}
	sel.register(cmd)
	f := cmd.Flags()
	f.StringVar(&fileOpts.Path, "file", "", "write to this file (or bundle folder)")
	f.StringVar(&fileOpts.Format, "format", "ndjson", "ndjson, csv or bundle (BagIt evidence bag)")
	f.BoolVar(&fileOpts.Force, "force", false, "overwrite an existing file")
	f.StringVar(&hec.URL, "splunk", "", "Splunk HEC event endpoint URL (…/services/collector/event), or 'default' for the config's")
	f.StringVar(&tokenFile, "splunk-token-file", "", "file holding the HEC token (else $KPEEK_SPLUNK_TOKEN, else the config)")
	f.StringVar(&hec.Index, "index", "", "Splunk index")
	f.StringVar(&hec.Sourcetype, "sourcetype", "_json", "Splunk sourcetype")
	f.StringVar(&hec.Source, "source", "", "Splunk source (default kafka:<cluster>:<topic>)")
	f.StringVar(&hec.Host, "host", "", "Splunk host field")
	f.StringVar(&hec.CAFile, "splunk-ca", "", "CA file to verify the HEC endpoint")
	f.BoolVar(&hec.Ack, "ack", false, "use HEC indexer acknowledgement")
	f.IntVar(&hec.BatchBytes, "batch-bytes", 1<<20, "largest HEC request body before gzip")
	f.IntVar(&hec.Concurrency, "concurrency", 4, "HEC requests in flight")
	f.StringVar(&hec.SpoolDir, "spool-dir", ".", "where unconfirmed records are spooled")
	f.StringSliceVar(&redact, "redact", nil, "mask these field paths, e.g. value.card_number,value.email")
	f.StringVar(&resume, "resume", "", "finish an interrupted export from its spool file")
	return cmd
}

// hecToken is export.HECToken with a missing token reported as a usage error.
func hecToken(file, configRef string) (string, error) {
	tok, err := export.HECToken(file, configRef)
	if errors.Is(err, export.ErrNoHECToken) {
		return "", usageError{err}
	}
	return tok, err
}

// isTerminal reports whether w is a terminal (not a pipe, file or buffer).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// progressPrinter redraws export progress on one stderr line when stderr is a terminal.
func progressPrinter(w io.Writer) func(export.Progress) {
	if !isTerminal(w) {
		return nil
	}
	return func(p export.Progress) { fmt.Fprintf(w, "\r\x1b[K%s", export.ProgressLine(p)) }
}

// report prints how an export ended on stderr, over the progress line if there is one.
func (g *globals) report(s export.Summary) {
	clear := ""
	if isTerminal(g.stderr) {
		clear = "\r\x1b[K"
	}
	for _, line := range s.Report() {
		fmt.Fprintf(g.stderr, "%s%s\n", clear, oneLine(line))
	}
}

// describe renders the selection as the user gave it, for manifests.
func (s *selection) describe() string {
	var parts []string
	add := func(flag, v string) {
		if v != "" {
			parts = append(parts, flag+" "+v)
		}
	}
	add("--from", s.from)
	add("--to", s.to)
	add("-p", s.partitions)
	if s.max > 0 {
		add("-n", strconv.FormatInt(s.max, 10))
	}
	return strings.Join(parts, " ")
}
