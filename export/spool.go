package export

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// SpoolFormat is the value of the header line's "kpeek_spool" field.
const SpoolFormat = 1

// SpoolHeader is the first line of a spool file: where its events were going and why
// they are here. The HEC token is never written; Resume takes it from the caller.
// Every following line is one HEC event exactly as it would be sent.
type SpoolHeader struct {
	Spool       int             `json:"kpeek_spool"`
	Created     time.Time       `json:"created"`
	Destination SpoolDest       `json:"destination"`
	Cluster     string          `json:"cluster,omitempty"`
	Topic       string          `json:"topic,omitempty"`
	Reason      string          `json:"reason"`
	Interrupted bool            `json:"interrupted"`          // the Kafka read was cut short
	ReadUntil   map[int32]int64 `json:"read_until,omitempty"` // last offset read per partition when it was
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

// spoolWriter creates its file on the first event, so a clean run leaves nothing behind.
type spoolWriter struct {
	dir    string
	header SpoolHeader
	file   *atomicFile
	n      int64
	path   string
}

func newSpoolWriter(dir string, header SpoolHeader) *spoolWriter {
	if dir == "" {
		dir = "."
	}
	header.Spool = SpoolFormat
	return &spoolWriter{dir: dir, header: header}
}

func (s *spoolWriter) add(ev []byte) error {
	if s.file == nil {
		name := fmt.Sprintf("kpeek-spool-%s-%s.ndjson", safeName(s.header.Topic), time.Now().UTC().Format("20060102T150405.000Z"))
		if err := os.MkdirAll(s.dir, 0o700); err != nil {
			return fmt.Errorf("create spool folder %s: %w", s.dir, err)
		}
		af, err := createAtomic(filepath.Join(s.dir, name), false)
		if err != nil {
			return fmt.Errorf("create spool: %w", err)
		}
		s.file = af // the event body; finish puts the header in front of it
	}
	if _, err := s.file.w.Write(ev); err != nil {
		return fmt.Errorf("write spool %s: %w", s.file.final, err)
	}
	if len(ev) == 0 || ev[len(ev)-1] != '\n' {
		if err := s.file.w.WriteByte('\n'); err != nil {
			return fmt.Errorf("write spool %s: %w", s.file.final, err)
		}
	}
	s.n++
	return nil
}

// finish writes the header and renames the spool into place; it returns the spool's
// path, or "" when nothing was spooled.
func (s *spoolWriter) finish(reason string) (string, error) {
	if s.file == nil {
		return "", nil
	}
	s.header.Reason = reason
	s.header.Created = time.Now().UTC()
	// Events were streamed to a body file; put the header in front by writing the
	// final file from header + body.
	body := s.file
	if err := body.w.Flush(); err != nil {
		body.abort()
		return "", fmt.Errorf("write spool %s: %w", body.final, err)
	}
	out, err := createAtomic(body.final, false)
	if err != nil {
		body.abort()
		return "", err
	}
	defer body.abort()
	defer out.abort()
	hdr, err := json.Marshal(s.header)
	if err != nil {
		return "", fmt.Errorf("encode spool header: %w", err)
	}
	if _, err := out.w.Write(append(hdr, '\n')); err != nil {
		return "", fmt.Errorf("write spool %s: %w", out.final, err)
	}
	if _, err := body.f.Seek(0, io.SeekStart); err != nil {
		return "", fmt.Errorf("read back spool %s: %w", body.final, err)
	}
	if _, err := io.Copy(out.w, body.f); err != nil {
		return "", fmt.Errorf("write spool %s: %w", out.final, err)
	}
	if err := out.commit(); err != nil {
		return "", err
	}
	s.path = out.final
	return s.path, nil
}

// spoolReader yields a spool file's events.
type spoolReader struct {
	f      *os.File
	r      *bufio.Reader
	header SpoolHeader
}

func openSpool(path string) (*spoolReader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open spool: %w", err)
	}
	r := bufio.NewReaderSize(f, 1<<20)
	line, err := r.ReadBytes('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		f.Close()
		return nil, fmt.Errorf("read spool %s: %w", path, err)
	}
	var h SpoolHeader
	if json.Unmarshal(line, &h) != nil || h.Spool != SpoolFormat {
		f.Close()
		return nil, fmt.Errorf("read spool %s: not a kpeek spool file (bad header line)", path)
	}
	return &spoolReader{f: f, r: r, header: h}, nil
}

// next ignores ctx on purpose: after an interrupt the rest of the file still has to be
// copied to the new spool before the old one is removed, and that is local and quick.
func (s *spoolReader) next(context.Context) ([]byte, error) {
	for {
		line, err := s.r.ReadBytes('\n')
		if len(strings.TrimSpace(string(line))) > 0 {
			if line[len(line)-1] != '\n' {
				line = append(line, '\n')
			}
			return line, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

func (s *spoolReader) close() { s.f.Close() }

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

// countLines counts the lines of a file, for a resume's progress total; 0 when unreadable.
func countLines(path string) int64 {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	var n int64
	buf := make([]byte, 256<<10)
	for {
		k, err := f.Read(buf)
		n += int64(bytes.Count(buf[:k], []byte{'\n'}))
		if err != nil {
			return n
		}
	}
}
