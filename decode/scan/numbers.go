package scan

import (
	"slices"
	"strings"
)

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

// cfShape is the layout of an Italian codice fiscale: L letter, D digit, M month letter.
const cfShape = "LLLLLLDDMDDLDDDL"

// findCodiceFiscale calls fn for every Italian codice fiscale in t.
func findCodiceFiscale(t string, fn func(start, end int)) {
	for i := 0; i+16 <= len(t); i++ {
		if !isLetter(t[i]) || wordBefore(t, i) || wordAfter(t, i+16) {
			continue
		}
		var b [16]byte
		ok := true
		for k := range 16 {
			c := upper(t[i+k])
			switch cfShape[k] {
			case 'L':
				ok = ok && isUpper(c)
			case 'D':
				ok = ok && isDigit(c)
			case 'M':
				ok = ok && strings.IndexByte("ABCDEHLMPRST", c) >= 0
			}
			b[k] = c
		}
		if ok && codiceFiscaleValid(b[:]) {
			fn(i, i+16)
			i += 15
		}
	}
}

// findHETU calls fn for every Finnish personal identity code in t (131052-308T).
func findHETU(t string, fn func(start, end int)) {
	for i := 0; i+11 <= len(t); i++ {
		if !isDigit(t[i]) || wordBefore(t, i) || wordAfter(t, i+11) || strings.IndexByte("+-ABCDEFUVWXY", t[i+6]) < 0 {
			continue
		}
		if hetuValid(t[i : i+11]) {
			fn(i, i+11)
			i += 10
		}
	}
}
