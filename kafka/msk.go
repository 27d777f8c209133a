package kafka

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/IBM/sarama"
	"github.com/aws/aws-msk-iam-sasl-signer-go/signer"

	"github.com/kpeek/kpeek/config"
)

// mskTimeout bounds loading AWS credentials (a role to assume asks STS) and signing.
const mskTimeout = 15 * time.Second

// mskTokens gives sarama OAUTHBEARER tokens for Amazon MSK's IAM access control, signed by
// AWS's own signer (aws-msk-iam-sasl-signer-go) with credentials from the standard chain, a
// named profile or an assumed role. MSK takes the same signed token over OAUTHBEARER as
// Java's AWS_MSK_IAM mechanism sends, so both spellings map here. A token lives 15 minutes;
// it is signed again a minute before it expires.
type mskTokens struct {
	region string
	sign   func(ctx context.Context) (token string, expiresMs int64, err error)

	mu      sync.Mutex
	token   string
	expires time.Time
	now     func() time.Time
}

// mskHostRegion finds the region in an MSK broker name (b-1.c.abc.c2.kafka.eu-west-1.amazonaws.com).
var mskHostRegion = regexp.MustCompile(`\.kafka(?:-serverless)?\.([a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com`)

// mskRegion is the region to sign for: the configured one, $AWS_REGION, $AWS_DEFAULT_REGION,
// else the one an MSK broker's host name carries.
func mskRegion(s *config.SASL, brokers []string) (string, error) {
	for _, r := range []string{s.AWSRegion, os.Getenv("AWS_REGION"), os.Getenv("AWS_DEFAULT_REGION")} {
		if r != "" {
			return r, nil
		}
	}
	for _, b := range brokers {
		if m := mskHostRegion.FindStringSubmatch(strings.ToLower(b)); m != nil {
			return m[1], nil
		}
	}
	return "", fmt.Errorf("AWS_MSK_IAM needs a region: set aws_region, or AWS_REGION")
}

func newMSKTokens(s *config.SASL, brokers []string) (*mskTokens, error) {
	region, err := mskRegion(s, brokers)
	if err != nil {
		return nil, err
	}
	t := &mskTokens{region: region, now: time.Now}
	switch {
	case s.AWSRoleARN != "":
		session := s.AWSRoleSessionName
		if session == "" {
			session = "kpeek"
		}
		t.sign = func(ctx context.Context) (string, int64, error) {
			return signer.GenerateAuthTokenFromRole(ctx, region, s.AWSRoleARN, session)
		}
	case s.AWSProfile != "":
		t.sign = func(ctx context.Context) (string, int64, error) {
			return signer.GenerateAuthTokenFromProfile(ctx, region, s.AWSProfile)
		}
	default:
		t.sign = func(ctx context.Context) (string, int64, error) { return signer.GenerateAuthToken(ctx, region) }
	}
	return t, nil
}

// Token implements sarama.AccessTokenProvider.
func (t *mskTokens) Token() (*sarama.AccessToken, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.token != "" && t.now().Add(time.Minute).Before(t.expires) {
		return &sarama.AccessToken{Token: t.token}, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), mskTimeout)
	defer cancel()
	tok, expiresMs, err := t.sign(ctx)
	if err != nil {
		return nil, fmt.Errorf("AWS_MSK_IAM token for %s: %s", t.region, strings.Join(strings.Fields(err.Error()), " "))
	}
	t.token, t.expires = tok, time.UnixMilli(expiresMs)
	return &sarama.AccessToken{Token: tok}, nil
}
