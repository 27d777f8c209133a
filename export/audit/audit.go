// Package audit keeps the analyst's own audit trail: a hash-chained JSONL log, in the
// user state folder, of what each kpeek session did (connected to which cluster as whom,
// read or exported what, with which filters, where the evidence went and its digest).
// Each line carries the SHA-256 of the line before it, so an edited, removed or
// reordered entry breaks the chain and Verify names it.
package audit

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/kpeek/kpeek/config"
)

// ErrChainBroken is wrapped by Verify's error when the log was changed after it was written.
var ErrChainBroken = errors.New("audit log chain broken")

// PathEnv overrides where the audit log is kept.
const PathEnv = "KPEEK_AUDIT_LOG"

// maxDetail bounds one detail value, so one entry stays small whatever a filter holds.
const maxDetail = 4096

// genesis is the "previous hash" of the first entry.
const genesis = "0000000000000000000000000000000000000000000000000000000000000000"

// Entry is one line of the log.
type Entry struct {
	Seq     int64             `json:"seq"`
	Time    time.Time         `json:"time"`
	Session string            `json:"session"` // random id shared by one kpeek run's entries
	Analyst string            `json:"analyst"` // user@host
	Action  string            `json:"action"`  // session, connect, consume, export-start, export, verify, ...
	Details map[string]string `json:"details,omitempty"`
	Prev    string            `json:"prev"` // SHA-256 of the previous line, without its newline
}

// Ref names an appended entry for a manifest: its sequence number and its line's SHA-256.
type Ref struct {
	Seq  int64
	Hash string
}

// String renders the reference as manifests record it.
func (r Ref) String() string {
	if r.Seq == 0 {
		return ""
	}
	return "audit#" + strconv.FormatInt(r.Seq, 10) + " sha256:" + r.Hash
}

// Log appends to one audit log file. Safe for concurrent use; appends from several kpeek
// processes are serialized with a file lock so the chain stays whole.
type Log struct {
	path    string
	session string
	analyst string
	now     func() time.Time
}

// Option configures a Log.
type Option func(*Log)

// WithClock sets the clock entries are stamped with (tests).
func WithClock(now func() time.Time) Option { return func(l *Log) { l.now = now } }

// DefaultPath is $KPEEK_AUDIT_LOG, else audit.jsonl in the user state folder:
// $XDG_STATE_HOME/kpeek, else ~/.local/state/kpeek (the config folder's kpeek on Windows and macOS).
func DefaultPath() (string, error) {
	if p := os.Getenv(PathEnv); p != "" {
		return p, nil
	}
	if d := os.Getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "kpeek", "audit.jsonl"), nil
	}
	if runtime.GOOS == "windows" || runtime.GOOS == "darwin" {
		d, err := os.UserConfigDir()
		if err != nil {
			return "", fmt.Errorf("find the folder for the audit log: %w", err)
		}
		return filepath.Join(d, "kpeek", "audit.jsonl"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("find the folder for the audit log: %w", err)
	}
	return filepath.Join(home, ".local", "state", "kpeek", "audit.jsonl"), nil
}

// Open prepares the log at path (folder 0700, file 0600) for a new session by analyst.
// Nothing is written until Append.
func Open(path, analyst string, opts ...Option) (*Log, error) {
	var id [8]byte
	if _, err := rand.Read(id[:]); err != nil {
		return nil, fmt.Errorf("audit session id: %w", err)
	}
	l := &Log{path: path, session: hex.EncodeToString(id[:]), analyst: analyst, now: time.Now}
	for _, o := range opts {
		o(l)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create audit log folder: %w", err)
	}
	return l, nil
}

// Path is the log file.
func (l *Log) Path() string { return l.path }

// Session is this session's id.
func (l *Log) Session() string { return l.session }

// Append writes one entry, chained to the last line of the log, and fsyncs it. Long
// detail values are cut to a few KiB.
func (l *Log) Append(action string, details map[string]string) (Ref, error) {
	f, err := openLog(l.path)
	if err != nil {
		return Ref{}, err
	}
	defer f.Close()
	if err := lockFile(f); err != nil {
		return Ref{}, fmt.Errorf("lock audit log %s: %w", l.path, err)
	}
	defer unlockFile(f)
	last, err := lastLine(f)
	if err != nil {
		return Ref{}, fmt.Errorf("read audit log %s: %w", l.path, err)
	}
	e := Entry{Seq: 1, Time: l.now().UTC(), Session: l.session, Analyst: l.analyst, Action: action, Prev: genesis}
	if len(last) > 0 {
		var prev Entry
		if err := json.Unmarshal(last, &prev); err != nil {
			return Ref{}, fmt.Errorf("audit log %s: last line: %w (%v)", l.path, ErrChainBroken, err)
		}
		e.Seq, e.Prev = prev.Seq+1, lineHash(last)
	}
	if len(details) > 0 {
		e.Details = make(map[string]string, len(details))
		for k, v := range details {
			if len(v) > maxDetail {
				v = v[:maxDetail] + "…(cut)"
			}
			e.Details[k] = v
		}
	}
	line, err := json.Marshal(e)
	if err != nil {
		return Ref{}, fmt.Errorf("encode audit entry: %w", err)
	}
	if _, err := f.Write(append(line, '\n')); err != nil {
		return Ref{}, fmt.Errorf("write audit log %s: %w", l.path, err)
	}
	if err := f.Sync(); err != nil {
		return Ref{}, fmt.Errorf("write audit log %s: %w", l.path, err)
	}
	return Ref{Seq: e.Seq, Hash: lineHash(line)}, nil
}

func openLog(path string) (*os.File, error) {
	if st, err := os.Lstat(path); err == nil && !st.Mode().IsRegular() {
		return nil, fmt.Errorf("audit log %s: not a regular file", path)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open audit log: %w", err)
	}
	if st, err := f.Stat(); err == nil && st.Mode().Perm()&0o077 != 0 {
		_ = f.Chmod(0o600) // it holds what the analyst looked at: theirs alone
	}
	return f, nil
}

// lastLine returns the last complete line of f (without its newline), nil when f is empty.
func lastLine(f *os.File) ([]byte, error) {
	size, err := f.Seek(0, io.SeekEnd)
	if err != nil || size == 0 {
		return nil, err
	}
	const chunk = 64 << 10
	var tail []byte
	for off := size; off > 0; {
		n := min(int64(chunk), off)
		off -= n
		buf := make([]byte, n)
		if _, err := f.ReadAt(buf, off); err != nil {
			return nil, err
		}
		tail = append(buf, tail...)
		body := bytes.TrimSuffix(tail, []byte("\n"))
		if i := bytes.LastIndexByte(body, '\n'); i >= 0 {
			return body[i+1:], nil
		}
		if off == 0 {
			return body, nil
		}
	}
	return nil, nil
}

func lineHash(line []byte) string {
	sum := sha256.Sum256(line)
	return hex.EncodeToString(sum[:])
}

// Report is what Verify found: how many entries, and the head of the chain (the last
// line's SHA-256, worth noting in the case ticket so a cut tail shows too).
type Report struct {
	Entries int64
	Head    string
}

// Verify checks the whole chain of the log at path: sequence numbers from 1 without
// gaps, each line's prev the SHA-256 of the line before. A missing log is an error
// wrapping fs.ErrNotExist.
func Verify(ctx context.Context, path string) (Report, error) {
	var rep Report
	err := Read(ctx, path, func(e Entry, line []byte) error {
		want := genesis
		if rep.Entries > 0 {
			want = rep.Head
		}
		if e.Seq != rep.Entries+1 || e.Prev != want {
			return fmt.Errorf("line %d: %w (entry %d does not follow entry %d)", rep.Entries+1, ErrChainBroken, e.Seq, rep.Entries)
		}
		rep.Entries++
		rep.Head = lineHash(line)
		return nil
	})
	return rep, err
}

// Read calls fn with every entry of the log in order, and the line it was read from.
func Read(ctx context.Context, path string, fn func(e Entry, line []byte) error) error {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("audit log %s: %w (nothing was logged yet)", path, err)
		}
		return fmt.Errorf("open audit log: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("read audit log: interrupted: %w", err)
		}
		var e Entry
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&e); err != nil {
			return fmt.Errorf("audit log %s line %d: %w (not an entry: %v)", path, n, ErrChainBroken, err)
		}
		if err := fn(e, sc.Bytes()); err != nil {
			return fmt.Errorf("audit log %s: %w", path, err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("audit log %s: %w (%v)", path, ErrChainBroken, err)
	}
	return nil
}

// Principal names who a connection authenticates as, for the log: the SASL user, the TLS
// client certificate, or anonymous.
func Principal(cfg config.Connection) string {
	tls := ""
	if cfg.TLS != nil && (cfg.TLS.Enabled || cfg.TLS.CAFile != "" || cfg.TLS.CertFile != "") {
		tls = " over TLS"
	}
	switch {
	case cfg.SASL != nil && cfg.SASL.Username != "":
		return "User:" + cfg.SASL.Username + " (SASL " + cfg.SASL.Mechanism + tls + ")"
	case cfg.SASL != nil && cfg.SASL.ClientID != "":
		return "OAuth client " + cfg.SASL.ClientID + " of " + cfg.SASL.TokenURL + " (SASL " + cfg.SASL.Mechanism + tls + ")"
	case cfg.SASL != nil && cfg.SASL.Kerberos.Principal != "":
		return "Kerberos " + cfg.SASL.Kerberos.Principal + " (SASL " + cfg.SASL.Mechanism + tls + ")"
	case cfg.SASL != nil && (cfg.SASL.AWSRoleARN != "" || cfg.SASL.AWSProfile != ""):
		return "AWS " + strings.TrimSpace(cfg.SASL.AWSRoleARN+" "+cfg.SASL.AWSProfile) + " (SASL " + cfg.SASL.Mechanism + tls + ")"
	case cfg.SASL != nil && cfg.SASL.Mechanism != "":
		return "the " + cfg.SASL.Mechanism + " default identity (ticket cache or credential chain" + tls + ")"
	case cfg.TLS != nil && cfg.TLS.CertFile != "":
		return "the TLS client certificate " + cfg.TLS.CertFile
	}
	return "anonymous" + tls
}
