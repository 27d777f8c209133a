package kafka

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/IBM/sarama"

	"github.com/kpeek/kpeek/config"
)

func TestConfigureGSSAPI(t *testing.T) {
	dir := t.TempDir()
	krb5 := filepath.Join(dir, "krb5.conf")
	keytab := filepath.Join(dir, "ir.keytab")
	cache := filepath.Join(dir, "krb5cc")
	for _, f := range []string{krb5, keytab, cache} {
		if err := os.WriteFile(f, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("KRB5_CONFIG", krb5)
	t.Setenv("KRB5CCNAME", "FILE:"+cache)
	tests := []struct {
		name    string
		sasl    config.SASL
		check   func(t *testing.T, g sarama.GSSAPIConfig)
		wantErr string
	}{
		{"keytab", config.SASL{Mechanism: "GSSAPI", Kerberos: config.Kerberos{Keytab: keytab, Principal: "ir-analyst@CORP.EXAMPLE"}},
			func(t *testing.T, g sarama.GSSAPIConfig) {
				if g.AuthType != sarama.KRB5_KEYTAB_AUTH || g.KeyTabPath != keytab || g.Username != "ir-analyst" ||
					g.Realm != "CORP.EXAMPLE" || g.ServiceName != "kafka" || g.KerberosConfigPath != krb5 {
					t.Errorf("gssapi = %+v", g)
				}
			}, ""},
		{"ticket cache from KRB5CCNAME", config.SASL{Mechanism: "GSSAPI", Kerberos: config.Kerberos{ServiceName: "kafka-prod"}},
			func(t *testing.T, g sarama.GSSAPIConfig) {
				if g.AuthType != sarama.KRB5_CCACHE_AUTH || g.CCachePath != cache || g.ServiceName != "kafka-prod" {
					t.Errorf("gssapi = %+v", g)
				}
			}, ""},
		{"password", config.SASL{Mechanism: "GSSAPI", Username: "ir@CORP.EXAMPLE", Password: "pw"},
			func(t *testing.T, g sarama.GSSAPIConfig) {
				if g.AuthType != sarama.KRB5_USER_AUTH || g.Username != "ir" || g.Realm != "CORP.EXAMPLE" || g.Password != "pw" {
					t.Errorf("gssapi = %+v", g)
				}
			}, ""},
		{"keytab principal without realm", config.SASL{Mechanism: "GSSAPI", Kerberos: config.Kerberos{Keytab: keytab, Principal: "ir"}}, nil, "user@REALM"},
		{"missing keytab", config.SASL{Mechanism: "GSSAPI", Kerberos: config.Kerberos{Keytab: filepath.Join(dir, "no.keytab"), Principal: "a@B"}}, nil, "Kerberos keytab"},
		{"missing cache", config.SASL{Mechanism: "GSSAPI", Kerberos: config.Kerberos{TicketCache: filepath.Join(dir, "none")}}, nil, "run kinit first"},
		{"missing krb5.conf", config.SASL{Mechanism: "GSSAPI", Kerberos: config.Kerberos{Config: filepath.Join(dir, "nope.conf")}}, nil, "Kerberos configuration"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc := sarama.NewConfig()
			_, err := configureSASL(sc, &tt.sasl, nil)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if sc.Net.SASL.Mechanism != sarama.SASLTypeGSSAPI {
				t.Errorf("mechanism = %s", sc.Net.SASL.Mechanism)
			}
			tt.check(t, sc.Net.SASL.GSSAPI)
		})
	}
}
