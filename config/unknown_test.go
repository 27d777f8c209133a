package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestUnknownClusterNamesTheFile: "not in the config file (have: )" left the analyst
// guessing which file was read; the message names it and says when it does not exist.
func TestUnknownClusterNamesTheFile(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope.yaml")
	conf, err := LoadFile(missing, false)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Resolve(conf, Selection{Cluster: "prod"}, true)
	if err == nil || !strings.Contains(err.Error(), `cluster "prod" is not in the config file `+missing+" (which does not exist): it names no clusters") {
		t.Errorf("err = %v", err)
	}
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte("clusters:\n  stage:\n    brokers: [s:9092]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if conf, err = LoadFile(path, true); err != nil {
		t.Fatal(err)
	}
	_, err = Resolve(conf, Selection{Cluster: "prod"}, true)
	if err == nil || err.Error() != `cluster "prod" is not in the config file `+path+" (have: stage)" {
		t.Errorf("err = %v", err)
	}
}
