package export

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/decode/scan"
)

// Redacted is what a masked field's value becomes.
const Redacted = `"` + scan.Redacted + `"`

// RedactionProfiles are the --redact names that mask every value a detector finds, on
// top of explicit field paths: pii (personal data, cards included), pci (card
// numbers), secrets (keys, tokens, passwords), all.
var RedactionProfiles = []string{"pii", "pci", "secrets", "all"}

// redactor masks fields of envelopes. A rule is a dotted path rooted at key, value or
// headers: "key" and "value" mask the whole part, "value.card.number" one field (through
// arrays: every element), "headers.x" the header x, "headers" every header. A profile
// (RedactionProfiles) masks what its detectors find anywhere; a card number keeps its
// last four digits. Masked parts lose their raw bytes too, so nothing of them can leak
// through raw output. A part that cannot be read as JSON is masked whole: redaction
// fails closed.
type redactor struct {
	rules    []redactRule
	profiles []string
	scanner  *scan.Scanner // nil without a profile
}

type redactRule struct {
	part string   // key | value | headers
	path []string // below the part; for headers the first element is the header key
}

// ParseRedactions checks redaction paths and profiles and returns them normalised; it
// is what ToFile and ToSplunk apply, exposed so callers can validate flags early.
func ParseRedactions(paths []string) ([]string, error) {
	rd, err := newRedactor(paths)
	if err != nil {
		return nil, err
	}
	out := slices.Clone(rd.profiles)
	for _, r := range rd.rules {
		out = append(out, strings.Join(append([]string{r.part}, r.path...), "."))
	}
	return out, nil
}

// RedactionDetectors names the detector set a redaction relies on: scan.Version when
// the rules include a profile, else "" (explicit paths need no detectors). Manifests
// record it.
func RedactionDetectors(rules []string) string {
	for _, r := range rules {
		if slices.Contains(RedactionProfiles, strings.ToLower(strings.TrimSpace(r))) {
			return scan.Version
		}
	}
	return ""
}

func newRedactor(paths []string) (*redactor, error) {
	rd := &redactor{}
	var classes []scan.Class
	for _, p := range paths {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if cs, ok := scan.ParseProfile(p); ok {
			p = strings.ToLower(p)
			if !slices.Contains(rd.profiles, p) {
				rd.profiles = append(rd.profiles, p)
				classes = append(classes, cs...)
			}
			continue
		}
		parts := strings.Split(p, ".")
		for _, s := range parts {
			if s == "" {
				return nil, fmt.Errorf("redact path %q: empty segment", p)
			}
		}
		switch parts[0] {
		case "key", "value", "headers":
		default:
			return nil, fmt.Errorf("redact %q: a path must start with key, value or headers; a profile is one of %s",
				p, strings.Join(RedactionProfiles, ", "))
		}
		rd.rules = append(rd.rules, redactRule{part: parts[0], path: parts[1:]})
	}
	if len(classes) > 0 {
		rd.scanner = scan.New(scan.WithClasses(classes...))
	}
	return rd, nil
}

// active reports whether any rule or profile is set.
func (rd *redactor) active() bool { return rd != nil && (len(rd.rules) > 0 || rd.scanner != nil) }

// apply masks e in place; raw bytes of every part are dropped when any rule is active,
// so a redacted export can never carry the original payload.
func (rd *redactor) apply(e *decode.Envelope) {
	if !rd.active() {
		return
	}
	for _, r := range rd.rules {
		switch r.part {
		case "key":
			maskDecoded(&e.Key, r.path)
		case "value":
			maskDecoded(&e.Value, r.path)
		case "headers":
			for i := range e.Headers {
				h := &e.Headers[i]
				if len(r.path) == 0 {
					maskDecoded(&h.Value, nil)
				} else if h.Key == r.path[0] {
					maskDecoded(&h.Value, r.path[1:])
				}
			}
		}
	}
	if rd.scanner != nil {
		maskDetected(rd.scanner, "key", &e.Key)
		maskDetected(rd.scanner, "value", &e.Value)
		for i := range e.Headers {
			maskDetected(rd.scanner, e.Headers[i].Key, &e.Headers[i].Value)
		}
	}
	e.Key.Raw, e.Value.Raw = nil, nil
	for i := range e.Headers {
		e.Headers[i].Value.Raw = nil
	}
}

// maskDecoded masks the member at path of d (all of d for an empty path).
func maskDecoded(d *decode.Decoded, path []string) {
	if d.JSON == nil {
		return // null stays null: there is nothing to hide
	}
	if len(path) == 0 {
		d.JSON = []byte(Redacted)
		return
	}
	d.JSON = maskJSON(d.JSON, path)
}

// maskJSON returns src (one JSON value) with every member at path replaced by
// Redacted, or Redacted itself when src is not valid JSON. A path reaches into JSON held
// in a string (an object or array as text), as kpeek scan reports such fields. Bytes outside the masked
// members are copied as they are, so numbers keep their exact digits and member order
// is unchanged.
func maskJSON(src []byte, path []string) []byte {
	out, ok := maskMembers(src, path)
	if !ok {
		return []byte(Redacted)
	}
	return out
}

// maskMembers is maskJSON reporting whether src could be read instead of masking it.
func maskMembers(src []byte, path []string) ([]byte, bool) {
	var ed edits
	ok := decode.WalkJSON(src, func(p []string, kind decode.JSONKind, start, end int) {
		switch {
		case slices.Equal(p, path):
			ed.add(start, end, []byte(Redacted))
		case kind == decode.JSONString && len(p) < len(path) && slices.Equal(p, path[:len(p)]):
			// JSON held in a string, as kpeek scan reports it: the path goes on inside.
			text, ok := decode.UnquoteJSON(src[start:end])
			if t := strings.TrimSpace(text); !ok || t == "" || t[0] != '{' && t[0] != '[' {
				if !ok {
					ed.add(start, end, []byte(Redacted))
				}
				return // plain text: the path is not there
			}
			inner, ok := maskMembers([]byte(text), path[len(p):])
			switch {
			case !ok: // looks like JSON (maybe cut short) but cannot be read
				ed.add(start, end, []byte(Redacted))
			case string(inner) != text:
				ed.add(start, end, decode.AppendJSONString(nil, string(inner)))
			}
		}
	})
	if !ok {
		return nil, false
	}
	return ed.apply(src), true
}

// maskDetected masks, in d found in the field named field, every value the scanner's
// detectors find: inside strings only the detected text (a card keeps its last four
// digits), a detected number whole. Bytes that did not decode to text are masked whole
// when anything is found in them; JSON that cannot be read is masked whole.
func maskDetected(s *scan.Scanner, field string, d *decode.Decoded) {
	if d.JSON == nil {
		return
	}
	if d.Encoding == decode.EncodingBase64 || d.Encoding == decode.EncodingHex {
		found := false
		s.Decoded(field, d, func(scan.Finding) { found = true })
		if found {
			d.JSON = []byte(Redacted)
		}
		return
	}
	src := d.JSON
	var ed edits
	ok := decode.WalkJSON(src, func(p []string, kind decode.JSONKind, start, end int) {
		name := field
		if len(p) > 0 {
			name = p[len(p)-1]
		}
		text := string(src[start:end])
		switch kind {
		case decode.JSONString:
			var ok bool
			if text, ok = decode.UnquoteJSON(src[start:end]); !ok {
				ed.add(start, end, []byte(Redacted))
				return
			}
		case decode.JSONNumber:
		default:
			return
		}
		if masked, changed := s.Redact(name, text); changed {
			ed.add(start, end, decode.AppendJSONString(nil, masked))
		}
	})
	if !ok {
		d.JSON = []byte(Redacted)
		return
	}
	d.JSON = ed.apply(src)
}

// edits are replacements of spans of one JSON text, added in the order WalkJSON visits
// values: a container comes after its contents, so its edit replaces theirs.
type edits []edit

type edit struct {
	start, end int
	with       []byte
}

func (ed *edits) add(start, end int, with []byte) {
	for len(*ed) > 0 && (*ed)[len(*ed)-1].start >= start {
		*ed = (*ed)[:len(*ed)-1]
	}
	*ed = append(*ed, edit{start, end, with})
}

// apply returns src with the edits made; src itself when there are none.
func (ed edits) apply(src []byte) []byte {
	if len(ed) == 0 {
		return src
	}
	out := make([]byte, 0, len(src)+16*len(ed))
	last := 0
	for _, e := range ed {
		out = append(out, src[last:e.start]...)
		out = append(out, e.with...)
		last = e.end
	}
	return append(out, src[last:]...)
}
