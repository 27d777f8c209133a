//go:build integration

package kafka_test

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kpeek/kpeek/config"
	"github.com/kpeek/kpeek/kafka"
)

// oidcProvider is the client-credentials token endpoint of an OIDC provider whose signing
// key the broker trusts (up.sh wrote its JWKS): it checks the client's Basic credentials
// and signs RS256 JWTs for the broker's expected audience.
type oidcProvider struct {
	srv    *httptest.Server
	issued atomic.Int32
}

func startOIDCProvider(t *testing.T, e itEnv, key *rsa.PrivateKey, lifetime time.Duration) *oidcProvider {
	t.Helper()
	p := &oidcProvider{}
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, secret, ok := r.BasicAuth()
		w.Header().Set("Content-Type", "application/json")
		if !ok || id != "kpeek-it" || secret != "oidc-secret" || r.FormValue("grant_type") != "client_credentials" {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"error":"invalid_client"}`)
			return
		}
		p.issued.Add(1)
		now := time.Now()
		tok := signJWT(t, key, map[string]any{"alg": "RS256", "typ": "JWT", "kid": e.get(t, "KPEEK_IT_OAUTH_KID")},
			map[string]any{"sub": e.get(t, "KPEEK_IT_OAUTH_SUBJECT"), "aud": e.get(t, "KPEEK_IT_OAUTH_AUDIENCE"), "iss": e.get(t, "KPEEK_IT_OAUTH_ISSUER"),
				"iat": now.Unix(), "exp": now.Add(lifetime).Unix(), "scope": r.FormValue("scope")})
		_ = json.NewEncoder(w).Encode(map[string]any{"access_token": tok, "token_type": "Bearer",
			"expires_in": int(lifetime.Seconds())})
	}))
	t.Cleanup(p.srv.Close)
	return p
}

func signJWT(t *testing.T, key *rsa.PrivateKey, header, claims map[string]any) string {
	t.Helper()
	part := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return base64.RawURLEncoding.EncodeToString(b)
	}
	signed := part(header) + "." + part(claims)
	sum := sha256.Sum256([]byte(signed))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	return signed + "." + base64.RawURLEncoding.EncodeToString(sig)
}

func idpKey(t *testing.T, e itEnv) *rsa.PrivateKey {
	t.Helper()
	b, err := os.ReadFile(e.get(t, "KPEEK_IT_OAUTH_KEY"))
	if err != nil {
		t.Fatal(err)
	}
	blk, _ := pem.Decode(b)
	if blk == nil {
		t.Fatal("idp.key is not PEM")
	}
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return k.(*rsa.PrivateKey)
}

// TestIntegrationOAuthBearer connects with SASL/OAUTHBEARER and a token from an OIDC
// client-credentials grant, configured as a Java client.properties names it.
func TestIntegrationOAuthBearer(t *testing.T) {
	e := env(t)
	f := newAuthFixture(t, e)
	idp := startOIDCProvider(t, e, idpKey(t, e), time.Hour)
	javaFile := `bootstrap.servers=` + e.get(t, "KPEEK_IT_OAUTH") + `
security.protocol=SASL_PLAINTEXT
sasl.mechanism=OAUTHBEARER
sasl.login.callback.handler.class=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler
sasl.oauthbearer.token.endpoint.url=` + idp.srv.URL + `/token
sasl.jaas.config=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required \
    clientId="kpeek-it" clientSecret="oidc-secret" scope="kafka";
`
	t.Run("java client.properties", func(t *testing.T) {
		var cfg config.Cluster
		cfg.Name = "oauth"
		if err := config.ParseProperties(&cfg, parsePropertiesFile(t, writeProperties(t, javaFile))); err != nil {
			t.Fatal(err)
		}
		assertReads(t, cfg.Connection, f.allowed)
		if idp.issued.Load() == 0 {
			t.Error("no token was requested from the provider")
		}
	})
	t.Run("wrong client secret", func(t *testing.T) {
		cfg := config.Connection{Name: "oauth-bad", Brokers: []string{e.get(t, "KPEEK_IT_OAUTH")},
			SASL: &config.SASL{Mechanism: "OAUTHBEARER", OIDC: config.OIDC{TokenURL: idp.srv.URL + "/token", ClientID: "kpeek-it", ClientSecret: "nope"}}}
		_, err := kafka.New(ctxFor(t), cfg)
		assertOneLine(t, err, "refused the client id or secret")
	})
	t.Run("token signed by a key the broker does not trust", func(t *testing.T) {
		other, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		rogue := startOIDCProvider(t, e, other, time.Hour)
		cfg := config.Connection{Name: "oauth-rogue", Brokers: []string{e.get(t, "KPEEK_IT_OAUTH")},
			SASL: &config.SASL{Mechanism: "OAUTHBEARER", OIDC: config.OIDC{TokenURL: rogue.srv.URL + "/token", ClientID: "kpeek-it", ClientSecret: "oidc-secret"}}}
		_, err = kafka.New(ctxFor(t), cfg)
		asType[*kafka.AuthError](t, err)
	})
}
