package config

import (
	"errors"
	"fmt"
	"os"
	"strings"
)

// ResolveSecret turns a secret reference into its value: ${ENV_VAR} reads the environment,
// file:/path reads a file (surrounding white space trimmed), anything else is returned as is
// (client.properties files carry literal passwords; Load refuses literals in its file).
// Errors name the variable or file, never the value.
func ResolveSecret(ref string) (string, error) {
	if name, ok := envReference(ref); ok {
		v, set := os.LookupEnv(name)
		if !set {
			return "", fmt.Errorf("secret reference ${%s}: environment variable %s is not set", name, name)
		}
		return v, nil
	}
	if path, ok := strings.CutPrefix(ref, "file:"); ok {
		if path == "" {
			return "", errors.New("secret reference file: names no file")
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return "", fmt.Errorf("read secret file: %w", err)
		}
		return strings.TrimSpace(string(b)), nil
	}
	return ref, nil
}

// IsSecretReference reports whether s is a ${ENV_VAR} or file:/path reference rather than a literal.
func IsSecretReference(s string) bool {
	if _, ok := envReference(s); ok {
		return true
	}
	return strings.HasPrefix(s, "file:")
}

// envReference returns NAME for "${NAME}".
func envReference(s string) (string, bool) {
	inner, ok := strings.CutPrefix(s, "${")
	if !ok {
		return "", false
	}
	name, ok := strings.CutSuffix(inner, "}")
	if !ok || name == "" || strings.ContainsAny(name, "${} \t") {
		return "", false
	}
	return name, true
}

// ResolveOptional resolves ref when it is set; what names the field for the error.
func ResolveOptional(what, ref string) (string, error) {
	if ref == "" {
		return "", nil
	}
	v, err := ResolveSecret(ref)
	if err != nil {
		return "", fmt.Errorf("%s: %w", what, err)
	}
	return v, nil
}
