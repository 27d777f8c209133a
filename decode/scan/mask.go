package scan

import (
	"slices"
	"strings"
)

// Redacted replaces a detected value in redacted text (cards keep their last four
// digits instead, see RedactText).
const Redacted = "[REDACTED]"

// Mask shows a detected value without giving it away: a card keeps its last four
// digits ("**** **** **** 4242"), an e-mail its first letter and domain
// ("s***@example.com"); other values keep at most a few characters that identify
// their kind or help tell two apart. Secrets keep only a non-secret prefix.
func Mask(detector, v string) string {
	switch detector {
	case CardNumber:
		return "**** **** **** " + lastDigits(v, 4)
	case Email:
		at := strings.LastIndexByte(v, '@')
		if at < 1 {
			return "***"
		}
		return v[:1] + "***" + v[at:]
	case USSSN:
		return "***-**-" + lastDigits(v, 4)
	case IBAN:
		c := strings.ReplaceAll(v, " ", "")
		if len(c) < 8 {
			return "****"
		}
		return c[:2] + "** **** " + c[len(c)-4:]
	case Phone, NationalID:
		return starDigits(v, 2)
	case IPAddress:
		if i := strings.IndexAny(v, ".:"); i > 0 {
			if v[i] == '.' {
				return v[:i] + ".*.*.*"
			}
			return v[:i] + ":*"
		}
		return "*"
	case DateOfBirth:
		return starDigits(v, 0)
	case PrivateKey:
		if i := strings.Index(v, "KEY-----"); i > 0 && strings.Trim(v[:i], "-ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 _") == "" {
			return v[:i+8] + " ****"
		}
		return "-----BEGIN PRIVATE KEY----- ****"
	case JWT:
		return "eyJ****"
	case SecretField:
		return "********"
	}
	return tokenPrefix(v) + "****" // a token rule
}

// lastDigits returns the last n digits in v.
func lastDigits(v string, n int) string {
	var d []byte
	for i := len(v) - 1; i >= 0 && len(d) < n; i-- {
		if isDigit(v[i]) {
			d = append([]byte{v[i]}, d...)
		}
	}
	return string(d)
}

// starDigits replaces every digit but the last keep with '*'.
func starDigits(v string, keep int) string {
	b := []byte(v)
	for i := len(b) - 1; i >= 0; i-- {
		if isDigit(b[i]) {
			if keep > 0 {
				keep--
				continue
			}
			b[i] = '*'
		}
	}
	return string(b)
}

// tokenPrefix is the part of a token that names its format (ghp_, xoxb-, AKIA, sk_live_):
// the text up to its last '_' or '-' within the first 12 bytes, else 4 bytes.
func tokenPrefix(v string) string {
	head := v[:min(len(v), 12)]
	if i := strings.LastIndexAny(head, "_-"); i > 0 {
		return v[:i+1]
	}
	return v[:min(len(v), 4)]
}

// RedactText returns text with every finding's span replaced: a card number by its
// masked form, anything else by Redacted. findings are spans of text (as Scanner.Text
// reports them for one text); a span overlapping an earlier one is covered by it.
func RedactText(text string, findings []Finding) string {
	findings = slices.Clone(findings)
	slices.SortStableFunc(findings, func(a, b Finding) int { return a.Start - b.Start })
	var b strings.Builder
	b.Grow(len(text))
	last := 0
	for _, f := range findings {
		if f.Start < last || f.End > len(text) {
			continue
		}
		b.WriteString(text[last:f.Start])
		mask := Redacted
		if f.Detector == CardNumber {
			mask = Mask(CardNumber, f.Match)
		}
		if f.quote {
			mask = `"` + mask + `"`
		}
		b.WriteString(mask)
		last = f.End
	}
	b.WriteString(text[last:])
	return b.String()
}

// Redact returns text, a value of the field named field, with everything the scanner
// finds masked (see RedactText), and whether anything was. Masking changes what
// surrounds the rest ("x@y.AA+4930..." becomes "[REDACTED]+4930..."), so the result is
// scanned again until nothing is found; text that still holds findings after a few
// rounds is masked whole.
func (s *Scanner) Redact(field, text string) (string, bool) {
	changed := false
	for range 4 {
		var fs []Finding
		s.Text(field, text, func(f Finding) { fs = append(fs, f) })
		if len(fs) == 0 {
			return text, changed
		}
		text, changed = RedactText(text, fs), true
	}
	return Redacted, true
}
