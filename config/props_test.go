package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadPropertiesFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "client.properties")
	content := "# a Java client file\n" +
		"bootstrap.servers=broker-1:9093,broker-2:9093\n" +
		"! another comment\n" +
		"security.protocol : SASL_SSL\n" +
		"sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required \\\n" +
		"  username=\"ir\" password=\"p=w:d\";\n"
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := ReadPropertiesFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"bootstrap.servers": "broker-1:9093,broker-2:9093",
		"security.protocol": "SASL_SSL",
		"sasl.jaas.config":  `org.apache.kafka.common.security.scram.ScramLoginModule required   username="ir" password="p=w:d";`,
	}
	if len(got) != len(want) {
		t.Fatalf("got %d keys %v, want %d", len(got), got, len(want))
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}

	bad := filepath.Join(t.TempDir(), "bad.properties")
	if err := os.WriteFile(bad, []byte("bootstrap.servers=x\njust-a-word\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadPropertiesFile(bad); err == nil || !strings.Contains(err.Error(), "bad.properties:2") {
		t.Errorf("bad line error = %v, want one naming the file and line 2", err)
	}
	if _, err := ReadPropertiesFile(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("a missing file was read")
	}
}
