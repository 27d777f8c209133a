package tui

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/kpeek/kpeek/config"
	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/kafka/demo"
	"github.com/kpeek/kpeek/tui/internal/screentest"
)

// startDemo runs the whole explorer Program against the in-process demo cluster.
func startDemo(t *testing.T) (*teatest.TestModel, *bytes.Buffer) {
	t.Helper()
	if testing.Short() {
		t.Skip("starts the demo cluster")
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	logger := slog.New(slog.DiscardHandler)
	cl, err := demo.Start(ctx, demo.WithLogger(logger))
	if err != nil {
		t.Fatalf("start demo cluster: %v", err)
	}
	t.Cleanup(cl.Close)
	opts := Options{
		Clusters: []config.Cluster{cl.ClusterConfig()},
		Initial:  cl.ClusterConfig().Name,
		NewDecoder: func(c config.Cluster) (*decode.Decoder, error) {
			return decode.FromConfig(decode.Config{Registry: c.SchemaRegistry, Topics: c.Topics})
		},
		Logger:  logger,
		Version: "e2e",
	}
	tm := teatest.NewTestModel(t, newApp(ctx, opts, kafkaConnect(logger)), teatest.WithInitialTermSize(120, 40))
	var all bytes.Buffer
	return tm, &all
}

// waitFor waits until the text appears in what the Program drew, keeping every byte in all.
func waitFor(t *testing.T, tm *teatest.TestModel, all *bytes.Buffer, text string) {
	t.Helper()
	teatest.WaitFor(t, io.TeeReader(tm.Output(), all), func(b []byte) bool {
		return strings.Contains(ansi.Strip(string(b)), text)
	}, teatest.WithDuration(30*time.Second), teatest.WithCheckInterval(100*time.Millisecond))
}

func typeKeys(tm *teatest.TestModel, keys ...string) {
	named := map[string]rune{"enter": tea.KeyEnter, "esc": tea.KeyEscape, "tab": tea.KeyTab}
	for _, k := range keys {
		if code, ok := named[k]; ok {
			tm.Send(tea.KeyPressMsg{Code: code})
			continue
		}
		for _, r := range k {
			tm.Send(tea.KeyPressMsg{Code: r, Text: string(r)})
		}
	}
}

func finalScreen(t *testing.T, tm *teatest.TestModel) string {
	t.Helper()
	typeKeys(tm, "q")
	m := tm.FinalModel(t, teatest.WithFinalTimeout(30*time.Second))
	a, ok := m.(App)
	if !ok {
		t.Fatalf("final model is %T", m)
	}
	return ansi.Strip(a.render())
}

func TestEndToEndNewcomerFindsBackupAgent(t *testing.T) {
	tm, all := startDemo(t)
	waitFor(t, tm, all, "erp.purchasing.orders")
	typeKeys(tm, "tab", "j", "enter")
	waitFor(t, tm, all, "backup-agent")
	typeKeys(tm, "/", "backup", "enter", "enter")
	waitFor(t, tm, all, "Group backup-agent")
	screen := finalScreen(t, tm)
	for _, want := range []string{"Group backup-agent", "Reads 2 topics", "erp.purchasing.orders",
		"erp.supply.shipments", demo.BackupAgentClientID} {
		if !strings.Contains(screen, want) {
			t.Fatalf("final screen lacks %q:\n%s", want, screen)
		}
	}
	if strings.Contains(screentest.Line(screen, "Reads"), "auth.logins") {
		t.Fatalf("backup-agent reads more than the two topics:\n%s", screen)
	}
}

func TestEndToEndHostilePayloadsCannotReachTheTerminal(t *testing.T) {
	tm, all := startDemo(t)
	waitFor(t, tm, all, "hostile.payloads")
	typeKeys(tm, "/", "hostile", "enter", "enter")
	waitFor(t, tm, all, "which window?")
	tm.Send(tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl}) // clear the default window
	typeKeys(tm, "beginning..end", "enter")
	waitFor(t, tm, all, "escape-in-hea") // the last record's key
	// Open every record's detail and close it again.
	for range 13 {
		typeKeys(tm, "enter", "esc", "j")
	}
	screen := finalScreen(t, tm)
	if first := strings.SplitN(screen, "\n", 2)[0]; !strings.HasPrefix(first, "kpeek › ") ||
		!strings.Contains(first, "hostile.payloads") {
		t.Fatalf("the header is gone: %q", first)
	}
	out := all.String()
	for _, bad := range []string{"\x1b]0;pwned", "\x1b]52;", "\x1b]2;pwned", "\u202e"} {
		if strings.Contains(out, bad) {
			t.Fatalf("the program wrote %q from a payload to the terminal", bad)
		}
	}
}
