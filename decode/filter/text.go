package filter

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/kpeek/kpeek/decode"
)

// searcher finds something in a text, given as bytes or as a string so that no
// record text is ever copied to be searched.
type searcher interface {
	inBytes(h []byte) bool
	inString(h string) bool
}

// searchRecord reports whether s finds its needle in any text a plain-text or regex
// filter searches: the key, the value, and every header key and value. Values are
// searched as their text (a string value's bytes, else its JSON), unsanitized; with
// display set, as the escaped form the explorer shows (so a needle like \x1b works).
func searchRecord(e *decode.Envelope, s searcher, display bool) bool {
	if display {
		if s.inString(decode.DisplayValue(&e.Key)) || s.inString(decode.DisplayValue(&e.Value)) {
			return true
		}
		for i := range e.Headers {
			h := &e.Headers[i]
			if s.inString(decode.Sanitize(h.Key)) || s.inString(decode.DisplayValue(&h.Value)) {
				return true
			}
		}
		return false
	}
	if s.inBytes(searchText(&e.Key)) || s.inBytes(searchText(&e.Value)) {
		return true
	}
	for i := range e.Headers {
		h := &e.Headers[i]
		if s.inString(h.Key) || s.inBytes(searchText(&h.Value)) {
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

// regexSearcher is a searcher for a regular expression.
type regexSearcher struct{ re *regexp.Regexp }

func (r regexSearcher) inBytes(h []byte) bool  { return r.re.Match(h) }
func (r regexSearcher) inString(h string) bool { return r.re.MatchString(h) }

// textMatcher finds a needle case-insensitively. ASCII needles use a byte scan;
// other UTF-8 needles a case-folding regexp, which knows Unicode's case rules.
type textMatcher struct {
	lower   []byte        // the needle, ASCII lower-cased
	re      regexSearcher // non-ASCII needles
	display bool          // search the display form (the needle has a backslash)
}

func newTextMatcher(needle string) (*textMatcher, error) {
	m := &textMatcher{display: strings.ContainsRune(needle, '\\')}
	if !isASCII(needle) && utf8.ValidString(needle) {
		re, err := regexp.Compile("(?i)" + regexp.QuoteMeta(needle))
		if err != nil {
			return nil, fmt.Errorf("text filter: %w", err)
		}
		m.re.re = re
		return m, nil
	}
	// ASCII, or bytes that are not UTF-8 (searched as they are, ASCII case folded).
	m.lower = make([]byte, len(needle))
	for i := range len(needle) {
		m.lower[i] = lower(needle[i])
	}
	return m, nil
}

func (m *textMatcher) match(e *decode.Envelope) bool {
	if m.re.re != nil {
		return searchRecord(e, m.re, m.display)
	}
	return searchRecord(e, m, m.display)
}

func (m *textMatcher) inBytes(h []byte) bool  { return containsFold(h, m.lower, bytes.IndexByte) }
func (m *textMatcher) inString(h string) bool { return containsFold(h, m.lower, strings.IndexByte) }

// containsFold reports whether h contains the lower-case ASCII needle n, ignoring
// h's ASCII case.
func containsFold[T string | []byte](h T, n []byte, indexByte func(T, byte) int) bool {
	if len(n) == 0 {
		return true
	}
	lo, up := n[0], upper(n[0])
	for i := 0; i+len(n) <= len(h); i++ {
		j := indexEither(h[i:len(h)-len(n)+1], lo, up, indexByte)
		if j < 0 {
			return false
		}
		i += j
		if equalFoldASCII(h[i+1:i+len(n)], n[1:]) {
			return true
		}
	}
	return false
}

// indexEither is the first index of a or b in h (a == b is fine).
func indexEither[T string | []byte](h T, a, b byte, indexByte func(T, byte) int) int {
	i := indexByte(h, a)
	if a == b {
		return i
	}
	if i >= 0 {
		h = h[:i] // b only matters before the first a
	}
	if j := indexByte(h, b); j >= 0 {
		return j
	}
	return i
}

// equalFoldASCII compares h with a needle lower-cased in ASCII, ignoring h's ASCII case.
func equalFoldASCII[T string | []byte](h T, needle []byte) bool {
	for i, c := range needle {
		if lower(h[i]) != c {
			return false
		}
	}
	return true
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
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
