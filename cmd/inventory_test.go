package cmd

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/kpeek/kpeek/decode/registryserver"
)

func TestBrokersJSONAndConfigs(t *testing.T) {
	var plain struct {
		ClusterID  string `json:"cluster_id"`
		Controller int32  `json:"controller"`
		Brokers    []struct {
			ID         int32  `json:"id"`
			Address    string `json:"address"`
			Controller bool   `json:"controller"`
			Configs    []struct {
				Name   string  `json:"name"`
				Value  *string `json:"value"`
				Source string  `json:"source"`
			} `json:"configs"`
		} `json:"brokers"`
	}
	if err := json.Unmarshal([]byte(mustKpeek(t, "--demo", "brokers", "-o", "json")), &plain); err != nil {
		t.Fatal(err)
	}
	if len(plain.Brokers) == 0 || !strings.HasPrefix(plain.Brokers[0].Address, "127.0.0.1:") || plain.Brokers[0].Configs != nil {
		t.Fatalf("brokers without --configs = %+v", plain)
	}
	if err := json.Unmarshal([]byte(mustKpeek(t, "--demo", "brokers", "--configs", "-o", "json")), &plain); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, c := range plain.Brokers[0].Configs {
		if c.Name == "broker.id" && c.Value != nil && *c.Value == "0" && c.Source != "" {
			found = true
		}
	}
	if !found {
		t.Errorf("broker 0's configs lack broker.id=0: %+v", plain.Brokers[0].Configs)
	}
	table := mustKpeek(t, "--demo", "brokers", "--configs")
	if !strings.Contains(table, "CONTROLLER") || !strings.Contains(table, "broker.id") {
		t.Errorf("table:\n%s", table)
	}
}

func TestSchemasListsSubjectsWithTheirTopics(t *testing.T) {
	var subjects []struct {
		Subject  string   `json:"subject"`
		Type     string   `json:"type"`
		Versions []int    `json:"versions"`
		LatestID *int     `json:"latest_id"`
		Topics   []string `json:"topics"`
	}
	if err := json.Unmarshal([]byte(mustKpeek(t, "--demo", "schemas", "-o", "json")), &subjects); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, s := range subjects {
		got[s.Subject] = s.Type + " " + strings.Join(s.Topics, ",")
		if s.LatestID == nil || len(s.Versions) == 0 {
			t.Errorf("subject %s without id or versions: %+v", s.Subject, s)
		}
	}
	want := map[string]string{
		"erp.purchasing.orders-value": "AVRO erp.purchasing.orders",
		"erp.supply.shipments-value":  "PROTOBUF erp.supply.shipments",
		"crm.customers-value":         "JSON crm.customers",
		"common/address.proto":        "PROTOBUF ",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("subject %s = %q, want %q", k, got[k], v)
		}
	}
}

func TestSchemasVersionsAndText(t *testing.T) {
	versions := mustKpeek(t, "--demo", "schemas", "erp.purchasing.orders-value")
	if lines := strings.Split(strings.TrimSpace(versions), "\n"); len(lines) != 3 { // header + v1 + v2
		t.Errorf("versions table:\n%s", versions)
	}
	text := mustKpeek(t, "--demo", "schemas", "erp.purchasing.orders-value", "latest")
	var avsc map[string]any
	if err := json.Unmarshal([]byte(text), &avsc); err != nil || avsc["type"] != "record" {
		t.Errorf("latest schema is not the Avro record: %v\n%s", err, text)
	}
	var one struct {
		Version    int `json:"version"`
		References []struct {
			Name string `json:"name"`
		} `json:"references"`
		Schema string `json:"schema"`
	}
	out := mustKpeek(t, "--demo", "schemas", "erp.supply.shipments-value", "1", "-o", "json")
	if err := json.Unmarshal([]byte(out), &one); err != nil {
		t.Fatal(err)
	}
	if one.Version != 1 || len(one.References) != 1 || !strings.Contains(one.Schema, "message") {
		t.Errorf("shipments v1 = %+v", one)
	}
}

func TestSchemasErrors(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--demo", "schemas", "no.such-value"}, 1, `subject "no.such-value" not found`},
		{[]string{"--demo", "schemas", "x", "0"}, 2, "positive number or latest"},
		{[]string{"--demo", "schemas", "x", "1", "2"}, 2, "at most SUBJECT and VERSION"},
		{[]string{"-b", "127.0.0.1:1", "schemas"}, 2, "no schema registry"},
	}
	for _, tt := range tests {
		_, errOut, code := kpeek(t, tt.args...)
		if code != tt.code || !strings.Contains(errOut, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d with %q", tt.args, code, errOut, tt.code, tt.want)
		}
		assertOneLine(t, "stderr", errOut)
	}
}

// TestSchemasWithoutKafka lists a registry's subjects when the brokers are down: the
// topic column is unknown ("?") and a note says why, instead of failing or hiding it.
func TestSchemasWithoutKafka(t *testing.T) {
	srv := registryserver.New()
	if _, _, err := srv.Register("logins-value", "AVRO", `"string"`, nil); err != nil {
		t.Fatal(err)
	}
	addr, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	out, errOut, code := kpeek(t, "-b", "127.0.0.1:1", "--schema-registry", addr, "schemas")
	if code != 0 || !strings.Contains(out, "logins-value") || !strings.Contains(errOut, "topics not shown") {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, out, errOut)
	}
	if fields := strings.Fields(strings.Split(strings.TrimSpace(out), "\n")[1]); fields[len(fields)-1] != "?" {
		t.Errorf("topic column for an unknown topic list = %q, want ?", fields[len(fields)-1])
	}
}
