package export

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// ErrBundleChanged is wrapped by Verify's error when a hash does not match.
var ErrBundleChanged = errors.New("evidence bundle changed")

// Verify re-checks every hash of an evidence bundle: bagit.txt, every payload file
// against manifest-sha256.txt (and no unlisted payload), every tag file against
// tagmanifest-sha256.txt, Payload-Oxum, and every record's SHA-256 in the capture
// manifest. The error names the first file that does not match.
func Verify(bag string) error {
	st, err := os.Stat(bag)
	if err != nil {
		return fmt.Errorf("verify %s: %w", bag, err)
	}
	if !st.IsDir() {
		return fmt.Errorf("verify %s: not a bundle folder", bag)
	}
	decl, err := os.ReadFile(filepath.Join(bag, BagitFile))
	if err != nil {
		return fmt.Errorf("verify %s: %w", bag, err)
	}
	if string(decl) != bagitDeclaration {
		return fmt.Errorf("verify %s: %s: %w (not a BagIt 1.0 declaration)", bag, BagitFile, ErrBundleChanged)
	}
	payload, err := checkManifest(bag, ManifestFile, "data/")
	if err != nil {
		return err
	}
	if err := checkUnlisted(bag, payload); err != nil {
		return err
	}
	if _, err := checkManifest(bag, TagManifestFile, ""); err != nil {
		return err
	}
	if err := checkOxum(bag, payload); err != nil {
		return err
	}
	return checkRecords(bag)
}

// checkManifest verifies every line of a BagIt manifest and returns the listed sizes.
func checkManifest(bag, manifest, under string) (map[string]int64, error) {
	data, err := os.ReadFile(filepath.Join(bag, manifest))
	if err != nil {
		return nil, fmt.Errorf("verify %s: %w", bag, err)
	}
	listed := map[string]int64{}
	for n, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		want, rel, ok := strings.Cut(line, "  ")
		if !ok || len(want) != sha256.Size*2 || !validBagPath(rel, under) {
			return nil, fmt.Errorf("verify %s: %s line %d: %w (malformed)", bag, manifest, n+1, ErrBundleChanged)
		}
		got, size, err := fileSHA256(filepath.Join(bag, filepath.FromSlash(rel)))
		if err != nil {
			return nil, fmt.Errorf("verify %s: %s: %w", bag, rel, err)
		}
		if got != strings.ToLower(want) {
			return nil, fmt.Errorf("verify %s: %s: %w (sha256 %s, %s says %s)", bag, rel, ErrBundleChanged, got, manifest, want)
		}
		listed[rel] = size
	}
	return listed, nil
}

func validBagPath(rel, under string) bool {
	return rel != "" && path.Clean(rel) == rel && !strings.HasPrefix(rel, "../") && rel != ".." &&
		!path.IsAbs(rel) && strings.HasPrefix(rel, under)
}

// checkUnlisted fails on a payload file the manifest does not list (an added file).
func checkUnlisted(bag string, listed map[string]int64) error {
	return filepath.WalkDir(filepath.Join(bag, "data"), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("verify %s: %w", bag, err)
		}
		if d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(bag, p)
		rel = filepath.ToSlash(rel)
		if _, ok := listed[rel]; !ok {
			return fmt.Errorf("verify %s: %s: %w (not in %s)", bag, rel, ErrBundleChanged, ManifestFile)
		}
		return nil
	})
}

// checkOxum compares bag-info's Payload-Oxum with the payload's size and file count.
func checkOxum(bag string, listed map[string]int64) error {
	info, err := os.ReadFile(filepath.Join(bag, BagInfoFile))
	if err != nil {
		return fmt.Errorf("verify %s: %w", bag, err)
	}
	var octets int64
	for _, n := range listed {
		octets += n
	}
	want := fmt.Sprintf("Payload-Oxum: %d.%d", octets, len(listed))
	for _, line := range strings.Split(string(info), "\n") {
		if strings.HasPrefix(line, "Payload-Oxum:") && strings.TrimSpace(line) != want {
			return fmt.Errorf("verify %s: %s: %w (%s, payload is %s)", bag, BagInfoFile, ErrBundleChanged, line, want)
		}
	}
	return nil
}

// checkRecords recomputes every record hash listed in the capture manifest.
func checkRecords(bag string) error {
	data, err := os.ReadFile(filepath.Join(bag, CaptureFile))
	if err != nil {
		return fmt.Errorf("verify %s: %w", bag, err)
	}
	var man CaptureManifest
	if err := json.Unmarshal(data, &man); err != nil {
		return fmt.Errorf("verify %s: %s: %w", bag, CaptureFile, err)
	}
	lines, err := os.Open(filepath.Join(bag, filepath.FromSlash(RecordsFile)))
	if err != nil {
		return fmt.Errorf("verify %s: %w", bag, err)
	}
	defer lines.Close()
	lr := bufio.NewReaderSize(lines, 256<<10)
	var frames *bufio.Reader
	if man.RecordHash == RecordHashRaw {
		f, err := os.Open(filepath.Join(bag, filepath.FromSlash(RawFile)))
		if err != nil {
			return fmt.Errorf("verify %s: %w", bag, err)
		}
		defer f.Close()
		frames = bufio.NewReaderSize(f, 256<<10)
	} else if man.RecordHash != RecordHashRedacted {
		return fmt.Errorf("verify %s: %s: unknown record hash definition", bag, CaptureFile)
	}
	var frame []byte
	for i, want := range man.Records {
		line, err := lr.ReadBytes('\n')
		if err != nil {
			return fmt.Errorf("verify %s: %s: %w (%d records, manifest lists %d)", bag, RecordsFile, ErrBundleChanged, i, len(man.Records))
		}
		var sum [32]byte
		file := RecordsFile
		if frames != nil {
			file = RawFile
			if frame, err = readFrame(frames, frame); err != nil {
				return fmt.Errorf("verify %s: %s record %d: %w (%v)", bag, RawFile, i, ErrBundleChanged, err)
			}
			rec, err := parseFrame(frame)
			if err != nil || rec.Partition != want.Partition || rec.Offset != want.Offset {
				return fmt.Errorf("verify %s: %s record %d: %w (not partition %d offset %d)", bag, RawFile, i, ErrBundleChanged, want.Partition, want.Offset)
			}
			sum = sha256.Sum256(frame)
		} else {
			sum = sha256.Sum256(bytes.TrimSuffix(line, []byte("\n")))
		}
		if hex.EncodeToString(sum[:]) != want.SHA256 {
			return fmt.Errorf("verify %s: %s: %w (record partition %d offset %d)", bag, file, ErrBundleChanged, want.Partition, want.Offset)
		}
	}
	if _, err := lr.ReadByte(); !errors.Is(err, io.EOF) {
		return fmt.Errorf("verify %s: %s: %w (more records than the manifest lists)", bag, RecordsFile, ErrBundleChanged)
	}
	if frames != nil {
		if _, err := frames.ReadByte(); !errors.Is(err, io.EOF) {
			return fmt.Errorf("verify %s: %s: %w (more frames than the manifest lists)", bag, RawFile, ErrBundleChanged)
		}
	}
	return nil
}

func fileSHA256(p string) (string, int64, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}
