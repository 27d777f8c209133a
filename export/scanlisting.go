package export

import (
	"fmt"
	"io"
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

// WriteScan writes scan reports: per topic a table of field paths with findings and a
// verdict line, or indented JSON. Examples are masked; field paths come from the data
// and are sanitized like every other text kpeek prints.
func WriteScan(w io.Writer, reports []ScanReport, format string) error {
	if format == "json" {
		return writeIndentedJSON(w, reports)
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
		v := r.Verdict
		if !r.Complete {
			v += " (incomplete: the read stopped early)"
		}
		if _, err := fmt.Fprintln(w, decode.Sanitize(v)); err != nil {
			return err
		}
	}
	return nil
}
