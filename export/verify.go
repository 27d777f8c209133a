package export

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// ErrBundleChanged is wrapped by Verify's error when the bundle is not exactly what was
// exported: a hash or the signature does not match, a file is missing, added, or not a
// regular file.
var ErrBundleChanged = errors.New("evidence bundle changed")

// VerifyReport is what Verify established about a bundle and what it could not.
type VerifyReport struct {
	RootDigest string // sha256 of the tag manifest: what the export printed for the case ticket
	Signer     string // SHA256 fingerprint of the key that sealed the bundle
	SignerKey  string // that key as an allowed_signers / authorized_keys line
	Records    int    // records in the bundle
	Bound      int    // records whose envelope line was checked against their raw frame
	Redecoded  int    // of those, records whose decoded key and value were derived again from the raw bytes
	// NotBound says, per reason, which records could not be bound or re-decoded.
	NotBound []string
}

// VerifyOption tunes Verify.
type VerifyOption func(*verifyOptions)

type verifyOptions struct {
	signer string
	digest string
}

// RequireRootDigest makes Verify fail unless the bundle's root digest is this one
// ("sha256:...", as the export printed it for the case ticket).
func RequireRootDigest(digest string) VerifyOption {
	return func(o *verifyOptions) {
		o.digest = strings.ToLower(strings.TrimSpace(digest))
		if o.digest != "" && !strings.HasPrefix(o.digest, "sha256:") {
			o.digest = "sha256:" + o.digest
		}
	}
}

// RequireSigner makes Verify fail unless the bundle was sealed by the key with this
// SHA256 fingerprint (as the export printed it, "SHA256:...").
func RequireSigner(fingerprint string) VerifyOption {
	return func(o *verifyOptions) {
		o.signer = strings.TrimSpace(fingerprint)
		if o.signer != "" && !strings.HasPrefix(o.signer, "SHA256:") {
			o.signer = "SHA256:" + o.signer // as pasted from a ticket without the prefix
		}
	}
}

// Verify checks an evidence bundle: its seal (the SSH signature of the tag manifest by the
// key in the bag), every tag and payload hash, Payload-Oxum, no file added, none that is
// a symlink or not a regular file, every record's hash in the capture manifest, and every
// readable record against its raw frame, re-decoded with the schemas kept in the bag.
// The error names the first thing that does not match; it wraps ErrBundleChanged when
// the bundle is not what was exported. Cancelling ctx stops it.
func Verify(ctx context.Context, bag string, opts ...VerifyOption) (VerifyReport, error) {
	var o verifyOptions
	for _, opt := range opts {
		opt(&o)
	}
	var rep VerifyReport
	err := verifyBag(ctx, bag, o, &rep)
	if err != nil {
		return rep, fmt.Errorf("verify %s: %w", bag, err)
	}
	return rep, nil
}

func verifyBag(ctx context.Context, bag string, o verifyOptions, rep *VerifyReport) error {
	// The path given may be a link to the bag; inside the bag no link is allowed.
	bag, err := filepath.EvalSymlinks(bag)
	if err != nil {
		return err
	}
	st, err := os.Stat(bag)
	if err != nil {
		return err
	}
	if !st.IsDir() {
		return errors.New("not a bundle folder")
	}
	if err := checkFileTypes(bag); err != nil {
		return err
	}
	decl, err := readBagFile(bag, BagitFile)
	if err != nil {
		return err
	}
	if string(decl) != bagitDeclaration {
		return fmt.Errorf("%s: %w (not a BagIt 1.0 declaration)", BagitFile, ErrBundleChanged)
	}
	tagManifest, err := readBagFile(bag, TagManifestFile)
	if err != nil {
		return err
	}
	rep.RootDigest = rootDigest(tagManifest)
	if o.digest != "" && o.digest != rep.RootDigest {
		return fmt.Errorf("%s: %w (root digest %s, not the expected %s)", TagManifestFile, ErrBundleChanged, rep.RootDigest, o.digest)
	}
	if missing(bag, SignerFile) && missing(bag, SignatureFile) {
		return fmt.Errorf("%s: %w (the bundle is not sealed: made by a kpeek before bundles were signed, or the seal was removed; "+
			"anyone can recompute its hashes)", SignatureFile, ErrBundleChanged)
	}
	pub, err := readBagFile(bag, SignerFile)
	if err != nil {
		return err
	}
	sig, err := readBagFile(bag, SignatureFile)
	if err != nil {
		return err
	}
	if rep.Signer, err = checkSeal(tagManifest, pub, sig); err != nil {
		return err
	}
	rep.SignerKey = strings.TrimSpace(string(pub))
	if o.signer != "" && o.signer != rep.Signer {
		return fmt.Errorf("%s: %w (sealed by %s, not the expected %s)", SignatureFile, ErrBundleChanged, rep.Signer, o.signer)
	}
	tags, err := checkManifest(ctx, bag, TagManifestFile, tagManifest, "")
	if err != nil {
		return err
	}
	for _, need := range []string{BagitFile, BagInfoFile, ManifestFile, CaptureFile, SignerFile} {
		if _, ok := tags[need]; !ok {
			return fmt.Errorf("%s: %w (does not list %s)", TagManifestFile, ErrBundleChanged, need)
		}
	}
	manifest, err := readBagFile(bag, ManifestFile)
	if err != nil {
		return err
	}
	payload, err := checkManifest(ctx, bag, ManifestFile, manifest, "data/")
	if err != nil {
		return err
	}
	if err := checkUnlisted(bag, payload, tags); err != nil {
		return err
	}
	if err := checkOxum(bag, payload); err != nil {
		return err
	}
	return checkRecords(ctx, bag, rep)
}

// checkFileTypes refuses anything in the bag that is not a folder or a regular file: a
// symlink (to /dev/zero, to a file outside the bag), a device, a pipe, a socket.
func checkFileTypes(bag string) error {
	return filepath.WalkDir(bag, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == bag || d.Type().IsDir() || d.Type().IsRegular() {
			return nil
		}
		rel, _ := filepath.Rel(bag, p)
		return fmt.Errorf("%s: %w (a %s, not a regular file)", filepath.ToSlash(rel), ErrBundleChanged, fileKind(d.Type()))
	})
}

func fileKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeSymlink != 0:
		return "symlink"
	case m&fs.ModeDevice != 0:
		return "device"
	case m&fs.ModeNamedPipe != 0:
		return "named pipe"
	case m&fs.ModeSocket != 0:
		return "socket"
	}
	return "special file"
}

// openBagFile opens a regular file of the bag by its slash path, refusing a symlink at
// any step and a missing file as a changed bundle.
func openBagFile(bag, rel string) (*os.File, error) {
	p := bag
	parts := strings.Split(rel, "/")
	for i, part := range parts {
		p = filepath.Join(p, part)
		st, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s: %w (missing)", rel, ErrBundleChanged)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", rel, err)
		}
		last := i == len(parts)-1
		if (last && !st.Mode().IsRegular()) || (!last && !st.IsDir()) {
			return nil, fmt.Errorf("%s: %w (a %s, not a regular file)", rel, ErrBundleChanged, fileKind(st.Mode().Type()))
		}
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", rel, err)
	}
	// The file checked is the file opened: nothing was swapped in between.
	before, _ := os.Lstat(p)
	after, err := f.Stat()
	if err != nil || before == nil || !os.SameFile(before, after) || !after.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("%s: %w (replaced while being verified)", rel, ErrBundleChanged)
	}
	return f, nil
}

func missing(bag, rel string) bool {
	_, err := os.Lstat(filepath.Join(bag, filepath.FromSlash(rel)))
	return errors.Is(err, fs.ErrNotExist)
}

// maxTagFile bounds the tag files Verify reads whole.
const maxTagFile = 256 << 20

func readBagFile(bag, rel string) ([]byte, error) {
	f, err := openBagFile(bag, rel)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxTagFile+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", rel, err)
	}
	if len(data) > maxTagFile {
		return nil, fmt.Errorf("%s: %w (larger than %d bytes)", rel, ErrBundleChanged, maxTagFile)
	}
	return data, nil
}

// checkManifest verifies every line of a BagIt manifest and returns the listed sizes.
func checkManifest(ctx context.Context, bag, manifest string, data []byte, under string) (map[string]int64, error) {
	listed := map[string]int64{}
	for n, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		want, rel, ok := strings.Cut(line, "  ")
		if !ok || len(want) != sha256.Size*2 || !validBagPath(rel, under) || (under == "" && strings.HasPrefix(rel, "data/")) {
			return nil, fmt.Errorf("%s line %d: %w (malformed)", manifest, n+1, ErrBundleChanged)
		}
		got, size, err := fileSHA256(ctx, bag, rel)
		if err != nil {
			return nil, err
		}
		if got != strings.ToLower(want) {
			return nil, fmt.Errorf("%s: %w (sha256 %s, %s says %s)", rel, ErrBundleChanged, got, manifest, want)
		}
		listed[rel] = size
	}
	return listed, nil
}

func validBagPath(rel, under string) bool {
	return rel != "" && path.Clean(rel) == rel && !strings.HasPrefix(rel, "../") && rel != ".." &&
		!path.IsAbs(rel) && strings.HasPrefix(rel, under)
}

// checkUnlisted fails on a file neither manifest lists (an added file).
func checkUnlisted(bag string, payload, tags map[string]int64) error {
	return filepath.WalkDir(bag, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(bag, p)
		rel = filepath.ToSlash(rel)
		_, inPayload := payload[rel]
		_, inTags := tags[rel]
		if inPayload || inTags || rel == TagManifestFile || rel == SignatureFile {
			return nil
		}
		manifest := TagManifestFile
		if strings.HasPrefix(rel, "data/") {
			manifest = ManifestFile
		}
		return fmt.Errorf("%s: %w (not in %s)", rel, ErrBundleChanged, manifest)
	})
}

// checkOxum compares bag-info's Payload-Oxum with the payload's size and file count.
func checkOxum(bag string, listed map[string]int64) error {
	info, err := readBagFile(bag, BagInfoFile)
	if err != nil {
		return err
	}
	var octets int64
	for _, n := range listed {
		octets += n
	}
	want := fmt.Sprintf("Payload-Oxum: %d.%d", octets, len(listed))
	lines := strings.Split(string(info), "\n")
	if !slices.ContainsFunc(lines, func(l string) bool { return strings.HasPrefix(l, "Payload-Oxum:") }) {
		return fmt.Errorf("%s: %w (no Payload-Oxum)", BagInfoFile, ErrBundleChanged)
	}
	for _, line := range lines {
		if strings.HasPrefix(line, "Payload-Oxum:") && strings.TrimSpace(line) != want {
			return fmt.Errorf("%s: %w (%s, payload is %s)", BagInfoFile, ErrBundleChanged, line, want)
		}
	}
	return nil
}

// fileSHA256 hashes a regular file of the bag, stopping when ctx is cancelled.
func fileSHA256(ctx context.Context, bag, rel string) (string, int64, error) {
	f, err := openBagFile(bag, rel)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.CopyBuffer(h, ctxReader{ctx, f}, make([]byte, 1<<20))
	if err != nil {
		return "", 0, fmt.Errorf("read %s: %w", rel, err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// ctxReader stops a long read when its context is cancelled.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, fmt.Errorf("interrupted: %w", err)
	}
	return c.r.Read(p)
}
