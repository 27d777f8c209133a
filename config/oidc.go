package config

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// OIDC is an OIDC provider's client-credentials grant: what SASL/OAUTHBEARER and a schema
// registry behind OAuth use to get bearer tokens.
type OIDC struct {
	TokenURL     string `yaml:"token_url"`
	ClientID     string `yaml:"client_id"`
	ClientSecret string `yaml:"client_secret"` // secret
	Scope        string `yaml:"scope"`
}

// oidcTimeout bounds one request to a token endpoint.
const oidcTimeout = 15 * time.Second

// Check says which setting the grant lacks; user names what needs it.
func (o OIDC) Check(user string) error {
	switch {
	case o.TokenURL == "":
		return fmt.Errorf("%s needs the OIDC token endpoint (sasl.oauthbearer.token.endpoint.url, token_url)", user)
	case o.ClientID == "":
		return fmt.Errorf(`%s needs a client id (clientId="..." in sasl.jaas.config, sasl.oauthbearer.client.id, client_id)`, user)
	case o.ClientSecret == "":
		return fmt.Errorf(`%s needs a client secret (clientSecret="..." in sasl.jaas.config, sasl.oauthbearer.client.secret, client_secret)`, user)
	}
	return nil
}

// TokenSource returns cached tokens from the grant (golang.org/x/oauth2/clientcredentials),
// as Java's OAuthBearerLoginCallbackHandler gets them: client id and secret in a Basic
// authorization header, the optional scope. A token is fetched again a minute before it
// expires, so a connection opened just before expiry never presents a lapsing token. The
// warnings say when the secret would travel over plain http.
func (o OIDC) TokenSource(user string) (oauth2.TokenSource, []string, error) {
	if err := o.Check(user); err != nil {
		return nil, nil, err
	}
	secret, err := ResolveOptional(user+" client secret", o.ClientSecret)
	if err != nil {
		return nil, nil, err
	}
	u, err := url.Parse(o.TokenURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, nil, fmt.Errorf("%s: token endpoint %q is not an http(s) URL", user, o.TokenURL)
	}
	cc := clientcredentials.Config{ClientID: o.ClientID, ClientSecret: secret, TokenURL: o.TokenURL,
		AuthStyle: oauth2.AuthStyleInHeader, Scopes: strings.Fields(o.Scope)}
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, &http.Client{Timeout: oidcTimeout})
	return oauth2.ReuseTokenSourceWithExpiry(nil, cc.TokenSource(ctx), time.Minute), o.warnings(user), nil
}

// OIDCCause turns the oauth2 library's error into one line: the provider's error code and
// description when it sent them (invalid_client means a wrong id or secret).
func OIDCCause(err error) string {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		switch {
		case re.ErrorCode == "invalid_client":
			return "the provider refused the client id or secret (invalid_client)"
		case re.ErrorCode != "":
			msg := re.ErrorCode
			if re.ErrorDescription != "" {
				msg += ": " + re.ErrorDescription
			}
			return msg
		case re.Response != nil:
			return "the provider answered " + re.Response.Status
		}
	}
	return strings.Join(strings.Fields(err.Error()), " ")
}

func isLoopback(host string) bool {
	return host == "localhost" || strings.HasPrefix(host, "127.") || host == "::1"
}
