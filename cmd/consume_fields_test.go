package cmd

import (
	"strings"
	"testing"
)

func TestConsumeFilterTypoIsSaidOnStderr(t *testing.T) {
	stdout, stderr, code := kpeek(t, "--demo", "consume", "-t", "auth.logins", "--from", "beginning", "--to", "end",
		"--filter", `value.resutl == "failure"`)
	if code != 0 || stdout != "" {
		t.Fatalf("exit %d, stdout %q", code, stdout)
	}
	if !strings.Contains(stderr, "kpeek: filter: no record has value.resutl (did you mean value.result?)") {
		t.Errorf("stderr %q lacks the field hint", stderr)
	}
}
