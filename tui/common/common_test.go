package common

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func TestNoColorKeepsTheSelectionVisible(t *testing.T) {
	s := NewStyles(true, true)
	if !s.TableSelected.GetReverse() || !s.NavSelected.GetReverse() {
		t.Fatal("without colour the selection must use reverse video")
	}
	if out := s.TableSelected.Render("x"); strings.Contains(out, "38;") || strings.Contains(out, "48;") {
		t.Fatalf("NO_COLOR styles emit colour: %q", out)
	}
	if dark, light := NewStyles(true, false), NewStyles(false, false); dark.Palette.Accent == light.Palette.Accent {
		t.Fatal("dark and light backgrounds share the accent colour")
	}
}

func TestBoxFitsExactly(t *testing.T) {
	got := Box("a very long first line\nb", 6, 3)
	lines := strings.Split(got, "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines", len(lines))
	}
	for _, l := range lines {
		if ansi.StringWidth(l) != 6 {
			t.Fatalf("line %q is not 6 wide", l)
		}
	}
	if lines[0] != "a ver…" || PadLeft("42", 5) != "   42" || Truncate("abc", 0) != "" {
		t.Fatalf("got %q", lines[0])
	}
}

func TestEveryGlobalBindingHasHelp(t *testing.T) {
	k := DefaultKeyMap()
	for _, b := range append(k.Global(), k.TableHelp()...) {
		if b.Help().Key == "" || b.Help().Desc == "" || len(b.Keys()) == 0 {
			t.Fatalf("binding %v lacks keys or help", b.Keys())
		}
	}
}
