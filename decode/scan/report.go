package scan

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kpeek/kpeek/decode"
)

// FieldReport is what one detector found at one field path of a topic.
type FieldReport struct {
	Path     string    `json:"path"`
	Detector string    `json:"detector"`
	Class    Class     `json:"class"`
	Records  int64     `json:"records"` // records with at least one hit
	Share    float64   `json:"share"`   // Records over the records scanned
	First    time.Time `json:"first"`   // earliest record timestamp with a hit
	Last     time.Time `json:"last"`
	Example  string    `json:"example"` // one value, masked
}

// TopicReport is a topic's scan: every field path with findings, and the verdict.
type TopicReport struct {
	Topic   string `json:"topic"`
	Scanned int64  `json:"records_scanned"`
	// Undecoded counts records whose key, value or a header did not decode: those
	// parts were scanned as their text or printable bytes, which can miss fields.
	Undecoded int64         `json:"records_undecoded"`
	Fields    []FieldReport `json:"fields"`
	Classes   []Class       `json:"classes"` // the classes found, in verdict order; empty when none
}

// Verdict is one line naming what a topic holds, and how much of it could not be read
// field by field.
func (r *TopicReport) Verdict() string {
	v := r.Topic + ": no regulated data found in " + plural(r.Scanned, "record")
	if len(r.Classes) > 0 {
		names := make([]string, len(r.Classes))
		for i, c := range r.Classes {
			names[i] = string(c)
		}
		v = r.Topic + ": " + strings.Join(names, ", ") + " found in " + plural(r.Scanned, "record") + " scanned"
	}
	if r.Undecoded > 0 {
		v += "; " + plural(r.Undecoded, "record") + " did not decode (their raw text was scanned)"
	}
	return v
}

func plural(n int64, word string) string {
	s := word
	if n != 1 {
		s += "s"
	}
	return strconv.FormatInt(n, 10) + " " + s
}

// Tally scans records of one topic and counts findings per field path and detector.
// It is not safe for concurrent use: one per goroutine (a Scanner may be shared).
type Tally struct {
	scanner   *Scanner
	topic     string
	scanned   int64
	undecoded int64
	fields    map[fieldKey]*FieldReport
	seen      map[fieldKey]bool // hits of the record being scanned
}

type fieldKey struct{ path, detector string }

// maxFieldPaths bounds the paths a tally tells apart: member names come from the data,
// and a hostile topic can make every record's names new. Findings beyond it are counted
// under OtherFields.
const maxFieldPaths = 10000

// OtherFields is the path findings are counted under once a tally holds maxFieldPaths.
const OtherFields = "(other fields)"

// NewTally starts counting a topic's findings with scanner s.
func NewTally(s *Scanner, topic string) *Tally {
	return &Tally{scanner: s, topic: topic, fields: map[fieldKey]*FieldReport{}, seen: map[fieldKey]bool{}}
}

// Add scans one record.
func (t *Tally) Add(e *decode.Envelope) {
	t.scanned++
	if undecoded(e) {
		t.undecoded++
	}
	clear(t.seen)
	t.scanner.Envelope(e, func(f Finding) {
		k := fieldKey{f.Path, f.Detector}
		if _, known := t.fields[k]; !known && len(t.fields) >= maxFieldPaths {
			k.path = OtherFields
		}
		if t.seen[k] {
			return
		}
		t.seen[k] = true
		fr := t.fields[k]
		if fr == nil {
			fr = &FieldReport{Path: k.path, Detector: f.Detector, Class: f.Class, First: e.Timestamp, Last: e.Timestamp, Example: f.Masked()}
			t.fields[k] = fr
		}
		fr.Records++
		if e.Timestamp.Before(fr.First) {
			fr.First = e.Timestamp
		}
		if e.Timestamp.After(fr.Last) {
			fr.Last = e.Timestamp
		}
	})
}

// undecoded reports a record with a part that failed to decode.
func undecoded(e *decode.Envelope) bool {
	if e.Key.Error != "" || e.Value.Error != "" {
		return true
	}
	for i := range e.Headers {
		if e.Headers[i].Value.Error != "" {
			return true
		}
	}
	return false
}

// Report is the tally so far, fields sorted by class, path and detector.
func (t *Tally) Report() TopicReport {
	r := TopicReport{Topic: t.topic, Scanned: t.scanned, Undecoded: t.undecoded, Fields: []FieldReport{}, Classes: []Class{}}
	found := map[Class]bool{}
	for _, fr := range t.fields {
		f := *fr
		if t.scanned > 0 {
			f.Share = float64(f.Records) / float64(t.scanned)
		}
		r.Fields = append(r.Fields, f)
		found[f.Class] = true
	}
	for _, c := range classOrder {
		if found[c] {
			r.Classes = append(r.Classes, c)
		}
	}
	slices.SortFunc(r.Fields, func(a, b FieldReport) int {
		if c := slices.Index(classOrder[:], a.Class) - slices.Index(classOrder[:], b.Class); c != 0 {
			return c
		}
		if c := strings.Compare(a.Path, b.Path); c != 0 {
			return c
		}
		return strings.Compare(a.Detector, b.Detector)
	})
	return r
}
