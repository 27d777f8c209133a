//go:build integration

package kafka_test

import (
	"testing"

	"github.com/kpeek/kpeek/config"
	"github.com/kpeek/kpeek/kafka"
)

// TestIntegrationKerberos logs in with GSSAPI against the MIT KDC up.sh runs: a keytab, the
// ticket cache kinit wrote, a password, and a Java client.properties with Krb5LoginModule.
func TestIntegrationKerberos(t *testing.T) {
	e := env(t)
	addr := e["KPEEK_IT_GSSAPI"]
	if addr == "" {
		t.Skip("MIT Kerberos is not installed where up.sh ran (krb5-kdc, krb5-admin-server, krb5-user): no GSSAPI listener")
	}
	f := newAuthFixture(t, e)
	krb5 := e.get(t, "KPEEK_IT_KRB5_CONFIG")
	gssapi := func(name string, s config.SASL) config.Connection {
		s.Mechanism = "GSSAPI"
		s.Kerberos.Config = krb5
		return config.Connection{Name: name, Brokers: []string{addr}, SASL: &s}
	}
	t.Run("keytab", func(t *testing.T) {
		assertReads(t, gssapi("keytab", config.SASL{Kerberos: config.Kerberos{
			Keytab: e.get(t, "KPEEK_IT_KRB5_KEYTAB"), Principal: e.get(t, "KPEEK_IT_KRB5_PRINCIPAL")}}), f.allowed)
	})
	t.Run("ticket cache", func(t *testing.T) {
		assertReads(t, gssapi("ccache", config.SASL{Kerberos: config.Kerberos{TicketCache: e.get(t, "KPEEK_IT_KRB5_CCACHE")}}), f.allowed)
	})
	t.Run("password", func(t *testing.T) {
		assertReads(t, gssapi("password", config.SASL{Username: e.get(t, "KPEEK_IT_KRB5_PASSWORD_USER"),
			Password: e.get(t, "KPEEK_IT_KRB5_PASSWORD")}), f.allowed)
	})
	t.Run("java client.properties", func(t *testing.T) {
		t.Setenv("KRB5_CONFIG", krb5) // what -Djava.security.krb5.conf says to a JVM
		body := `bootstrap.servers=` + addr + `
security.protocol=SASL_PLAINTEXT
sasl.mechanism=GSSAPI
sasl.kerberos.service.name=kafka
sasl.jaas.config=com.sun.security.auth.module.Krb5LoginModule required useKeyTab=true storeKey=true \
    keyTab="` + e.get(t, "KPEEK_IT_KRB5_KEYTAB") + `" principal="` + e.get(t, "KPEEK_IT_KRB5_PRINCIPAL") + `";
`
		var cfg config.Cluster
		cfg.Name = "krb-java"
		if err := config.ParseProperties(&cfg, parsePropertiesFile(t, writeProperties(t, body))); err != nil {
			t.Fatal(err)
		}
		assertReads(t, cfg.Connection, f.allowed)
	})
	t.Run("wrong password", func(t *testing.T) {
		_, err := kafka.New(ctxFor(t), gssapi("bad", config.SASL{Username: e.get(t, "KPEEK_IT_KRB5_PASSWORD_USER"), Password: "nope"}))
		assertOneLine(t, err)
	})
}
