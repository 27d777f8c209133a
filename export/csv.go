package export

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"unicode/utf8"

	"github.com/kpeek/kpeek/decode"
)

// csvFixed are the leading CSV columns; flattened value.<field> columns follow, in the
// order fields were first seen, then "value" when some value is not a JSON object.
var csvFixed = []string{"topic", "partition", "offset", "timestamp", "timestamp_type",
	"key", "key_encoding", "value_encoding", "value_schema_id", "headers"}

// toCSV writes one row per record. The columns depend on every record's value fields,
// so rows first go to a temporary spill file and are laid out in a second pass.
func toCSV(ctx context.Context, req Request, opts FileOptions, m *meter) (Summary, error) {
	return toAtomicFile(req, opts, m, func(sel *selector, out *bufio.Writer) error {
		spill, err := os.CreateTemp(filepath.Dir(opts.Path), "."+filepath.Base(opts.Path)+".spill-*")
		if err != nil {
			return fmt.Errorf("create spill file for %s: %w", opts.Path, err)
		}
		defer func() { spill.Close(); os.Remove(spill.Name()) }()
		cols, err := spillRows(ctx, sel, spill)
		if err != nil {
			return err
		}
		if _, err := spill.Seek(0, io.SeekStart); err != nil {
			return fmt.Errorf("rewind spill file for %s: %w", opts.Path, err)
		}
		cols.raw = opts.CSVRaw
		if err := cols.layout(ctx, bufio.NewReaderSize(spill, 256<<10), out, m); err != nil {
			return fmt.Errorf("write %s: %w", opts.Path, err)
		}
		return nil
	})
}

// spillRows writes each selected record's fixed cells and value JSON as a CSV row,
// noting the value fields seen.
func spillRows(ctx context.Context, sel *selector, spill io.Writer) (*csvColumns, error) {
	cols := newCSVColumns()
	sw := bufio.NewWriterSize(spill, 256<<10)
	cw := csv.NewWriter(sw)
	row := make([]string, len(csvFixed)+1)
	for {
		_, env, ok, err := sel.next(ctx)
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		fixedCells(row, env)
		row[len(csvFixed)] = string(env.Value.JSON)
		cols.see(env.Value.JSON)
		if err := cw.Write(row); err != nil {
			return nil, fmt.Errorf("write spill file: %w", err)
		}
	}
	cw.Flush()
	if err := errors.Join(cw.Error(), sw.Flush()); err != nil {
		return nil, fmt.Errorf("write spill file: %w", err)
	}
	return cols, nil
}

// fixedCells fills the fixed columns of row from e.
func fixedCells(row []string, e *decode.Envelope) {
	row[0] = e.Topic
	row[1] = strconv.FormatInt(int64(e.Partition), 10)
	row[2] = strconv.FormatInt(e.Offset, 10)
	row[3] = "" // a record without a timestamp (message format v0): an empty cell, type "none"
	if !e.Timestamp.IsZero() {
		row[3] = e.Timestamp.UTC().Format("2006-01-02T15:04:05.000Z07:00")
	}
	row[4] = e.TimestampType
	row[5] = cell(e.Key.JSON)
	row[6] = string(e.Key.Encoding)
	row[7] = string(e.Value.Encoding)
	row[8] = ""
	if e.Value.SchemaID != nil {
		row[8] = strconv.Itoa(*e.Value.SchemaID)
	}
	row[9] = ""
	if len(e.Headers) > 0 {
		// The envelope's own rendering of headers, so repeated keys keep all their values.
		h := decode.Envelope{Headers: e.Headers}
		objectMembers(h.AppendJSON(nil, decode.JSONOptions{}), func(name string, v []byte) {
			if name == "headers" {
				row[9] = string(v)
			}
		})
	}
}

// cell renders one JSON value as a CSV cell: strings unquoted, null empty, anything else
// as compact JSON with its exact digits.
func cell(v []byte) string {
	if len(v) == 0 || string(v) == "null" {
		return ""
	}
	if v[0] == '"' {
		var s string
		if json.Unmarshal(v, &s) == nil {
			return s
		}
	}
	return string(v)
}

type csvColumns struct {
	raw      bool // write cells verbatim, formulas included (FileOptions.CSVRaw)
	index    map[string]int
	names    []string
	nonObj   bool
	rowsSeen int
}

func newCSVColumns() *csvColumns { return &csvColumns{index: map[string]int{}} }

// see notes the top-level fields of one value.
func (c *csvColumns) see(value []byte) {
	c.rowsSeen++
	if !objectMembers(value, func(name string, _ []byte) {
		if _, ok := c.index[name]; !ok {
			c.index[name] = len(c.names)
			c.names = append(c.names, name)
		}
	}) && value != nil {
		c.nonObj = true
	}
}

// layout writes the header and every spilled row with its value flattened.
func (c *csvColumns) layout(ctx context.Context, spill io.Reader, out io.Writer, m *meter) error {
	header := append([]string(nil), csvFixed...)
	for _, n := range c.names {
		header = append(header, "value."+n)
	}
	if c.nonObj {
		header = append(header, "value")
	}
	cw := csv.NewWriter(out)
	if !c.raw {
		for i := range header {
			header[i] = neutralizeFormula(header[i])
		}
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	cr := csv.NewReader(spill)
	cr.ReuseRecord = true
	cr.FieldsPerRecord = len(csvFixed) + 1
	row := make([]string, len(header))
	for n := 0; ; n++ {
		in, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("read spill file: %w", err)
		}
		copy(row, in[:len(csvFixed)])
		clear(row[len(csvFixed):])
		value := []byte(in[len(csvFixed)])
		isObj := objectMembers(value, func(name string, v []byte) {
			row[len(csvFixed)+c.index[name]] = cell(v)
		})
		if !isObj && c.nonObj {
			row[len(row)-1] = cell(value)
		}
		if !c.raw {
			for i := range row {
				row[i] = neutralizeFormula(row[i])
			}
		}
		if err := cw.Write(row); err != nil {
			return err
		}
		m.written.Add(1)
		if n%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
	}
	cw.Flush()
	return cw.Error()
}

// objectMembers calls fn for each member of a JSON object in order; false when v is not an object.
func objectMembers(v []byte, fn func(name string, value []byte)) bool {
	i := skipSpace(v, 0)
	if i >= len(v) || v[i] != '{' {
		return false
	}
	i = skipSpace(v, i+1)
	for i < len(v) && v[i] != '}' {
		kend, ok := skipValue(v, i)
		if !ok || v[i] != '"' {
			return false
		}
		var name string
		if raw := v[i+1 : kend-1]; !bytes.ContainsAny(raw, "\\\"") && utf8.Valid(raw) && !hasControl(raw) {
			name = string(raw) // a plain name, the common case: no decoding needed
		} else if json.Unmarshal(v[i:kend], &name) != nil {
			return false
		}
		i = skipSpace(v, kend)
		if i >= len(v) || v[i] != ':' {
			return false
		}
		i = skipSpace(v, i+1)
		vend, ok := skipValue(v, i)
		if !ok {
			return false
		}
		fn(name, v[i:vend])
		i = skipSpace(v, vend)
		if i < len(v) && v[i] == ',' {
			i = skipSpace(v, i+1)
		}
	}
	return true
}

// neutralizeFormula makes a cell that a spreadsheet would run as a formula (it starts
// with =, +, -, @, tab or carriage return) plain text by prefixing a single quote, the
// OWASP rule against CSV injection. A cell that is exactly a JSON number (-12.5) is left
// alone: it cannot be a formula, and amounts stay numbers.
func neutralizeFormula(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		if s[0] == '-' && isJSONNumber(s) {
			return s
		}
		return "'" + s
	}
	return s
}

func isJSONNumber(s string) bool {
	var n json.Number
	return json.Unmarshal([]byte(s), &n) == nil
}

func hasControl(b []byte) bool {
	for _, c := range b {
		if c < 0x20 {
			return true
		}
	}
	return false
}
