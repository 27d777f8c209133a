package kafka

import (
	"fmt"
	"net/url"

	"github.com/IBM/sarama"
	"golang.org/x/oauth2"

	"github.com/kpeek/kpeek/config"
)

// oidcTokens gives sarama OAUTHBEARER tokens from the cluster's OIDC client-credentials
// grant; config.OIDC caches them and refreshes them before they expire.
type oidcTokens struct {
	src      oauth2.TokenSource
	endpoint string // scheme, host and path of the token endpoint, for errors
}

func newOIDCTokens(s *config.SASL) (*oidcTokens, []string, error) {
	src, warnings, err := s.OIDC.TokenSource("SASL OAUTHBEARER")
	if err != nil {
		return nil, nil, err
	}
	u, _ := url.Parse(s.TokenURL) // TokenSource checked it
	return &oidcTokens{src: src, endpoint: u.Scheme + "://" + u.Host + u.Path}, warnings, nil
}

// Token implements sarama.AccessTokenProvider.
func (o *oidcTokens) Token() (*sarama.AccessToken, error) {
	t, err := o.src.Token()
	if err != nil {
		return nil, fmt.Errorf("OAUTHBEARER token from %s: %s", o.endpoint, config.OIDCCause(err))
	}
	return &sarama.AccessToken{Token: t.AccessToken}, nil
}
