package messages

import (
	"bytes"
	osexec "os/exec"
	"strings"
	"testing"

	"github.com/alecthomas/chroma/v2/formatters"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
)

// The lexer and styles built in highlight.go colour exactly as chroma's registered ones.
func TestHighlightMatchesChromasRegistry(t *testing.T) {
	in := `{
  "user": "slyon", "n": -12.5e3, "ok": true, "none": null,
  "lines": [1, 2, {"sku": "a\"b\\c"}], "empty": {}, "list": []
}`
	for _, style := range []string{"github", "github-dark"} {
		it, err := lexers.Get("json").Tokenise(nil, in)
		if err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		if err := formatters.TTY256.Format(&want, styles.Get(style), it); err != nil {
			t.Fatal(err)
		}
		if got := highlight(in, style); got != want.String() {
			t.Errorf("%s: highlight gives\n%q\nchroma gives\n%q", style, got, want.String())
		}
	}
	if got := highlight(in, "no-such-style"); got != in {
		t.Errorf("an unknown style should leave the text plain, got %q", got)
	}
}

// No command pays for chroma registering every lexer and style at start-up.
func TestBinaryDoesNotRegisterChromaLexersOrStyles(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	out, err := osexec.Command("go", "list", "-deps", "github.com/kpeek/kpeek").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if pkg == "github.com/alecthomas/chroma/v2/lexers" || pkg == "github.com/alecthomas/chroma/v2/styles" {
			t.Errorf("kpeek imports %s, which registers all of its kind at init", pkg)
		}
	}
}
