//go:build integration

package kafka_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// buildKpeek returns $KPEEK_IT_BIN (ci.sh builds it once) or compiles kpeek into a temp dir.
func buildKpeek(t *testing.T) string {
	t.Helper()
	if bin := os.Getenv("KPEEK_IT_BIN"); bin != "" {
		return bin
	}
	bin := filepath.Join(t.TempDir(), "kpeek")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/kpeek/kpeek").CombinedOutput()
	if err != nil {
		t.Fatalf("go build kpeek: %v\n%s", err, out)
	}
	return bin
}

// runKpeek runs the binary with a clean home (no user config) and returns stdout, stderr and
// the exit code.
func runKpeek(t *testing.T, bin string, args ...string) (string, string, int) {
	t.Helper()
	home := t.TempDir()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run kpeek: %v", err)
	}
	t.Logf("kpeek %s -> exit %d, stderr %q", strings.Join(args, " "), code, stderr.String())
	return stdout.String(), stderr.String(), code
}

// assertFailsOneLine checks a failed run: exit 1 and a single stderr line naming the cause.
func assertFailsOneLine(t *testing.T, stderr string, code int, want ...string) {
	t.Helper()
	if code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
	if lines := strings.Split(strings.TrimRight(stderr, "\n"), "\n"); len(lines) != 1 {
		t.Errorf("stderr has %d lines, want one: %q", len(lines), stderr)
	}
	for _, w := range want {
		if !strings.Contains(strings.ToLower(stderr), strings.ToLower(w)) {
			t.Errorf("stderr %q does not mention %q", stderr, w)
		}
	}
}

// TestIntegrationCLI drives the real kpeek binary with -F client.properties and -X as the
// restricted incident account, the way an analyst would.
func TestIntegrationCLI(t *testing.T) {
	e := env(t)
	f := newAuthFixture(t, e)
	bin := buildKpeek(t)
	props := writeProperties(t, `bootstrap.servers=`+e.get(t, "KPEEK_IT_SASL")+`
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="`+
		e.get(t, "KPEEK_IT_READER_USER")+`" password="`+e.get(t, "KPEEK_IT_READER_PASSWORD")+`";
`)

	t.Run("consume ndjson", func(t *testing.T) {
		out, _, code := runKpeek(t, bin, "-F", props, "consume", "-t", f.allowed, "--from", "beginning", "-o", "ndjson")
		if code != 0 {
			t.Fatalf("exit %d", code)
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if len(lines) != 1 {
			t.Fatalf("got %d lines, want 1: %q", len(lines), out)
		}
		var env map[string]any
		if err := json.Unmarshal([]byte(lines[0]), &env); err != nil {
			t.Fatalf("not JSON: %v: %q", err, lines[0])
		}
		if env["topic"] != f.allowed || env["offset"] != float64(0) || env["value"] != "visible" {
			t.Errorf("envelope %v, want topic %s offset 0 value \"visible\"", env, f.allowed)
		}
	})
	t.Run("topics json", func(t *testing.T) {
		out, _, code := runKpeek(t, bin, "-F", props, "topics", "-o", "json")
		if code != 0 {
			t.Fatalf("exit %d", code)
		}
		if !strings.Contains(out, f.allowed) || strings.Contains(out, f.secret) {
			t.Errorf("topics output should list %s and not %s: %s", f.allowed, f.secret, out)
		}
	})
	t.Run("groups without group ACLs", func(t *testing.T) {
		out, stderr, code := runKpeek(t, bin, "-F", props, "groups", "-o", "json")
		if code != 0 {
			assertFailsOneLine(t, stderr, code, "not authorized")
			return
		}
		if strings.TrimSpace(out) != "[]" {
			t.Errorf("restricted user's groups: %q, want []", out)
		}
	})
	t.Run("consume forbidden topic", func(t *testing.T) {
		_, stderr, code := runKpeek(t, bin, "-F", props, "consume", "-t", f.secret, "--from", "beginning")
		assertFailsOneLine(t, stderr, code, "not authorized", f.secret)
	})
	t.Run("-X overrides -F: wrong password", func(t *testing.T) {
		_, stderr, code := runKpeek(t, bin, "-F", props, "-X", "sasl.password=Pa55-not-this", "topics")
		assertFailsOneLine(t, stderr, code, "authentication failed", e.get(t, "KPEEK_IT_READER_USER"))
		if strings.Contains(stderr, "Pa55-not-this") {
			t.Errorf("stderr shows the password: %q", stderr)
		}
	})
	t.Run("-X only, TLS with CA", func(t *testing.T) {
		out, _, code := runKpeek(t, bin, "-b", e.get(t, "KPEEK_IT_SSL"), "-X", "security.protocol=SSL",
			"-X", "ssl.ca.location="+e.get(t, "KPEEK_IT_CA"), "consume", "-t", f.allowed, "--from", "beginning", "-o", "raw")
		if code != 0 || !strings.Contains(out, "visible") {
			t.Errorf("exit %d, output %q; want the record", code, out)
		}
	})
}
