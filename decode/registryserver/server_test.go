package registryserver

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
)

func TestServerAnswersLikeConfluent(t *testing.T) {
	s := New()
	addrID, _, err := s.Register("common/address.proto", TypeProtobuf, "syntax = \"proto3\";", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Register("ship-value", TypeProtobuf, "import \"common/address.proto\";",
		[]Reference{{Name: "common/address.proto", Subject: "common/address.proto", Version: 1}}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Register("x", TypeAvro, `"string"`, []Reference{{Name: "n", Subject: "missing", Version: 1}}); err == nil {
		t.Fatal("a reference to an unregistered subject was accepted")
	}
	srv := httptest.NewServer(s)
	defer srv.Close()

	get := func(path string) (int, map[string]any) {
		t.Helper()
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		var m map[string]any
		_ = json.Unmarshal(b, &m)
		return resp.StatusCode, m
	}
	tests := []struct {
		path   string
		status int
		check  func(map[string]any) bool
	}{
		{"/schemas/ids/1", 200, func(m map[string]any) bool {
			_, hasID := m["id"]
			return m["schemaType"] == "PROTOBUF" && !hasID
		}},
		{"/subjects/" + url.PathEscape("common/address.proto") + "/versions/latest", 200, func(m map[string]any) bool {
			return m["subject"] == "common/address.proto" && m["id"] == float64(addrID)
		}},
		{"/subjects/ship-value/versions/1", 200, func(m map[string]any) bool { return m["references"] != nil }},
		{"/subjects/ship-value/versions/2", 404, func(m map[string]any) bool { return m["error_code"] == float64(40402) }},
		{"/subjects/nope/versions/latest", 404, func(m map[string]any) bool { return m["error_code"] == float64(40401) }},
		{"/schemas/ids/99", 404, func(m map[string]any) bool { return m["error_code"] == float64(40403) }},
	}
	for _, tc := range tests {
		status, body := get(tc.path)
		if status != tc.status || !tc.check(body) {
			t.Errorf("GET %s = %d %v", tc.path, status, body)
		}
	}
}
