package messages

import (
	"bytes"
	"encoding/json"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/tui/common"
)

// maxColumns caps the decoded fields shown as columns.
const maxColumns = 6

// columnsState is the "fields as columns" input.
type columnsState struct {
	open  bool
	input textinput.Model
	err   string
}

func (m Model) openColumns() (Model, tea.Cmd) {
	in := newInput(400)
	in.Prompt = "columns "
	in.Placeholder = "value.user, value.result, headers.source (empty: the whole value)"
	in.SetValue(strings.Join(m.cols, ", "))
	in.CursorEnd()
	in.SetWidth(max(10, m.width-10))
	m.colsIn = columnsState{open: true, input: in}
	return m, m.colsIn.input.Focus()
}

func (m Model) columnsKey(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	k := m.keys
	switch {
	case key.Matches(msg, k.Back):
		m.colsIn = columnsState{}
		return m, nil
	case key.Matches(msg, k.Submit):
		cols, err := parseColumns(m.colsIn.input.Value())
		if err != "" {
			m.colsIn.err = err
			return m, nil
		}
		m.colsIn = columnsState{}
		m.cols = cols
		m.rows.reset() // rows are decoded again with the new fields
		return m, nil
	}
	var cmd tea.Cmd
	m.colsIn.input, cmd = m.colsIn.input.Update(msg)
	m.colsIn.err = ""
	return m, cmd
}

// parseColumns reads "value.user, value.result, headers.source"; err says what is wrong.
func parseColumns(s string) ([]string, string) {
	var out []string
	for f := range strings.SplitSeq(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		root, rest, _ := strings.Cut(f, ".")
		switch {
		case root != "key" && root != "value" && root != "headers":
			return nil, oneLine(f) + ": a column is a field of key, value or headers, like value.user"
		case root == "headers" && rest == "":
			return nil, "headers needs a name, like headers.source"
		}
		out = append(out, f)
	}
	if len(out) > maxColumns {
		return nil, "at most 6 columns"
	}
	return out, ""
}

// columnTitle is the heading of a field column: the path without "value.".
func columnTitle(path string) string {
	return strings.ToUpper(strings.TrimPrefix(path, "value."))
}

// fieldText is one field of a decoded record as a cell: strings without quotes,
// anything else as JSON, "∅" when the record has no such field. Not yet sanitized.
func fieldText(e *decode.Envelope, path string) string {
	root, rest, _ := strings.Cut(path, ".")
	var doc []byte
	switch root {
	case "headers":
		for _, h := range e.Headers {
			if h.Key == rest {
				return decode.DisplayValue(&h.Value)
			}
		}
		return "∅"
	case "key":
		doc = e.Key.JSON
	case "value":
		doc = e.Value.JSON
	}
	if rest == "" {
		return string(doc)
	}
	d := json.NewDecoder(bytes.NewReader(doc))
	d.UseNumber()
	var v any
	if d.Decode(&v) != nil {
		return "∅"
	}
	for p := range strings.SplitSeq(rest, ".") {
		obj, ok := v.(map[string]any)
		if !ok {
			return "∅"
		}
		if v, ok = obj[p]; !ok {
			return "∅"
		}
	}
	switch v := v.(type) {
	case string:
		return v
	case nil:
		return "null"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "∅"
	}
	return string(b)
}

// columnsLines is the columns input while it is open.
func (m Model) columnsLines() []string {
	if !m.colsIn.open {
		return nil
	}
	return m.inputLines(m.colsIn.input, m.colsIn.err)
}

// fieldCells lays the field texts out in widths that share w.
func fieldCells(fields []string, w int) string {
	n := len(fields)
	if n == 0 {
		return common.PadRight("", w)
	}
	var b strings.Builder
	each := (w - (n - 1)) / n
	for i, f := range fields {
		cw := each
		if i == n-1 {
			cw = w - (n-1)*(each+1)
		}
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(common.PadRight(f, max(cw, 1)))
	}
	return b.String()
}
