package export

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// The journal is the spool written while an HEC export runs, so that a crash, kill -9,
// OOM or power loss leaves a spool to resume from. After the header line it holds entries:
//
//	{"kpeek_journal":"batch","id":7,"n":3,"read":{"0":120},"count":361}  followed by 3 event lines
//	{"kpeek_journal":"ok","refs":[[7,0,3]]}                              events 0..2 of batch 7 confirmed
//
// Every entry is appended and fsynced before the export goes on: a batch before its
// events are sent, a confirmation as soon as the collector confirmed them. A batch whose
// event lines are incomplete (torn by a crash) is ignored together with its read position,
// so its records are read from Kafka again. When the export ends the journal is compacted
// to the unconfirmed events, or removed when nothing is left to do.

// jref names one event in the journal: batch id (from 1; 0 means not journaled yet) and index.
type jref struct {
	b int64
	i int32
}

// journalMark is one entry line.
type journalMark struct {
	Kind  string          `json:"kpeek_journal"` // "batch" or "ok"
	ID    int64           `json:"id,omitempty"`
	N     int             `json:"n,omitempty"`
	Read  map[int32]int64 `json:"read,omitempty"`
	Count int64           `json:"count,omitempty"`
	Refs  [][3]int64      `json:"refs,omitempty"` // [batch, from, to)
}

// readMark is a source's read position: the next offset per partition and the records
// read so far. A nil *readMark means the source has none (spooled events).
type readMark struct {
	read  map[int32]int64
	count int64
}

// journal appends entries to a spool file while an export runs.
type journal struct {
	mu     sync.Mutex
	path   string
	f      *os.File
	header SpoolHeader // Read and ReadCount as last journaled
	v1     bool
	done   map[int64][]bool
	next   int64
	left   int64
	err    error // the first write failure; every later write fails with it
	buf    []byte
}

// createJournal starts a new spool file at path with header h.
func createJournal(path string, h SpoolHeader) (*journal, error) {
	h.Created = time.Now().UTC()
	hdr, err := marshalHeader(h)
	if err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("create spool: %w", err)
	}
	if err := lockSpool(f); err != nil {
		f.Close()
		os.Remove(path)
		return nil, err
	}
	if _, err := f.Write(hdr); err == nil {
		err = f.Sync()
	}
	if err != nil {
		f.Close()
		os.Remove(path)
		return nil, fmt.Errorf("write spool %s: %w", path, err)
	}
	syncDir(filepath.Dir(path))
	return &journal{path: path, f: f, header: h, done: map[int64][]bool{}, next: 1}, nil
}

// lockedSpool opens a spool for appending and locks it, before it is read, so what is
// read is what no other process is changing.
func lockedSpool(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return nil, fmt.Errorf("open spool for writing: %w", err)
	}
	if err := lockSpool(f); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// reopenJournal continues the journal sc was read from through f (from lockedSpool),
// cutting off a torn last entry.
func reopenJournal(sc *journalScan, f *os.File) (*journal, error) {
	if sc.v1 {
		return nil, errors.New("a format 1 spool has no journal to continue")
	}
	err := f.Truncate(sc.end)
	if err == nil {
		_, err = f.Seek(sc.end, io.SeekStart)
	}
	if err != nil {
		return nil, fmt.Errorf("write spool %s: %w", sc.path, err)
	}
	return &journal{path: sc.path, f: f, header: sc.header, done: sc.done, next: sc.maxID + 1, left: sc.left}, nil
}

// add journals b's events that are not in the journal yet, with the source's read
// position after them, and gives them their refs. It is durable when add returns.
func (j *journal) add(b *batch, mk *readMark) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.err != nil {
		return j.err
	}
	fresh := 0
	if b != nil {
		for _, r := range b.refs {
			if r.b == 0 {
				fresh++
			}
		}
	}
	if fresh == 0 && (mk == nil || j.sameMark(mk)) {
		return nil
	}
	m := journalMark{Kind: "batch", ID: j.next, N: fresh}
	if mk != nil {
		m.Read, m.Count = mk.read, mk.count
	}
	line, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("encode spool entry: %w", err)
	}
	j.buf = append(append(j.buf[:0], line...), '\n')
	if fresh > 0 {
		k := int32(0)
		for i, r := range b.refs {
			if r.b == 0 {
				j.buf = append(j.buf, b.Event(i)...)
				b.refs[i] = jref{j.next, k}
				k++
			}
		}
	}
	if err := j.write(j.buf); err != nil {
		if fresh > 0 {
			for i := range b.refs {
				if b.refs[i].b == j.next {
					b.refs[i] = jref{}
				}
			}
		}
		return err
	}
	j.done[j.next] = make([]bool, fresh)
	j.left += int64(fresh)
	j.next++
	if mk != nil {
		if j.header.Read == nil {
			j.header.Read = map[int32]int64{}
		}
		maps.Copy(j.header.Read, mk.read)
		j.header.ReadCount = max(j.header.ReadCount, mk.count)
	}
	return nil
}

func (j *journal) sameMark(mk *readMark) bool {
	if mk.count != j.header.ReadCount {
		return false
	}
	for p, o := range mk.read {
		if j.header.Read[p] != o {
			return false
		}
	}
	return true
}

// confirm records that the events refs name reached the destination.
func (j *journal) confirm(refs []jref) error {
	if len(refs) == 0 {
		return nil
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.err != nil {
		return j.err
	}
	m := journalMark{Kind: "ok"}
	for _, r := range refs {
		if n := len(m.Refs); n > 0 && m.Refs[n-1][0] == r.b && m.Refs[n-1][2] == int64(r.i) {
			m.Refs[n-1][2]++
			continue
		}
		m.Refs = append(m.Refs, [3]int64{r.b, int64(r.i), int64(r.i) + 1})
	}
	line, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("encode spool entry: %w", err)
	}
	if err := j.write(append(line, '\n')); err != nil {
		return err
	}
	for _, r := range refs {
		if d := j.done[r.b]; int(r.i) < len(d) && !d[r.i] {
			d[r.i] = true
			j.left--
		}
	}
	return nil
}

// write appends p and fsyncs; a failure sticks, since a torn entry must stay the last.
func (j *journal) write(p []byte) error {
	_, err := j.f.Write(p)
	if err == nil {
		err = j.f.Sync()
	}
	if err != nil {
		j.err = fmt.Errorf("write spool %s: %w", j.path, err)
	}
	return j.err
}

// unconfirmed is how many journaled events are not confirmed.
func (j *journal) unconfirmed() int64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.left
}

// finish ends the journal: removed when nothing is left to deliver or read, otherwise
// compacted to the unconfirmed events. It returns the spool's path ("" when removed) and
// how many events it holds. If compaction fails the journal stays as it is: still a
// valid spool.
func (j *journal) finish(reason string, interrupted bool) (string, int64, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	defer j.f.Close() // after the compaction: the lock keeps other processes off meanwhile
	h := j.header
	if j.left == 0 && len(h.Remaining()) == 0 && j.err == nil {
		if err := os.Remove(j.path); err != nil {
			return j.path, 0, fmt.Errorf("remove finished spool: %w", err)
		}
		syncDir(filepath.Dir(j.path))
		return "", 0, nil
	}
	h.Reason, h.Interrupted, h.Created = reason, interrupted || len(h.Remaining()) > 0, time.Now().UTC()
	h.Closed = true
	if err := j.compact(h); err != nil {
		return j.path, j.left, errors.Join(j.err, fmt.Errorf("compact spool %s (it is still resumable as it is): %w", j.path, err))
	}
	return j.path, j.left, j.err
}

// compact rewrites the journal as header + the unconfirmed events, atomically.
func (j *journal) compact(h SpoolHeader) error {
	info, err := os.Stat(j.path)
	if err != nil {
		return err
	}
	src, err := openSpoolSource(j.path, info.Size(), j.v1, j.done, nil)
	if err != nil {
		return err
	}
	defer src.close()
	out, err := createAtomic(j.path, true)
	if err != nil {
		return err
	}
	defer out.abort()
	hdr, err := marshalHeader(h)
	if err != nil {
		return err
	}
	out.w.Write(hdr)
	if j.left > 0 {
		line, _ := json.Marshal(journalMark{Kind: "batch", ID: 1, N: int(j.left), Read: h.Read, Count: h.ReadCount})
		out.w.Write(append(line, '\n'))
	}
	var n int64
	for {
		ev, _, err := src.next(context.Background())
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		if _, err := out.w.Write(ev); err != nil {
			return err
		}
		n++
	}
	if n != j.left {
		return fmt.Errorf("found %d unconfirmed events, expected %d", n, j.left)
	}
	return out.commit()
}
