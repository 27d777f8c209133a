package export

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/decode/filter"
	"github.com/kpeek/kpeek/export/hec"
	"github.com/kpeek/kpeek/kafka"
)

// Request is what to export; the same for every destination.
type Request struct {
	Records  <-chan kafka.Batch // records in order; the export ends when it is closed
	Total    int64              // expected record count for progress/ETA; 0 if unknown
	Decoder  *decode.Decoder
	Filter   *filter.Filter // nil exports everything
	Redact   []string       // field paths to mask, e.g. value.card_number
	Capture  Capture
	Progress func(Progress) // called from the export goroutine, a few times a second at most
	// Reread says how the selection can be read from Kafka again (Capture.Ranges, with
	// Capture.Filter and Redact), so an HEC export interrupted or killed can be resumed
	// from where reading stopped. Nil when the records cannot be read again (explorer
	// marks): an interrupted HEC export then takes every record into its spool.
	Reread *Reread
}

// Reread is what, besides the ranges, filter and redaction, reading a selection again needs.
type Reread struct {
	KeyFormat   string // --key-format as given
	ValueFormat string // --value-format as given
	Max         int64  // records read at most, across partitions; 0 means no limit
}

// Capture describes where the records came from, for manifests and HEC source.
type Capture struct {
	Cluster   string // config name, "demo", or the bootstrap list
	ClusterID string
	Bootstrap []string
	Topic     string
	Ranges    []kafka.PartitionRange
	Selection string // the selection as the user gave it (--from/--to/-p/-n)
	Filter    string
	Analyst   string // user@host
	Version   string // kpeek version
	// Provenance is the command line, resolved window, build and TLS identity; bundles record it.
	Provenance Provenance
}

// Progress is a running export's counters.
type Progress struct {
	Selected int64 // records that passed the filter so far
	Written  int64 // written to the file or sent to HEC
	Acked    int64 // confirmed by the destination (files: renamed into place)
	Failed   int64
	Total    int64
	Elapsed  time.Duration
}

// Summary is how an export ended.
type Summary struct {
	Progress
	Destination string
	Spool       string // where unconfirmed records are, if any
	Duplicates  int64  // possible duplicate deliveries: events sent again or spooled after the collector may have taken them
	RootDigest  string // for the case ticket: a bundle's sealed tag manifest's sha256, a file's own sha256
	Signer      string // bundles: the sealing key's fingerprint
	AckTimeouts int64  // of Duplicates, those whose indexer acknowledgement timed out or never came
	Unacked     int64  // delivered without an acknowledgement although one was asked for (no ackId)
	Unread      int64  // records of the selection not read yet; a resume reads them
	// Crashed is, for a resume, how many spooled events the previous run may have sent
	// before it died without closing its spool (kill -9, power loss): possible duplicates.
	Crashed int64
	// ResumeWith is the command that finishes the export from Spool; "" means
	// "kpeek export --resume SPOOL". The command line fills it with the flags it was given.
	ResumeWith string
}

// FileOptions selects a file destination.
type FileOptions struct {
	Path   string
	Format string // ndjson | csv | bundle
	Force  bool
	Signer *Signer // seals bundles; nil means the analyst's key in DefaultKeyDir, created on first use
	CSVRaw bool    // csv: write cells verbatim, without neutralizing spreadsheet formulas
}

// HECOptions selects a Splunk HEC destination.
type HECOptions struct {
	URL         string // .../services/collector/event
	Token       string // resolved secret; never logged
	Index       string
	Sourcetype  string
	Source      string
	Host        string
	CAFile      string
	Ack         bool
	BatchBytes  int // largest request body before gzip; 0 means 1 MiB
	Concurrency int // requests in flight; 0 means 4
	SpoolDir    string

	NoGzip     bool          // send bodies uncompressed
	Retry      hec.Retry     // backoff for 5xx, 429 and transport errors; zero means the defaults
	AckTimeout time.Duration // resend a batch not acknowledged after this long; 0 means 2 minutes
	AckPoll    time.Duration // how often to ask for acknowledgements; 0 means 1 second
	AckResends int           // resends of an unacknowledged batch before spooling it; 0 means 2
	Grace      time.Duration // on interrupt, how long in-flight requests may finish; 0 means 3 seconds
}

// ToFile exports to a file, written under a temporary name and renamed when complete.
// With Format bundle, Path is the bundle folder.
func ToFile(ctx context.Context, req Request, opts FileOptions) (Summary, error) {
	// An absolute path, so the summary says exactly where the evidence is.
	if abs, err := filepath.Abs(opts.Path); err == nil {
		opts.Path = abs
	}
	m := newMeter(req.Total, req.Progress)
	var sum Summary
	var err error
	switch opts.Format {
	case "ndjson", "":
		sum, err = toRecordFile(ctx, req, opts, m)
	case "csv":
		sum, err = toCSV(ctx, req, opts, m)
	case "bundle":
		sum, err = toBundle(ctx, req, opts, m)
	default:
		return Summary{Destination: opts.Path}, fmt.Errorf("export format %q: want ndjson, csv or bundle", opts.Format)
	}
	if err != nil {
		// Nothing is left under the final name, so nothing selected was delivered.
		m.written.Store(0)
		m.acked.Store(0)
		m.failed.Store(m.selected.Load())
	}
	sum.Progress = m.done()
	return sum, err
}

// ToSplunk exports to Splunk HEC; unconfirmed records end in a spool file.
func ToSplunk(ctx context.Context, req Request, opts HECOptions) (Summary, error) {
	return toSplunk(ctx, req, opts)
}

// Resume finishes an export from its spool file: it delivers the spooled events and
// reads and delivers the part of the selection that was never read. What Kafka no longer
// has is reported as an *AgedOutError, after everything else was delivered.
func Resume(ctx context.Context, req ResumeRequest) (Summary, error) {
	return resume(ctx, req)
}
