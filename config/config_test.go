package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoad(t *testing.T) {
	tests := []struct {
		name    string
		yaml    string
		wantErr string // substring; "" means success
	}{
		{"full", `
default: prod
clusters:
  prod:
    brokers: [k1:9093, k2:9093]
    tls: {enabled: true, ca_file: /etc/ca.pem}
    sasl: {mechanism: SCRAM-SHA-512, username: ir, password: "${KPEEK_PW}"}
    schema_registry: {url: "https://sr:8081", username: ir, password: "file:/run/secrets/sr"}
    splunk: {url: "https://splunk:8088", token: "${HEC}"}
`, ""},
		{"typo names the line", `
clusters:
  prod:
    brokers: [k1:9092]
    sasl:
      mechanism: PLAIN
      usernme: ir
`, "line 7: field usernme not found"},
		{"literal password refused", `
clusters:
  prod:
    brokers: [k1:9092]
    sasl: {mechanism: PLAIN, username: ir, password: hunter2}
`, "line 5: password holds a literal secret"},
		{"literal token refused", `
clusters:
  prod:
    splunk:
      token: abc-123
`, "line 5: token holds a literal secret; write a reference instead: ${ENV_VAR} or file:"},
		{"unknown default", `
default: nope
clusters:
  prod: {brokers: [k1:9092]}
`, `default cluster "nope"`},
		{"empty file", ``, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := parse("kpeek.yaml", []byte(tt.yaml))
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want it to contain %q (cfg %+v)", err, tt.wantErr, cfg)
			}
			if strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), "abc-123") {
				t.Errorf("error repeats the secret: %v", err)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans lines: %q", err)
			}
		})
	}
}

func TestLoadFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte("clusters:\n  a: {brokers: [h:1]}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if c := cfg.Clusters["a"]; c.Name != "a" || len(c.Brokers) != 1 {
		t.Errorf("cluster a = %+v", c)
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing.yaml")); err == nil {
		t.Error("missing explicit config: want an error")
	}
}

func TestResolveSecret(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "pw")
	if err := os.WriteFile(file, []byte("  s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("KPEEK_SECRET", "from-env")
	tests := []struct {
		ref, want, wantErr string
	}{
		{"${KPEEK_SECRET}", "from-env", ""},
		{"${KPEEK_UNSET_FOR_TEST}", "", "environment variable KPEEK_UNSET_FOR_TEST is not set"},
		{"file:" + file, "s3cret", ""},
		{"file:" + filepath.Join(dir, "nope"), "", "read secret file"},
		{"file:", "", "names no file"},
		{"literal", "literal", ""},
		{"${not closed", "${not closed", ""},
	}
	for _, tt := range tests {
		got, err := ResolveSecret(tt.ref)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ResolveSecret(%q) err = %v, want %q", tt.ref, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ResolveSecret(%q) = %q, %v; want %q", tt.ref, got, err, tt.want)
		}
	}
}

func TestParseProperties(t *testing.T) {
	tests := []struct {
		name    string
		props   map[string]string
		check   func(t *testing.T, c Cluster)
		wantErr string
	}{
		{"plain over SSL with JAAS", map[string]string{
			"bootstrap.servers": "k1:9093, k2:9093",
			"security.protocol": "SASL_SSL",
			"sasl.jaas.config":  `org.apache.kafka.common.security.plain.PlainLoginModule required username="ir" password="p\"w";`,
			"ssl.ca.location":   "/ca.pem",
			"group.id":          "ignored",
		}, func(t *testing.T, c Cluster) {
			if len(c.Brokers) != 2 || c.Brokers[1] != "k2:9093" {
				t.Errorf("brokers = %v", c.Brokers)
			}
			if c.SASL == nil || c.SASL.Mechanism != "PLAIN" || c.SASL.Username != "ir" || c.SASL.Password != `p"w` {
				t.Errorf("sasl = %+v", c.SASL)
			}
			if c.TLS == nil || !c.TLS.Enabled || c.TLS.CAFile != "/ca.pem" {
				t.Errorf("tls = %+v", c.TLS)
			}
			if len(c.IgnoredProperties) != 1 || c.IgnoredProperties[0] != "group.id" {
				t.Errorf("ignored = %v", c.IgnoredProperties)
			}
		}, ""},
		{"scram with explicit user overriding JAAS", map[string]string{
			"security.protocol": "SASL_PLAINTEXT",
			"sasl.mechanism":    "scram-sha-512",
			"sasl.jaas.config":  `org.apache.kafka.common.security.scram.ScramLoginModule required username="a" password="b";`,
			"sasl.username":     "c",
		}, func(t *testing.T, c Cluster) {
			if c.SASL.Mechanism != "SCRAM-SHA-512" || c.SASL.Username != "c" || c.SASL.Password != "b" {
				t.Errorf("sasl = %+v", c.SASL)
			}
			if c.TLS != nil && c.TLS.Enabled {
				t.Errorf("tls on for SASL_PLAINTEXT")
			}
		}, ""},
		{"mTLS and verification switches", map[string]string{
			"security.protocol":                     "SSL",
			"ssl.certificate.location":              "/c.pem",
			"ssl.key.location":                      "/k.pem",
			"ssl.key.password":                      "kp",
			"ssl.endpoint.identification.algorithm": "",
			"enable.ssl.certificate.verification":   "false",
		}, func(t *testing.T, c Cluster) {
			want := TLS{Enabled: true, CertFile: "/c.pem", KeyFile: "/k.pem", KeyPassword: "kp",
				InsecureSkipVerify: true, SkipHostnameCheck: true}
			if *c.TLS != want {
				t.Errorf("tls = %+v, want %+v", *c.TLS, want)
			}
		}, ""},
		{"schema registry", map[string]string{
			"schema.registry.url":  "https://sr:8081",
			"basic.auth.user.info": "u:p:with:colons",
		}, func(t *testing.T, c Cluster) {
			r := c.SchemaRegistry
			if r == nil || r.URL != "https://sr:8081" || r.Username != "u" || r.Password != "p:with:colons" {
				t.Errorf("registry = %+v", r)
			}
		}, ""},
		{"Java key stores", map[string]string{"security.protocol": "SSL",
			"ssl.truststore.location": "/t.jks", "ssl.truststore.password": "tp", "ssl.truststore.type": "JKS",
			"ssl.keystore.location": "/k.p12", "ssl.keystore.password": "kp", "ssl.keystore.type": "PKCS12", "ssl.key.password": "key"},
			func(t *testing.T, c Cluster) {
				want := TLS{Enabled: true, TrustStore: "/t.jks", TrustStorePassword: "tp", TrustStoreType: "JKS",
					KeyStore: "/k.p12", KeyStorePassword: "kp", KeyStoreType: "PKCS12", KeyPassword: "key"}
				if c.TLS == nil || *c.TLS != want {
					t.Errorf("tls = %+v, want %+v", c.TLS, want)
				}
			}, ""},
		{"OIDC through the Java login module", map[string]string{"security.protocol": "SASL_SSL",
			"sasl.mechanism":                      "OAUTHBEARER",
			"sasl.login.callback.handler.class":   "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler",
			"sasl.oauthbearer.token.endpoint.url": "https://idp/token",
			"sasl.jaas.config": `org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required ` +
				`clientId="kpeek" clientSecret="s\"x" scope="kafka read";`},
			func(t *testing.T, c Cluster) {
				want := SASL{Mechanism: "OAUTHBEARER", OIDC: OIDC{TokenURL: "https://idp/token", ClientID: "kpeek", ClientSecret: `s"x`, Scope: "kafka read"}}
				if c.SASL == nil || *c.SASL != want {
					t.Errorf("sasl = %+v, want %+v", c.SASL, want)
				}
			}, ""},
		{"OIDC the librdkafka way", map[string]string{"sasl.mechanisms": "OAUTHBEARER", "sasl.oauthbearer.method": "oidc",
			"sasl.oauthbearer.token.endpoint.url": "https://idp/token", "sasl.oauthbearer.client.id": "kpeek",
			"sasl.oauthbearer.client.secret": "s", "sasl.oauthbearer.scope": "kafka"},
			func(t *testing.T, c Cluster) {
				if c.SASL == nil || c.SASL.Mechanism != "OAUTHBEARER" || c.SASL.ClientID != "kpeek" || c.SASL.Scope != "kafka" {
					t.Errorf("sasl = %+v", c.SASL)
				}
			}, ""},
		{"OIDC JAAS without endpoint", map[string]string{
			"sasl.jaas.config": `org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required clientId="a" clientSecret="b";`},
			nil, "token endpoint"},
		{"custom login handler refused", map[string]string{"sasl.login.callback.handler.class": "com.corp.MyHandler"}, nil, "cannot be used"},
		{"unsecured tokens refused", map[string]string{
			"sasl.jaas.config": `org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub="x";`},
			nil, "unsecured"},
		{"librdkafka default method refused", map[string]string{"sasl.oauthbearer.method": "default"}, nil, "oidc"},
		{"registry behind OAuth (Confluent serializer names)", map[string]string{"schema.registry.url": "https://sr",
			"bearer.auth.credentials.source": "OAUTHBEARER", "bearer.auth.issuer.endpoint.url": "https://idp/token",
			"bearer.auth.client.id": "sr-client", "bearer.auth.client.secret": "x", "bearer.auth.scope": "registry"},
			func(t *testing.T, c Cluster) {
				want := OIDC{TokenURL: "https://idp/token", ClientID: "sr-client", ClientSecret: "x", Scope: "registry"}
				if c.SchemaRegistry == nil || c.SchemaRegistry.OIDC != want {
					t.Errorf("registry = %+v", c.SchemaRegistry)
				}
			}, ""},
		{"MSK IAM, Amazon's Java library", map[string]string{"security.protocol": "SASL_SSL", "sasl.mechanism": "AWS_MSK_IAM",
			"sasl.jaas.config":                   `software.amazon.msk.auth.iam.IAMLoginModule required awsProfileName="ir" awsRoleArn="arn:aws:iam::1:role/ir";`,
			"sasl.client.callback.handler.class": "software.amazon.msk.auth.iam.IAMClientCallbackHandler"},
			func(t *testing.T, c Cluster) {
				if c.SASL == nil || c.SASL.Mechanism != "AWS_MSK_IAM" || c.SASL.AWSProfile != "ir" || c.SASL.AWSRoleARN != "arn:aws:iam::1:role/ir" {
					t.Errorf("sasl = %+v", c.SASL)
				}
			}, ""},
		{"MSK IAM over OAUTHBEARER", map[string]string{"security.protocol": "SASL_SSL", "sasl.mechanism": "OAUTHBEARER",
			"sasl.jaas.config":                  `org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;`,
			"sasl.login.callback.handler.class": "software.amazon.msk.auth.iam.IAMOAuthBearerLoginCallbackHandler"},
			func(t *testing.T, c Cluster) {
				if c.SASL == nil || c.SASL.Mechanism != "AWS_MSK_IAM" {
					t.Errorf("sasl = %+v", c.SASL)
				}
			}, ""},
		{"inline PEM refused", map[string]string{"ssl.keystore.key": "-----BEGIN"}, nil, "inline PEM is not supported"},
		{"unknown protocol", map[string]string{"security.protocol": "SASL_SSH"}, nil, "security.protocol"},
		{"Kerberos keytab, Java JAAS", map[string]string{"sasl.mechanism": "GSSAPI", "sasl.kerberos.service.name": "kafka",
			"sasl.jaas.config": `com.sun.security.auth.module.Krb5LoginModule required useKeyTab=true storeKey=true ` +
				`keyTab="/etc/security/keytabs/ir.keytab" principal="ir-analyst@CORP.EXAMPLE";`},
			func(t *testing.T, c Cluster) {
				want := Kerberos{ServiceName: "kafka", Keytab: "/etc/security/keytabs/ir.keytab", Principal: "ir-analyst@CORP.EXAMPLE"}
				if c.SASL == nil || c.SASL.Mechanism != "GSSAPI" || c.SASL.Kerberos != want {
					t.Errorf("sasl = %+v", c.SASL)
				}
			}, ""},
		{"Kerberos ticket cache, mechanism from the module", map[string]string{
			"sasl.jaas.config": `com.sun.security.auth.module.Krb5LoginModule required useTicketCache=true ticketCache="/tmp/cc";`},
			func(t *testing.T, c Cluster) {
				if c.SASL == nil || c.SASL.Mechanism != "GSSAPI" || c.SASL.Kerberos.TicketCache != "/tmp/cc" || c.SASL.Kerberos.Keytab != "" {
					t.Errorf("sasl = %+v", c.SASL)
				}
			}, ""},
		{"Kerberos librdkafka", map[string]string{"sasl.mechanisms": "GSSAPI", "sasl.kerberos.keytab": "/k", "sasl.kerberos.principal": "a@B",
			"sasl.kerberos.kinit.cmd": "kinit -k"},
			func(t *testing.T, c Cluster) {
				if c.SASL.Kerberos.Keytab != "/k" || c.SASL.Kerberos.Principal != "a@B" {
					t.Errorf("sasl = %+v", c.SASL)
				}
			}, ""},
		{"Kerberos keytab without principal", map[string]string{
			"sasl.jaas.config": `com.sun.security.auth.module.Krb5LoginModule required useKeyTab=true keyTab="/k";`}, nil, "principal"},
		{"Kerberos prompt refused", map[string]string{
			"sasl.jaas.config": `com.sun.security.auth.module.Krb5LoginModule required;`}, nil, "cannot prompt"},
		{"scram JAAS without mechanism", map[string]string{
			"sasl.jaas.config": `org.apache.kafka.common.security.scram.ScramLoginModule required username="a" password="b";`,
		}, nil, "set sasl.mechanism"},
		{"unknown login module", map[string]string{
			"sasl.jaas.config": `org.example.TokenLoginModule required;`,
		}, nil, "not supported"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c Cluster
			err := ParseProperties(&c, tt.props)
			if !errorAsWanted(t, err, tt.wantErr) {
				return
			}
			tt.check(t, c)
		})
	}
}

func FuzzParseProperties(f *testing.F) {
	f.Add("sasl.jaas.config", `x.PlainLoginModule required username="a" password="b";`)
	f.Add("security.protocol", "SASL_SSL")
	f.Add("basic.auth.user.info", "u:p")
	f.Fuzz(func(t *testing.T, k, v string) {
		var c Cluster
		_ = ParseProperties(&c, map[string]string{k: v})
	})
}

func TestLoadExplorerSection(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte("explorer:\n  max_records: 250000\nclusters:\n  a: {brokers: [h:1]}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Explorer.MaxRecords != 250000 {
		t.Errorf("explorer.max_records = %d, want 250000", cfg.Explorer.MaxRecords)
	}
}
