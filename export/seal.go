package export

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/hiddeco/sshsig"
	"golang.org/x/crypto/ssh"
)

// Bundle seal files: the analyst's public key (listed in the tag manifest) and the SSH
// signature of the tag manifest (which cannot list its own signature).
const (
	SignerFile    = "kpeek-signer.pub"
	SignatureFile = TagManifestFile + ".sig"
)

// SignatureNamespace is the SSH signature namespace of bundle seals: what
// `ssh-keygen -Y verify -n` must be given.
const SignatureNamespace = "kpeek-evidence"

// KeyFile is the analyst's signing key's file name in the key folder (OpenSSH format).
const KeyFile = "evidence_ed25519"

// Signer seals evidence bundles with an ed25519 key as OpenSSH signatures (SSHSIG), so
// anyone with ssh-keygen can check a bundle without kpeek.
type Signer struct {
	signer  ssh.Signer
	comment string
}

// NewSigner wraps an ed25519 private key; comment names its owner (user@host).
func NewSigner(key ed25519.PrivateKey, comment string) (*Signer, error) {
	s, err := ssh.NewSignerFromKey(key)
	if err != nil {
		return nil, fmt.Errorf("signing key: %w", err)
	}
	return &Signer{signer: s, comment: comment}, nil
}

// DefaultKeyDir is where the analyst's signing key lives: the user config dir's kpeek folder.
func DefaultKeyDir() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("find the user config folder for the signing key: %w", err)
	}
	return filepath.Join(dir, "kpeek"), nil
}

// LoadSigner reads the signing key in dir, creating it (0600, folder 0700) on first use.
// A key file others can read is refused, as ssh refuses it.
func LoadSigner(dir, comment string) (*Signer, error) {
	path := filepath.Join(dir, KeyFile)
	data, err := readKey(path)
	if errors.Is(err, fs.ErrNotExist) {
		if err := createKey(dir, comment); err != nil {
			return nil, err
		}
		data, err = readKey(path)
	}
	if err != nil {
		return nil, err
	}
	raw, err := ssh.ParseRawPrivateKey(data)
	if err != nil {
		return nil, fmt.Errorf("signing key %s: %w", path, err)
	}
	key, ok := raw.(*ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("signing key %s: not an ed25519 key", path)
	}
	return NewSigner(*key, comment)
}

func readKey(path string) ([]byte, error) {
	st, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("signing key %s: not a regular file", path)
	}
	if st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("signing key %s: readable by others (mode %o); chmod 600 it", path, st.Mode().Perm())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read signing key: %w", err)
	}
	return data, nil
}

// createKey writes a new key under a temporary name and links it into place, so a
// concurrent kpeek never reads half a key and the first one created wins.
func createKey(dir, comment string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create signing key folder: %w", err)
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return fmt.Errorf("generate signing key: %w", err)
	}
	block, err := ssh.MarshalPrivateKey(priv, comment)
	if err != nil {
		return fmt.Errorf("encode signing key: %w", err)
	}
	tmp, err := os.CreateTemp(dir, "."+KeyFile+".tmp-*")
	if err != nil {
		return fmt.Errorf("create signing key: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(pem.EncodeToMemory(block))
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write signing key: %w", err)
	}
	path := filepath.Join(dir, KeyFile)
	if err := os.Link(tmp.Name(), path); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("create signing key %s: %w", path, err)
	}
	pub, err := ssh.NewPublicKey(priv.Public())
	if err == nil {
		// The .pub copy is a convenience for allowed_signers files; the bundle carries its own.
		_ = os.WriteFile(path+".pub", authorizedKey(pub, comment), 0o644)
	}
	syncDir(dir)
	return nil
}

// Fingerprint is the key's SHA256 fingerprint as ssh-keygen -l prints it.
func (s *Signer) Fingerprint() string { return ssh.FingerprintSHA256(s.signer.PublicKey()) }

// PublicKey is the key as one authorized_keys / allowed_signers line.
func (s *Signer) PublicKey() []byte { return authorizedKey(s.signer.PublicKey(), s.comment) }

func authorizedKey(pub ssh.PublicKey, comment string) []byte {
	line := bytes.TrimSuffix(ssh.MarshalAuthorizedKey(pub), []byte("\n"))
	// The comment goes into allowed_signers lines and terminals: printable ASCII only.
	c := strings.Map(func(r rune) rune {
		if r <= ' ' || r > '~' {
			return '_'
		}
		return r
	}, comment)
	if c != "" {
		line = append(append(line, ' '), c...)
	}
	return append(line, '\n')
}

// sign returns the armored SSH signature of message.
func (s *Signer) sign(message []byte) ([]byte, error) {
	sig, err := sshsig.Sign(bytes.NewReader(message), s.signer, sshsig.HashSHA512, SignatureNamespace)
	if err != nil {
		return nil, fmt.Errorf("sign %s: %w", TagManifestFile, err)
	}
	return sshsig.Armor(sig), nil
}

// checkSeal verifies the signature of the tag manifest with the public key in the bag,
// and returns that key's fingerprint.
func checkSeal(tagManifest, pubLine, armored []byte) (string, error) {
	pub, _, _, _, err := ssh.ParseAuthorizedKey(pubLine)
	if err != nil {
		return "", fmt.Errorf("%s: %w (%v)", SignerFile, ErrBundleChanged, err)
	}
	if pub.Type() != ssh.KeyAlgoED25519 {
		return "", fmt.Errorf("%s: %w (a %s key, kpeek signs with ed25519)", SignerFile, ErrBundleChanged, pub.Type())
	}
	sig, err := sshsig.Unarmor(armored)
	if err != nil {
		return "", fmt.Errorf("%s: %w (%v)", SignatureFile, ErrBundleChanged, err)
	}
	if err := sshsig.Verify(bytes.NewReader(tagManifest), sig, pub, sig.HashAlgorithm, SignatureNamespace); err != nil {
		return "", fmt.Errorf("%s: %w (the signature does not match %s and %s: %v)", SignatureFile, ErrBundleChanged, TagManifestFile, SignerFile, err)
	}
	return ssh.FingerprintSHA256(pub), nil
}

// rootDigest is the bundle's root digest: the SHA-256 of its tag manifest, which covers
// the payload manifest and so every byte of the bag.
func rootDigest(tagManifest []byte) string {
	sum := sha256.Sum256(tagManifest)
	return "sha256:" + hex.EncodeToString(sum[:])
}
