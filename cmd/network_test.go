package cmd

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kpeek/kpeek/kafka/demo"
	"github.com/kpeek/kpeek/kafka/kafkatest"
	"github.com/twmb/franz-go/pkg/kgo"
)

// TestSilentBrokerSaysWhichAndShowsProgress: on a terminal, a progress line runs while
// kpeek waits; the end is one line naming the broker that did not answer.
func TestSilentBrokerSaysWhichAndShowsProgress(t *testing.T) {
	addr := kafkatest.SilentBroker(t)
	var out lockedBuffer
	var errOut bytes.Buffer
	g := &globals{stdout: &out, stderr: &errOut, version: "test", stderrTTY: true}
	code := execute(newRootCmd(g), g, []string{"-b", addr, "-X", "socket.timeout.ms=300", "topics"})
	if code != exitError {
		t.Errorf("exit %d, want %d", code, exitError)
	}
	lines := strings.Split(strings.TrimSpace(errOut.String()), "\r\x1b[K")
	last := lines[len(lines)-1]
	if !strings.Contains(errOut.String(), "kpeek: waiting for "+addr+" to answer… 1s (gives up after 300ms)") {
		t.Errorf("no progress line while waiting: %q", errOut.String())
	}
	if !strings.HasPrefix(last, "kpeek: ") || !strings.Contains(last, "broker "+addr+" accepted the connection but did not answer") {
		t.Errorf("last line %q does not name the silent broker", last)
	}
	assertOneLine(t, "final stderr line", last+"\n")
}

// TestGroupsUnknownTopicIsAnError: a typo in -t must not look like a topic nobody reads.
func TestGroupsUnknownTopicIsAnError(t *testing.T) {
	out, errOut, code := kpeek(t, "--demo", "groups", "-t", "erp.purchasing.order")
	if code != exitError || out != "" || !strings.Contains(errOut, `topic "erp.purchasing.order" does not exist`) {
		t.Errorf("exit %d, stdout %q, stderr %q; want exit 1 naming the topic", code, out, errOut)
	}
	assertOneLine(t, "stderr", errOut)
}

// TestGroupsJSONEscapesHostileIDs: a group id and client id chosen by whoever runs a
// consumer reach `groups -o json` escaped, as consume escapes records.
func TestGroupsJSONEscapesHostileIDs(t *testing.T) {
	c, err := demo.Start(t.Context(), demo.WithKafkaAddr("127.0.0.1:0"), demo.WithRegistryAddr("127.0.0.1:0"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	brokers := c.ClusterConfig().Brokers
	evil := "ops\u009b31m\u202egnp.exe"
	member, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.ConsumerGroup(evil), kgo.ClientID(evil),
		kgo.ConsumeTopics("auth.logins"))
	if err != nil {
		t.Fatal(err)
	}
	defer member.Close()
	member.PollRecords(t.Context(), 1)
	if err := member.CommitUncommittedOffsets(t.Context()); err != nil {
		t.Fatal(err)
	}
	out := mustKpeek(t, "-b", strings.Join(brokers, ","), "groups", "-o", "json")
	if !strings.Contains(out, `"group": "ops\u009b31m\u202egnp.exe"`) {
		t.Errorf("hostile group id not listed escaped:\n%s", out)
	}
	if strings.ContainsAny(out, "\u009b\u202e") {
		t.Errorf("raw C1/bidi rune in groups -o json:\n%s", out)
	}
}

// TestSecretsNeverPrinted: a password typed with the wrong -X separator, or inside a URL,
// never reaches stderr.
func TestSecretsNeverPrinted(t *testing.T) {
	for _, args := range [][]string{
		{"-b", "127.0.0.1:1", "-X", "sasl.password:S3CRET", "topics"},
		{"-b", "127.0.0.1:1", "-X", "S3CRET", "topics"},
		{"-b", "http://ir:S3CRET@127.0.0.1:1", "topics"},
	} {
		out, errOut, code := kpeek(t, args...)
		if code == exitOK || strings.Contains(out+errOut, "S3CRET") {
			t.Errorf("%q: exit %d, printed %q%q; want an error without the secret", args, code, out, errOut)
		}
	}
}

// TestRegistryInsecureSkipVerifyWarns: the registry's insecure_skip_verify warns on the
// command line like the brokers' does, before connecting.
func TestRegistryInsecureSkipVerifyWarns(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yaml")
	conf := "clusters:\n  prod:\n    brokers: [127.0.0.1:1]\n    schema_registry:\n      url: https://registry.corp:8081\n" +
		"      tls:\n        insecure_skip_verify: true\n"
	if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	_, errOut, _ := kpeek(t, "--config", path, "-c", "prod", "topics")
	if !strings.Contains(errOut, "kpeek: warning: TLS certificate verification is OFF for the schema registry") {
		t.Errorf("no registry warning on stderr: %q", errOut)
	}
}

// TestExplorerWithoutATerminalNamesTheHeadlessCommands: run where it cannot draw, the
// explorer says so in words (not "bubbletea: could not open TTY") and points at the
// commands that work in a pipe.
func TestExplorerWithoutATerminalNamesTheHeadlessCommands(t *testing.T) {
	out, errOut, code := kpeek(t, "--demo")
	if code != exitUsage || out != "" {
		t.Errorf("exit %d, stdout %q; want exit 2 and nothing on stdout", code, out)
	}
	assertOneLine(t, "stderr", errOut)
	for _, want := range []string{"the explorer needs a terminal", "kpeek ", "consume", "export", "topics", "groups"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr %q lacks %q", errOut, want)
		}
	}
	if strings.Contains(errOut, "bubbletea") {
		t.Errorf("stderr names the library: %q", errOut)
	}
}

// TestPartitionRangePastTheTopicNamesItsCount: a huge -p range is answered at once with
// the topic's partition count, instead of expanding a hundred million partitions.
func TestPartitionRangePastTheTopicNamesItsCount(t *testing.T) {
	_, errOut, code := kpeek(t, "--demo", "consume", "-t", "erp.purchasing.orders", "-p", "1,0-99999999")
	if code != exitUsage || !strings.Contains(errOut, "has 3 partitions, 0-2") {
		t.Errorf("exit %d, stderr %q; want exit 2 naming the 3 partitions", code, errOut)
	}
}
