//go:build integration

package kafka_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kpeek/kpeek/config"
	"github.com/kpeek/kpeek/kafka"
	"github.com/twmb/franz-go/pkg/kgo"
)

// authFixture is one readable and one forbidden topic for the restricted user.
type authFixture struct {
	allowed, secret string
}

// newAuthFixture creates the two topics, named after the test, with one record each.
func newAuthFixture(t *testing.T, e itEnv) authFixture {
	t.Helper()
	admin := adminClient(t, e)
	name := strings.ToLower(strings.TrimPrefix(t.Name(), "TestIntegration"))
	f := authFixture{allowed: topicName(itAllowedPrefix, name), secret: topicName(itSecretPrefix, name)}
	createTopic(t, admin, f.allowed, 1, nil)
	createTopic(t, admin, f.secret, 1, nil)
	produce(t, admin, &kgo.Record{Topic: f.allowed, Value: []byte("visible")},
		&kgo.Record{Topic: f.secret, Value: []byte("salaries")})
	// A group the restricted user must not see.
	commitOffsets(t, admin, uniq("it-"+name), f.allowed, map[int32]int64{0: 1})
	return f
}

// tlsConfig is kpeek's TLS settings for the SSL or MTLS listener.
func tlsConfig(ca, cert, key, keyPassword string) *config.TLS {
	return &config.TLS{Enabled: true, CAFile: ca, CertFile: cert, KeyFile: key, KeyPassword: keyPassword}
}

// assertReads checks that cfg connects and reads the allowed topic's one record.
func assertReads(t *testing.T, cfg config.Connection, topic string) {
	t.Helper()
	cl := connect(t, cfg)
	rs, _ := readAll(t, cl, kafka.ReadRequest{Topic: topic})
	if len(rs) != 1 || string(rs[0].Value) != "visible" {
		t.Errorf("%s: read %d records from %s, want the one record \"visible\"", cfg.Name, len(rs), topic)
	}
}

// TestIntegrationAuthModes connects and reads over every listener and mechanism.
func TestIntegrationAuthModes(t *testing.T) {
	e := env(t)
	f := newAuthFixture(t, e)
	admin, adminPw := e.get(t, "KPEEK_IT_ADMIN_USER"), e.get(t, "KPEEK_IT_ADMIN_PASSWORD")
	ca := e.get(t, "KPEEK_IT_CA")
	ssl, mtls := []string{e.get(t, "KPEEK_IT_SSL")}, []string{e.get(t, "KPEEK_IT_MTLS")}
	cases := []config.Connection{
		plaintextConfig(e, t),
		saslConfig(e, t, "PLAIN", admin, adminPw),
		saslConfig(e, t, "SCRAM-SHA-512", admin, adminPw),
		saslConfig(e, t, "PLAIN", e.get(t, "KPEEK_IT_READER_USER"), e.get(t, "KPEEK_IT_READER_PASSWORD")),
		readerConfig(e, t),
		{Name: "tls-ca", Brokers: ssl, TLS: tlsConfig(ca, "", "", "")},
		{Name: "sasl-ssl-scram", Brokers: []string{e.get(t, "KPEEK_IT_SASL_SSL")}, TLS: tlsConfig(ca, "", "", ""),
			SASL: &config.SASL{Mechanism: "SCRAM-SHA-512", Username: e.get(t, "KPEEK_IT_READER_USER"), Password: e.get(t, "KPEEK_IT_READER_PASSWORD")}},
		{Name: "mtls", Brokers: mtls, TLS: tlsConfig(ca, e.get(t, "KPEEK_IT_CLIENT_CERT"), e.get(t, "KPEEK_IT_CLIENT_KEY"), "")},
		{Name: "mtls-encrypted-key", Brokers: mtls, TLS: tlsConfig(ca, e.get(t, "KPEEK_IT_CLIENT_CERT"),
			e.get(t, "KPEEK_IT_CLIENT_KEY_ENCRYPTED"), e.get(t, "KPEEK_IT_CLIENT_KEY_PASSWORD"))},
	}
	for _, cfg := range cases {
		name := cfg.Name
		if cfg.SASL != nil && cfg.TLS == nil {
			name = cfg.SASL.Mechanism + "-" + cfg.SASL.Username
		}
		t.Run(name, func(t *testing.T) { assertReads(t, cfg, f.allowed) })
	}
}

// TestIntegrationAuthFailures checks each refusal is a typed, one-line error naming its cause.
func TestIntegrationAuthFailures(t *testing.T) {
	e := env(t)
	ca := e.get(t, "KPEEK_IT_CA")
	admin := e.get(t, "KPEEK_IT_ADMIN_USER")
	newErr := func(t *testing.T, cfg config.Connection) error {
		t.Helper()
		cl, err := kafka.New(ctxFor(t), cfg)
		if err == nil {
			cl.Close()
			t.Fatalf("%s: connected, want a refusal", cfg.Name)
		}
		t.Logf("kpeek says: %v", err)
		return err
	}

	for _, mech := range []string{"PLAIN", "SCRAM-SHA-512"} {
		t.Run("wrong password "+mech, func(t *testing.T) {
			err := newErr(t, saslConfig(e, t, mech, admin, "not-the-password"))
			ae := asType[*kafka.AuthError](t, err)
			if ae.User != admin || ae.Mechanism != mech {
				t.Errorf("AuthError user %q mechanism %q, want %q %q", ae.User, ae.Mechanism, admin, mech)
			}
			assertOneLine(t, err, "authentication failed", admin)
			if strings.Contains(err.Error(), "not-the-password") {
				t.Errorf("error shows the password: %q", err)
			}
		})
	}
	t.Run("unknown SCRAM user", func(t *testing.T) {
		nobody := uniq("nobody")
		err := newErr(t, saslConfig(e, t, "SCRAM-SHA-512", nobody, "whatever"))
		asType[*kafka.AuthError](t, err)
		assertOneLine(t, err, "authentication failed", nobody)
	})
	t.Run("missing CA", func(t *testing.T) {
		err := newErr(t, config.Connection{Name: "tls-no-ca", Brokers: []string{e.get(t, "KPEEK_IT_SSL")},
			TLS: &config.TLS{Enabled: true}})
		te := asType[*kafka.TLSError](t, err)
		if te.Addr != e.get(t, "KPEEK_IT_SSL") {
			t.Errorf("TLSError addr %q, want %q", te.Addr, e.get(t, "KPEEK_IT_SSL"))
		}
		assertOneLine(t, err, "unknown authority")
	})
	t.Run("wrong CA", func(t *testing.T) {
		err := newErr(t, config.Connection{Name: "tls-other-ca", Brokers: []string{e.get(t, "KPEEK_IT_SSL")},
			TLS: tlsConfig(e.get(t, "KPEEK_IT_OTHER_CA"), "", "", "")})
		asType[*kafka.TLSError](t, err)
		assertOneLine(t, err, "unknown authority")
	})
	t.Run("TLS to a plaintext port", func(t *testing.T) {
		err := newErr(t, config.Connection{Name: "tls-to-plaintext", Brokers: []string{e.get(t, "KPEEK_IT_PLAINTEXT")},
			TLS: tlsConfig(ca, "", "", "")})
		asType[*kafka.TLSError](t, err)
		assertOneLine(t, err, "TLS", e.get(t, "KPEEK_IT_PLAINTEXT"))
	})
	t.Run("plaintext to the TLS listener", func(t *testing.T) {
		err := newErr(t, config.Connection{Name: "plain-to-tls", Brokers: []string{e.get(t, "KPEEK_IT_SSL")}})
		asType[*kafka.TLSError](t, err)
		assertOneLine(t, err, "TLS", e.get(t, "KPEEK_IT_SSL"))
	})
	t.Run("no SASL to the SASL listener", func(t *testing.T) {
		err := newErr(t, config.Connection{Name: "plain-to-sasl", Brokers: []string{e.get(t, "KPEEK_IT_SASL")}})
		asType[*kafka.AuthError](t, err)
		assertOneLine(t, err, "SASL")
	})
	t.Run("client certificate missing on mTLS", func(t *testing.T) {
		err := newErr(t, config.Connection{Name: "mtls-no-cert", Brokers: []string{e.get(t, "KPEEK_IT_MTLS")},
			TLS: tlsConfig(ca, "", "", "")})
		asType[*kafka.TLSError](t, err)
		assertOneLine(t, err, "certificate")
	})
	t.Run("client certificate from another CA on mTLS", func(t *testing.T) {
		err := newErr(t, config.Connection{Name: "mtls-other-cert", Brokers: []string{e.get(t, "KPEEK_IT_MTLS")},
			TLS: tlsConfig(ca, e.get(t, "KPEEK_IT_OTHER_CLIENT_CERT"), e.get(t, "KPEEK_IT_OTHER_CLIENT_KEY"), "")})
		asType[*kafka.TLSError](t, err)
		assertOneLine(t, err, "certificate")
	})
	t.Run("PKCS#8-encrypted client key", func(t *testing.T) {
		// Not supported by kpeek (Go's standard library cannot decrypt it): the refusal must say so.
		key := e.get(t, "KPEEK_IT_CLIENT_KEY_PKCS8_ENCRYPTED")
		_, err := kafka.New(ctxFor(t), config.Connection{Name: "mtls-pkcs8", Brokers: []string{e.get(t, "KPEEK_IT_MTLS")},
			TLS: tlsConfig(ca, e.get(t, "KPEEK_IT_CLIENT_CERT"), key, e.get(t, "KPEEK_IT_CLIENT_KEY_PASSWORD"))})
		assertOneLine(t, err, key, "PKCS#8")
	})
	t.Run("nothing listening", func(t *testing.T) {
		err := newErr(t, config.Connection{Name: "closed-port", Brokers: []string{"127.0.0.1:1"}})
		asType[*kafka.UnreachableError](t, err)
		assertOneLine(t, err, "127.0.0.1:1", "refused")
	})
}

// TestIntegrationRestrictedUser sees only what its ACLs grant, with clear refusals.
func TestIntegrationRestrictedUser(t *testing.T) {
	e := env(t)
	f := newAuthFixture(t, e)
	cl := connect(t, readerConfig(e, t))
	ctx := ctxFor(t)

	t.Run("topics lists only the readable ones", func(t *testing.T) {
		ts, err := cl.Topics(ctx)
		if err != nil {
			t.Fatalf("Topics as the READ+DESCRIBE user: %v", err)
		}
		var names []string
		for _, ti := range ts {
			names = append(names, ti.Name)
			if !strings.HasPrefix(ti.Name, itAllowedPrefix) {
				t.Errorf("restricted user sees topic %s", ti.Name)
			}
		}
		i := slices.Index(names, f.allowed)
		if i < 0 {
			t.Fatalf("restricted user does not see %s in %v", f.allowed, names)
		}
		if p := ts[i].Partitions; len(p) != 1 || p[0].Latest != 1 {
			t.Errorf("%s partitions %+v, want one with latest 1", f.allowed, p)
		}
		if ts[i].Err != nil {
			// Configs need DESCRIBE_CONFIGS, which READ+DESCRIBE does not give; the rest must be there.
			t.Logf("%s: partial description: %v", f.allowed, ts[i].Err)
			assertOneLine(t, ts[i].Err)
		}
	})
	t.Run("reads a readable topic", func(t *testing.T) {
		rs, _ := readAll(t, cl, kafka.ReadRequest{Topic: f.allowed})
		if len(rs) != 1 || string(rs[0].Value) != "visible" {
			t.Errorf("read %d records, want the one record", len(rs))
		}
	})
	t.Run("read of a forbidden topic", func(t *testing.T) {
		_, err := cl.Read(ctx, kafka.ReadRequest{Topic: f.secret})
		t.Logf("kpeek says: %v", err)
		asType[*kafka.NotAuthorizedError](t, err)
		assertOneLine(t, err, "not authorized", f.secret)
	})
	t.Run("describe of a forbidden topic", func(t *testing.T) {
		_, err := cl.Topic(ctx, f.secret)
		t.Logf("kpeek says: %v", err)
		asType[*kafka.NotAuthorizedError](t, err)
		assertOneLine(t, err, "not authorized", f.secret)
	})
	t.Run("groups", func(t *testing.T) {
		gs, err := cl.Groups(ctx)
		t.Logf("kpeek says: %d groups, err %v", len(gs), err)
		if err != nil {
			asType[*kafka.NotAuthorizedError](t, err)
			assertOneLine(t, err, "not authorized", "group")
			return
		}
		// Kafka filters ListGroups by DESCRIBE on each group: no group ACL means an empty list.
		if len(gs) != 0 {
			t.Errorf("restricted user without group ACLs sees groups %+v", gs)
		}
	})
}

// writeProperties writes a Java-style client.properties file and returns its path.
func writeProperties(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "client.properties")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// parsePropertiesFile reads a client.properties file the way -F does.
func parsePropertiesFile(t *testing.T, path string) map[string]string {
	t.Helper()
	props, err := config.ReadPropertiesFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return props
}

// TestIntegrationClientProperties builds configs with config.ParseProperties from the
// client.properties files Java users already have, and connects with them.
func TestIntegrationClientProperties(t *testing.T) {
	e := env(t)
	f := newAuthFixture(t, e)
	files := map[string]string{
		"scram-jaas": `# the incident account, as the platform team hands it out
bootstrap.servers=` + e.get(t, "KPEEK_IT_SASL") + `
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required \
    username="` + e.get(t, "KPEEK_IT_READER_USER") + `" password="` + e.get(t, "KPEEK_IT_READER_PASSWORD") + `";
group.id=ignored-by-kpeek
client.id=ignored-too
`,
		"plain-jaas": `bootstrap.servers=` + e.get(t, "KPEEK_IT_SASL") + `
security.protocol=SASL_PLAINTEXT
sasl.mechanism=PLAIN
sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="` +
			e.get(t, "KPEEK_IT_ADMIN_USER") + `" password="` + e.get(t, "KPEEK_IT_ADMIN_PASSWORD") + `";
`,
		"librdkafka-sasl": `bootstrap.servers=` + e.get(t, "KPEEK_IT_SASL") + `
security.protocol=sasl_plaintext
sasl.mechanisms=SCRAM-SHA-512
sasl.username=` + e.get(t, "KPEEK_IT_ADMIN_USER") + `
sasl.password=` + e.get(t, "KPEEK_IT_ADMIN_PASSWORD") + `
`,
		// A Java shop's file, unchanged: JKS trust store, SASL_SSL, SCRAM through JAAS.
		"jks-sasl-ssl-scram": `bootstrap.servers=` + e.get(t, "KPEEK_IT_SASL_SSL") + `
security.protocol=SASL_SSL
ssl.truststore.location=` + e.get(t, "KPEEK_IT_TRUSTSTORE_JKS") + `
ssl.truststore.password=` + e.get(t, "KPEEK_IT_TRUSTSTORE_PASSWORD") + `
ssl.truststore.type=JKS
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required \
    username="` + e.get(t, "KPEEK_IT_READER_USER") + `" \
    password="` + e.get(t, "KPEEK_IT_READER_PASSWORD") + `";
`,
		"mtls-pkcs12-stores": `bootstrap.servers=` + e.get(t, "KPEEK_IT_MTLS") + `
security.protocol=SSL
ssl.truststore.location=` + e.get(t, "KPEEK_IT_TRUSTSTORE_P12") + `
ssl.truststore.password=` + e.get(t, "KPEEK_IT_TRUSTSTORE_PASSWORD") + `
ssl.truststore.type=PKCS12
ssl.keystore.location=` + e.get(t, "KPEEK_IT_KEYSTORE_P12") + `
ssl.keystore.password=` + e.get(t, "KPEEK_IT_KEYSTORE_PASSWORD") + `
ssl.keystore.type=PKCS12
`,
		"mtls-jks-keystore-with-key-password": `bootstrap.servers=` + e.get(t, "KPEEK_IT_MTLS") + `
security.protocol=SSL
ssl.truststore.location=` + e.get(t, "KPEEK_IT_TRUSTSTORE_JKS") + `
ssl.truststore.password=` + e.get(t, "KPEEK_IT_TRUSTSTORE_PASSWORD") + `
ssl.keystore.location=` + e.get(t, "KPEEK_IT_KEYSTORE_JKS") + `
ssl.keystore.password=` + e.get(t, "KPEEK_IT_KEYSTORE_PASSWORD") + `
ssl.key.password=` + e.get(t, "KPEEK_IT_CLIENT_KEY_PASSWORD") + `
`,
		"mtls-pem": `bootstrap.servers=` + e.get(t, "KPEEK_IT_MTLS") + `
security.protocol=SSL
ssl.ca.location=` + e.get(t, "KPEEK_IT_CA") + `
ssl.certificate.location=` + e.get(t, "KPEEK_IT_CLIENT_CERT") + `
ssl.key.location=` + e.get(t, "KPEEK_IT_CLIENT_KEY_ENCRYPTED") + `
ssl.key.password=` + e.get(t, "KPEEK_IT_CLIENT_KEY_PASSWORD") + `
`,
	}
	t.Run("CRLF file", func(t *testing.T) {
		var cfg config.Cluster
		cfg.Name = "crlf"
		body := strings.ReplaceAll(files["jks-sasl-ssl-scram"], "\n", "\r\n")
		if err := config.ParseProperties(&cfg, parsePropertiesFile(t, writeProperties(t, body))); err != nil {
			t.Fatalf("ParseProperties: %v", err)
		}
		assertReads(t, cfg.Connection, f.allowed)
	})
	t.Run("wrong trust store password", func(t *testing.T) {
		var cfg config.Cluster
		body := strings.Replace(files["jks-sasl-ssl-scram"], "ssl.truststore.password="+e.get(t, "KPEEK_IT_TRUSTSTORE_PASSWORD"),
			"ssl.truststore.password=wrong", 1)
		if err := config.ParseProperties(&cfg, parsePropertiesFile(t, writeProperties(t, body))); err != nil {
			t.Fatalf("ParseProperties: %v", err)
		}
		_, err := kafka.New(ctxFor(t), cfg.Connection)
		assertOneLine(t, err, "truststore.jks", "wrong store password")
	})
	for name, body := range files {
		t.Run(name, func(t *testing.T) {
			var cfg config.Cluster
			cfg.Name = name
			if err := config.ParseProperties(&cfg, parsePropertiesFile(t, writeProperties(t, body))); err != nil {
				t.Fatalf("ParseProperties: %v", err)
			}
			assertReads(t, cfg.Connection, f.allowed)
		})
	}
	t.Run("-X overrides a wrong password from -F", func(t *testing.T) {
		props := parsePropertiesFile(t, writeProperties(t, files["librdkafka-sasl"]))
		props["sasl.password"] = "wrong"
		var cfg config.Cluster
		if err := config.ParseProperties(&cfg, props); err != nil {
			t.Fatalf("ParseProperties: %v", err)
		}
		_, err := kafka.New(ctxFor(t), cfg.Connection)
		asType[*kafka.AuthError](t, err)
		props["sasl.password"] = e.get(t, "KPEEK_IT_ADMIN_PASSWORD")
		cfg = config.Cluster{Connection: config.Connection{Name: "fixed"}}
		if err := config.ParseProperties(&cfg, props); err != nil {
			t.Fatalf("ParseProperties: %v", err)
		}
		assertReads(t, cfg.Connection, f.allowed)
	})
}
