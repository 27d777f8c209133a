package kafka

import (
	"encoding/binary"
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
	for _, f := range []string{krb5, keytab} {
		if err := os.WriteFile(f, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(cache, ccacheFor("ir-analyst", "CORP.EXAMPLE"), 0o600); err != nil {
		t.Fatal(err)
	}
	junk := filepath.Join(dir, "junk-cache")
	if err := os.WriteFile(junk, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
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
				if g.AuthType != sarama.KRB5_CCACHE_AUTH || g.CCachePath != cache || g.ServiceName != "kafka-prod" ||
					g.Username != "ir-analyst" || g.Realm != "CORP.EXAMPLE" {
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
		{"not a ticket cache", config.SASL{Mechanism: "GSSAPI", Kerberos: config.Kerberos{TicketCache: junk}}, nil, "Kerberos ticket cache"},
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

// ccacheFor is an MIT credential cache (format version 4, as kinit writes) holding only its
// default principal user@realm.
func ccacheFor(user, realm string) []byte {
	b := []byte{5, 4, 0, 0} // version 0x0504, no header fields
	u32 := func(n int) { b = binary.BigEndian.AppendUint32(b, uint32(n)) }
	u32(1) // KRB_NT_PRINCIPAL
	u32(1) // one component
	u32(len(realm))
	b = append(b, realm...)
	u32(len(user))
	return append(b, user...)
}
