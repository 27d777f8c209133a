package cmd

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// exportBundle exports a demo topic as a sealed bundle with a key in a temporary
// config folder, and returns the bundle's path and what export printed.
func exportBundle(t *testing.T, topic string, extra ...string) (string, string) {
	t.Helper()
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("HOME", t.TempDir())
	bag := filepath.Join(t.TempDir(), topic+".bag")
	args := append([]string{"--demo", "export", "-t", topic, "--file", bag, "--format", "bundle"}, extra...)
	_, stderr, code := kpeek(t, args...)
	if code != 0 {
		t.Fatalf("export %s: exit %d: %s", topic, code, stderr)
	}
	return bag, stderr
}

// TestVerifyDecodesDemoTopicsAgain exports every registry-encoded demo topic (Avro,
// Protobuf with an imported schema, JSON Schema) and the plain ones; verify binds each
// record to its raw bytes and decodes it again with the schemas kept in the bundle.
func TestVerifyDecodesDemoTopicsAgain(t *testing.T) {
	for _, topic := range []string{"erp.purchasing.orders", "erp.supply.shipments", "crm.customers", "auth.logins", "telemetry.raw", "hostile.payloads"} {
		t.Run(topic, func(t *testing.T) {
			bag, exported := exportBundle(t, topic)
			digest := regexp.MustCompile(`sha256:[0-9a-f]{64}`).FindString(exported)
			if digest == "" {
				t.Fatalf("export printed no root digest: %s", exported)
			}
			out := mustKpeek(t, "verify", bag)
			if !strings.Contains(out, "root digest: "+digest) {
				t.Errorf("verify's root digest differs from the export's %s:\n%s", digest, out)
			}
			m := regexp.MustCompile(`records: +(\d+), (\d+) bound to their raw bytes, (\d+) decoded again`).FindStringSubmatch(out)
			if m == nil || m[1] == "0" || m[1] != m[2] {
				t.Fatalf("verify output: %s", out)
			}
			if topic != "hostile.payloads" && (m[3] != m[1] || strings.Contains(out, "not bound")) {
				t.Errorf("every record should be decoded again:\n%s", out)
			}
		})
	}
}

func TestVerifyExitCodes(t *testing.T) {
	tests := []struct {
		name   string
		tamper func(t *testing.T, bag string)
		want   string
	}{
		{"raw bytes linked to /dev/zero", func(t *testing.T, bag string) {
			p := filepath.Join(bag, "data", "raw", "records.bin")
			must(t, os.Remove(p))
			must(t, os.Symlink("/dev/zero", p))
		}, "symlink"},
		{"tag manifest missing", func(t *testing.T, bag string) {
			must(t, os.Remove(filepath.Join(bag, "tagmanifest-sha256.txt")))
		}, "missing"},
		{"capture manifest missing", func(t *testing.T, bag string) {
			must(t, os.Remove(filepath.Join(bag, "kpeek-manifest.json")))
		}, "kpeek-manifest.json"},
		{"raw file missing", func(t *testing.T, bag string) {
			must(t, os.Remove(filepath.Join(bag, "data", "raw", "records.bin")))
		}, "records.bin"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bag, _ := exportBundle(t, "auth.logins")
			tt.tamper(t, bag)
			_, stderr, code := kpeek(t, "verify", bag)
			if code != exitTampered || !strings.Contains(stderr, tt.want) {
				t.Fatalf("verify: exit %d, %s; want exit 3 naming %q", code, stderr, tt.want)
			}
			assertOneLine(t, "verify error", stderr)
		})
	}
	if _, _, code := kpeek(t, "verify", filepath.Join(t.TempDir(), "nothing")); code != exitError {
		t.Errorf("verify of a missing path: exit %d, want 1", code)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestBundleManifestRecordsProvenance: the command line without its secrets, the
// absolute window behind --from -2h, the zone and the build.
func TestBundleManifestRecordsProvenance(t *testing.T) {
	before := time.Now()
	bag, _ := exportBundle(t, "auth.logins", "--from", "-2h", "-X", "sasl.password=S3CRET", "--schema-registry", "http://u:S3CRET@127.0.0.1:1")
	after := time.Now()
	data, err := os.ReadFile(filepath.Join(bag, "kpeek-manifest.json"))
	must(t, err)
	if strings.Contains(string(data), "S3CRET") {
		t.Fatal("the manifest holds the secret")
	}
	var man struct {
		Provenance struct {
			CommandLine []string   `json:"command_line"`
			WindowFrom  *time.Time `json:"window_from"`
			TimeZone    string     `json:"time_zone"`
			Build       struct {
				Version  string `json:"version"`
				Revision string `json:"vcs_revision"`
			} `json:"build"`
		} `json:"provenance"`
		Cluster struct {
			ID string `json:"id"`
		} `json:"cluster"`
	}
	must(t, json.Unmarshal(data, &man))
	p := man.Provenance
	if got := strings.Join(p.CommandLine, " "); !strings.Contains(got, "kpeek --demo export -t auth.logins") || !strings.Contains(got, "--from -2h") || !strings.Contains(got, "sasl.password=[REDACTED]") {
		t.Errorf("command line %q", got)
	}
	if p.WindowFrom == nil || p.WindowFrom.Before(before.Add(-2*time.Hour)) || p.WindowFrom.After(after.Add(-2*time.Hour)) {
		t.Errorf("window_from %v, want two hours before the export", p.WindowFrom)
	}
	if p.TimeZone == "" || p.Build.Version != "test" || p.Build.Revision == "" || man.Cluster.ID == "" {
		t.Errorf("provenance %+v, cluster id %q", p, man.Cluster.ID)
	}
}

// TestVerifyAgainstTheTicket: --digest and --signer compare with what the case ticket holds.
func TestVerifyAgainstTheTicket(t *testing.T) {
	bag, exported := exportBundle(t, "auth.logins")
	digest := regexp.MustCompile(`sha256:[0-9a-f]{64}`).FindString(exported)
	signer := regexp.MustCompile(`SHA256:[A-Za-z0-9+/]{43}`).FindString(exported)
	if digest == "" || signer == "" {
		t.Fatalf("export printed no digest or signer: %s", exported)
	}
	mustKpeek(t, "verify", bag, "--digest", digest, "--signer", signer)
	_, stderr, code := kpeek(t, "verify", bag, "--digest", "sha256:"+strings.Repeat("a", 64))
	if code != exitTampered || !strings.Contains(stderr, "not the expected") {
		t.Errorf("another digest: exit %d, %s", code, stderr)
	}
}
