package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestResolve(t *testing.T) {
	conf := &File{Clusters: map[string]Cluster{
		"prod":  {Connection: Connection{Brokers: []string{"p1:9093"}}},
		"stage": {Connection: Connection{Brokers: []string{"s1:9092"}}},
	}}
	props := filepath.Join(t.TempDir(), "client.properties")
	if err := os.WriteFile(props, []byte("bootstrap.servers=f1:9092\nsecurity.protocol=SASL_PLAINTEXT\n"+
		"sasl.mechanism=PLAIN\nsasl.username=u\nsasl.password=p\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		conf    *File
		sel     Selection
		one     bool
		want    []string // cluster names
		brokers string   // of the first
		wantErr string
	}{
		{"-b wins and names the cluster by its brokers", conf, Selection{Brokers: []string{"a:1", "b:2"}}, true, []string{"a:1,b:2"}, "a:1,b:2", ""},
		{"-c picks a configured cluster", conf, Selection{Cluster: "stage"}, true, []string{"stage"}, "s1:9092", ""},
		{"unknown -c lists what exists", conf, Selection{Cluster: "qa"}, true, nil, "", `cluster "qa" is not in the config file (have: prod, stage)`},
		{"explorer without a choice gets every cluster", conf, Selection{}, false, []string{"prod", "stage"}, "p1:9093", ""},
		{"a command without a choice is an error", conf, Selection{}, true, nil, "", "no cluster chosen"},
		{"the default cluster", &File{Default: "prod", Clusters: conf.Clusters}, Selection{}, true, []string{"prod"}, "p1:9093", ""},
		{"the only cluster", &File{Clusters: map[string]Cluster{"x": {Connection: Connection{Brokers: []string{"x:1"}}}}}, Selection{}, true, []string{"x"}, "x:1", ""},
		{"-F alone gives bootstrap and SASL", &File{}, Selection{PropertyFiles: []string{props}}, true, []string{"f1:9092"}, "f1:9092", ""},
		{"-X overrides -F", &File{}, Selection{PropertyFiles: []string{props}, Properties: []string{"bootstrap.servers=x2:9092"}}, true, []string{"x2:9092"}, "x2:9092", ""},
		{"a bad -X", conf, Selection{Cluster: "prod", Properties: []string{"novalue"}}, true, nil, "", `-X "…": want key=value`},
		{"no brokers anywhere", &File{}, Selection{Properties: []string{"client.id=x"}}, true, nil, "", "no brokers"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Resolve(tc.conf, tc.sel, tc.one)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, c := range got {
				names = append(names, c.Name)
			}
			if strings.Join(names, " ") != strings.Join(tc.want, " ") || strings.Join(got[0].Brokers, ",") != tc.brokers {
				t.Errorf("got %v (brokers %v), want %v (%s)", names, got[0].Brokers, tc.want, tc.brokers)
			}
		})
	}
	if !errors.Is(func() error { _, err := Resolve(conf, Selection{}, true); return err }(), ErrNoCluster) {
		t.Error("the no-cluster error is not ErrNoCluster")
	}
	got, err := Resolve(conf, Selection{Cluster: "prod", SchemaRegistry: "http://r:8081"}, true)
	if err != nil || got[0].SchemaRegistry == nil || got[0].SchemaRegistry.URL != "http://r:8081" {
		t.Errorf("--schema-registry not applied: %+v %v", got, err)
	}
	if conf.Clusters["prod"].SchemaRegistry != nil {
		t.Error("Resolve changed the loaded config")
	}
}

func TestConfigPathAndMissingDefault(t *testing.T) {
	t.Setenv("KPEEK_CONFIG", "")
	if p, must := Path("/x/c.yaml"); p != "/x/c.yaml" || !must {
		t.Errorf("explicit path = %q %v", p, must)
	}
	t.Setenv("KPEEK_CONFIG", "/env/c.yaml")
	if p, must := Path(""); p != "/env/c.yaml" || !must {
		t.Errorf("env path = %q %v", p, must)
	}
	missing := filepath.Join(t.TempDir(), "none.yaml")
	if c, err := LoadFile(missing, false); err != nil || len(c.Clusters) != 0 {
		t.Errorf("a missing default config should be empty, got %v %v", c, err)
	}
	if _, err := LoadFile(missing, true); err == nil {
		t.Error("a missing explicit config was accepted")
	}
}
