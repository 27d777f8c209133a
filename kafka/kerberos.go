package kafka

import (
	"cmp"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/IBM/sarama"
	"github.com/jcmturner/gokrb5/v8/credentials"

	"github.com/kpeek/kpeek/config"
)

// configureGSSAPI sets up a Kerberos login through sarama's GSSAPI support (jcmturner/gokrb5),
// the way a Java client's Krb5LoginModule would: a keytab with its principal, else the ticket
// cache kinit wrote, else a user name and password. The brokers' service principal is
// SERVICE/<broker host>@REALM, SERVICE being sasl.kerberos.service.name ("kafka").
func configureGSSAPI(sc *sarama.Config, s *config.SASL) error {
	k := s.Kerberos
	g := sarama.GSSAPIConfig{ServiceName: k.ServiceName, KerberosConfigPath: k.Config,
		// Active Directory refuses the FAST pre-authentication gokrb5 would otherwise try; MIT
		// KDCs do without it.
		DisablePAFXFAST: true}
	if g.ServiceName == "" {
		g.ServiceName = "kafka"
	}
	if g.KerberosConfigPath == "" {
		g.KerberosConfigPath = cmp.Or(os.Getenv("KRB5_CONFIG"), "/etc/krb5.conf")
	}
	if _, err := os.Stat(g.KerberosConfigPath); err != nil {
		return fmt.Errorf("Kerberos configuration: %w (set krb5_config or $KRB5_CONFIG)", err)
	}
	switch {
	case k.Keytab != "":
		g.AuthType, g.KeyTabPath = sarama.KRB5_KEYTAB_AUTH, k.Keytab
		if _, err := os.Stat(k.Keytab); err != nil {
			return fmt.Errorf("Kerberos keytab: %w", err)
		}
		user, realm, err := splitPrincipal(k.Principal, "the keytab's principal")
		if err != nil {
			return err
		}
		g.Username, g.Realm = user, realm
	case s.Username != "":
		password, err := config.ResolveOptional("Kerberos password", s.Password)
		if err != nil {
			return err
		}
		user, realm, err := splitPrincipal(s.Username, "the Kerberos user")
		if err != nil {
			return err
		}
		g.AuthType, g.Username, g.Realm, g.Password = sarama.KRB5_USER_AUTH, user, realm, password
	default:
		g.AuthType, g.CCachePath = sarama.KRB5_CCACHE_AUTH, ticketCache(k.TicketCache)
		if _, err := os.Stat(g.CCachePath); err != nil {
			return fmt.Errorf("no Kerberos ticket cache at %s: run kinit first, or give a keytab and principal", g.CCachePath)
		}
		// sarama wants the user named; the cache knows whose tickets it holds.
		cc, err := credentials.LoadCCache(g.CCachePath)
		if err != nil {
			return fmt.Errorf("Kerberos ticket cache %s: %w", g.CCachePath, err)
		}
		g.Username, g.Realm = cc.GetClientPrincipalName().PrincipalNameString(), cc.GetClientRealm()
	}
	sc.Net.SASL.Enable, sc.Net.SASL.Handshake = true, true
	sc.Net.SASL.Mechanism, sc.Net.SASL.GSSAPI = sarama.SASLTypeGSSAPI, g
	return nil
}

// splitPrincipal splits user@REALM; a principal without a realm is an error, since gokrb5
// does not guess the default realm for a login.
func splitPrincipal(p, what string) (user, realm string, err error) {
	i := strings.LastIndexByte(p, '@')
	if p == "" || i <= 0 || i == len(p)-1 {
		return "", "", fmt.Errorf("%s must be user@REALM, got %q", what, p)
	}
	return p[:i], p[i+1:], nil
}

// ticketCache is the credential cache kinit writes: the configured path, else $KRB5CCNAME
// (a FILE: cache), else /tmp/krb5cc_<uid>.
func ticketCache(configured string) string {
	if configured != "" {
		return strings.TrimPrefix(configured, "FILE:")
	}
	if env := os.Getenv("KRB5CCNAME"); env != "" {
		return strings.TrimPrefix(env, "FILE:")
	}
	return "/tmp/krb5cc_" + strconv.Itoa(os.Getuid())
}
