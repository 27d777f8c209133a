package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"gopkg.in/yaml.v3"
)

// isSecretKey reports whether a config file key holds a secret, which must be a reference.
func isSecretKey(key string) bool {
	switch key {
	case "password", "token", "key_password", "truststore_password", "keystore_password", "client_secret":
		return true
	}
	return false
}

// Load reads the YAML config at path. Unknown fields are errors naming their line, and
// password/token fields must hold ${ENV_VAR} or file:/path references, never literal secrets.
func Load(path string) (*File, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	return parse(path, b)
}

// parse is Load without the file system, so tests can feed it bytes.
func parse(path string, b []byte) (*File, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(b, &root); err != nil {
		return nil, fmt.Errorf("config %s: %s", path, yamlMessage(err))
	}
	if err := checkSecretLiterals(&root); err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	cfg := &File{}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(cfg); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("config %s: %s", path, yamlMessage(err))
	}
	for name, c := range cfg.Clusters {
		c.Name = name
		cfg.Clusters[name] = c
	}
	if cfg.Default != "" && len(cfg.Clusters) > 0 {
		if _, ok := cfg.Clusters[cfg.Default]; !ok {
			return nil, fmt.Errorf("config %s: default cluster %q is not under clusters", path, cfg.Default)
		}
	}
	return cfg, nil
}

// yamlMessage turns yaml.v3's multi-line "unmarshal errors" into one line that names the line.
func yamlMessage(err error) string {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		return strings.Join(te.Errors, "; ")
	}
	return strings.TrimPrefix(err.Error(), "yaml: ")
}

// checkSecretLiterals walks the document and refuses a literal in any secret field, naming
// the line, so a password never sits in a config file that gets copied around.
func checkSecretLiterals(n *yaml.Node) error {
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if isSecretKey(k.Value) && v.Kind == yaml.ScalarNode && v.Value != "" && !IsSecretReference(v.Value) {
				return fmt.Errorf("line %d: %s holds a literal secret; write a reference instead: ${ENV_VAR} or file:/path/to/secret",
					v.Line, k.Value)
			}
			if v.Kind == yaml.ScalarNode && URLHasPassword(v.Value) {
				return fmt.Errorf("line %d: %s holds a URL with a password; put the password in its own field as a reference: ${ENV_VAR} or file:/path/to/secret",
					v.Line, k.Value)
			}
		}
	}
	for _, c := range n.Content {
		if err := checkSecretLiterals(c); err != nil {
			return err
		}
	}
	return nil
}
