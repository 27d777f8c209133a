package tui

import (
	"testing"

	"github.com/kpeek/kpeek/tui/messages"
)

// The messages pane's scan result reaches the topics list: the scanned topic gets a
// badge with the classes found, and a topic where nothing was found gets none.
func TestScanResultBadgesTheTopic(t *testing.T) {
	h := newHarness(t, 120, 40)
	h.mustNotSee("[PCI PII]")
	h.send(messages.ScannedMsg{Topic: "crm.customers", Classes: []string{"PCI", "PII"}})
	h.mustSee("crm.customers [PCI PII]")
	h.send(messages.ScannedMsg{Topic: "erp.supply.shipments"})
	h.mustNotSee("erp.supply.shipments [")
}
