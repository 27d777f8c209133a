package audit

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kpeek/kpeek/config"
)

func writeLog(t *testing.T, n int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "state", "kpeek", "audit.jsonl")
	l, err := Open(path, "slyon@jump")
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		ref, err := l.Append("consume", map[string]string{"topic": "auth.logins", "i": fmt.Sprint(i)})
		if err != nil {
			t.Fatal(err)
		}
		if ref.Seq != int64(i+1) || len(ref.Hash) != 64 || !strings.HasPrefix(ref.String(), fmt.Sprintf("audit#%d sha256:", i+1)) {
			t.Fatalf("ref %+v (%s)", ref, ref)
		}
	}
	return path
}

func TestChainVerifies(t *testing.T) {
	path := writeLog(t, 5)
	rep, err := Verify(t.Context(), path)
	if err != nil || rep.Entries != 5 || len(rep.Head) != 64 {
		t.Fatalf("Verify = %+v, %v", rep, err)
	}
	for _, p := range []string{path, filepath.Dir(path)} {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s has mode %v; want it private to the analyst", p, st.Mode().Perm())
		}
	}
}

func TestBrokenChainIsNamed(t *testing.T) {
	edit := func(fn func(lines [][]byte) [][]byte) func(string) error {
		return func(path string) error {
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			lines := bytes.SplitAfter(b, []byte("\n"))
			return os.WriteFile(path, bytes.Join(fn(lines[:len(lines)-1]), nil), 0o600)
		}
	}
	tests := []struct {
		name   string
		tamper func(string) error
		want   string
	}{
		{"edited detail", edit(func(l [][]byte) [][]byte {
			l[1] = bytes.Replace(l[1], []byte(`"i":"1"`), []byte(`"i":"9"`), 1)
			return l
		}), "line 3"},
		{"removed entry", edit(func(l [][]byte) [][]byte { return append(l[:2], l[3:]...) }), "line 3"},
		{"removed first entry", edit(func(l [][]byte) [][]byte { return l[1:] }), "line 1"},
		{"swapped entries", edit(func(l [][]byte) [][]byte { l[1], l[2] = l[2], l[1]; return l }), "line 2"},
		{"garbage line", edit(func(l [][]byte) [][]byte { return append(l, []byte("rm -rf /\n")) }), "line 5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeLog(t, 4)
			if err := tt.tamper(path); err != nil {
				t.Fatal(err)
			}
			_, err := Verify(t.Context(), path)
			if !errors.Is(err, ErrChainBroken) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Verify = %v, want ErrChainBroken at %s", err, tt.want)
			}
		})
	}
}

// TestConcurrentSessionsKeepOneChain: two kpeeks appending at once must not fork the chain.
func TestConcurrentSessionsKeepOneChain(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	var wg sync.WaitGroup
	for range 6 {
		l, err := Open(path, "slyon@jump")
		if err != nil {
			t.Fatal(err)
		}
		wg.Go(func() {
			for i := range 20 {
				if _, err := l.Append("export", map[string]string{"i": fmt.Sprint(i)}); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	rep, err := Verify(t.Context(), path)
	if err != nil || rep.Entries != 120 {
		t.Fatalf("Verify = %+v, %v; want 120 chained entries", rep, err)
	}
}

func TestLongDetailsAreCutAndHostileTextKept(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	now := time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)
	l, err := Open(path, "slyon@jump", WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Append("consume", map[string]string{"filter": strings.Repeat("x", 100_000), "topic": "\x1b]52;c;AAAA\x07\u202e"}); err != nil {
		t.Fatal(err)
	}
	var got Entry
	if err := Read(t.Context(), path, func(e Entry, _ []byte) error { got = e; return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got.Details["filter"]) > maxDetail+16 || got.Details["topic"] != "\x1b]52;c;AAAA\x07\u202e" || !got.Time.Equal(now) || got.Session != l.Session() {
		t.Errorf("entry = %+v", got)
	}
	b, _ := os.ReadFile(path)
	if bytes.ContainsRune(b, 0x1b) {
		t.Error("the log file holds a raw ESC")
	}
}

func TestPrincipal(t *testing.T) {
	tests := []struct {
		cfg  config.Connection
		want string
	}{
		{config.Connection{}, "anonymous"},
		{config.Connection{SASL: &config.SASL{Mechanism: "SCRAM-SHA-512", Username: "ir-analyst"}, TLS: &config.TLS{Enabled: true}},
			"User:ir-analyst (SASL SCRAM-SHA-512 over TLS)"},
		{config.Connection{TLS: &config.TLS{CertFile: "/etc/kpeek/me.pem"}}, "the TLS client certificate /etc/kpeek/me.pem"},
		{config.Connection{SASL: &config.SASL{Mechanism: "OAUTHBEARER", OIDC: config.OIDC{ClientID: "kpeek-ir", ClientSecret: "S3CRET", TokenURL: "https://idp/token"}}},
			"OAuth client kpeek-ir of https://idp/token (SASL OAUTHBEARER)"},
		{config.Connection{SASL: &config.SASL{Mechanism: "GSSAPI", Kerberos: config.Kerberos{Principal: "ir@CORP"}}}, "Kerberos ir@CORP (SASL GSSAPI)"},
		{config.Connection{SASL: &config.SASL{Mechanism: "AWS_MSK_IAM", AWSRoleARN: "arn:aws:iam::1:role/ir"}}, "AWS arn:aws:iam::1:role/ir (SASL AWS_MSK_IAM)"},
	}
	for _, tt := range tests {
		if got := Principal(tt.cfg); got != tt.want {
			t.Errorf("Principal = %q, want %q", got, tt.want)
		}
	}
}

// TestLogRefusesALink: the log is never written through a link planted in its place.
func TestLogRefusesALink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "elsewhere")
	if err := os.WriteFile(target, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "audit.jsonl")
	if err := os.Symlink(target, path); err != nil {
		t.Fatal(err)
	}
	l, err := Open(path, "slyon@jump")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Append("session", nil); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Fatalf("Append through a link: %v", err)
	}
	if b, _ := os.ReadFile(target); len(b) != 0 {
		t.Error("the link's target was written")
	}
}
