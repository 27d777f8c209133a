package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/kpeek/kpeek/config"
	"github.com/kpeek/kpeek/decode/registryserver"
	"github.com/kpeek/kpeek/kafka"
	"github.com/kpeek/kpeek/tui/internal/screentest"
	"github.com/kpeek/kpeek/tui/nav"
)

// withRegistry reconnects the harness's demo cluster with a schema registry at url.
func withRegistry(h *harness, url string) {
	h.t.Helper()
	h.app.opts.Clusters[0].SchemaRegistry = &config.Registry{URL: url}
	h.send(nav.OpenClusterMsg{Name: "prod"}) // fails, so demo connects afresh
	h.send(nav.OpenClusterMsg{Name: "demo"})
}

func TestSchemasViewReadsTheClusterRegistry(t *testing.T) {
	srv := registryserver.New()
	if _, _, err := srv.Register("erp.purchasing.orders-value", registryserver.TypeAvro,
		`{"type":"record","name":"Order","fields":[{"name":"id","type":"string"}]}`, nil); err != nil {
		t.Fatal(err)
	}
	url, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	h := newHarness(t, 120, 30)
	withRegistry(h, url)
	h.press("tab", "j", "j", "j", "enter")
	h.mustSee("Schemas: the registry's subjects")
	_, main, _ := strings.Cut(screentest.Line(h.screen(), "erp.purchasing.orders-value"), "│")
	if !screentest.HasRow(main, "erp.purchasing.orders-value AVRO 1 1 erp.purchasing.orders") {
		t.Fatalf("no subject row naming its topic:\n%s", h.screen())
	}
	h.press("enter", "enter")
	h.mustSee("erp.purchasing.orders-value version 1 (id 1, AVRO)", `"name": "Order",`)
	h.press("esc", "esc")
	h.mustSee("Schemas: the registry's subjects")
	if _, _, err := srv.Register("crm.customers-value", registryserver.TypeJSON, `{"type":"object"}`, nil); err != nil {
		t.Fatal(err)
	}
	h.mustNotSee("crm.customers-value")
	h.send(tea.KeyPressMsg{Code: 'r', Mod: tea.ModCtrl})
	h.mustSee("crm.customers-value")
	h.press("esc") // from the view's root, esc goes to the navigation
	h.press("k", "k", "enter")
	h.mustSee("erp.purchasing.orders", "TOPIC")
}

func TestSchemasRegistryDownLeavesTheExplorerWorking(t *testing.T) {
	srv := registryserver.New()
	url, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_ = srv.Close() // nobody answers there
	h := newHarness(t, 120, 30)
	withRegistry(h, url)
	h.press("tab", "j", "j", "j", "enter")
	h.mustSee("Schemas: the registry's subjects", "the subject list")
	h.press("esc", "k", "k", "enter")
	h.mustSee("erp.purchasing.orders", "TOPIC")
}

func TestSchemasBadRegistryConfigIsOneLine(t *testing.T) {
	h := newHarness(t, 120, 30)
	h.app.opts.Clusters[0].SchemaRegistry = &config.Registry{URL: "https://registry.example",
		TLS: &config.TLS{CAFile: t.TempDir() + "/missing-ca.pem"}}
	h.send(nav.OpenClusterMsg{Name: "prod"})
	h.send(nav.OpenClusterMsg{Name: "demo"})
	h.press("tab", "j", "j", "j", "enter")
	h.mustSee("Schemas", "schema registry https://registry.example: read TLS CA file")
	h.press("esc", "k", "k", "enter")
	h.mustSee("erp.purchasing.orders", "TOPIC")
}

func TestSchemasTopicListingHasADeadline(t *testing.T) {
	var got error
	f := bounded(func(ctx context.Context) (kafka.Topics, error) {
		<-ctx.Done() // a broker that never answers
		got = ctx.Err()
		return nil, fmt.Errorf("list topics: %w", ctx.Err())
	}, time.Millisecond)
	if _, err := f(context.Background()); !errors.Is(err, context.DeadlineExceeded) || got == nil {
		t.Fatalf("the listing was not bounded: %v", err)
	}
}
