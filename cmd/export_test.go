package cmd

// Signal and crash tests of `kpeek export --splunk`: the export runs in a child process
// (this test binary, re-executed), reading an in-process Kafka of the parent and sending
// to the in-repo collector, which holds requests past a count so the kill or signal lands
// at a known point. The resume must then deliver every selected record exactly once.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kpeek/kpeek/export/hectest"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

const (
	childEnv    = "KPEEK_TEST_CHILD_ARGS"
	signalTopic = "erp.orders"
	perPart     = 300
)

// TestExportChildProcess is the child of the signal tests, not a test of its own.
func TestExportChildProcess(t *testing.T) {
	raw := os.Getenv(childEnv)
	if raw == "" {
		t.Skip("helper process for the signal tests")
	}
	var args []string
	if err := json.Unmarshal([]byte(raw), &args); err != nil {
		os.Exit(99)
	}
	os.Exit(Run(args, os.Stdout, os.Stderr, "test"))
}

// signalFixture is a Kafka topic of 3×perPart JSON records and a collector that holds
// requests once it committed hold events.
type signalFixture struct {
	addr  string
	srv   *hectest.Server
	spool string // the spool folder
}

func newSignalFixture(t *testing.T, hold int) *signalFixture {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(3, signalTopic))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	var recs []*kgo.Record
	for p := range int32(3) {
		for i := range perPart {
			recs = append(recs, &kgo.Record{Topic: signalTopic, Partition: p, Value: fmt.Appendf(nil, `{"n":%d,"p":%d}`, i, p)})
		}
	}
	if err := cl.ProduceSync(t.Context(), recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
	srv := hectest.New(hectest.WithHoldAfter(hold))
	t.Cleanup(srv.Close)
	return &signalFixture{addr: c.ListenAddrs()[0], srv: srv, spool: t.TempDir()}
}

// start runs kpeek args in a child process with env added; stderr is collected.
func (f *signalFixture) start(t *testing.T, env []string, args ...string) (*exec.Cmd, *lockedBuffer) {
	t.Helper()
	enc, _ := json.Marshal(args)
	cmd := exec.Command(os.Args[0], "-test.run=^TestExportChildProcess$")
	cmd.Env = append(append(os.Environ(), childEnv+"="+string(enc)), env...)
	var stderr lockedBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	return cmd, &stderr
}

// waitHeld waits until the collector holds a request and every event it committed is
// confirmed in the spool's journal, so a kill now leaves nothing confirmed unjournaled.
func (f *signalFixture) waitHeld(t *testing.T, stderr *lockedBuffer) string {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		if time.Now().After(deadline) {
			t.Fatalf("collector holds %d, committed %d; child stderr: %s", f.srv.Held(), f.srv.Count(), stderr.String())
		}
		if f.srv.Held() > 0 {
			if spool := onlySpool(t, f.spool); spool != "" && journalConfirmed(t, spool) == f.srv.Count() {
				return spool
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// onlySpool is the spool file in dir, "" when there is none yet.
func onlySpool(t *testing.T, dir string) string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(dir, "kpeek-spool-*.ndjson"))
	if len(m) > 1 {
		t.Fatalf("more than one spool: %v", m)
	}
	if len(m) == 0 {
		return ""
	}
	return m[0]
}

// journalConfirmed counts the events the journal's "ok" entries confirm.
func journalConfirmed(t *testing.T, path string) int {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for line := range bytes.Lines(data) {
		if !bytes.HasPrefix(line, []byte(`{"kpeek_journal":"ok"`)) || !bytes.HasSuffix(line, []byte("\n")) {
			continue
		}
		var m struct {
			Refs [][3]int `json:"refs"`
		}
		if json.Unmarshal(line, &m) != nil {
			continue
		}
		for _, r := range m.Refs {
			n += r[2] - r[1]
		}
	}
	return n
}

// exactlyOnce checks that the collector got every record of the topic once.
func (f *signalFixture) exactlyOnce(t *testing.T) {
	t.Helper()
	seen := map[string]int{}
	for _, ev := range f.srv.Events() {
		seen[ev.Fields["partition"]+"/"+ev.Fields["offset"]]++
	}
	missing, twice := 0, 0
	for p := range 3 {
		for o := range perPart {
			switch seen[fmt.Sprintf("%d/%d", p, o)] {
			case 0:
				missing++
			case 1:
			default:
				twice++
			}
		}
	}
	if missing > 0 || twice > 0 || len(seen) != 3*perPart {
		t.Errorf("collector: %d records missing, %d more than once, %d distinct (want %d)", missing, twice, len(seen), 3*perPart)
	}
}

// releaseAfterHangUp waits until the collector saw the dead child's requests hang up
// (so it commits none of them, as a collector that never got them whole), then lets
// later requests through.
func (f *signalFixture) releaseAfterHangUp(t *testing.T) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); f.srv.Held() > 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the collector still holds requests of a dead client")
		}
	}
	f.srv.Release()
}

func (f *signalFixture) exportArgs(extra ...string) []string {
	return append(extra, "export", "-t", signalTopic, "--splunk", f.srv.URL(), "--spool-dir", f.spool,
		"--batch-bytes", "2048", "--concurrency", "2")
}

// TestExportKilledThenResumed: kill -9 mid-export leaves a journal from which the resume
// delivers every record exactly once (none confirmed is sent again, none is lost).
func TestExportKilledThenResumed(t *testing.T) {
	f := newSignalFixture(t, 250)
	tokenFile := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(tokenFile, []byte("test-token\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	child, stderr := f.start(t, nil, f.exportArgs("-b", f.addr, "--splunk-token-file", tokenFile)...)
	spool := f.waitHeld(t, stderr)
	if err := child.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = child.Wait()
	f.releaseAfterHangUp(t)
	if st, err := os.Stat(spool); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("spool after kill -9: %v, %v", st, err)
	}
	if data, _ := os.ReadFile(spool); bytes.Contains(data, []byte("test-token")) {
		t.Fatal("the token is in the spool")
	}
	before := f.srv.Count()
	_, errOut, code := kpeek(t, "-b", f.addr, "export", "--resume", spool, "--splunk-token-file", tokenFile)
	if code != 0 {
		t.Fatalf("resume: exit %d: %s", code, errOut)
	}
	if !strings.Contains(errOut, "in flight when the previous run died") {
		t.Errorf("the resume does not warn of requests the killed run had in flight: %s", errOut)
	}
	if before == 0 || f.srv.Count() == before {
		t.Errorf("collector had %d events before the resume, %d after", before, f.srv.Count())
	}
	f.exactlyOnce(t)
	if onlySpool(t, f.spool) != "" {
		t.Error("the finished spool is still there")
	}
}

// TestExportInterruptedThenResumedAsPrinted: an interrupt, a termination or a hang-up
// stops the export cleanly (exit 130, summary, spool); the printed "finish with" command, run as printed, uses the
// same config file and its token reference, and delivers every record exactly once.
func TestExportInterruptedThenResumedAsPrinted(t *testing.T) {
	// SIGHUP is how a jump-box session dies when SSH drops: it must stop as cleanly.
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP} {
		t.Run(sig.String(), func(t *testing.T) {
			f := newSignalFixture(t, 250)
			dir := t.TempDir()
			tokenFile := filepath.Join(dir, "token")
			if err := os.WriteFile(tokenFile, []byte("test-token\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			config := filepath.Join(dir, "kpeek.yaml")
			conf := fmt.Sprintf("clusters:\n  lab:\n    brokers: [%q]\n    splunk:\n      url: %q\n      token: file:%s\n",
				f.addr, f.srv.URL(), tokenFile)
			if err := os.WriteFile(config, []byte(conf), 0o600); err != nil {
				t.Fatal(err)
			}
			t.Setenv(tokenEnvName, "")
			args := []string{"--config", config, "-c", "lab", "export", "-t", signalTopic, "--splunk", "default",
				"--spool-dir", f.spool, "--batch-bytes", "2048", "--concurrency", "2"}
			child, stderr := f.start(t, []string{tokenEnvName + "="}, args...)
			f.waitHeld(t, stderr)
			if err := child.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			err := child.Wait()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != exitInt {
				t.Fatalf("child ended with %v, want exit %d; stderr: %s", err, exitInt, stderr.String())
			}
			f.releaseAfterHangUp(t)
			printed := finishWith(t, stderr.String())
			if !strings.Contains(printed, "--config "+config) || !strings.Contains(printed, "-c lab") {
				t.Errorf("finish line %q lacks the config and cluster", printed)
			}
			_, errOut, code := kpeek(t, shellSplit(t, printed)[1:]...)
			if code != 0 {
				t.Fatalf("%s: exit %d: %s", printed, code, errOut)
			}
			f.exactlyOnce(t)
		})
	}
}

const tokenEnvName = "KPEEK_SPLUNK_TOKEN"

// finishWith is the command after "finish with: " in kpeek's stderr.
func finishWith(t *testing.T, stderr string) string {
	t.Helper()
	sc := bufio.NewScanner(strings.NewReader(stderr))
	for sc.Scan() {
		if _, cmd, ok := strings.Cut(sc.Text(), "finish with: "); ok {
			return cmd
		}
	}
	t.Fatalf("no finish line in: %s", stderr)
	return ""
}

// shellSplit splits a command line quoted by shellQuote.
func shellSplit(t *testing.T, s string) []string {
	t.Helper()
	var out []string
	var cur strings.Builder
	inQuote, any := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\'':
			inQuote, any = !inQuote, true
		case c == ' ' && !inQuote:
			if any {
				out = append(out, cur.String())
				cur.Reset()
				any = false
			}
		case c == '\\' && !inQuote && i+1 < len(s):
			i++
			cur.WriteByte(s[i])
			any = true
		default:
			cur.WriteByte(c)
			any = true
		}
	}
	if inQuote {
		t.Fatalf("unbalanced quotes in %q", s)
	}
	if any {
		out = append(out, cur.String())
	}
	return out
}

func TestResumeCommandQuotesAndHidesSecrets(t *testing.T) {
	g := &globals{configPath: "/etc/kpeek it.yaml", cluster: "prod", props: []string{"sasl.password=S3CRET", "client.id=x"}}
	cmd, omitted := g.resumeCommand("/tmp/my spool.ndjson", "", true)
	if strings.Contains(cmd, "S3CRET") || len(omitted) != 1 || !strings.Contains(omitted[0], "sasl.password") {
		t.Errorf("secret handling: %q, omitted %v", cmd, omitted)
	}
	got := shellSplit(t, cmd)
	want := []string{"kpeek", "--config", "/etc/kpeek it.yaml", "-c", "prod", "-X", "client.id=x", "export", "--resume", "/tmp/my spool.ndjson"}
	if strconv.Quote(strings.Join(got, "|")) != strconv.Quote(strings.Join(want, "|")) {
		t.Errorf("resume command %q splits to %q, want %q", cmd, got, want)
	}
}

// TestResumeTakesTheTokenFromTheConfig: a spool whose selection is complete needs no
// connection flags: its cluster, named in the config file, gives the HEC token. The
// spool here is in the first spool format (events only), which a resume still reads.
func TestResumeTakesTheTokenFromTheConfig(t *testing.T) {
	t.Setenv(tokenEnvName, "")
	srv := hectest.New()
	defer srv.Close()
	dir := t.TempDir()
	tokenFile := filepath.Join(dir, "token")
	os.WriteFile(tokenFile, []byte("test-token"), 0o600)
	config := filepath.Join(dir, "kpeek.yaml")
	conf := fmt.Sprintf("clusters:\n  lab:\n    brokers: [\"127.0.0.1:1\"]\n    splunk:\n      url: %q\n      token: file:%s\n  other:\n    brokers: [\"127.0.0.1:2\"]\n",
		srv.URL(), tokenFile)
	os.WriteFile(config, []byte(conf), 0o600)
	spool := filepath.Join(dir, "kpeek-spool-old.ndjson")
	var b strings.Builder
	fmt.Fprintf(&b, `{"kpeek_spool":1,"created":"2026-11-26T02:00:00Z","destination":{"url":%q,"ack":false,"batch_bytes":0,"concurrency":0},"cluster":"lab","topic":"t","reason":"x","interrupted":false}`+"\n", srv.URL())
	for i := range 5 {
		fmt.Fprintf(&b, `{"time":1.000,"event":{"n":%d},"fields":{"topic":"t","partition":"0","offset":"%d","sha256":"x"}}`+"\n", i, i)
	}
	os.WriteFile(spool, []byte(b.String()), 0o600)
	_, errOut, code := kpeek(t, "--config", config, "export", "--resume", spool)
	if code != 0 || srv.Count() != 5 {
		t.Fatalf("resume: exit %d, %d delivered: %s", code, srv.Count(), errOut)
	}
	if _, err := os.Stat(spool); !os.IsNotExist(err) {
		t.Error("the finished spool is still there")
	}
}

// TestExportSplunkUsageErrors: a destination that cannot be resolved is a one-line
// usage error (exit 2) before anything is read.
func TestExportSplunkUsageErrors(t *testing.T) {
	t.Setenv(tokenEnvName, "")
	for _, tc := range []struct{ args, want string }{
		{"--splunk default", "has no splunk destination in the config"},
		{"--splunk https://127.0.0.1:1/services/collector/event", "no Splunk HEC token"},
	} {
		args := append([]string{"--demo", "export", "-t", "auth.logins", "--spool-dir", t.TempDir()}, strings.Fields(tc.args)...)
		_, errOut, code := kpeek(t, args...)
		if code != exitUsage || !strings.Contains(errOut, tc.want) || strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
			t.Errorf("%s: exit %d, stderr %q", tc.args, code, errOut)
		}
	}
}

// TestResumeRefusesAnotherCluster: the rest of a selection is read only from the cluster
// the export read from, never from whatever the flags (or the config's default) reach.
func TestResumeRefusesAnotherCluster(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "t"), kfake.ClusterID("other-cluster"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	spool := filepath.Join(t.TempDir(), "kpeek-spool-t.ndjson")
	hdr := `{"kpeek_spool":2,"created":"2026-11-26T02:00:00Z","destination":{"url":"http://127.0.0.1:1/services/collector/event","ack":false,"batch_bytes":0,"concurrency":0},` +
		`"cluster":"prod","cluster_id":"prod-id","topic":"t","interrupted":true,"selection":{},"read_until":{"0":10},"read":{"0":0}}` + "\n"
	os.WriteFile(spool, []byte(hdr), 0o600)
	t.Setenv(tokenEnvName, "test-token")
	_, errOut, code := kpeek(t, "-b", c.ListenAddrs()[0], "export", "--resume", spool)
	if code != exitUsage || !strings.Contains(errOut, `read from cluster "prod" (id prod-id)`) {
		t.Errorf("exit %d: %s", code, errOut)
	}
}

// TestResumeRefusesExportFlags: a flag next to --resume that would be ignored is a usage error.
func TestResumeRefusesExportFlags(t *testing.T) {
	_, errOut, code := kpeek(t, "export", "--resume", "/nonexistent", "--splunk", "https://x", "-t", "a")
	if code != exitUsage || !strings.Contains(errOut, "drop --topic --splunk") {
		t.Errorf("exit %d: %s", code, errOut)
	}
}
