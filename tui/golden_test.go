package tui

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares the screen, colour stripped, with testdata/<name>.golden.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./tui -update to create it)", err)
	}
	if string(want) != got {
		t.Fatalf("%s differs from the golden file (go test ./tui -update rewrites it)\n--- got:\n%s\n--- want:\n%s",
			name, got, want)
	}
}

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
		{"messages", []string{"j", "enter"}},
		{"help", []string{"?"}},
	}
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		for _, sc := range scenes {
			name := fmt.Sprintf("%s-%dx%d", sc.name, size[0], size[1])
			t.Run(name, func(t *testing.T) {
				h := newHarness(t, size[0], size[1])
				h.press(sc.keys...)
				golden(t, name, h.screen())
			})
		}
	}
}
