package config

import (
	"net/url"
	"regexp"
	"strings"
)

// urlPassword matches the password part of URL user info: scheme://user:PASSWORD@.
var urlPassword = regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.\-]*://[^\s/@:]*):[^\s/@]*@`)

// RedactURLPasswords hides the password of every URL in s (http://u:pw@host becomes
// http://u:***@host), so a credential typed into a URL never reaches a terminal, a log or
// a manifest. Everything kpeek prints about URLs goes through it.
func RedactURLPasswords(s string) string {
	if !strings.Contains(s, "://") {
		return s
	}
	return urlPassword.ReplaceAllString(s, "$1:***@")
}

// URLHasPassword reports whether s is a URL that carries a password in its user info.
func URLHasPassword(s string) bool {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || u.User == nil {
		return urlPassword.MatchString(s)
	}
	_, set := u.User.Password()
	return set
}

// propertyKeyPrefix is the part of a -X argument that looks like a property name: lower
// case words joined by dots (sasl.password, ssl.ca.location).
var propertyKeyPrefix = regexp.MustCompile(`^[a-z0-9_\-]+(\.[a-z0-9_\-]+)+`)

// ShowProperty renders a malformed -X argument for an error without any value: only a
// leading property name is shown, since what follows may be a password typed with the
// wrong separator (sasl.password:S3CRET), and an argument that does not start with a
// property name may be the password itself.
func ShowProperty(kv string) string {
	key := propertyKeyPrefix.FindString(strings.TrimSpace(kv))
	if key == "" {
		return "…"
	}
	if len(key) == len(strings.TrimSpace(kv)) {
		return key
	}
	return key + "…"
}
