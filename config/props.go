package config

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ParseProperties applies librdkafka/Java client properties (-X key=value, -F client.properties)
// onto cfg, so a platform team's existing files work unchanged. Literal passwords are accepted
// here because that is the file format. Keys kpeek has no use for (group.id, client.id, ...)
// are recorded in cfg.IgnoredProperties; keys it cannot honour (inline PEM, custom callback
// classes) are errors.
func ParseProperties(cfg *Cluster, props map[string]string) error {
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	// The JAAS line goes first so explicit sasl.username/sasl.password override it.
	slices.SortFunc(keys, func(a, b string) int {
		if (a == "sasl.jaas.config") != (b == "sasl.jaas.config") {
			if a == "sasl.jaas.config" {
				return -1
			}
			return 1
		}
		return strings.Compare(a, b)
	})
	p := propParser{cfg: cfg}
	for _, k := range keys {
		if err := p.apply(k, strings.TrimSpace(props[k])); err != nil {
			return fmt.Errorf("property %s: %w", k, err)
		}
	}
	return p.finish()
}

// propParser carries what one key implies for another (the JAAS module picks a mechanism).
type propParser struct {
	cfg        *Cluster
	jaasModule string // "plain", "scram", "oauthbearer" or "iam" when sasl.jaas.config was given
	mskOAuth   bool   // OAUTHBEARER tokens from Amazon's MSK IAM signer
}

func (p *propParser) sasl() *SASL {
	if p.cfg.SASL == nil {
		p.cfg.SASL = &SASL{}
	}
	return p.cfg.SASL
}

func (p *propParser) tls() *TLS {
	if p.cfg.TLS == nil {
		p.cfg.TLS = &TLS{}
	}
	return p.cfg.TLS
}

func (p *propParser) registry() *Registry {
	if p.cfg.SchemaRegistry == nil {
		p.cfg.SchemaRegistry = &Registry{}
	}
	return p.cfg.SchemaRegistry
}

func (p *propParser) apply(key, v string) error {
	switch key {
	case "bootstrap.servers", "metadata.broker.list":
		p.cfg.Brokers = nil
		for _, b := range strings.Split(v, ",") {
			if b = strings.TrimSpace(b); b != "" {
				p.cfg.Brokers = append(p.cfg.Brokers, b)
			}
		}
	case "security.protocol":
		return p.securityProtocol(v)
	case "sasl.mechanism", "sasl.mechanisms":
		m := strings.ToUpper(v)
		if _, err := SASLMechanism(m); err != nil {
			return err
		}
		p.sasl().Mechanism = m
	case "sasl.username":
		p.sasl().Username = v
	case "sasl.password":
		p.sasl().Password = v
	case "sasl.jaas.config":
		return p.jaas(v)
	case "sasl.kerberos.service.name":
		p.sasl().Kerberos.ServiceName = v
	case "sasl.kerberos.principal": // librdkafka
		p.sasl().Kerberos.Principal = v
	case "sasl.kerberos.keytab": // librdkafka
		p.sasl().Kerberos.Keytab = v
	case "sasl.kerberos.kinit.cmd", "sasl.kerberos.min.time.before.relogin", "sasl.kerberos.ticket.renew.jitter",
		"sasl.kerberos.ticket.renew.window.factor":
		// kinit and relogin timing belong to the JVM's and librdkafka's login threads.
		p.cfg.IgnoredProperties = append(p.cfg.IgnoredProperties, key)
	case "sasl.oauthbearer.token.endpoint.url":
		p.sasl().TokenURL = v
	case "sasl.oauthbearer.client.id", "sasl.oauthbearer.client.credentials.client.id":
		p.sasl().ClientID = v
	case "sasl.oauthbearer.client.secret", "sasl.oauthbearer.client.credentials.client.secret":
		p.sasl().ClientSecret = v
	case "sasl.oauthbearer.scope":
		p.sasl().Scope = v
	case "sasl.oauthbearer.method": // librdkafka
		if !strings.EqualFold(v, "oidc") {
			return fmt.Errorf("%q is not supported: kpeek takes OAUTHBEARER tokens from an OIDC provider (oidc)", v)
		}
	case "sasl.client.callback.handler.class":
		// Amazon's IAMClientCallbackHandler goes with AWS_MSK_IAM, which kpeek does itself.
		if v != "software.amazon.msk.auth.iam.IAMClientCallbackHandler" {
			return fmt.Errorf("client callback handler %q cannot be used (kpeek knows software.amazon.msk.auth.iam.IAMClientCallbackHandler)", v)
		}
	case "sasl.login.callback.handler.class":
		// Java's OIDC client-credentials handler and Amazon's MSK IAM OAUTHBEARER handler
		// are what kpeek does; any other class is code kpeek cannot run.
		if v == "software.amazon.msk.auth.iam.IAMOAuthBearerLoginCallbackHandler" {
			p.mskOAuth = true
		} else if !strings.HasSuffix(v, ".OAuthBearerLoginCallbackHandler") {
			return fmt.Errorf("login callback handler %q cannot be used: kpeek supports SASL/OAUTHBEARER through an OIDC token endpoint (sasl.oauthbearer.token.endpoint.url)", v)
		}
	case "ssl.ca.location":
		p.tls().CAFile = v
	case "ssl.certificate.location":
		p.tls().CertFile = v
	case "ssl.key.location":
		p.tls().KeyFile = v
	case "ssl.key.password":
		p.tls().KeyPassword = v
	case "ssl.endpoint.identification.algorithm":
		switch strings.ToLower(v) {
		case "", "none":
			p.tls().SkipHostnameCheck = true
		case "https":
			p.tls().SkipHostnameCheck = false
		default:
			return fmt.Errorf("%q is not a known algorithm (want https or empty)", v)
		}
	case "enable.ssl.certificate.verification":
		b, err := propBool(v)
		if err != nil {
			return err
		}
		p.tls().InsecureSkipVerify = !b
	case "socket.timeout.ms", "request.timeout.ms":
		ms, err := strconv.Atoi(v)
		if err != nil || ms <= 0 {
			return fmt.Errorf("%q is not a positive number of milliseconds", v)
		}
		p.cfg.SocketTimeoutMs = ms
	case "schema.registry.url":
		p.registry().URL = v
	case "basic.auth.user.info", "schema.registry.basic.auth.user.info":
		user, pass, ok := strings.Cut(v, ":")
		if !ok {
			return fmt.Errorf("want user:password")
		}
		p.registry().Username, p.registry().Password = user, pass
	case "bearer.auth.token", "schema.registry.bearer.auth.token":
		p.registry().Token = v
	case "bearer.auth.credentials.source", "schema.registry.bearer.auth.credentials.source":
		switch strings.ToUpper(v) {
		case "STATIC_TOKEN", "OAUTHBEARER":
		default:
			return fmt.Errorf("%q is not supported (want STATIC_TOKEN or OAUTHBEARER)", v)
		}
	case "bearer.auth.issuer.endpoint.url", "schema.registry.bearer.auth.issuer.endpoint.url":
		p.registry().TokenURL = v
	case "bearer.auth.client.id", "schema.registry.bearer.auth.client.id":
		p.registry().ClientID = v
	case "bearer.auth.client.secret", "schema.registry.bearer.auth.client.secret":
		p.registry().ClientSecret = v
	case "bearer.auth.scope", "schema.registry.bearer.auth.scope":
		p.registry().Scope = v
	case "ssl.truststore.location":
		p.tls().TrustStore = v
	case "ssl.truststore.type":
		p.tls().TrustStoreType = v
	case "ssl.truststore.password":
		p.tls().TrustStorePassword = v
	case "ssl.keystore.location":
		p.tls().KeyStore = v
	case "ssl.keystore.type":
		p.tls().KeyStoreType = v
	case "ssl.keystore.password":
		p.tls().KeyStorePassword = v
	case "ssl.ca.pem", "ssl.certificate.pem", "ssl.key.pem", "ssl.keystore.key", "ssl.keystore.certificate.chain",
		"ssl.truststore.certificates":
		return fmt.Errorf("inline PEM is not supported; put it in a file and use the matching *.location property")
	default:
		p.cfg.IgnoredProperties = append(p.cfg.IgnoredProperties, key)
	}
	return nil
}

func (p *propParser) securityProtocol(v string) error {
	switch strings.ToUpper(v) {
	case "PLAINTEXT":
		p.cfg.SASL = nil
		if p.cfg.TLS != nil {
			p.cfg.TLS.Enabled = false
		}
	case "SSL":
		p.cfg.SASL = nil
		p.tls().Enabled = true
	case "SASL_PLAINTEXT":
		p.sasl()
		if p.cfg.TLS != nil {
			p.cfg.TLS.Enabled = false
		}
	case "SASL_SSL":
		p.sasl()
		p.tls().Enabled = true
	default:
		return fmt.Errorf("%q is not one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL", v)
	}
	return nil
}

// jaasOption matches key="value" pairs in a JAAS line; values may contain escaped quotes.
var jaasOption = regexp.MustCompile(`(\w+)\s*=\s*"((?:[^"\\]|\\.)*)"`)

// jaas reads the PlainLoginModule or ScramLoginModule line Java clients use for credentials.
func (p *propParser) jaas(v string) error {
	module, rest, _ := strings.Cut(strings.TrimSpace(v), " ")
	switch {
	case strings.HasSuffix(module, ".PlainLoginModule"):
		p.jaasModule = "plain"
	case strings.HasSuffix(module, ".ScramLoginModule"):
		p.jaasModule = "scram"
	case strings.HasSuffix(module, ".OAuthBearerLoginModule"):
		p.jaasModule = "oauthbearer"
	case module == "software.amazon.msk.auth.iam.IAMLoginModule":
		p.jaasModule = "iam"
	case strings.HasSuffix(module, ".Krb5LoginModule"):
		return p.krb5(rest)
	default:
		return fmt.Errorf("login module %q is not supported (want PlainLoginModule, ScramLoginModule, OAuthBearerLoginModule, Krb5LoginModule or IAMLoginModule)", module)
	}
	s := p.sasl()
	for _, m := range jaasOption.FindAllStringSubmatch(rest, -1) {
		val := strings.NewReplacer(`\"`, `"`, `\\`, `\`).Replace(m[2])
		switch m[1] {
		case "username":
			s.Username = val
		case "password":
			s.Password = val
		case "clientId":
			s.ClientID = val
		case "clientSecret":
			s.ClientSecret = val
		case "scope":
			s.Scope = val
		case "awsProfileName":
			s.AWSProfile = val
		case "awsRoleArn":
			s.AWSRoleARN = val
		case "awsRoleSessionName":
			s.AWSRoleSessionName = val
		case "unsecuredLoginStringClaim_sub":
			return fmt.Errorf("unsecured OAUTHBEARER tokens (unsecuredLoginStringClaim_sub) are for test brokers only; kpeek needs an OIDC token endpoint")
		}
	}
	if p.jaasModule == "oauthbearer" || p.jaasModule == "iam" {
		return nil // credentials come from other properties or from AWS
	}
	if s.Username == "" {
		return fmt.Errorf(`no username="..." in the login module options`)
	}
	return nil
}

// krb5Option matches key=value or key="value" options of a Krb5LoginModule line.
var krb5Option = regexp.MustCompile(`(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s;"]+))`)

// krb5 reads Java's Krb5LoginModule options: useKeyTab with keyTab and principal, or
// useTicketCache with an optional ticketCache.
func (p *propParser) krb5(options string) error {
	p.jaasModule = "gssapi"
	k := &p.sasl().Kerberos
	useKeyTab, useCache := false, false
	for _, m := range krb5Option.FindAllStringSubmatch(options, -1) {
		val := m[3]
		if m[2] != "" || m[3] == "" {
			val = strings.NewReplacer(`\"`, `"`, `\\`, `\`).Replace(m[2])
		}
		switch m[1] {
		case "useKeyTab":
			useKeyTab = strings.EqualFold(val, "true")
		case "useTicketCache":
			useCache = strings.EqualFold(val, "true")
		case "keyTab":
			k.Keytab = val
		case "principal":
			k.Principal = val
		case "ticketCache":
			k.TicketCache = val
		}
	}
	switch {
	case useKeyTab && k.Keytab == "":
		return errors.New(`Krb5LoginModule useKeyTab=true needs keyTab="..."`)
	case useKeyTab && k.Principal == "":
		return errors.New(`Krb5LoginModule useKeyTab=true needs principal="user@REALM"`)
	case !useKeyTab:
		k.Keytab = ""
		if !useCache {
			return errors.New("Krb5LoginModule needs useKeyTab=true (with keyTab and principal) or useTicketCache=true: kpeek cannot prompt for a Kerberos password")
		}
	}
	return nil
}

// finish settles what depends on several keys: the mechanism a JAAS module implies.
func (p *propParser) finish() error {
	s := p.cfg.SASL
	if s == nil {
		return nil
	}
	switch p.jaasModule {
	case "plain":
		if s.Mechanism == "" {
			s.Mechanism = "PLAIN"
		}
	case "scram":
		if s.Mechanism == "" {
			return fmt.Errorf("property sasl.jaas.config uses ScramLoginModule: set sasl.mechanism to SCRAM-SHA-256 or SCRAM-SHA-512")
		}
	case "oauthbearer":
		if s.Mechanism == "" {
			s.Mechanism = "OAUTHBEARER"
		}
	case "iam":
		if s.Mechanism == "" {
			s.Mechanism = "AWS_MSK_IAM"
		}
	case "gssapi":
		if s.Mechanism == "" {
			s.Mechanism = "GSSAPI"
		}
	}
	// Amazon's OAUTHBEARER handler is MSK IAM over the OAUTHBEARER mechanism: the same
	// signed token either way.
	if p.mskOAuth && strings.EqualFold(s.Mechanism, "OAUTHBEARER") {
		s.Mechanism = "AWS_MSK_IAM"
	}
	if strings.EqualFold(s.Mechanism, "OAUTHBEARER") {
		return s.OIDC.Check("SASL OAUTHBEARER")
	}
	return nil
}

func propBool(v string) (bool, error) {
	switch strings.ToLower(v) {
	case "true", "1", "yes":
		return true, nil
	case "false", "0", "no":
		return false, nil
	}
	return false, fmt.Errorf("%q is not true or false", v)
}

// defaultSocketTimeout is how long a broker may stay silent before kpeek says so.
const defaultSocketTimeout = 10 * time.Second

// SocketTimeout is how long one request may wait for a broker's answer.
func (c Connection) SocketTimeout() time.Duration {
	if c.SocketTimeoutMs > 0 {
		return time.Duration(c.SocketTimeoutMs) * time.Millisecond
	}
	return defaultSocketTimeout
}
