package export

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/kpeek/kpeek/kafka"
)

// SpoolFormat is the value of the header line's "kpeek_spool" field. Format 1 spools
// (events only, written at the end of an export) are still read.
const SpoolFormat = 2

// SpoolHeader is the first line of a spool: where its events were going, what the
// export selected and how far it read. The HEC token is never written; Resume takes it
// from the caller. The lines after it are the journal (see journal.go).
type SpoolHeader struct {
	Spool       int             `json:"kpeek_spool"`
	Created     time.Time       `json:"created"`
	Destination SpoolDest       `json:"destination"`
	Cluster     string          `json:"cluster,omitempty"`
	ClusterID   string          `json:"cluster_id,omitempty"` // so a resume reads the rest from the same cluster
	Topic       string          `json:"topic,omitempty"`
	Reason      string          `json:"reason,omitempty"`
	Interrupted bool            `json:"interrupted"`         // the Kafka read was cut short
	Closed      bool            `json:"closed,omitempty"`    // the run that wrote it ended cleanly (false after a crash)
	Selection   *SpoolSelection `json:"selection,omitempty"` // nil: the records cannot be read again (explorer marks)
	// ReadUntil is the exclusive end offset per partition, recorded when the export started.
	ReadUntil map[int32]int64 `json:"read_until,omitempty"`
	// Read is the next offset to read per partition: everything before it was read and
	// is confirmed or in this spool.
	Read      map[int32]int64 `json:"read,omitempty"`
	ReadCount int64           `json:"read_count,omitempty"` // records read, selected or not (for Max)
}

// SpoolSelection is how to read the rest of an export's selection again, with the same
// filter, redaction and decoding.
type SpoolSelection struct {
	Filter      string   `json:"filter,omitempty"`
	Redact      []string `json:"redact,omitempty"`
	KeyFormat   string   `json:"key_format,omitempty"`
	ValueFormat string   `json:"value_format,omitempty"`
	Max         int64    `json:"max,omitempty"`      // records read at most, across partitions
	Describe    string   `json:"describe,omitempty"` // the selection as the user gave it
}

// Remaining is the part of the selection never read, per partition: offsets
// [Start, End). Empty when the spool has no selection or the read finished.
func (h SpoolHeader) Remaining() []kafka.PartitionRange {
	if h.Selection == nil || h.Selection.Max > 0 && h.ReadCount >= h.Selection.Max {
		return nil
	}
	var out []kafka.PartitionRange
	for _, p := range slices.Sorted(maps.Keys(h.ReadUntil)) {
		end := h.ReadUntil[p]
		from, ok := h.Read[p]
		if !ok {
			continue // nothing was to be read there
		}
		if from < end {
			out = append(out, kafka.PartitionRange{Partition: p, Start: from, End: end})
		}
	}
	return out
}

// SpoolDest is the HEC destination of spooled events (no token).
type SpoolDest struct {
	URL         string `json:"url"`
	Index       string `json:"index,omitempty"`
	Sourcetype  string `json:"sourcetype,omitempty"`
	Source      string `json:"source,omitempty"`
	Host        string `json:"host,omitempty"`
	CAFile      string `json:"ca_file,omitempty"`
	Ack         bool   `json:"ack"`
	BatchBytes  int    `json:"batch_bytes"`
	Concurrency int    `json:"concurrency"`
	NoGzip      bool   `json:"no_gzip,omitempty"`
}

func destOf(o HECOptions) SpoolDest {
	return SpoolDest{URL: o.URL, Index: o.Index, Sourcetype: o.Sourcetype, Source: o.Source, Host: o.Host,
		CAFile: o.CAFile, Ack: o.Ack, BatchBytes: o.BatchBytes, Concurrency: o.Concurrency, NoGzip: o.NoGzip}
}

func (d SpoolDest) options() HECOptions {
	return HECOptions{URL: d.URL, Index: d.Index, Sourcetype: d.Sourcetype, Source: d.Source, Host: d.Host,
		CAFile: d.CAFile, Ack: d.Ack, BatchBytes: d.BatchBytes, Concurrency: d.Concurrency, NoGzip: d.NoGzip}
}

// ReadSpoolHeader reads a spool's header as the journal leaves it: the read positions
// are those of the last complete journal entry, so Remaining is what a resume reads.
func ReadSpoolHeader(path string) (SpoolHeader, error) {
	sc, err := scanJournal(path)
	if err != nil {
		return SpoolHeader{}, err
	}
	return sc.header, nil
}

// checkSpoolDir makes sure the spool folder exists and is writable before an export
// starts, since the spool is where unconfirmed records go when everything else failed.
func checkSpoolDir(dir string) error {
	if dir == "" {
		dir = "."
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("spool folder %s: %w", dir, err)
	}
	f, err := os.CreateTemp(dir, ".kpeek-spool-check-*")
	if err != nil {
		return fmt.Errorf("spool folder %s is not writable: %w", dir, err)
	}
	f.Close()
	return os.Remove(f.Name())
}

// spoolName is a new spool's file name in dir.
func spoolName(dir, topic string) string {
	if dir == "" {
		dir = "."
	}
	return filepath.Join(dir, fmt.Sprintf("kpeek-spool-%s-%s.ndjson", safeName(topic),
		time.Now().UTC().Format("20060102T150405.000Z")))
}

// selectionHeader records the request's selection in h, when it can be read again.
func selectionHeader(h *SpoolHeader, req Request) {
	if req.Reread == nil {
		return
	}
	h.Selection = &SpoolSelection{Filter: req.Capture.Filter, Redact: req.Redact,
		KeyFormat: req.Reread.KeyFormat, ValueFormat: req.Reread.ValueFormat, Max: req.Reread.Max,
		Describe: req.Capture.Selection}
	h.ReadUntil, h.Read = map[int32]int64{}, map[int32]int64{}
	for _, r := range req.Capture.Ranges {
		if r.End < 0 {
			continue // following has no end to come back to
		}
		h.ReadUntil[r.Partition] = r.End
		h.Read[r.Partition] = min(r.Start, r.End)
	}
}

// safeName keeps letters, digits, dot, dash and underscore for use in a file name.
func safeName(s string) string {
	if s == "" {
		return "events"
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			return r
		}
		return '_'
	}, s)
}

// marshalHeader is the header line.
func marshalHeader(h SpoolHeader) ([]byte, error) {
	h.Spool = SpoolFormat
	b, err := json.Marshal(h)
	if err != nil {
		return nil, fmt.Errorf("encode spool header: %w", err)
	}
	return append(b, '\n'), nil
}

// journalScan is what a journal file holds, read up to its last complete entry.
type journalScan struct {
	path   string
	header SpoolHeader
	v1     bool             // a format 1 spool: every line after the header is an unconfirmed event
	done   map[int64][]bool // per batch, which events are confirmed
	end    int64            // offset after the last complete entry
	maxID  int64
	left   int64 // unconfirmed events
}

// scanJournal reads a spool file's header and entries.
func scanJournal(path string) (*journalScan, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open spool: %w", err)
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<20)
	line, err := r.ReadBytes('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("read spool %s: %w", path, err)
	}
	sc := &journalScan{path: path, done: map[int64][]bool{}, end: int64(len(line))}
	if json.Unmarshal(line, &sc.header) != nil || sc.header.Spool < 1 || sc.header.Spool > SpoolFormat {
		return nil, fmt.Errorf("read spool %s: not a kpeek spool file (bad header line)", path)
	}
	if sc.header.Spool == 1 {
		return sc.scanV1(r)
	}
	if sc.header.Read == nil && sc.header.Selection != nil {
		sc.header.Read = map[int32]int64{}
	}
	pos := sc.end
	for {
		line, err := r.ReadBytes('\n')
		if len(line) == 0 || line[len(line)-1] != '\n' {
			if err != nil && !errors.Is(err, io.EOF) {
				return nil, fmt.Errorf("read spool %s: %w", path, err)
			}
			return sc, nil // the end, or a torn last line
		}
		pos += int64(len(line))
		var m journalMark
		if json.Unmarshal(line, &m) != nil || m.Kind == "" {
			return nil, fmt.Errorf("read spool %s: damaged at byte %d (not a journal entry)", path, pos-int64(len(line)))
		}
		switch m.Kind {
		case "batch":
			complete := true
			for range m.N {
				ev, _ := r.ReadBytes('\n')
				pos += int64(len(ev))
				if len(ev) == 0 || ev[len(ev)-1] != '\n' {
					complete = false
					break
				}
			}
			if !complete {
				return sc, nil // torn by a crash while it was written: as if never read
			}
			sc.done[m.ID] = make([]bool, m.N)
			sc.left += int64(m.N)
			sc.maxID = max(sc.maxID, m.ID)
			sc.apply(m)
		case "ok":
			for _, ref := range m.Refs {
				d := sc.done[ref[0]]
				if ref[1] < 0 || ref[2] > int64(len(d)) || ref[1] > ref[2] {
					return nil, fmt.Errorf("read spool %s: damaged at byte %d (confirms unknown events)", path, pos-int64(len(line)))
				}
				for i := ref[1]; i < ref[2]; i++ {
					if !d[i] {
						d[i] = true
						sc.left--
					}
				}
			}
		default:
			return nil, fmt.Errorf("read spool %s: damaged at byte %d (unknown entry %q)", path, pos-int64(len(line)), m.Kind)
		}
		sc.end = pos
	}
}

func (sc *journalScan) scanV1(r *bufio.Reader) (*journalScan, error) {
	var n int
	for {
		line, err := r.ReadBytes('\n')
		if len(line) > 0 && len(trimSpace(line)) > 0 {
			n++
		}
		if err != nil {
			break
		}
	}
	sc.v1 = true
	sc.done[0] = make([]bool, n)
	sc.left = int64(n)
	return sc, nil
}

func (sc *journalScan) apply(m journalMark) {
	if m.Read != nil {
		if sc.header.Read == nil {
			sc.header.Read = map[int32]int64{}
		}
		maps.Copy(sc.header.Read, m.Read)
	}
	sc.header.ReadCount = max(sc.header.ReadCount, m.Count)
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\n' || b[0] == '\r' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\n' || b[len(b)-1] == '\r' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

// spoolSource yields a journal's unconfirmed events, up to end, with their refs.
type spoolSource struct {
	f     *os.File
	r     *bufio.Reader
	done  map[int64][]bool
	v1    bool
	id    int64
	i, n  int
	count *meter // counts what it yields as selected; may be nil
}

func openSpoolSource(path string, end int64, v1 bool, done map[int64][]bool, m *meter) (*spoolSource, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open spool: %w", err)
	}
	r := bufio.NewReaderSize(io.LimitReader(f, end), 1<<20)
	if _, err := r.ReadBytes('\n'); err != nil { // the header
		f.Close()
		return nil, fmt.Errorf("read spool %s: %w", path, err)
	}
	s := &spoolSource{f: f, r: r, done: done, v1: v1, count: m}
	if v1 {
		s.n = len(done[0])
	}
	return s, nil
}

// next stops at ctx's end: what it has not yielded stays in the journal, unconfirmed.
func (s *spoolSource) next(ctx context.Context) ([]byte, jref, error) {
	for {
		if err := ctx.Err(); err != nil {
			return nil, jref{}, fmt.Errorf("export interrupted: %w", err)
		}
		if s.i < s.n {
			line, err := s.r.ReadBytes('\n')
			if s.v1 && len(trimSpace(line)) == 0 && err == nil {
				continue // blank lines do not count in format 1
			}
			if len(line) == 0 || line[len(line)-1] != '\n' {
				if s.v1 && len(trimSpace(line)) > 0 {
					line = append(line, '\n')
				} else {
					return nil, jref{}, fmt.Errorf("read spool %s: it changed while it was read", s.f.Name())
				}
			}
			i := s.i
			s.i++
			if s.done[s.id][i] {
				continue
			}
			if s.count != nil {
				s.count.selected.Add(1)
			}
			return line, jref{s.id, int32(i)}, nil
		}
		if s.v1 {
			return nil, jref{}, io.EOF
		}
		line, err := s.r.ReadBytes('\n')
		if len(line) == 0 && err != nil {
			return nil, jref{}, io.EOF
		}
		var m journalMark
		if json.Unmarshal(line, &m) != nil {
			return nil, jref{}, fmt.Errorf("read spool %s: damaged entry", s.f.Name())
		}
		if m.Kind == "batch" {
			s.id, s.i, s.n = m.ID, 0, m.N
		}
	}
}

func (s *spoolSource) mark(bool) *readMark { return nil }

func (s *spoolSource) close() { s.f.Close() }
