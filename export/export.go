// Package export ships records to files and Splunk HEC without losing any.
// CONTRACT below; OWNER: export helper (replace stub bodies, keep names stable).
package export

import (
	"context"
	"errors"
	"time"

	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/decode/filter"
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
	Duplicates  int64  // records possibly delivered twice (HEC ack timeouts)
}

// FileOptions selects a file destination.
type FileOptions struct {
	Path   string
	Format string // ndjson | csv | bundle
	Force  bool
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
	BatchBytes  int
	Concurrency int
	SpoolDir    string
}

var errUnimplemented = errors.New("export: not implemented yet")

// ToFile exports to a file, written under a temporary name and renamed when complete.
func ToFile(ctx context.Context, req Request, opts FileOptions) (Summary, error) {
	return Summary{}, errUnimplemented
}

// ToSplunk exports to Splunk HEC; unconfirmed records end in a spool file.
func ToSplunk(ctx context.Context, req Request, opts HECOptions) (Summary, error) {
	return Summary{}, errUnimplemented
}

// Resume finishes an export from its spool file.
func Resume(ctx context.Context, spool string, token string, progress func(Progress)) (Summary, error) {
	return Summary{}, errUnimplemented
}

// Verify re-checks every hash of an evidence bundle.
func Verify(path string) error { return errUnimplemented }
