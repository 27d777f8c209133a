package filter

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"cel.dev/cel-go/common/ast"

	"github.com/kpeek/kpeek/decode"
)

// fieldSample is how many records a FieldCheck learns field names from: enough to
// see every field of a topic's usual shapes, few enough to cost nothing after.
const fieldSample = 1000

// FieldCheck notices the record fields a CEL filter names that no record has: a typo
// like value.resutl == "failure" otherwise matches nothing, silently. Match feeds it
// once CheckFields attached it; it is safe for concurrent use.
type FieldCheck struct {
	named []string // value.a.b, key.x, headers.y: the fields the filter names

	full atomic.Bool // fieldSample records seen: Observe returns at once
	mu   sync.Mutex
	n    int
	seen map[string]bool // every field path of the records seen
}

// MissingField is a field a filter names that no record seen has, and the existing
// field nearest to it ("" when none is near).
type MissingField struct {
	Path, Nearest string
}

// String is "no record has value.resutl (did you mean value.result?)", terminal-safe.
func (m MissingField) String() string {
	s := "no record has " + decode.Sanitize(m.Path)
	if m.Nearest != "" {
		s += " (did you mean " + decode.Sanitize(m.Nearest) + "?)"
	}
	return s
}

// CheckFields attaches a FieldCheck to f, so Match learns the fields of the records
// it sees; nil when f is not CEL or names no field of a key, value or headers.
func (f *Filter) CheckFields() *FieldCheck {
	if f == nil || f.kind != KindCEL {
		return nil
	}
	if f.fields == nil {
		named := namedFields(f.src)
		if len(named) == 0 {
			return nil
		}
		f.fields = &FieldCheck{named: named, seen: map[string]bool{}}
	}
	return f.fields
}

// namedFields lists the field paths a CEL expression selects from key, value and
// headers, longest chains only: value.a.b, not also value.a.
func namedFields(expr string) []string {
	env, err := newEnv()
	if err != nil {
		return nil
	}
	parsed, iss := env.Parse(expr)
	if iss.Err() != nil {
		return nil
	}
	var paths []string
	inner := map[ast.Expr]bool{} // selects that are the operand of a longer chain
	ast.PreOrderVisit(ast.NavigateAST(parsed.NativeRep()), ast.NewExprVisitor(func(e ast.Expr) {
		if e.Kind() != ast.SelectKind || inner[e] {
			return
		}
		var parts []string
		cur := e
		for cur.Kind() == ast.SelectKind {
			parts = append(parts, cur.AsSelect().FieldName())
			op := cur.AsSelect().Operand()
			if op.Kind() == ast.SelectKind {
				inner[op] = true
			}
			cur = op
		}
		if cur.Kind() != ast.IdentKind {
			return
		}
		switch root := cur.AsIdent(); root {
		case "key", "value", "headers":
			slices.Reverse(parts)
			paths = append(paths, root+"."+strings.Join(parts, "."))
		}
	}))
	slices.Sort(paths)
	return slices.Compact(paths)
}

// Observe learns the field paths of e, for the first fieldSample records.
func (c *FieldCheck) Observe(e *decode.Envelope) {
	if c == nil || e == nil || c.full.Load() {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n >= fieldSample {
		return
	}
	c.n++
	if c.n == fieldSample {
		c.full.Store(true)
	}
	addPaths(c.seen, "key", e.Key.JSON)
	addPaths(c.seen, "value", e.Value.JSON)
	for _, h := range e.Headers {
		c.seen["headers."+h.Key] = true
	}
}

// addPaths adds prefix.field for every object field in the JSON document doc, nested.
func addPaths(seen map[string]bool, prefix string, doc []byte) {
	if len(doc) == 0 || doc[0] != '{' {
		return
	}
	d := json.NewDecoder(bytes.NewReader(doc))
	d.UseNumber()
	var v any
	if d.Decode(&v) != nil {
		return
	}
	var walk func(string, any)
	walk = func(p string, v any) {
		obj, ok := v.(map[string]any)
		if !ok {
			return
		}
		for k, child := range obj {
			q := p + "." + k
			seen[q] = true
			walk(q, child)
		}
	}
	walk(prefix, v)
}

// Missing lists the named fields that none of the records seen has, each with the
// nearest field that exists. Nothing is missing before a record was seen.
func (c *FieldCheck) Missing() []MissingField {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == 0 {
		return nil
	}
	var out []MissingField
	for _, p := range c.named {
		if c.seen[p] {
			continue
		}
		out = append(out, MissingField{Path: p, Nearest: nearest(p, c.seen)})
	}
	return out
}

// Report writes one line per missing field to w ("kpeek: filter: no record has ...").
func (c *FieldCheck) Report(w io.Writer) {
	for _, m := range c.Missing() {
		fmt.Fprintf(w, "kpeek: filter: %s\n", m)
	}
}

// nearest is the known path closest to p by edit distance under the same root, if
// it is close enough to be a typo.
func nearest(p string, known map[string]bool) string {
	root := p[:strings.IndexByte(p, '.')+1]
	best, bestD := "", len(p)/3+1
	for k := range known {
		if !strings.HasPrefix(k, root) {
			continue
		}
		if d := editDistance(p, k); d < bestD || (d == bestD && best != "" && k < best) {
			best, bestD = k, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, by runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
