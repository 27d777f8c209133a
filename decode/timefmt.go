package decode

import "time"

// appendDateTime appends t (taken as UTC) as RFC3339: "2006-01-02T15:04:05", a fraction
// of exactly digits digits (1-9; 0 for as many as needed, none for whole seconds), then
// "Z" when zone. It is the hot-path twin of time.AppendFormat, which it falls back to for
// years outside 0000-9999.
func appendDateTime(dst []byte, t time.Time, digits int, zone bool) []byte {
	t = t.UTC()
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		layout := "2006-01-02T15:04:05.999999999"
		if digits > 0 {
			layout = "2006-01-02T15:04:05." + "000000000"[:min(digits, 9)]
		}
		if zone {
			layout += "Z07:00"
		}
		return t.AppendFormat(dst, layout)
	}
	hour, minute, sec := t.Clock()
	dst = append(dst, byte('0'+year/1000), byte('0'+year/100%10), byte('0'+year/10%10), byte('0'+year%10), '-')
	dst = append2(dst, int(month), '-')
	dst = append2(dst, day, 'T')
	dst = append2(dst, hour, ':')
	dst = append2(dst, minute, ':')
	dst = append2(dst, sec)
	if nanos := t.Nanosecond(); digits > 0 || nanos != 0 {
		var frac [10]byte
		frac[0] = '.'
		for i := 9; i >= 1; i-- {
			frac[i] = byte('0' + nanos%10)
			nanos /= 10
		}
		n := 1 + min(digits, 9)
		if digits <= 0 {
			for n = 10; frac[n-1] == '0'; n-- {
			}
		}
		dst = append(dst, frac[:n]...)
	}
	if zone {
		dst = append(dst, 'Z')
	}
	return dst
}

// append2 appends v (0-99) as two digits, then sep.
func append2(dst []byte, v int, sep ...byte) []byte {
	return append(append(dst, byte('0'+v/10), byte('0'+v%10)), sep...)
}
