package scan

import (
	"net/netip"
	"strings"
)

// findEmails calls fn for every e-mail address in t: a local part of letters, digits
// and ._%+- and a domain of at least two labels ending in a top-level domain of letters.
func findEmails(t string, fn func(start, end int)) {
	for k := strings.IndexByte(t, '@'); k >= 0; {
		start := k
		for start > 0 && localChar(t[start-1]) {
			start--
		}
		for start < k && t[start] == '.' {
			start++
		}
		end := k + 1
		for end < len(t) && (isAlnum(t[end]) || t[end] == '-' || t[end] == '.') {
			end++
		}
		for end > k+1 && (t[end-1] == '.' || t[end-1] == '-') {
			end--
		}
		if start < k && t[k-1] != '.' && validDomain(t[k+1:end]) {
			fn(start, end)
		}
		next := strings.IndexByte(t[k+1:], '@')
		if next < 0 {
			break
		}
		k += 1 + next
	}
}

// fileExtensions are last labels that make "icon@2x.png" a file name, not an address:
// none is a top-level domain.
var fileExtensions = map[string]bool{"png": true, "jpg": true, "jpeg": true, "gif": true, "svg": true, "webp": true,
	"js": true, "css": true, "json": true, "ts": true, "map": true, "txt": true, "pdf": true, "html": true}

func localChar(c byte) bool {
	return isAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-'
}

func validDomain(d string) bool {
	labels := strings.Split(d, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || l[0] == '-' || l[len(l)-1] == '-' || len(l) > 63 {
			return false
		}
	}
	tld := labels[len(labels)-1]
	if len(tld) < 2 || len(tld) > 24 || fileExtensions[strings.ToLower(tld)] {
		return false
	}
	for i := 0; i < len(tld); i++ {
		if isDigit(tld[i]) || tld[i] == '-' {
			return false
		}
	}
	return true
}

// findIPv4 calls fn for every dotted-quad IPv4 address in t that is not part of a
// longer dotted number or a version ("v1.2.3.4", "version 10.0.0.1", "2.10.4.1-rc1").
func findIPv4(t string, fn func(start, end int)) {
	for i := 0; i < len(t); {
		if !isDigit(t[i]) || wordBefore(t, i) || i > 0 && t[i-1] == '.' {
			i++
			continue
		}
		j := i
		for j < len(t) && (isDigit(t[j]) || t[j] == '.') {
			j++
		}
		e := j
		for e > i && t[e-1] == '.' {
			e-- // a sentence's full stop
		}
		if strings.Count(t[i:e], ".") == 3 && !wordAfter(t, j) && !versionBefore(t, i) && !preRelease(t, e) {
			if a, err := netip.ParseAddr(t[i:e]); err == nil && a.Is4() {
				if first := a.As4()[0]; first != 0 && first != 255 {
					fn(i, e)
				}
			}
		}
		i = j
	}
}

// preRelease reports a version's pre-release suffix right after t[:e]: "2.10.4.1-rc1",
// "1.2.3.4-beta" (an address range, "10.0.0.1-10.0.0.9", goes on with a digit).
func preRelease(t string, e int) bool {
	return e+1 < len(t) && t[e] == '-' && isLetter(t[e+1])
}

// versionBefore reports a version word just before t[i]: "version 1.2.3.4", "ver. 1.2.3.4".
func versionBefore(t string, i int) bool {
	k := max(0, i-10)
	return strings.Contains(strings.ToLower(t[k:i]), "ver")
}

// findIPv6 calls fn for every IPv6 address in t.
func findIPv6(t string, fn func(start, end int)) {
	for i := 0; i < len(t); {
		if !ipv6Char(t[i]) || i > 0 && (isAlnum(t[i-1]) || t[i-1] == ':') {
			i++
			continue
		}
		j := i
		for j < len(t) && ipv6Char(t[j]) {
			j++
		}
		e := j
		for e > i && t[e-1] == '.' {
			e--
		}
		if strings.Count(t[i:e], ":") >= 2 && !wordAfter(t, j) {
			if a, err := netip.ParseAddr(t[i:e]); err == nil && a.Is6() && !a.IsUnspecified() {
				fn(i, e)
			}
		}
		i = j
	}
}

func ipv6Char(c byte) bool {
	return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == ':' || c == '.'
}

// findPhones calls fn for every phone number in t: international (+ and 8-15 digits),
// North American with the area code in parentheses, or any 7-15 digit number in a
// field named like a phone.
func findPhones(t string, h hint, fn func(start, end int)) {
	for i := 0; i < len(t); i++ {
		c := t[i]
		intl := c == '+' && i+1 < len(t) && isDigit(t[i+1]) && t[i+1] != '0'
		paren := c == '(' && i+4 < len(t) && isDigit(t[i+1]) && t[i+4] == ')'
		named := h&hintPhone != 0 && (isDigit(c) || c == '(' || c == '+')
		if !(intl || paren || named) || wordBefore(t, i) || i > 0 && t[i-1] == '+' {
			continue
		}
		j, digits := i+1, 0
		if isDigit(c) {
			digits = 1
		}
		for j < len(t) {
			d := t[j]
			if isDigit(d) {
				digits++
			} else if !(d == ' ' || d == '-' || d == '.' || d == '(' || d == ')' || d == '/') || digits > 15 || j-i > maxPhoneLen {
				break
			}
			j++
		}
		for j > i && !isDigit(t[j-1]) {
			j--
		}
		switch {
		case wordAfter(t, j), digits > 15:
		case intl && digits >= 8 && (t[i+1] != '1' || digits == 11): // +1: the North American plan has 10 digits
			fn(i, j)
		case paren && digits == 10 && usPhone(t[i:j]):
			fn(i, j)
		case named && digits >= 7:
			fn(i, j)
		default:
			continue
		}
		i = j
	}
}

// maxPhoneLen bounds how far a phone number is read, so a long run of separators costs
// linear time, not quadratic.
const maxPhoneLen = 32

// usPhone checks "(555) 123-4567" and "(555)123-4567".
func usPhone(s string) bool {
	s = strings.Replace(s, ") ", ")", 1)
	return len(s) == 13 && s[8] == '-'
}

// findDate finds a calendar date making up the whole value: 1985-04-12 (maybe with a
// time), 12.04.1985, 12/04/1985 or 04/12/1985, with a year from 1900 to 2100.
func findDate(t string) (int, int, bool) {
	v := strings.TrimSpace(t)
	start := strings.Index(t, v)
	num := func(s string) int {
		n := 0
		for i := 0; i < len(s); i++ {
			if !isDigit(s[i]) {
				return -1
			}
			n = n*10 + int(s[i]-'0')
		}
		return n
	}
	var y, m, d int
	switch {
	case len(v) >= 10 && v[4] == '-' && v[7] == '-' && (len(v) == 10 || v[10] == 'T' || v[10] == ' '):
		y, m, d = num(v[:4]), num(v[5:7]), num(v[8:10])
		v = v[:10]
	case len(v) == 10 && (v[2] == '.' || v[2] == '/' || v[2] == '-') && v[5] == v[2]:
		y, m, d = num(v[6:]), num(v[3:5]), num(v[:2])
		if m > 12 && d <= 12 {
			m, d = d, m
		}
	case len(v) == 8:
		y, m, d = num(v[:4]), num(v[4:6]), num(v[6:])
	default:
		return 0, 0, false
	}
	if y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1 || d > 31 {
		return 0, 0, false
	}
	return start, start + len(v), true
}
