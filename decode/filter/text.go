package filter

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/kpeek/kpeek/decode"
)

// haystacks calls fn with each text a plain-text or regex filter searches: the key,
// the value, and every header key and value, until fn returns true. Values are
// searched as their text (a string value's bytes, else its JSON), without
// sanitizing, so no record is copied; display is set for needles written the way
// the explorer shows hostile bytes (\x1b), which are searched in that display form.
func haystacks(e *decode.Envelope, display bool, fn func([]byte) bool) bool {
	if display {
		if fn([]byte(decode.DisplayValue(&e.Key))) || fn([]byte(decode.DisplayValue(&e.Value))) {
			return true
		}
		for i := range e.Headers {
			h := &e.Headers[i]
			if fn([]byte(decode.Sanitize(h.Key))) || fn([]byte(decode.DisplayValue(&h.Value))) {
				return true
			}
		}
		return false
	}
	if fn(searchText(&e.Key)) || fn(searchText(&e.Value)) {
		return true
	}
	for i := range e.Headers {
		h := &e.Headers[i]
		if fn([]byte(h.Key)) || fn(searchText(&h.Value)) {
			return true
		}
	}
	return false
}

// searchText is the text of a decoded key, value or header that filters search.
func searchText(d *decode.Decoded) []byte {
	if d.Encoding == decode.EncodingString && d.Raw != nil {
		return d.Raw
	}
	return d.JSON
}

// textMatcher finds a needle case-insensitively. ASCII needles use a byte scan;
// others fall back to a case-folding regexp, which knows Unicode case rules.
type textMatcher struct {
	lower   []byte         // the ASCII needle, lower-cased
	re      *regexp.Regexp // non-ASCII needles
	display bool           // search the display form (needle has a backslash)
}

func newTextMatcher(needle string) *textMatcher {
	m := &textMatcher{display: strings.ContainsRune(needle, '\\')}
	if !isASCII(needle) {
		m.re = regexp.MustCompile("(?i)" + regexp.QuoteMeta(needle))
		return m
	}
	m.lower = []byte(strings.ToLower(needle))
	return m
}

func (m *textMatcher) match(e *decode.Envelope) bool {
	if m.re != nil {
		return haystacks(e, m.display, m.re.Match)
	}
	return haystacks(e, m.display, m.contains)
}

// contains reports whether h contains the needle, ignoring ASCII case.
func (m *textMatcher) contains(h []byte) bool {
	n := m.lower
	if len(n) == 0 {
		return true
	}
	lo, up := n[0], upper(n[0])
	for i := 0; i+len(n) <= len(h); {
		j := indexEither(h[i:len(h)-len(n)+1], lo, up)
		if j < 0 {
			return false
		}
		i += j
		if equalFoldASCII(h[i+1:i+len(n)], n[1:]) {
			return true
		}
		i++
	}
	return false
}

// indexEither is the first index of a or b in h (a == b is fine).
func indexEither(h []byte, a, b byte) int {
	i := bytes.IndexByte(h, a)
	if a == b {
		return i
	}
	if i >= 0 {
		h = h[:i] // b only matters before the first a
	}
	if j := bytes.IndexByte(h, b); j >= 0 {
		return j
	}
	return i
}

// equalFoldASCII compares h with a lower-case ASCII needle, ignoring h's ASCII case.
func equalFoldASCII(h, lower []byte) bool {
	for i, c := range lower {
		b := h[i]
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		if b != c {
			return false
		}
	}
	return true
}

func upper(c byte) byte {
	if 'a' <= c && c <= 'z' {
		return c - ('a' - 'A')
	}
	return c
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// parseRegex recognises /re/ and /re/flags (flags from i, m, s) and compiles it.
// ok is false when expr is not written as a regex at all.
func parseRegex(expr string) (re *regexp.Regexp, ok bool, err error) {
	if len(expr) < 2 || expr[0] != '/' {
		return nil, false, nil
	}
	end := strings.LastIndexByte(expr, '/')
	if end == 0 {
		return nil, false, nil
	}
	flags := expr[end+1:]
	if strings.Trim(flags, "ims") != "" {
		return nil, false, nil // "/api/v1/users" is a path to search for, not a regex
	}
	pattern := expr[1:end]
	if flags != "" {
		pattern = "(?" + flags + ")" + pattern
	}
	re, err = regexp.Compile(pattern)
	if err != nil {
		return nil, true, fmt.Errorf("regex: %s", oneLine(strings.TrimPrefix(err.Error(), "error parsing regexp: ")))
	}
	return re, true, nil
}
