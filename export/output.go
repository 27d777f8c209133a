package export

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/kpeek/kpeek/decode"
)

// RecordWriter writes envelopes to a stream in one of consume's output formats.
type RecordWriter interface {
	Write(e *decode.Envelope) error
	// Flush writes what is buffered and closes any open structure (the json array).
	Flush() error
}

// OutputFormats are consume's -o values.
var OutputFormats = []string{"ndjson", "json", "table", "raw"}

// WriterOption tunes a RecordWriter.
type WriterOption func(*decode.JSONOptions)

// WithRaw adds the raw key and value bytes (base64) to JSON envelopes.
func WithRaw(on bool) WriterOption { return func(o *decode.JSONOptions) { o.IncludeRaw = on } }

// NewRecordWriter returns a writer for format (ndjson, json, table, raw).
func NewRecordWriter(w io.Writer, format string, opts ...WriterOption) (RecordWriter, error) {
	var jo decode.JSONOptions
	for _, o := range opts {
		o(&jo)
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	switch format {
	case "ndjson", "":
		return &ndjsonWriter{w: bw, opts: jo}, nil
	case "json":
		return &jsonArrayWriter{w: bw, opts: jo}, nil
	case "table":
		return &tableWriter{bw: bw, tw: tabwriter.NewWriter(bw, 0, 4, 2, ' ', 0)}, nil
	case "raw":
		return &rawWriter{w: bw}, nil
	}
	return nil, fmt.Errorf("unknown output format %q (want one of %s)", format, strings.Join(OutputFormats, ", "))
}

type ndjsonWriter struct {
	w    *bufio.Writer
	buf  []byte
	opts decode.JSONOptions
}

func (n *ndjsonWriter) Write(e *decode.Envelope) error {
	n.buf = e.AppendJSON(n.buf[:0], n.opts)
	n.buf = append(n.buf, '\n')
	_, err := n.w.Write(n.buf)
	return err
}

func (n *ndjsonWriter) Flush() error { return n.w.Flush() }

type jsonArrayWriter struct {
	w     *bufio.Writer
	buf   []byte
	count int
	opts  decode.JSONOptions
}

func (j *jsonArrayWriter) Write(e *decode.Envelope) error {
	if j.count == 0 {
		j.buf = append(j.buf[:0], "[\n"...)
	} else {
		j.buf = append(j.buf[:0], ",\n"...)
	}
	j.count++
	j.buf = e.AppendJSON(j.buf, j.opts)
	_, err := j.w.Write(j.buf)
	return err
}

func (j *jsonArrayWriter) Flush() error {
	end := "\n]\n"
	if j.count == 0 {
		end = "[]\n"
	}
	if _, err := j.w.WriteString(end); err != nil {
		return err
	}
	return j.w.Flush()
}

// Needs says which decoded parts of a record w writes: every part, but the value alone
// for raw output, so a reader that decodes for w can skip keys and headers.
func Needs(w RecordWriter) decode.Parts {
	if _, ok := w.(*rawWriter); ok {
		return decode.PartValue
	}
	return decode.PartAll
}

// rawWriter prints each value's decoded JSON (or text) alone, one per line, made terminal-safe.
type rawWriter struct {
	w   *bufio.Writer
	buf []byte
}

func (r *rawWriter) Write(e *decode.Envelope) error {
	r.buf = append(decode.AppendDisplayValue(r.buf[:0], &e.Value), '\n')
	_, err := r.w.Write(r.buf)
	return err
}

func (r *rawWriter) Flush() error { return r.w.Flush() }

type tableWriter struct {
	bw     *bufio.Writer
	tw     *tabwriter.Writer
	header bool
}

const tablePreview = 80

func (t *tableWriter) Write(e *decode.Envelope) error {
	if !t.header {
		t.header = true
		fmt.Fprintln(t.tw, "TIMESTAMP\tPARTITION\tOFFSET\tKEY\tVALUE\tSIZE")
	}
	_, err := fmt.Fprintf(t.tw, "%s\t%d\t%d\t%s\t%s\t%d\n",
		decode.FormatTimestamp(e.Timestamp), e.Partition, e.Offset,
		decode.Preview(&e.Key, 24), decode.Preview(&e.Value, tablePreview), e.Size)
	return err
}

func (t *tableWriter) Flush() error {
	if err := t.tw.Flush(); err != nil {
		return err
	}
	return t.bw.Flush()
}
