package kafka

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/IBM/sarama"

	"github.com/kpeek/kpeek/config"
)

// tokenEndpoint is an OIDC provider's client-credentials endpoint: it checks the client's
// Basic credentials and the grant, and hands out numbered tokens valid for expiresIn seconds.
func tokenEndpoint(t *testing.T, expiresIn int) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var issued atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, secret, ok := r.BasicAuth()
		if err := r.ParseForm(); err != nil || r.Form.Get("grant_type") != "client_credentials" {
			http.Error(w, `{"error":"unsupported_grant_type"}`, http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		if !ok || id != "kpeek-ir" || secret != "s3cret" {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"error":"invalid_client","error_description":"bad client"}`)
			return
		}
		n := issued.Add(1)
		_ = json.NewEncoder(w).Encode(map[string]any{"access_token": fmt.Sprintf("token-%d-%s", n, r.Form.Get("scope")),
			"token_type": "Bearer", "expires_in": expiresIn})
	}))
	t.Cleanup(srv.Close)
	return srv, &issued
}

func oauthSASL(url string) *config.SASL {
	return &config.SASL{Mechanism: "OAUTHBEARER", OIDC: config.OIDC{TokenURL: url, ClientID: "kpeek-ir", ClientSecret: "s3cret", Scope: "kafka"}}
}

func TestOIDCTokensAreCachedUntilCloseToExpiry(t *testing.T) {
	srv, issued := tokenEndpoint(t, 3600)
	sc := sarama.NewConfig()
	if _, err := configureSASL(sc, oauthSASL(srv.URL), nil); err != nil {
		t.Fatal(err)
	}
	if sc.Net.SASL.Mechanism != sarama.SASLTypeOAuth || sc.Net.SASL.TokenProvider == nil {
		t.Fatalf("sasl = %s, provider %v", sc.Net.SASL.Mechanism, sc.Net.SASL.TokenProvider)
	}
	for range 3 {
		tok, err := sc.Net.SASL.TokenProvider.Token()
		if err != nil || tok.Token != "token-1-kafka" {
			t.Fatalf("token = %+v, %v", tok, err)
		}
	}
	if n := issued.Load(); n != 1 {
		t.Errorf("a token valid for an hour was fetched %d times", n)
	}
}

// TestOIDCTokensRefreshBeforeExpiry: a token with less than a minute left is replaced
// before it is handed to a new broker connection.
func TestOIDCTokensRefreshBeforeExpiry(t *testing.T) {
	srv, issued := tokenEndpoint(t, 30)
	tokens, _, err := newOIDCTokens(oauthSASL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	a, err := tokens.Token()
	if err != nil {
		t.Fatal(err)
	}
	b, err := tokens.Token()
	if err != nil {
		t.Fatal(err)
	}
	if a.Token == b.Token || issued.Load() != 2 {
		t.Errorf("tokens %q then %q after %d requests: a 30 s token was not refreshed", a.Token, b.Token, issued.Load())
	}
}

func TestOIDCTokenErrors(t *testing.T) {
	srv, _ := tokenEndpoint(t, 3600)
	bad := oauthSASL(srv.URL)
	bad.ClientSecret = "wrong"
	tokens, _, err := newOIDCTokens(bad)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tokens.Token(); err == nil || !strings.Contains(err.Error(), "refused the client id or secret") ||
		strings.Contains(err.Error(), "wrong") {
		t.Errorf("wrong secret: err = %v", err)
	}
	tests := []struct {
		name string
		sasl config.SASL
		want string
	}{
		{"no endpoint", config.SASL{Mechanism: "OAUTHBEARER", OIDC: config.OIDC{ClientID: "a", ClientSecret: "b"}}, "token endpoint"},
		{"no client id", config.SASL{Mechanism: "OAUTHBEARER", OIDC: config.OIDC{TokenURL: srv.URL, ClientSecret: "b"}}, "client id"},
		{"no secret", config.SASL{Mechanism: "OAUTHBEARER", OIDC: config.OIDC{TokenURL: srv.URL, ClientID: "a"}}, "client secret"},
		{"not a URL", config.SASL{Mechanism: "OAUTHBEARER", OIDC: config.OIDC{TokenURL: "ftp://idp/token", ClientID: "a", ClientSecret: "b"}}, "not an http(s) URL"},
		{"unset secret reference", config.SASL{Mechanism: "OAUTHBEARER", OIDC: config.OIDC{TokenURL: srv.URL, ClientID: "a",
			ClientSecret: "${KPEEK_TEST_UNSET_OAUTH_SECRET}"}}, "client secret"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := configureSASL(sarama.NewConfig(), &tt.sasl, nil); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
	_, warnings, err := newOIDCTokens(oauthSASL("http://idp.corp.example/token"))
	if err != nil || len(warnings) != 1 || !strings.Contains(warnings[0], "plain http") {
		t.Errorf("http token endpoint: warnings %q, err %v", warnings, err)
	}
}
