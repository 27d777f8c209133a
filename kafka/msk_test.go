package kafka

import (
	"encoding/base64"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"

	"github.com/kpeek/kpeek/config"
)

// offlineAWS points the AWS credential chain at test credentials only: no instance
// metadata service is ever asked, no user files are read.
func offlineAWS(t *testing.T) {
	t.Helper()
	dir := t.TempDir()
	creds := filepath.Join(dir, "credentials")
	if err := os.WriteFile(creds, []byte("[ir]\naws_access_key_id = AKIAPROFILEKEY000000\naws_secret_access_key = profile-secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", creds)
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAENVKEY0000000000")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "env-secret")
	t.Setenv("AWS_SESSION_TOKEN", "env-session")
	t.Setenv("AWS_REGION", "")
	t.Setenv("AWS_DEFAULT_REGION", "")
	t.Setenv("AWS_PROFILE", "")
}

// decodeMSKToken opens a token: base64url of a SigV4-presigned kafka-cluster:Connect URL.
func decodeMSKToken(t *testing.T, tok string) *url.URL {
	t.Helper()
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		t.Fatalf("token is not base64url: %v", err)
	}
	u, err := url.Parse(string(raw))
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestMSKTokenIsAPresignedConnectRequest(t *testing.T) {
	offlineAWS(t)
	sc := sarama.NewConfig()
	brokers := []string{"b-1.incident.abc123.c2.kafka.eu-west-1.amazonaws.com:9098"}
	if _, err := configureSASL(sc, &config.SASL{Mechanism: "AWS_MSK_IAM"}, brokers); err != nil {
		t.Fatal(err)
	}
	if sc.Net.SASL.Mechanism != sarama.SASLTypeOAuth {
		t.Fatalf("mechanism = %s, want OAUTHBEARER carrying the IAM token", sc.Net.SASL.Mechanism)
	}
	tok, err := sc.Net.SASL.TokenProvider.Token()
	if err != nil {
		t.Fatal(err)
	}
	u := decodeMSKToken(t, tok.Token)
	q := u.Query()
	checks := map[string]bool{
		"host is the region's kafka endpoint": u.Host == "kafka.eu-west-1.amazonaws.com",
		"action is kafka-cluster:Connect":     q.Get("Action") == "kafka-cluster:Connect",
		"SigV4":                               q.Get("X-Amz-Algorithm") == "AWS4-HMAC-SHA256",
		"signed with the environment's key for kafka-cluster in eu-west-1": strings.HasPrefix(q.Get("X-Amz-Credential"), "AKIAENVKEY0000000000/") &&
			strings.HasSuffix(q.Get("X-Amz-Credential"), "/eu-west-1/kafka-cluster/aws4_request"),
		"session token carried": q.Get("X-Amz-Security-Token") == "env-session",
		"valid 15 minutes":      q.Get("X-Amz-Expires") == "900",
		"signature present":     len(q.Get("X-Amz-Signature")) == 64,
		"names the signer":      strings.Contains(q.Get("User-Agent"), "aws-msk-iam-sasl-signer-go"),
	}
	for what, ok := range checks {
		if !ok {
			t.Errorf("%s: token URL %s", what, u)
		}
	}
}

func TestMSKTokenFromProfileAndRefresh(t *testing.T) {
	offlineAWS(t)
	tokens, err := newMSKTokens(&config.SASL{Mechanism: "AWS_MSK_IAM", AWSRegion: "us-east-2", AWSProfile: "ir"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	tokens.now = func() time.Time { return now }
	a, err := tokens.Token()
	if err != nil {
		t.Fatal(err)
	}
	if cred := decodeMSKToken(t, a.Token).Query().Get("X-Amz-Credential"); !strings.HasPrefix(cred, "AKIAPROFILEKEY000000/") ||
		!strings.Contains(cred, "/us-east-2/") {
		t.Errorf("profile ir, region us-east-2: credential %q", cred)
	}
	if b, _ := tokens.Token(); b.Token != a.Token {
		t.Error("a fresh token was signed again instead of reused")
	}
	now = now.Add(14*time.Minute + 30*time.Second) // within a minute of the 15-minute expiry
	time.Sleep(1100 * time.Millisecond)            // a new signature needs a new X-Amz-Date second
	if c, _ := tokens.Token(); c.Token == a.Token {
		t.Error("a token about to expire was handed out again")
	}
}

func TestMSKRegion(t *testing.T) {
	offlineAWS(t)
	tests := []struct {
		sasl    config.SASL
		brokers []string
		env     string
		want    string
	}{
		{config.SASL{AWSRegion: "ap-south-1"}, nil, "", "ap-south-1"},
		{config.SASL{}, nil, "eu-central-1", "eu-central-1"},
		{config.SASL{}, []string{"b-2.x.y.c3.kafka.us-gov-west-1.amazonaws.com:9098"}, "", "us-gov-west-1"},
		{config.SASL{}, []string{"boot-abc.c1.kafka-serverless.eu-north-1.amazonaws.com:9098"}, "", "eu-north-1"},
		{config.SASL{}, []string{"kafka.corp:9093"}, "", ""},
	}
	for _, tt := range tests {
		t.Setenv("AWS_REGION", tt.env)
		got, err := mskRegion(&tt.sasl, tt.brokers)
		if got != tt.want || (tt.want == "") != (err != nil) {
			t.Errorf("%+v %v env %q: region %q, err %v; want %q", tt.sasl, tt.brokers, tt.env, got, err, tt.want)
		}
	}
}
