package kafka

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/IBM/sarama"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/kpeek/kpeek/config"
)

// oauthTimeout bounds one request to the OIDC token endpoint.
const oauthTimeout = 15 * time.Second

// oidcTokens gives sarama OAUTHBEARER tokens from an OIDC provider's client-credentials
// grant (golang.org/x/oauth2/clientcredentials), as Java's OAuthBearerLoginCallbackHandler
// does: client id and secret in a Basic authorization header, the optional scope. The
// token is cached and fetched again shortly before it expires, so a long export or follow
// keeps connecting with a valid token.
type oidcTokens struct {
	src      oauth2.TokenSource
	endpoint string
}

// newOIDCTokens builds the token source; secrets are resolved here.
func newOIDCTokens(s *config.SASL) (*oidcTokens, []string, error) {
	if err := s.CheckOAuth(); err != nil {
		return nil, nil, err
	}
	secret, err := config.ResolveOptional("OAUTHBEARER client secret", s.ClientSecret)
	if err != nil {
		return nil, nil, err
	}
	u, err := url.Parse(s.TokenURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, nil, fmt.Errorf("OAUTHBEARER token endpoint %q is not an http(s) URL", s.TokenURL)
	}
	var warnings []string
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		warnings = append(warnings, "the OAUTHBEARER client secret is sent to "+u.Host+" over plain http")
	}
	cc := clientcredentials.Config{ClientID: s.ClientID, ClientSecret: secret, TokenURL: s.TokenURL,
		AuthStyle: oauth2.AuthStyleInHeader}
	if s.Scope != "" {
		cc.Scopes = strings.Fields(s.Scope)
	}
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, &http.Client{Timeout: oauthTimeout})
	// Refresh a minute before expiry (clientcredentials' own margin is 10 s): a broker
	// connection opened just before expiry must not present a token that lapses mid-handshake.
	src := oauth2.ReuseTokenSourceWithExpiry(nil, cc.TokenSource(ctx), time.Minute)
	return &oidcTokens{src: src, endpoint: u.Scheme + "://" + u.Host + u.Path}, warnings, nil
}

// Token implements sarama.AccessTokenProvider.
func (o *oidcTokens) Token() (*sarama.AccessToken, error) {
	t, err := o.src.Token()
	if err != nil {
		return nil, fmt.Errorf("OAUTHBEARER token from %s: %s", o.endpoint, oauthCause(err))
	}
	return &sarama.AccessToken{Token: t.AccessToken}, nil
}

// oauthCause turns the oauth2 library's error into one line: the provider's error code
// and description when it sent them (invalid_client means a wrong id or secret).
func oauthCause(err error) string {
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
