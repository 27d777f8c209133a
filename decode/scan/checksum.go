package scan

// Small checksum validators. Each takes the identifier's characters without separators.

// luhn reports whether digits pass the Luhn (mod 10) check payment cards carry
// (ISO/IEC 7812-1 annex B).
func luhn(digits []byte) bool {
	sum := 0
	double := false
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

// cardIIN reports whether a card number of this length starts with an issuer
// identification number a card scheme issues at that length (scheme rules as published
// by Visa, Mastercard, American Express, Discover/Diners, JCB, UnionPay, Mir).
func cardIIN(d []byte) bool {
	n := len(d)
	p := func(k int) int { // the first k digits as a number
		v := 0
		for _, c := range d[:k] {
			v = v*10 + int(c-'0')
		}
		return v
	}
	switch {
	case d[0] == '4': // Visa
		return n == 13 || n == 16 || n == 19
	case p(2) >= 51 && p(2) <= 55, p(4) >= 2221 && p(4) <= 2720: // Mastercard
		return n == 16
	case p(2) == 34 || p(2) == 37: // American Express
		return n == 15
	case p(4) == 6011, p(3) >= 644 && p(3) <= 649, p(2) == 65, p(6) >= 622126 && p(6) <= 622925: // Discover
		return n >= 16 && n <= 19
	case p(2) == 62: // UnionPay
		return n >= 16 && n <= 19
	case p(4) >= 3528 && p(4) <= 3589: // JCB
		return n >= 16 && n <= 19
	case p(3) >= 300 && p(3) <= 305, p(2) == 36, p(2) == 38, p(2) == 39: // Diners Club
		return n >= 14 && n <= 19
	case p(4) >= 2200 && p(4) <= 2204: // Mir
		return n >= 16 && n <= 19
	case p(4) == 5018, p(4) == 5020, p(4) == 5038, p(4) == 5893, p(4) == 6304, p(4) == 6759, p(4) >= 6761 && p(4) <= 6763: // Maestro
		return n >= 13 && n <= 19
	}
	return false
}

// ibanLengths is each country's IBAN length (SWIFT IBAN registry).
var ibanLengths = map[string]int{
	"AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BI": 27,
	"BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27, "DK": 18, "DO": 28,
	"EE": 20, "EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23,
	"GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27,
	"JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25,
	"MC": 27, "MD": 24, "ME": 22, "MK": 19, "MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18,
	"NO": 15, "OM": 23, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33,
	"SA": 24, "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25, "SV": 28,
	"TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
}

// ibanValid checks an IBAN's check digits (ISO 13616: the number with its first four
// characters moved to the end, letters as 10..35, is 1 mod 97).
func ibanValid(s []byte) bool {
	rem := 0
	for k := range s {
		c := s[(k+4)%len(s)]
		switch {
		case c >= '0' && c <= '9':
			rem = (rem*10 + int(c-'0')) % 97
		case c >= 'A' && c <= 'Z':
			rem = (rem*100 + int(c-'A') + 10) % 97
		default:
			return false
		}
	}
	return rem == 1
}

// ssnValid applies the Social Security Administration's never-issued rules to a
// nine-digit number: area 000, 666 and 900-999, group 00 and serial 0000 are never
// issued, and a few numbers are known to be published examples.
func ssnValid(d []byte) bool {
	area := int(d[0]-'0')*100 + int(d[1]-'0')*10 + int(d[2]-'0')
	group := int(d[3]-'0')*10 + int(d[4]-'0')
	serial := string(d[5:9])
	if area == 0 || area == 666 || area >= 900 || group == 0 || serial == "0000" {
		return false
	}
	switch string(d) {
	case "078051120", "219099999", "123456789": // Woolworth's wallet card, SSA's 1940s ad, the obvious dummy
		return false
	}
	return true
}

// dniLetters is the Spanish DNI/NIE check letter for the number mod 23 (Real Decreto
// 1553/2005).
const dniLetters = "TRWAGMYFPDXBNJZSQVHLCKE"

// dniValid checks a Spanish DNI (8 digits + letter) or NIE (X/Y/Z + 7 digits + letter).
func dniValid(s []byte) bool {
	if len(s) != 9 {
		return false
	}
	n := 0
	for i, c := range s[:8] {
		switch {
		case c >= '0' && c <= '9':
			n = n*10 + int(c-'0')
		case i == 0 && c >= 'X' && c <= 'Z':
			n = int(c - 'X')
		default:
			return false
		}
	}
	return dniLetters[n%23] == s[8]
}

// nirValid checks a French NIR (social security number): 13 digits and a two-digit key
// equal to 97 minus the number mod 97. (Corsican numbers, with 2A/2B in them, are not
// recognised.)
func nirValid(s []byte) bool {
	if len(s) != 15 || (s[0] != '1' && s[0] != '2') {
		return false
	}
	month := int(s[3]-'0')*10 + int(s[4]-'0')
	if month < 1 || (month > 12 && month < 20) || month > 42 && month != 99 {
		return false
	}
	var n uint64
	for _, c := range s[:13] {
		if c < '0' || c > '9' {
			return false
		}
		n = n*10 + uint64(c-'0')
	}
	key := int(s[13]-'0')*10 + int(s[14]-'0')
	return key == int(97-n%97)
}

// bsnValid is the Dutch citizen service number's eleven test (9 digits, weights 9..2
// and -1, sum divisible by 11).
func bsnValid(d []byte) bool {
	if len(d) != 9 {
		return false
	}
	sum := 0
	for i, c := range d[:8] {
		sum += (9 - i) * int(c-'0')
	}
	sum -= int(d[8] - '0')
	return sum%11 == 0 && sum != 0
}

// cfOdd is the value of a character in an odd position of an Italian codice fiscale
// (digits count as the letters A-J); even positions count digits as themselves and
// letters from A = 0 (Decreto ministeriale 23/12/1976).
var cfOdd = [26]int{1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23}

// codiceFiscaleValid checks an Italian codice fiscale's check letter (16 upper-case
// characters).
func codiceFiscaleValid(s []byte) bool {
	sum := 0
	for i, c := range s[:15] {
		v := int(c - 'A')
		if isDigit(c) {
			v = int(c - '0')
		}
		if i%2 == 0 {
			v = cfOdd[v]
		}
		sum += v
	}
	return s[15] == byte('A'+sum%26)
}

// hetuChecks is the Finnish personal identity code's check character for the nine
// digits mod 31.
const hetuChecks = "0123456789ABCDEFHJKLMNPRSTUVWXY"

// hetuValid checks a Finnish personal identity code: DDMMYY, a century sign, three
// digits and the check character.
func hetuValid(s string) bool {
	n := 0
	for _, c := range []byte(s[:6] + s[7:10]) {
		if !isDigit(c) {
			return false
		}
		n = n*10 + int(c-'0')
	}
	day, month := int(s[0]-'0')*10+int(s[1]-'0'), int(s[2]-'0')*10+int(s[3]-'0')
	return day >= 1 && day <= 31 && month >= 1 && month <= 12 && hetuChecks[n%31] == s[10]
}
