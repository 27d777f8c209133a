package tui

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/kpeek/kpeek/config"
)

// TestAuditedLogsStartAndConnections: the explorer's start and every connection attempt,
// failed ones included, reach the audit trail with the cluster and who connects.
func TestAuditedLogsStartAndConnections(t *testing.T) {
	var got []string
	opts := Options{Clusters: []config.Cluster{{Connection: config.Connection{Name: "prod"}}}, Version: "v1",
		Audit: func(action string, d map[string]string) string {
			got = append(got, action+" "+d["cluster"]+d["clusters"]+" "+d["as"]+" "+d["result"])
			return ""
		}}
	refused := errors.New("refused")
	connect := audited(opts, func(context.Context, config.Cluster) (Cluster, error) { return nil, refused })
	cfg := config.Cluster{Connection: config.Connection{Name: "prod", Brokers: []string{"k:9092"}, SASL: &config.SASL{Mechanism: "PLAIN", Username: "ir"}}}
	if _, err := connect(t.Context(), cfg); !errors.Is(err, refused) {
		t.Fatalf("connect error %v, want the inner one", err)
	}
	want := []string{"explorer prod  ", "connect prod User:ir (SASL PLAIN) refused"}
	if !slices.Equal(got, want) {
		t.Errorf("audit entries %q, want %q", got, want)
	}
	if c := audited(Options{}, nil); c != nil {
		t.Error("without an audit trail the connect function must be the one given")
	}
}

// TestExplorerHandsItsAuditTrailToMessagesPanes: the messages panes the explorer opens
// log to Options.Audit (here, the read a pane starts from its prompt).
func TestExplorerHandsItsAuditTrailToMessagesPanes(t *testing.T) {
	var got []string
	h := newHarness(t, 120, 40)
	h.app.opts.Audit = func(action string, d map[string]string) string {
		got = append(got, action+" "+d["topic"])
		return ""
	}
	h.read("auth.logins")

	if want := []string{"explorer-read auth.logins"}; !slices.Equal(got, want) {
		t.Errorf("audit entries %q, want %q", got, want)
	}
}
