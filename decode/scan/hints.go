package scan

import "strings"

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
