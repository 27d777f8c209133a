// Package filter matches decoded records against the one filter syntax kpeek shares
// between `consume --filter`, export and the explorer's `/`:
//
//   - plain text: a case-insensitive substring of the key, the value (its text: a
//     string value's characters, else its JSON) or a header key or value. A quoted
//     "text" searches for exactly the words inside the quotes. Text with a backslash,
//     like \x1b, is searched in the escaped form the explorer displays.
//   - /regex/ or /regex/i (flags i, m, s): a Go regular expression over the same texts,
//     as raw bytes (so /\x1b\[/ finds an escape sequence).
//   - a CEL expression over key, value, headers, topic, partition, offset, timestamp,
//     timestamp_type, size, key_encoding, value_encoding, value_schema_id and now, e.g.
//     value.amount > 10000 && headers.source == "erp" or timestamp > now - duration("1h").
//
// An expression that compiles as CEL and uses one of those variables is CEL; anything
// else is text, so slyon or 203.0.113.7 search for those words. Something that looks
// like CEL (==, &&, ||, a variable followed by '.', has(...)) but does not compile is an
// error, reported in one line. A bare variable name (value) is a text search.
//
// In CEL, value and key are the decoded JSON: objects are maps (value.supplier.name,
// value.lines[0].qty, has(value.notes)); integers that fit int64 are int, those that
// only fit uint64 are uint (compare with 12345678901234567890u), other numbers are
// double; int, uint and double compare with each other. A decimal string such as an
// Avro decimal "12000.50" compared with a number is compared as a number (exactly
// against an int, as the double literal was rounded against a double), so
// value.amount > 10000 works on it; decimal(x) turns one into a double for arithmetic.
// headers maps each key to its last value's text. now is the time the filter was
// compiled. A missing field, a type mismatch or any other evaluation error means the
// record does not match; loops are bounded by a cost limit. Besides CEL's standard
// functions there are the string extensions (lowerAscii, split, indexOf...; not
// replace, whose result can explode) and base64.decode/encode.
package filter

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/kpeek/kpeek/decode"
)

// Kind is how a filter expression was understood.
type Kind int

// The kinds of filter.
const (
	KindAll   Kind = iota // empty expression: every record matches
	KindText              // case-insensitive substring
	KindRegex             // /regex/
	KindCEL               // CEL expression
)

// String names the kind for status lines ("text", "regex", "CEL").
func (k Kind) String() string {
	switch k {
	case KindText:
		return "text"
	case KindRegex:
		return "regex"
	case KindCEL:
		return "CEL"
	}
	return "all"
}

// Parts names the decoded parts of a record, for Needs; the decoder's own type, so what a
// filter needs goes straight to Decoder.DecodeParts.
type Parts = decode.Parts

// The decoded parts of a record; its metadata (topic, partition, offset, timestamp,
// size) needs no decoding.
const (
	PartKey     = decode.PartKey
	PartValue   = decode.PartValue
	PartHeaders = decode.PartHeaders
	PartAll     = decode.PartAll
)

// Filter is a compiled filter; safe for concurrent use. A nil Filter matches everything.
type Filter struct {
	src  string
	kind Kind
	text *textMatcher
	re   *regexp.Regexp
	cel  *celFilter

	fields *FieldCheck // set by CheckFields; Match feeds it
}

// Compile parses expr: "/re/" is a regex, a CEL expression over the record's variables
// is CEL, anything else is plain case-insensitive text over key, value and headers (the
// package comment has the rules). An empty expr matches everything. Errors are one
// terminal-safe line, ready to show next to the filter box.
func Compile(expr string) (*Filter, error) { return compileAt(expr, time.Now()) }

// compileAt is Compile with the CEL variable now fixed to now.
func compileAt(expr string, now time.Time) (*Filter, error) {
	f := &Filter{src: expr}
	trimmed := strings.TrimSpace(expr)
	if trimmed == "" {
		return f, nil
	}
	re, isRegex, err := parseRegex(trimmed)
	if err != nil {
		return nil, err
	}
	if isRegex {
		f.kind, f.re = KindRegex, re
		return f, nil
	}
	c, needle, err := classify(trimmed, now)
	if err != nil {
		return nil, err
	}
	if c != nil {
		f.kind, f.cel = KindCEL, c
		return f, nil
	}
	if f.text, err = newTextMatcher(needle); err != nil {
		return nil, err
	}
	f.kind = KindText
	return f, nil
}

// classify compiles expr as CEL when it is meant as CEL (see the package comment);
// otherwise it returns the text to search for: the words inside a quoted "text", else
// expr as typed.
func classify(expr string, now time.Time) (*celFilter, string, error) {
	env, err := newEnv()
	if err != nil {
		return nil, "", fmt.Errorf("CEL environment: %w", err)
	}
	parsed, iss := env.Parse(expr)
	if iss.Err() != nil {
		if looksLikeCEL(expr) {
			return nil, "", issueError(iss)
		}
		return nil, expr, nil
	}
	if s, ok := stringLiteral(parsed); ok {
		return nil, s, nil
	}
	if bareIdent(parsed) {
		return nil, expr, nil // "value" or "topic" alone: the word, not the variable
	}
	c, err := compileCEL(env, parsed, now)
	parts, named := referencedParts(parsed)
	switch {
	case err != nil && (looksLikeCEL(expr) || hasLogic(parsed)):
		return nil, "", err
	case err != nil || !named:
		return nil, expr, nil // key-rotation, 2026-11-26, 4500010017: words
	}
	c.parts = parts
	return c, "", nil
}

// looksLikeCEL reports text that can only have been meant as CEL: it uses && or ||,
// starts with has( or with a variable name followed by '.', '[' or a comparison, or
// compares a name with something ("user == x"). A base64 string ending in == is not a
// comparison: nothing follows the operator.
func looksLikeCEL(expr string) bool {
	if strings.Contains(expr, "&&") || strings.Contains(expr, "||") {
		return true
	}
	rest := strings.TrimLeft(expr, "!( \t")
	if strings.HasPrefix(rest, "has(") {
		return true
	}
	end := strings.IndexFunc(rest, func(r rune) bool { return !isIdentRune(r) })
	if end > 0 && isVariable(rest[:end]) {
		after := strings.TrimLeft(rest[end:], " \t")
		if after != "" && strings.ContainsRune(".[<>=!&|", rune(after[0])) {
			return true
		}
	}
	return isComparison(expr)
}

// isComparison reports a name or field path, an operator (==, !=, <, <=, >, >=) and
// something after it: "user == x", "amount>5", "value.a[0] < 1".
func isComparison(expr string) bool {
	s := strings.TrimLeft(expr, " \t")
	if s == "" || !isIdentRune(rune(s[0])) || ('0' <= s[0] && s[0] <= '9') {
		return false
	}
	i := 0
	for i < len(s) && (isIdentRune(rune(s[i])) || s[i] == '.') {
		i++
	}
	for i < len(s) && s[i] == '[' {
		end := strings.IndexByte(s[i:], ']')
		if end < 0 {
			return false
		}
		i += end + 1
	}
	s = strings.TrimLeft(s[i:], " \t")
	for _, op := range []string{"==", "!=", ">=", "<=", "<", ">"} {
		if rest, ok := strings.CutPrefix(s, op); ok {
			return strings.TrimSpace(rest) != ""
		}
	}
	return false
}

func isIdentRune(r rune) bool {
	return r == '_' || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') || ('0' <= r && r <= '9')
}

// String is the source expression.
func (f *Filter) String() string {
	if f == nil {
		return ""
	}
	return f.src
}

// Kind says whether the filter is text, regex or CEL (KindAll when empty).
func (f *Filter) Kind() Kind {
	if f == nil {
		return KindAll
	}
	return f.kind
}

// Needs reports which decoded parts of a record Match reads, so a caller filtering
// many records can leave the others undecoded: partition == 1 needs none, text needs
// all. A nil or empty filter needs none.
func (f *Filter) Needs() Parts {
	switch f.Kind() {
	case KindText, KindRegex:
		return PartAll
	case KindCEL:
		return f.cel.parts
	}
	return 0
}

// Match reports whether e passes the filter. A nil e passes only the empty filter.
func (f *Filter) Match(e *decode.Envelope) bool {
	if f == nil || f.kind == KindAll {
		return true
	}
	if e == nil {
		return false
	}
	switch f.kind {
	case KindText:
		return f.text.match(e)
	case KindRegex:
		return searchRecord(e, regexSearcher{f.re}, false)
	case KindCEL:
		f.fields.Observe(e)
		return f.cel.match(e)
	}
	return true
}
