package scan

import (
	"slices"
)

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
		if len(t) >= 11 && st.digits >= 7 {
			findCodiceFiscale(t, func(start, end int) { add(NationalID, PII, start, end) })
			findHETU(t, func(start, end int) { add(NationalID, PII, start, end) })
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
