package sweep

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/kpeek/kpeek/export"

	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/decode/filter"
)

// OutputFormats are the -o values of kpeek sweep.
var OutputFormats = []string{"ndjson", "table", "json"}

// Writer prints hits as they are emitted and the summary at the end.
type Writer struct {
	format string
	w      *bufio.Writer
	tw     *tabwriter.Writer
	buf    []byte
	hits   int
}

// NewWriter prints to w in format: ndjson (one envelope per hit with "matched"), table,
// or json (one object holding the hits and the summary, written by Close).
func NewWriter(w io.Writer, format string) (*Writer, error) {
	switch format {
	case "ndjson", "table", "json":
	default:
		return nil, fmt.Errorf("unknown output format %q (want one of %s)", format, strings.Join(OutputFormats, ", "))
	}
	sw := &Writer{format: format, w: bufio.NewWriterSize(w, 64<<10)}
	if format == "table" {
		sw.tw = tabwriter.NewWriter(sw.w, 0, 4, 2, ' ', 0)
	}
	return sw, nil
}

// Write prints one hit.
func (sw *Writer) Write(h *Hit) error {
	sw.hits++
	switch sw.format {
	case "table":
		if sw.hits == 1 {
			fmt.Fprintln(sw.tw, "TIMESTAMP\tTOPIC\tPARTITION\tOFFSET\tMATCHED\tVALUE")
		}
		e := &h.Envelope
		_, err := fmt.Fprintf(sw.tw, "%s\t%s\t%d\t%d\t%s\t%s\n", decode.FormatTimestamp(e.Timestamp),
			decode.Sanitize(e.Topic), e.Partition, e.Offset, decode.Sanitize(matchedText(h.Matched)),
			decode.Preview(&e.Value, 60))
		return err
	case "json":
		if sw.hits == 1 {
			sw.buf = append(sw.buf[:0], `{"hits":[`...)
		} else {
			sw.buf = append(sw.buf[:0], ',')
		}
		sw.buf = append(sw.buf, '\n')
	default:
		sw.buf = sw.buf[:0]
	}
	sw.buf = appendHit(sw.buf, h)
	if sw.format == "ndjson" {
		sw.buf = append(sw.buf, '\n')
	}
	_, err := sw.w.Write(sw.buf)
	return err
}

// appendHit appends the hit's envelope with "matched" added as its last field.
func appendHit(dst []byte, h *Hit) []byte {
	dst = h.Envelope.AppendJSON(dst, decode.JSONOptions{})
	dst = dst[:len(dst)-1] // the envelope's closing brace
	matched := h.Matched
	if matched == nil {
		matched = []filter.IOCHit{}
	}
	m, _ := json.Marshal(matched) // plain strings: cannot fail
	dst = append(dst, `,"matched":`...)
	dst = decode.EscapeJSON(dst, m) // field paths come from the data
	return append(dst, '}')
}

func matchedText(hits []filter.IOCHit) string {
	parts := make([]string, 0, len(hits))
	for _, h := range hits {
		if h.Path == "" {
			parts = append(parts, h.Indicator)
		} else {
			parts = append(parts, h.Indicator+" @ "+h.Path)
		}
	}
	return strings.Join(parts, ", ")
}

// Close ends the output: with json, the summary object; else it flushes.
func (sw *Writer) Close(sum Summary) error {
	switch sw.format {
	case "table":
		if err := sw.tw.Flush(); err != nil {
			return err
		}
	case "json":
		if sw.hits == 0 {
			sw.w.WriteString(`{"hits":[`)
		} else {
			sw.w.WriteString("\n")
		}
		b, _ := json.Marshal(summaryJSON(sum)) // strings and numbers only
		sw.w.WriteString(`],"summary":`)
		sw.w.Write(decode.EscapeJSON(nil, b)) // topic names and errors are text from the cluster
		sw.w.WriteString("}\n")
	}
	return sw.w.Flush()
}

type topicJSON struct {
	Topic    string  `json:"topic"`
	Scanned  int64   `json:"scanned"`
	Hits     int64   `json:"hits"`
	FirstHit *string `json:"first_hit"`
	LastHit  *string `json:"last_hit"`
	Error    *string `json:"error"`
	// Scan is the topic's regulated-data scan (sweep --scan), with its verdict.
	Scan *export.ScanReport `json:"scan,omitempty"`
}

type sumJSON struct {
	From      string      `json:"from"`
	To        string      `json:"to"`
	Scanned   int64       `json:"scanned"`
	Hits      int64       `json:"hits"`
	ElapsedMs int64       `json:"elapsed_ms"`
	Topics    []topicJSON `json:"topics"`
}

func summaryJSON(s Summary) sumJSON {
	out := sumJSON{From: stamp(s.From), To: stamp(s.To), Scanned: s.Scanned(), Hits: s.Hits(),
		ElapsedMs: s.Elapsed.Milliseconds(), Topics: make([]topicJSON, 0, len(s.Topics))}
	opt := func(t time.Time) *string {
		if t.IsZero() {
			return nil
		}
		v := stamp(t)
		return &v
	}
	for _, t := range s.Topics {
		tj := topicJSON{Topic: t.Topic, Scanned: t.Scanned, Hits: t.Hits, FirstHit: opt(t.FirstHit), LastHit: opt(t.LastHit)}
		if t.Err != nil {
			msg := t.Err.Error()
			tj.Error = &msg
		}
		if t.Scan != nil {
			r := export.NewScanReport(*t.Scan, t.Err == nil)
			tj.Scan = &r
		}
		out.Topics = append(out.Topics, tj)
	}
	return out
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// ScanReports are the regulated-data scans of a sweep --scan, one per topic read.
func (s Summary) ScanReports() []export.ScanReport {
	var out []export.ScanReport
	for _, t := range s.Topics {
		if t.Scan != nil {
			out = append(out, export.NewScanReport(*t.Scan, t.Err == nil))
		}
	}
	return out
}

// WriteSummary prints the per-topic summary as a table, for stderr.
func WriteSummary(w io.Writer, s Summary) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "sweep %s .. %s: %d records scanned, %d hits, %s\n", stamp(s.From), stamp(s.To),
		s.Scanned(), s.Hits(), s.Elapsed.Round(time.Millisecond))
	fmt.Fprintln(tw, "TOPIC\tSCANNED\tHITS\tFIRST HIT\tLAST HIT\tNOTE")
	for _, t := range s.Topics {
		first, last, note := "-", "-", ""
		if !t.FirstHit.IsZero() {
			first, last = stamp(t.FirstHit), stamp(t.LastHit)
		}
		if t.Err != nil {
			note = "not read: " + decode.Sanitize(t.Err.Error())
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\t%s\n", decode.Sanitize(t.Topic), t.Scanned, t.Hits, first, last, note)
	}
	return tw.Flush()
}

// ProgressLine renders a progress snapshot on one line.
func ProgressLine(p Progress) string {
	rate := 0.0
	if s := p.Elapsed.Seconds(); s > 0 {
		rate = float64(p.Scanned) / s
	}
	return fmt.Sprintf("sweep: topics %d/%d · %d records · %d hits · %.0f records/s",
		p.TopicsDone, p.Topics, p.Scanned, p.Hits, rate)
}
