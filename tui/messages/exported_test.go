package messages

import (
	"path/filepath"
	"testing"
)

// Marks a finished export delivered no longer hold the analyst at quit or esc;
// marking again makes them count again.
func TestDeliveredMarksAreNotUnexported(t *testing.T) {
	m := loaded(t, 80, 24, logins(50))
	m = keys(t, m, "space", "space", "space")
	if m.Marks() != 3 {
		t.Fatalf("Marks() = %d, want 3", m.Marks())
	}
	m = keys(t, m, "e", "tab")
	m.export.path.SetValue(filepath.Join(t.TempDir(), "out.ndjson"))
	m = keys(t, m, "enter")
	for deadline := 100; m.export.running && deadline > 0; deadline-- {
		m = run(t, m, nil)
	}
	if m.Busy() || m.export.failure != nil {
		t.Fatalf("export running %v, failure %v", m.Busy(), m.export.failure)
	}
	if m.Marks() != 0 {
		t.Errorf("after the export delivered them, Marks() = %d, want 0", m.Marks())
	}
	m = keys(t, m, "esc", "space")
	if m.Marks() != 4 {
		t.Errorf("after marking one more, Marks() = %d, want 4", m.Marks())
	}
}
