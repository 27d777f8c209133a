package kafka

import (
	"log/slog"
	"strings"
	"testing"
)

// TestSaramaLogsSkipTheProxyLine: kpeek's own dialer makes sarama log "using proxy" at
// every dial; that line is dropped, the others reach the client's logger.
func TestSaramaLogsSkipTheProxyLine(t *testing.T) {
	var b strings.Builder
	routeSaramaLogs(slog.New(slog.NewTextHandler(&b, &slog.HandlerOptions{Level: slog.LevelDebug})))
	t.Cleanup(func() { routeSaramaLogs(slog.New(slog.DiscardHandler)) })
	forward("using proxy\n")
	forward("Connected to broker at 127.0.0.1:9092 (unregistered)\n")
	if got := b.String(); strings.Contains(got, "proxy") || !strings.Contains(got, "Connected to broker") {
		t.Errorf("log = %q", got)
	}
}
