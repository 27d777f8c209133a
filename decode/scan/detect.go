package scan

import (
	"net/netip"
	"slices"
	"strings"
)

// hint is what a field's name says about its value.
type hint uint8

const (
	hintPhone hint = 1 << iota
	hintDOB
	hintSSN
	hintBSN
	hintSecret
	hintVersion
)

// fieldHint reads a field name: "customer_phone", "dateOfBirth", "ssn", "api-key".
func fieldHint(field string) hint {
	if field == "" {
		return 0
	}
	n := normalName(field)
	var h hint
	for _, w := range []string{"phone", "mobile", "msisdn", "telephone", "fax"} {
		if strings.Contains(n, w) {
			h |= hintPhone
		}
	}
	if n == "tel" || strings.HasSuffix(n, "tel") {
		h |= hintPhone
	}
	if n == "dob" || strings.HasSuffix(n, "dob") || strings.Contains(n, "birth") || strings.Contains(n, "geburt") || strings.Contains(n, "naissance") {
		h |= hintDOB
	}
	if n == "ssn" || strings.HasSuffix(n, "ssn") || strings.Contains(n, "socialsecurity") {
		h |= hintSSN
	}
	if strings.Contains(n, "bsn") || strings.Contains(n, "burgerservice") {
		h |= hintBSN
	}
	if strings.Contains(n, "version") || n == "ver" {
		h |= hintVersion
	}
	if secretName(n) {
		h |= hintSecret
	}
	return h
}

// normalName lowercases a field name and drops separators, so customer_phone,
// customerPhone and customer-phone read the same.
func normalName(s string) string {
	var buf [48]byte
	b := buf[:0]
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z':
			b = append(b, c+'a'-'A')
		case c == '_' || c == '-' || c == '.' || c == ' ':
		default:
			b = append(b, c)
		}
	}
	return string(b)
}

// secretName reports field names that hold credentials (after normalName).
func secretName(n string) bool {
	for _, suffix := range []string{"type", "count", "expiry", "expires", "expiresat", "expiresin", "ttl", "length",
		"url", "uri", "name", "hint", "policy", "required", "enabled", "version", "endpoint", "id", "path", "file"} {
		if strings.HasSuffix(n, suffix) {
			return false
		}
	}
	switch n {
	case "pwd", "pass", "auth", "authorization", "cookie", "setcookie", "pin", "cvv", "cvc":
		return true
	}
	for _, w := range []string{"password", "passwd", "passphrase", "secret", "token", "apikey", "accesskey", "privatekey", "credential", "signingkey"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// stats is what one pass over a text says about which detectors can match.
type stats struct {
	digits, upper int
	at, plus      bool
	dots, colons  int
	paren, dash   bool
}

func measure[T string | []byte](t T) (st stats) {
	for i := 0; i < len(t); i++ {
		switch c := t[i]; {
		case c >= '0' && c <= '9':
			st.digits++
		case c >= 'A' && c <= 'Z':
			st.upper++
		case c == '@':
			st.at = true
		case c == '+':
			st.plus = true
		case c == '.':
			st.dots++
		case c == ':':
			st.colons++
		case c == '(':
			st.paren = true
		case c == '-':
			st.dash = true
		}
	}
	return st
}

// detect runs the enabled detectors over t, a value of the field named field, and
// emits what they find in text order. Where two detections overlap, the earlier
// detector in the order below wins (a card number is not also a phone number).
func (s *Scanner) detect(t, field string, emit func(Finding)) {
	if len(t) < 4 {
		return
	}
	h := fieldHint(field)
	st := measure(t)
	if !s.mayMatch(st, h, len(t)) {
		return
	}
	var c collector
	add := func(det string, class Class, start, end int) {
		if len(c.batch) > 0 && c.batch[len(c.batch)-1].Detector != det {
			c.flush()
		}
		c.batch = append(c.batch, Finding{Detector: det, Class: class, Start: start, End: end, Match: t[start:end]})
	}
	if s.secrets {
		findSecrets(t, st, add)
		if h&hintSecret != 0 && !placeholder(t) {
			add(SecretField, Secrets, 0, len(t))
		}
	}
	if s.pci && st.digits >= 13 {
		findDigitRuns(t, func(r digitRun) {
			if r.card() && (r.start == 0 || t[r.start-1] != '+') { // +49151...: a phone's country code
				add(CardNumber, PCI, r.start, r.end)
			}
		})
	}
	if s.pii {
		if st.digits >= 10 {
			findIBANs(t, func(start, end int) { add(IBAN, PII, start, end) })
		}
		if st.digits >= 8 {
			findDigitRuns(t, func(r digitRun) {
				switch {
				case r.ssn(h):
					add(USSSN, PII, r.start, r.end)
				case r.nationalID(t, h):
					add(NationalID, PII, r.start, r.idEnd(t))
				}
			})
		}
		if st.upper >= 2 && st.digits >= 7 {
			findNIEs(t, func(start, end int) { add(NationalID, PII, start, end) })
		}
		if st.at {
			findEmails(t, func(start, end int) { add(Email, PII, start, end) })
		}
		if st.dots >= 3 && st.digits >= 4 && h&hintVersion == 0 {
			findIPv4(t, func(start, end int) { add(IPAddress, PII, start, end) })
		}
		if st.colons >= 2 {
			findIPv6(t, func(start, end int) { add(IPAddress, PII, start, end) })
		}
		if st.digits >= 7 && (st.plus || st.paren || h&hintPhone != 0) {
			findPhones(t, h, func(start, end int) { add(Phone, PII, start, end) })
		}
		if h&hintDOB != 0 && st.digits >= 6 {
			if start, end, ok := findDate(t); ok {
				add(DateOfBirth, PII, start, end)
			}
		}
	}
	c.flush()
	for _, f := range c.found {
		emit(f)
	}
}

// collector keeps findings that do not overlap: found, in text order, and the batch
// of one detector still to merge in. A detector reports in text order, so merging a
// batch is one pass over both, however many findings a hostile value holds.
type collector struct {
	found, batch []Finding
}

// flush merges the batch into found, dropping what overlaps a finding already kept
// (an earlier detector wins) or an earlier one of the batch.
func (c *collector) flush() {
	if len(c.batch) == 0 {
		return
	}
	slices.SortStableFunc(c.batch, func(a, b Finding) int { return a.Start - b.Start })
	c.found = mergeSpans(c.found, c.batch, func(f Finding) (int, int) { return f.Start, f.End })
	c.batch = c.batch[:0]
}

// mergeSpans returns the items of kept (sorted by start, none overlapping) and those
// of add (sorted by start) that overlap no item of kept nor an earlier item of add
// taken, sorted by start.
func mergeSpans[T any](kept, add []T, span func(T) (int, int)) []T {
	out := make([]T, 0, len(kept)+len(add))
	k := 0
	lastEnd := -1 // end of the last item taken from add
	for _, a := range add {
		s, e := span(a)
		for k < len(kept) {
			if _, ke := span(kept[k]); ke > s {
				break
			}
			out = append(out, kept[k])
			k++
		}
		if s < lastEnd {
			continue
		}
		if k < len(kept) {
			if ks, _ := span(kept[k]); ks < e {
				continue
			}
		}
		out = append(out, a)
		lastEnd = e
	}
	out = append(out, kept[k:]...)
	return out
}

// mayMatch reports whether any enabled detector can fire on a text of n bytes
// measured st in a field with hint h: most field values (names, cities, status
// words) are ruled out here, before any detector looks.
func (s *Scanner) mayMatch(st stats, h hint, n int) bool {
	if n < 4 {
		return false
	}
	if s.secrets && (n >= 16 || st.dash || h&hintSecret != 0) {
		return true
	}
	if s.pci && st.digits >= 13 {
		return true
	}
	return s.pii && (st.digits >= 7 || st.at || st.colons >= 2 || st.dots >= 3 && st.digits >= 4 || h&hintDOB != 0)
}

// placeholder reports values a secret-named field holds when it holds no secret.
func placeholder(t string) bool {
	v := strings.TrimSpace(t)
	if len(v) < 4 {
		return true
	}
	if strings.Trim(v, "*xX#•.-_ ") == "" {
		return true
	}
	switch strings.ToLower(v) {
	case "[redacted]", "<redacted>", "redacted", "null", "none", "true", "false", "n/a", "changeme", "<none>", "undefined":
		return true
	}
	return false
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isAlnum(c byte) bool { return isDigit(c) || c|0x20 >= 'a' && c|0x20 <= 'z' }

// wordBefore reports whether t[i-1] continues a word or number into t[i:].
func wordBefore(t string, i int) bool {
	if i == 0 {
		return false
	}
	c := t[i-1]
	return isAlnum(c) || c == '_' || (c == '.' || c == ',') && i >= 2 && isDigit(t[i-2])
}

// wordAfter reports whether t[j] continues a word or number out of t[:j].
func wordAfter(t string, j int) bool {
	if j >= len(t) {
		return false
	}
	c := t[j]
	return isAlnum(c) || c == '_' || (c == '.' || c == ',') && j+1 < len(t) && isDigit(t[j+1])
}

// digitRun is a number in a text, maybe grouped by spaces or dashes: "4111 1111 1111
// 1111", "078-05-1120", "12345678".
type digitRun struct {
	start, end int
	digits     []byte
	sep        byte // 0, ' ' or '-'
	groups     []int
}

// findDigitRuns calls fn for every standalone number in t of 8 to 19 digits.
func findDigitRuns(t string, fn func(digitRun)) {
	var dbuf [24]byte
	var gbuf [8]int
	for i := 0; i < len(t); {
		if !isDigit(t[i]) || wordBefore(t, i) {
			i++
			continue
		}
		r := digitRun{start: i, digits: dbuf[:0], groups: gbuf[:0]}
		j, g := i, 0
		for j < len(t) {
			c := t[j]
			if isDigit(c) {
				if len(r.digits) < len(dbuf) {
					r.digits = append(r.digits, c)
				} else {
					r.digits = r.digits[:len(dbuf)] // too long: marks the run as no candidate
				}
				g++
				j++
				continue
			}
			if (c == ' ' || c == '-') && j+1 < len(t) && isDigit(t[j+1]) && (r.sep == 0 || r.sep == c) && len(r.groups) < len(gbuf)-1 {
				r.sep = c
				r.groups = append(r.groups, g)
				g = 0
				j++
				continue
			}
			break
		}
		r.groups = append(r.groups, g)
		r.end = j
		if len(r.digits) >= 8 && len(r.digits) < len(dbuf) && !wordAfterRun(t, j) {
			fn(r)
		}
		i = j
	}
}

// wordAfterRun is wordAfter, except that a letter right after eight digits may be a
// DNI's check letter.
func wordAfterRun(t string, j int) bool {
	if j < len(t) && t[j] >= 'A' && t[j] <= 'Z' && !wordAfter(t, j+1) {
		return false
	}
	return wordAfter(t, j)
}

// card reports a payment card number: 13-19 digits in groups of 3-6 (or none), an
// issuer's prefix at that length, and the Luhn check.
func (r digitRun) card() bool {
	n := len(r.digits)
	if n < 13 || n > 19 {
		return false
	}
	if len(r.groups) > 1 {
		for _, g := range r.groups {
			if g < 3 || g > 6 {
				return false
			}
		}
	}
	return cardIIN(r.digits) && luhn(r.digits)
}

// ssn reports a US social security number: written 123-45-6789, or nine digits in a
// field named like one.
func (r digitRun) ssn(h hint) bool {
	if len(r.digits) != 9 {
		return false
	}
	dashed := r.sep == '-' && slices.Equal(r.groups, []int{3, 2, 4})
	plain := h&hintSSN != 0 && (len(r.groups) == 1 || slices.Equal(r.groups, []int{3, 2, 4}))
	return (dashed || plain) && ssnValid(r.digits)
}

// nationalID reports national ids with a checksum: a Spanish DNI (8 digits and its
// check letter), a French NIR (15 digits with its key), a Dutch BSN (9 digits passing
// the eleven test, in a field named like one).
func (r digitRun) nationalID(t string, h hint) bool {
	switch n := len(r.digits); {
	case n == 8 && len(r.groups) == 1:
		e := r.end
		if e < len(t) && t[e] == '-' {
			e++
		}
		if e < len(t) {
			return dniValid(append(r.digits[:8:8], t[e]))
		}
	case n == 15 && (r.sep == ' ' || len(r.groups) == 1):
		return nirValid(r.digits)
	case n == 9 && h&hintBSN != 0 && len(r.groups) == 1:
		return bsnValid(r.digits)
	}
	return false
}

// findNIEs calls fn for every Spanish foreigner's id (NIE) in t: X, Y or Z, seven
// digits, the check letter.
func findNIEs(t string, fn func(start, end int)) {
	for i := 0; i+9 <= len(t); i++ {
		if c := t[i]; c < 'X' || c > 'Z' || wordBefore(t, i) || wordAfter(t, i+9) {
			continue
		}
		if dniValid([]byte(t[i : i+9])) {
			fn(i, i+9)
			i += 8
		}
	}
}

// idEnd is where a national id ends: after a DNI's letter.
func (r digitRun) idEnd(t string) int {
	e := r.end
	if len(r.digits) == 8 {
		if e < len(t) && t[e] == '-' {
			e++
		}
		return e + 1
	}
	return e
}

// findIBANs calls fn for every IBAN in t, printed compact or in groups of four, in
// either case.
func findIBANs(t string, fn func(start, end int)) {
	var buf [34]byte
	for i := 0; i+4 <= len(t); i++ {
		if !(isLetter(t[i]) && isLetter(t[i+1]) && isDigit(t[i+2]) && isDigit(t[i+3])) || wordBefore(t, i) {
			continue
		}
		want, ok := ibanLengths[string([]byte{upper(t[i]), upper(t[i+1])})]
		if !ok {
			continue
		}
		b := buf[:0]
		j := i
		for j < len(t) && len(b) < want {
			c := t[j]
			switch {
			case isLetter(c) || isDigit(c):
				b = append(b, upper(c))
				j++
			case c == ' ' && len(b)%4 == 0 && j+1 < len(t) && isAlnum(t[j+1]):
				j++
			default:
				j = len(t) + 1
			}
		}
		if j <= len(t) && len(b) == want && !wordAfter(t, j) && ibanValid(b) {
			fn(i, j)
			i = j - 1
		}
	}
}

func isUpper(c byte) bool  { return c >= 'A' && c <= 'Z' }
func isLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// upper is an ASCII letter in upper case.
func upper(c byte) byte {
	if c >= 'a' && c <= 'z' {
		return c - 'a' + 'A'
	}
	return c
}

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
// longer dotted number or a version ("v1.2.3.4", "version 10.0.0.1").
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
		if strings.Count(t[i:e], ".") == 3 && !wordAfter(t, j) && !versionBefore(t, i) {
			if a, err := netip.ParseAddr(t[i:e]); err == nil && a.Is4() {
				if first := a.As4()[0]; first != 0 && first != 255 {
					fn(i, e)
				}
			}
		}
		i = j
	}
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
		case intl && digits >= 8:
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
