package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// TestE2ESchemasOnTheDemo opens the Schemas view on the demo cluster, whose registry comes
// with its configuration, and follows the Protobuf subject to its schema text.
func TestE2ESchemasOnTheDemo(t *testing.T) {
	tm, all := startDemo(t)
	waitFor(t, tm, all, "auth.logins")
	typeKeys(tm, "tab") // to the navigation, its cursor on Topics
	for range 3 {
		tm.Send(tea.KeyPressMsg{Code: tea.KeyDown})
	}
	typeKeys(tm, "enter")
	waitFor(t, tm, all, "LATEST ID")
	typeKeys(tm, "jjj", "enter") // the fourth subject: sorted, common/address.proto first
	waitFor(t, tm, all, "REFERENCES")
	typeKeys(tm, "enter")
	waitFor(t, tm, all, "version 1 (id 4, PROTOBUF)")
	screen := finalScreen(t, tm)
	for _, want := range []string{"erp.supply.shipments-value version 1 (id 4, PROTOBUF)", `import "common/address.proto";`, "message Shipment {"} {
		if !strings.Contains(screen, want) {
			t.Errorf("the schema text lacks %q:\n%s", want, screen)
		}
	}
}
