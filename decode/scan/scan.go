// Package scan finds regulated data in decoded records: payment card numbers (PCI),
// personal data such as e-mail addresses, phone numbers, IBANs, national ids, IP
// addresses and dates of birth (PII), and secrets such as private keys, JWTs, cloud
// and SaaS tokens and fields named like passwords (secrets). It reads decoded values
// field by field, text inside them (including JSON held in a string) and the
// printable runs of undecoded bytes, and reports where each value was found so it can
// be counted, shown masked, or redacted.
package scan

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/kpeek/kpeek/decode"
)

// Version names the detector set and its rules; it changes whenever what is detected
// changes, so a redacted export says which detectors vouched for it.
const Version = "kpeek-scan/1"

// Class is a family of regulated data.
type Class string

// The classes, as a verdict names them.
const (
	PCI     Class = "PCI"
	PII     Class = "PII"
	Secrets Class = "secrets"
)

// classOrder is every class in verdict order.
var classOrder = [...]Class{PCI, PII, Secrets}

// Detector names, as reports and findings spell them. Token rules are named by their
// rule id (see tokenRules).
const (
	CardNumber  = "card_number"
	Email       = "email"
	Phone       = "phone"
	IBAN        = "iban"
	USSSN       = "us_ssn"
	NationalID  = "national_id"
	IPAddress   = "ip_address"
	DateOfBirth = "date_of_birth"
	PrivateKey  = "private_key"
	JWT         = "jwt"
	SecretField = "secret_field"
)

// Finding is one detected value.
type Finding struct {
	Detector string
	Class    Class
	// Path is where the value is: key, value.card.number, headers.auth. Array
	// elements add nothing, so a path names a field of every element, as a
	// redaction path does.
	Path string
	// Start and End are the value's byte span in the text that was scanned (a JSON
	// string's text, a number as written, a header's text).
	Start, End int
	// Match is the detected text itself: never print it, show Masked instead.
	Match string

	quote bool // the span is a number inside JSON held in a string: a mask needs quotes
}

// Masked is the finding's value masked for display (see Mask).
func (f Finding) Masked() string { return Mask(f.Detector, f.Match) }

// Scanner runs the detectors of some classes; its zero value is not usable, use New.
type Scanner struct {
	pci, pii, secrets bool
}

// Option configures a Scanner.
type Option func(*Scanner)

// WithClasses restricts the scanner to these classes (default all).
func WithClasses(cs ...Class) Option {
	return func(s *Scanner) {
		s.pci, s.pii, s.secrets = slices.Contains(cs, PCI), slices.Contains(cs, PII), slices.Contains(cs, Secrets)
	}
}

// New returns a scanner running every detector unless options narrow it.
func New(opts ...Option) *Scanner {
	s := &Scanner{pci: true, pii: true, secrets: true}
	for _, o := range opts {
		o(s)
	}
	return s
}

// ParseProfile maps a redaction profile name (pii, pci, secrets, all) to its classes;
// ok is false for any other name. PII includes PCI: a card number is personal data too.
func ParseProfile(name string) (cs []Class, ok bool) {
	switch strings.ToLower(name) {
	case "pii":
		return []Class{PII, PCI}, true
	case "pci":
		return []Class{PCI}, true
	case "secrets":
		return []Class{Secrets}, true
	case "all":
		return slices.Clone(classOrder[:]), true
	}
	return nil, false
}

// Envelope scans a decoded record's key, value and headers, calling fn for every finding.
func (s *Scanner) Envelope(e *decode.Envelope, fn func(Finding)) {
	s.Decoded("key", &e.Key, fn)
	s.Decoded("value", &e.Value, fn)
	for i := range e.Headers {
		s.Decoded("headers."+e.Headers[i].Key, &e.Headers[i].Value, fn)
	}
}

// Decoded scans one decoded part whose path is root. Structured values are read field
// by field; bytes that did not decode to text are read as their printable runs.
func (s *Scanner) Decoded(root string, d *decode.Decoded, fn func(Finding)) {
	switch {
	case d.JSON == nil:
	case d.Encoding == decode.EncodingBase64 || d.Encoding == decode.EncodingHex:
		for _, r := range printableRuns(d.Raw) {
			s.Text(root, r.text, func(f Finding) {
				f.Start, f.End = f.Start+r.at, f.End+r.at
				fn(f)
			})
		}
	default:
		if !s.JSON(root, d.JSON, fn) {
			s.Text(root, string(d.JSON), fn)
		}
	}
}

// JSON scans every string and number in js, one JSON value found at path root; it
// reports false, having found nothing, when js is not valid JSON.
func (s *Scanner) JSON(root string, js []byte, fn func(Finding)) bool {
	var found []Finding
	var at [][]string
	ok := s.walk(js, lastSegment(root), func(path []string, f Finding) {
		found = append(found, f)
		at = append(at, slices.Clone(path))
	})
	if !ok {
		return false
	}
	for i, f := range found {
		f.Path = joinPath(root, at[i])
		fn(f)
	}
	return true
}

// Text scans text found at path (whose last element names the field, for detectors
// that need the name); JSON held in the text is read field by field, with its paths
// below path.
func (s *Scanner) Text(path, text string, fn func(Finding)) {
	s.text(text, lastSegment(path), func(sub []string, f Finding) {
		f.Path = joinPath(path, sub)
		fn(f)
	})
}

// lastSegment is the field name a path ends in.
func lastSegment(path string) string { return path[strings.LastIndexByte(path, '.')+1:] }

// walk calls emit for every finding in the JSON value js, with its path below js's
// root, the field named rootField.
func (s *Scanner) walk(js []byte, rootField string, emit func(path []string, f Finding)) bool {
	return decode.WalkJSON(js, func(path []string, kind decode.JSONKind, start, end int) {
		field := rootField
		if len(path) > 0 {
			field = path[len(path)-1]
		}
		switch kind {
		case decode.JSONString:
			inner := js[start+1 : end-1]
			if bytes.IndexByte(inner, '\\') < 0 && !s.mayMatch(measure(inner), fieldHint(field), len(inner)) {
				return // nothing can match: skip the copy to a string
			}
			text, ok := decode.UnquoteJSON(js[start:end])
			if !ok {
				return
			}
			s.text(text, field, func(sub []string, f Finding) {
				emit(append(path[:len(path):len(path)], sub...), f)
			})
		case decode.JSONNumber:
			s.detect(string(js[start:end]), field, func(f Finding) { emit(path, f) })
		}
	})
}

// text scans a text value: JSON held in it field by field, else the text itself.
func (s *Scanner) text(text, field string, emit func(sub []string, f Finding)) {
	if embeddedJSON(text) {
		js := []byte(text)
		var found []located
		nested := decode.WalkJSON(js, func(path []string, kind decode.JSONKind, start, end int) {
			name := field
			if len(path) > 0 {
				name = path[len(path)-1]
			}
			switch kind {
			case decode.JSONString:
				inner, ok := decode.UnquoteJSON(js[start:end])
				if !ok {
					return
				}
				if inner != string(js[start+1:end-1]) {
					return // escapes inside: spans in the text would not line up; the whole-text pass below covers it
				}
				s.detect(inner, name, func(f Finding) {
					f.Start, f.End = f.Start+start+1, f.End+start+1
					found = append(found, located{f, slices.Clone(path)})
				})
			case decode.JSONNumber:
				s.detect(text[start:end], name, func(f Finding) {
					f.Start, f.End, f.quote = f.Start+start, f.End+start, true
					found = append(found, located{f, slices.Clone(path)})
				})
			}
		})
		if nested {
			// Values with escapes were skipped above: a plain pass over the whole text
			// finds what they hold, attributed to the string itself.
			var whole []located
			s.detect(text, "", func(f Finding) { whole = append(whole, located{f, nil}) })
			for _, l := range mergeSpans(found, whole, func(l located) (int, int) { return l.Start, l.End }) {
				emit(l.path, l.Finding)
			}
			return
		}
	}
	s.detect(text, field, func(f Finding) { emit(nil, f) })
}

// located is a finding with its path below the text it was found in.
type located struct {
	Finding
	path []string
}

// embeddedJSON reports whether a text value looks like a JSON object or array, which
// the scanner then reads field by field (paths continue below the text's own).
func embeddedJSON(text string) bool {
	t := strings.TrimSpace(text)
	return len(t) >= 2 && (t[0] == '{' && t[len(t)-1] == '}' || t[0] == '[' && t[len(t)-1] == ']')
}

func joinPath(root string, sub []string) string {
	if len(sub) == 0 {
		return root
	}
	n := len(root)
	for _, p := range sub {
		n += 1 + len(p)
	}
	var b strings.Builder
	b.Grow(n)
	b.WriteString(root)
	for _, p := range sub {
		b.WriteByte('.')
		b.WriteString(p)
	}
	return b.String()
}

// run is a printable stretch of undecoded bytes.
type run struct {
	at   int
	text string
}

// printableRuns returns the stretches of at least 6 printable ASCII bytes in b, the way
// strings(1) reads a binary.
func printableRuns(b []byte) []run {
	var out []run
	start := -1
	for i := 0; i <= len(b); i++ {
		if i < len(b) && (b[i] >= 0x20 && b[i] < 0x7f || b[i] == '\t') {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 && i-start >= 6 {
			out = append(out, run{at: start, text: string(b[start:i])})
		}
		start = -1
	}
	return out
}

// String names a finding for debugging, masked.
func (f Finding) String() string {
	return fmt.Sprintf("%s %s %s [%d:%d]", f.Path, f.Detector, f.Masked(), f.Start, f.End)
}
