package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadPropertiesFile holds the reader to java.util.Properties.load: the examples of
// its documentation, the escapes, and a CRLF file whose continuation carries a JAAS line.
func TestReadPropertiesFile(t *testing.T) {
	tests := []struct {
		name    string
		content string
		want    map[string]string
	}{
		{"javadoc separators", "Truth = Beauty\n Truth:Beauty\nTruth                    :Beauty\n",
			map[string]string{"Truth": "Beauty"}},
		{"javadoc continuation", "fruits                           apple, banana, pear, \\\n" +
			"                                  cantaloupe, watermelon, \\\n" +
			"                                  kiwi, mango\n",
			map[string]string{"fruits": "apple, banana, pear, cantaloupe, watermelon, kiwi, mango"}},
		{"javadoc key alone", "cheeses\n", map[string]string{"cheeses": ""}},
		{"escapes in keys and values", `key\:with\=seps = a\\b\=c\:d` + "\n" + `u = caf\u00e9` + "\n",
			map[string]string{"key:with=seps": `a\b=c:d`, "u": "café"}},
		{"comments", "# one\n! two\nbootstrap.servers=broker-1:9093,broker-2:9093\n",
			map[string]string{"bootstrap.servers": "broker-1:9093,broker-2:9093"}},
		{"key value form", "security.protocol SASL_SSL\n", map[string]string{"security.protocol": "SASL_SSL"}},
		{"CRLF continuation of a JAAS line", "security.protocol=SASL_SSL\r\n" +
			"sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required \\\r\n" +
			"    username=\"ir\" password=\"p=w:d\";\r\n",
			map[string]string{"security.protocol": "SASL_SSL",
				"sasl.jaas.config": `org.apache.kafka.common.security.scram.ScramLoginModule required username="ir" password="p=w:d";`}},
		{"no expansion", "sasl.password=${NOT_EXPANDED}\n", map[string]string{"sasl.password": "${NOT_EXPANDED}"}},
		{"latin-1 file", "sasl.password=caf\xe9\n", map[string]string{"sasl.password": "café"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "client.properties")
			if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			got, err := ReadPropertiesFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d keys %q, want %q", len(got), got, tt.want)
			}
			for k, v := range tt.want {
				if got[k] != v {
					t.Errorf("%q = %q, want %q", k, got[k], v)
				}
			}
		})
	}
	if _, err := ReadPropertiesFile(filepath.Join(t.TempDir(), "missing")); err == nil ||
		!strings.Contains(err.Error(), "read properties file") {
		t.Errorf("a missing file: err = %v", err)
	}
}
