package cmd

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/decode/filter"
	"github.com/kpeek/kpeek/decode/scan"
	"github.com/kpeek/kpeek/export"
	"github.com/kpeek/kpeek/internal/gctarget"
	"github.com/kpeek/kpeek/kafka"
	"github.com/kpeek/kpeek/sweep"
	"github.com/spf13/cobra"
)

func newSweepCmd(g *globals) *cobra.Command {
	var from, to, match, iocFile, output string
	var topics []string
	var internal bool
	var concurrency int
	var scanAll bool
	cmd := &cobra.Command{
		Use:   "sweep --from T1 --to T2 [-t GLOB ...] (--match EXPR | --ioc-file FILE)",
		Short: "Search one time window across all topics for a filter or a list of indicators",
		Long: `Reads only the records inside the window in each partition of each selected topic
(offsets looked up by timestamp), topics in parallel, decodes them, and prints every record
the filter or an indicator matches, in time order, with "matched" naming what matched where.
A per-topic summary goes to stderr (or into the JSON with -o json); with --scan it also
says, per topic, what regulated data the window holds (as kpeek scan does). Topics that cannot be
read are listed with the reason and the sweep goes on; the exit code is then 1.

An IOC file holds one indicator per line (# starts a comment): IPv4/IPv6 addresses, CIDR
networks, domains (subdomains match too), e-mail addresses, MD5/SHA hashes, user names
written user:NAME, and any other line as a plain case-insensitive string.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			defer gctarget.Set(streamingGCPercent)()
			ctx := cmd.Context()
			if err := checkChoice("-o", output, sweep.OutputFormats...); err != nil {
				return err
			}
			req, err := sweepRequest(from, to, match, iocFile, time.Now())
			if err != nil {
				return err
			}
			if err := sweep.CheckPatterns(topics); err != nil {
				return usageError{fmt.Errorf("-t: %w", err)}
			}
			if concurrency < 0 {
				return usageError{errors.New("--concurrency must be positive")}
			}
			req.Topics, req.Internal, req.Concurrency = topics, internal, concurrency
			if scanAll {
				req.Scan = scan.New()
			}
			cl, cfg, err := g.connect(ctx)
			if err != nil {
				return err
			}
			defer cl.Close()
			if req.Decoder, err = decode.FromConfig(decode.Config{Registry: cfg.SchemaRegistry, Topics: cfg.Topics,
				Logger: g.logger}); err != nil {
				return usageError{err}
			}
			req.Progress = sweepProgress(g.stderr)
			w, err := sweep.NewWriter(g.stdout, output)
			if err != nil {
				return usageError{err}
			}
			sum, err := sweep.Run(ctx, cl, req, func(h *sweep.Hit) error {
				if err := w.Write(h); err != nil {
					return fmt.Errorf("write output: %w", err)
				}
				return nil
			})
			if req.Progress != nil {
				fmt.Fprint(g.stderr, "\r\x1b[K")
			}
			if cerr := w.Close(sum); err == nil && cerr != nil {
				err = fmt.Errorf("write output: %w", cerr)
			}
			if output != "json" && len(sum.Topics) > 0 {
				_ = sweep.WriteSummary(g.stderr, sum)
				if reports := sum.ScanReports(); len(reports) > 0 {
					fmt.Fprintln(g.stderr)
					_ = export.WriteScan(g.stderr, reports, "table")
				}
			}
			if err != nil {
				return err
			}
			if failed := sum.Failed(); len(failed) > 0 {
				return fmt.Errorf("sweep incomplete: %d of %d topics could not be read (%s: %w)",
					len(failed), len(sum.Topics), decode.Sanitize(failed[0].Topic), failed[0].Err)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&from, "from", "", "window start: RFC3339 or relative (-2h) (required)")
	f.StringVar(&to, "to", "", "window end, inclusive: RFC3339, relative (-1h) or now (required)")
	f.StringArrayVarP(&topics, "topic", "t", nil, "topics to sweep, glob patterns (erp.*); repeatable (default all)")
	f.BoolVar(&internal, "internal", false, "include internal topics (__consumer_offsets, ...)")
	f.StringVar(&match, "match", "", "text, /regex/ or CEL expression, as --filter of consume")
	f.StringVar(&iocFile, "ioc-file", "", "file of indicators, one per line")
	f.StringVarP(&output, "output", "o", "ndjson", "ndjson, table or json (hits and summary in one object)")
	f.IntVar(&concurrency, "concurrency", sweep.DefaultConcurrency, "topics read at once")
	f.BoolVar(&scanAll, "scan", false, "also classify every record in the window for regulated data (PCI, PII, secrets), per topic")
	return cmd
}

// sweepRequest checks the window and the matcher before anything connects.
func sweepRequest(from, to, match, iocFile string, now time.Time) (sweep.Request, error) {
	var req sweep.Request
	if from == "" || to == "" {
		return req, usageError{errors.New("a sweep needs a window: --from T1 --to T2")}
	}
	var err error
	if req.From, err = windowTime("--from", from, now); err != nil {
		return req, err
	}
	if req.To, err = windowTime("--to", to, now); err != nil {
		return req, err
	}
	if !req.To.After(req.From) {
		return req, usageError{fmt.Errorf("--to %s is not after --from %s", to, from)}
	}
	switch {
	case (match == "") == (iocFile == ""):
		return req, usageError{errors.New("give one of --match EXPR or --ioc-file FILE")}
	case match != "":
		if req.Filter, err = filter.Compile(match); err != nil {
			return req, usageError{fmt.Errorf("--match: %w", err)}
		}
	default:
		if req.IOCs, err = readIOCs(iocFile); err != nil {
			return req, usageError{fmt.Errorf("--ioc-file %s: %w", decode.Sanitize(iocFile), err)}
		}
	}
	return req, nil
}

// windowTime parses one end of a sweep window: a time, not an offset.
func windowTime(flag, s string, now time.Time) (time.Time, error) {
	if strings.EqualFold(strings.TrimSpace(s), "end") {
		return now, nil
	}
	stop, err := kafka.ParseStop(s, now)
	if err == nil && stop.Kind != kafka.StopTime {
		err = fmt.Errorf("%q is not a time: want RFC3339 (2026-11-26T02:00:00Z), relative (-2h) or now", s)
	}
	if err != nil {
		return time.Time{}, usageError{fmt.Errorf("%s: %w", flag, err)}
	}
	return stop.Time, nil
}

// maxIOCFile bounds an indicator file: a list of that size is a mistake (a log, a dump).
const maxIOCFile = 64 << 20

func readIOCs(path string) (*filter.IOCSet, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Size() > maxIOCFile {
		return nil, fmt.Errorf("%d bytes is more than an indicator list (at most %d)", st.Size(), maxIOCFile)
	}
	return filter.ParseIOCs(io.LimitReader(f, maxIOCFile+1))
}

// sweepProgress redraws sweep progress on one stderr line when stderr is a terminal.
func sweepProgress(w io.Writer) func(sweep.Progress) {
	if !isTerminal(w) {
		return nil
	}
	return func(p sweep.Progress) { fmt.Fprintf(w, "\r\x1b[K%s", sweep.ProgressLine(p)) }
}
