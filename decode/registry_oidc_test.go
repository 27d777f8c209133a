package decode

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/kpeek/kpeek/config"
	"github.com/kpeek/kpeek/kafka"
)

// TestRegistryOIDCBearer: a registry behind OAuth gets bearer tokens from an OIDC
// client-credentials grant, one token for many lookups; a refused client is one line.
func TestRegistryOIDCBearer(t *testing.T) {
	var issued atomic.Int32
	idp := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, secret, _ := r.BasicAuth()
		w.Header().Set("Content-Type", "application/json")
		if id != "kpeek" || secret != "s3cret" {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"error":"invalid_client"}`))
			return
		}
		issued.Add(1)
		_ = json.NewEncoder(w).Encode(map[string]any{"access_token": "idp-token", "token_type": "Bearer", "expires_in": 3600})
	}))
	t.Cleanup(idp.Close)
	tr := newTestRegistry(t)
	a := tr.register(t, "a-value", "AVRO", `"string"`)
	b := tr.register(t, "b-value", "AVRO", `"long"`)
	tr.auth = func(r *http.Request) bool { return r.Header.Get("Authorization") == "Bearer idp-token" }

	cfg := config.Registry{URL: tr.http.URL, OIDC: config.OIDC{TokenURL: idp.URL, ClientID: "kpeek", ClientSecret: "s3cret"}}
	reg, err := NewRegistry(cfg)
	if err != nil {
		t.Fatal(err)
	}
	d := New(WithRegistry(reg))
	for _, v := range [][]byte{frame(a, []byte{4, 'h', 'i'}), frame(b, []byte{2})} {
		if e := d.Decode(context.Background(), &kafka.Record{Value: v}); e.Value.Error != "" {
			t.Fatalf("decode with an OIDC bearer token: %s", e.Value.Error)
		}
	}
	if n := issued.Load(); n != 1 {
		t.Errorf("%d tokens fetched for two lookups, want 1", n)
	}

	cfg.ClientSecret = "wrong"
	reg, err = NewRegistry(cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, err = reg.Subjects(context.Background())
	if err == nil || !strings.Contains(err.Error(), "OIDC token for the schema registry: the provider refused the client id or secret") {
		t.Errorf("refused client: err = %v", err)
	}
}
