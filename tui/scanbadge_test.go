package tui

import (
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/kpeek/kpeek/tui/messages"
)

// The messages pane's scan result reaches the topics list: the scanned topic gets a
// badge with the classes found, and a topic where nothing was found gets none.
func TestScanResultBadgesTheTopic(t *testing.T) {
	h := newHarness(t, 120, 40)
	h.mustNotSee("[PCI PII]")
	// As a pane's Cmd delivers it: tagged with the pane's id, here of a pane no longer open.
	h.run(tagCmd(7, func() tea.Msg { return messages.ScannedMsg{Topic: "crm.customers", Classes: []string{"PCI", "PII"}} }))
	h.mustSee("crm.customers [PCI PII]")
	h.run(tagCmd(7, func() tea.Msg { return messages.ScannedMsg{Topic: "erp.supply.shipments"} }))
	h.mustNotSee("erp.supply.shipments [")
}
