package main

import "testing"

func TestBuildVersion(t *testing.T) {
	if got := buildVersion("1.4.2"); got != "1.4.2" {
		t.Errorf("an -ldflags version was replaced: %q", got)
	}
}
