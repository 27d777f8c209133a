package export

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/decode/scan"
)

// ScanReport is one topic's scan as kpeek scan -o json prints it.
type ScanReport struct {
	scan.TopicReport
	Verdict  string `json:"verdict"`
	Complete bool   `json:"complete"` // false when the read stopped early (interrupted, failed)
}

// NewScanReport is a topic's report with its verdict; a scan that stopped early says
// so instead of claiming the topic holds nothing.
func NewScanReport(r scan.TopicReport, complete bool) ScanReport {
	v := r.Verdict()
	if !complete {
		found := "nothing found"
		if len(r.Classes) > 0 {
			names := make([]string, len(r.Classes))
			for i, c := range r.Classes {
				names[i] = string(c)
			}
			found = strings.Join(names, ", ") + " found"
		}
		v = fmt.Sprintf("%s: INCOMPLETE, the read stopped early: %s in the %d records scanned", r.Topic, found, r.Scanned)
		if r.Undecoded > 0 {
			v += fmt.Sprintf("; %d did not decode (their raw text was scanned)", r.Undecoded)
		}
	}
	return ScanReport{TopicReport: r, Verdict: v, Complete: complete}
}

// WriteScan writes scan reports: per topic a table of field paths with findings and a
// verdict line, or indented JSON. Examples are masked; field paths come from the data
// and are sanitized like every other text kpeek prints.
func WriteScan(w io.Writer, reports []ScanReport, format string) error {
	if format == "json" {
		return WriteJSON(w, reports)
	}
	for i, r := range reports {
		if i > 0 {
			fmt.Fprintln(w)
		}
		if len(r.Fields) > 0 {
			tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "FIELD\tDETECTOR\tCLASS\tRECORDS\tSHARE\tFIRST\tLAST\tEXAMPLE")
			for _, f := range r.Fields {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%.1f%%\t%s\t%s\t%s\n", decode.Sanitize(f.Path), f.Detector, f.Class,
					f.Records, 100*f.Share, f.First.UTC().Format(time.RFC3339), f.Last.UTC().Format(time.RFC3339),
					decode.Sanitize(f.Example))
			}
			if err := tw.Flush(); err != nil {
				return err
			}
		}
		if _, err := fmt.Fprintln(w, decode.Sanitize(r.Verdict)); err != nil {
			return err
		}
	}
	return nil
}
