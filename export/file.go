package export

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// atomicFile is a file written under a temporary sibling name and renamed into place
// by commit; abort (or any failure) removes the temporary file.
type atomicFile struct {
	final string
	force bool
	f     *os.File
	hw    *hashingWriter // what reached the file, for its digest
	w     *bufio.Writer
	done  bool
}

// checkDestination fails when path exists and force is off, and, even with force,
// when what is there is not what an export replaces: a regular file (or, for a bundle,
// a folder; a file too). A device such as /dev/full, a symlink or a pipe is never replaced.
func checkDestination(path string, force bool) error {
	return checkTarget(path, force, false)
}

func checkTarget(path string, force, folder bool) error {
	st, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("export to %s: %w", path, err)
	}
	if !force {
		return fmt.Errorf("export to %s: it already exists (use --force to overwrite)", path)
	}
	switch {
	case st.Mode().IsRegular(), folder && st.IsDir():
		return nil
	case st.IsDir():
		return fmt.Errorf("export to %s: it is a folder; --force replaces only a file", path)
	}
	return fmt.Errorf("export to %s: it is a %s, not a regular file; --force will not replace it", path, fileKind(st.Mode().Type()))
}

func createAtomic(path string, force bool) (*atomicFile, error) {
	if err := checkDestination(path, force); err != nil {
		return nil, err
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("create temporary file for %s: %w", path, err)
	}
	hw := newHashingWriter(f)
	return &atomicFile{final: path, force: force, f: f, hw: hw, w: bufio.NewWriterSize(hw, 256<<10)}, nil
}

// commit flushes, fsyncs and renames the file into place.
func (a *atomicFile) commit() error {
	if a.done {
		return nil
	}
	a.done = true
	err := a.w.Flush()
	if err == nil {
		err = a.f.Sync()
	}
	if cerr := a.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		// Re-check: another process may have created the file while we wrote, or put
		// something in its place that is not a file.
		err = checkDestination(a.final, a.force)
	}
	if err == nil {
		err = os.Rename(a.f.Name(), a.final)
	}
	if err != nil {
		os.Remove(a.f.Name())
		return fmt.Errorf("write %s: %w", a.final, err)
	}
	syncDir(filepath.Dir(a.final))
	return nil
}

// abort removes the temporary file; safe after commit.
func (a *atomicFile) abort() {
	if a.done {
		return
	}
	a.done = true
	a.f.Close()
	os.Remove(a.f.Name())
}

// syncDir makes a rename durable; failure only weakens durability, so it is ignored.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}

// toAtomicFile runs fill with the selected records and an atomic file's buffered
// writer, then renames the file into place; on any error nothing is left behind.
func toAtomicFile(req Request, opts FileOptions, m *meter, fill func(sel *selector, out *bufio.Writer) error) (Summary, error) {
	sum := Summary{Destination: opts.Path}
	sel, err := newSelector(req, m)
	if err != nil {
		return sum, err
	}
	af, err := createAtomic(opts.Path, opts.Force)
	if err != nil {
		return sum, err
	}
	defer af.abort()
	if err := fill(sel, af.w); err != nil {
		return sum, err
	}
	if err := af.commit(); err != nil {
		return sum, err
	}
	sum.RootDigest = "sha256:" + af.hw.sum("").sum
	m.acked.Store(m.written.Load())
	return sum, nil
}

// toRecordFile writes selected records with consume's NDJSON writer.
func toRecordFile(ctx context.Context, req Request, opts FileOptions, m *meter) (Summary, error) {
	return toAtomicFile(req, opts, m, func(sel *selector, out *bufio.Writer) error {
		w, err := NewRecordWriter(out, "ndjson")
		if err != nil {
			return err
		}
		for {
			_, env, ok, err := sel.next(ctx)
			if err != nil {
				return err
			}
			if !ok {
				break
			}
			if err := w.Write(env); err != nil {
				return fmt.Errorf("write %s: %w", opts.Path, err)
			}
			m.written.Add(1)
		}
		if err := w.Flush(); err != nil {
			return fmt.Errorf("write %s: %w", opts.Path, err)
		}
		return nil
	})
}
