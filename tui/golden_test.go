package tui

import (
	"fmt"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
)

// TestGoldenScreens compares whole screens, colour stripped, with
// testdata/TestGoldenScreens/*.golden; `go test ./tui -run Golden -update` rewrites them.
func TestGoldenScreens(t *testing.T) {
	scenes := []struct {
		name string
		keys []string
	}{
		{"topics", nil},
		{"topics-filter", []string{"/", "erp"}},
		{"groups", []string{"tab", "j", "enter"}},
		{"group-backup-agent", []string{"tab", "j", "enter", "j", "enter"}},
		{"overview", []string{"tab", "k", "enter"}},
		{"connect-error", []string{"tab", "k", "k", "k", "j", "enter"}},
		{"messages", []string{"j", "enter", "enter"}}, // crm.customers, read
		{"help", []string{"?"}},
		{"schemas-no-registry", []string{"tab", "j", "j", "j", "enter"}},
	}
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		for _, sc := range scenes {
			t.Run(fmt.Sprintf("%s-%dx%d", sc.name, size[0], size[1]), func(t *testing.T) {
				h := newHarness(t, size[0], size[1])
				h.press(sc.keys...)
				golden.RequireEqual(t, h.screen())
			})
		}
	}
}
