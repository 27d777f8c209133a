// Package config owns kpeek's configuration: the YAML config file (clusters, explorer, Splunk,
// schema registry, per-topic formats), choosing a cluster from the command line (-b, -c, -X, -F),
// Java/librdkafka client properties, secret references (${ENV}, file:/path) and the one TLS
// builder every connection (brokers, schema registry, Splunk HEC) uses.
//
// Other packages take only the part they need: kafka a Connection, decode a Registry and
// TopicFormats, export a Splunk.
package config

import (
	"fmt"
	"strings"
)

// File is the whole kpeek config file.
type File struct {
	// Default names the cluster used when no -c/-b/--demo is given.
	Default  string             `yaml:"default"`
	Clusters map[string]Cluster `yaml:"clusters"`
	Explorer Explorer           `yaml:"explorer"`

	// Path is the file this was read from ("" when none), for messages that must say which.
	Path string `yaml:"-"`
}

// Explorer tunes the explorer.
type Explorer struct {
	// MaxRecords caps the records one messages pane holds (default 1,000,000); beyond it
	// the oldest are dropped with a visible notice.
	MaxRecords int `yaml:"max_records"`
}

// Cluster is how to reach one cluster and the services beside it.
// String fields marked "secret" hold references (${ENV}, file:/path), resolved at connect time.
type Cluster struct {
	Connection     `yaml:",inline"`
	SchemaRegistry *Registry              `yaml:"schema_registry"`
	Splunk         *Splunk                `yaml:"splunk"`
	Topics         map[string]TopicFormat `yaml:"topics"`
}

// Connection is what the Kafka client needs to reach the brokers, and nothing else.
type Connection struct {
	Name    string   `yaml:"-"`
	Brokers []string `yaml:"brokers"`
	TLS     *TLS     `yaml:"tls"`
	SASL    *SASL    `yaml:"sasl"`
	// SocketTimeoutMs bounds each request to a broker and the wait for the brokers to answer
	// on connect (librdkafka's socket.timeout.ms); 0 means 10 s.
	SocketTimeoutMs int `yaml:"socket_timeout_ms"`

	// IgnoredProperties lists client properties ParseProperties saw but kpeek does not use
	// (group.id, client.id, ...); the Kafka client logs them at debug level.
	IgnoredProperties []string `yaml:"-"`
}

// TLS turns TLS on for a connection.
type TLS struct {
	Enabled            bool   `yaml:"enabled"`
	CAFile             string `yaml:"ca_file"`
	CertFile           string `yaml:"cert_file"`
	KeyFile            string `yaml:"key_file"`
	KeyPassword        string `yaml:"key_password"` // secret
	ServerName         string `yaml:"server_name"`
	InsecureSkipVerify bool   `yaml:"insecure_skip_verify"`
	// SkipHostnameCheck verifies the certificate chain but not that it names the broker
	// (ssl.endpoint.identification.algorithm= empty in Java clients).
	SkipHostnameCheck bool `yaml:"skip_hostname_check"`

	// Java key stores, instead of PEM files (ssl.truststore.* / ssl.keystore.*): JKS or
	// PKCS12, recognised from the file; the type, when given, must be JKS, PKCS12 or PEM.
	TrustStore         string `yaml:"truststore_file"`
	TrustStoreType     string `yaml:"truststore_type"`
	TrustStorePassword string `yaml:"truststore_password"` // secret
	KeyStore           string `yaml:"keystore_file"`
	KeyStoreType       string `yaml:"keystore_type"`
	KeyStorePassword   string `yaml:"keystore_password"` // secret; KeyPassword unlocks the key if it differs
}

// SASL selects a SASL mechanism: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER with an
// OIDC provider's client-credentials grant, AWS_MSK_IAM (Amazon MSK's IAM access control), or
// GSSAPI (Kerberos).
type SASL struct {
	Mechanism string `yaml:"mechanism"`
	Username  string `yaml:"username"`
	Password  string `yaml:"password"` // secret

	OIDC `yaml:",inline"` // OAUTHBEARER's token source

	// AWS_MSK_IAM: IAM credentials from the standard chain (environment, shared profile,
	// container/instance role), a named profile, or a role to assume.
	AWSRegion          string `yaml:"aws_region"` // default $AWS_REGION, else the region in the broker host name
	AWSProfile         string `yaml:"aws_profile"`
	AWSRoleARN         string `yaml:"aws_role_arn"`
	AWSRoleSessionName string `yaml:"aws_role_session_name"`

	// GSSAPI (Kerberos): a keytab, else the ticket cache (kinit), else Username/Password.
	Kerberos Kerberos `yaml:"kerberos"`
}

// Kerberos is how a GSSAPI login finds its credentials and the brokers' service principal.
type Kerberos struct {
	ServiceName string `yaml:"service_name"` // the brokers' principal is SERVICE/host; default "kafka"
	Principal   string `yaml:"principal"`    // user@REALM (a keytab's principal)
	Keytab      string `yaml:"keytab"`
	TicketCache string `yaml:"ticket_cache"` // default $KRB5CCNAME, else /tmp/krb5cc_<uid>
	Config      string `yaml:"krb5_config"`  // default $KRB5_CONFIG, else /etc/krb5.conf
}

// Registry is a Confluent-compatible schema registry.
type Registry struct {
	URL      string `yaml:"url"`
	Username string `yaml:"username"`
	Password string `yaml:"password"` // secret
	Token    string `yaml:"token"`    // secret, bearer
	TLS      *TLS   `yaml:"tls"`
	// OIDC, when its token_url is set, gets bearer tokens from a client-credentials grant.
	OIDC `yaml:",inline"`
}

// Splunk is the default Splunk HEC destination for exports.
type Splunk struct {
	URL        string `yaml:"url"`
	Token      string `yaml:"token"` // secret
	Index      string `yaml:"index"`
	Sourcetype string `yaml:"sourcetype"`
	Source     string `yaml:"source"`
	CAFile     string `yaml:"ca_file"`
}

// TopicFormat overrides decoding for one topic.
type TopicFormat struct {
	KeyFormat    string `yaml:"key_format"`   // auto|avro|protobuf|json|string|hex|base64
	ValueFormat  string `yaml:"value_format"` // same
	KeySchema    string `yaml:"key_schema"`   // local .avsc or .proto file
	ValueSchema  string `yaml:"value_schema"` // local .avsc or .proto file
	KeyMessage   string `yaml:"key_message"`  // protobuf message name for KeySchema
	ValueMessage string `yaml:"value_message"`
}

// SASLMechanism returns the canonical name of a supported SASL mechanism (empty means PLAIN),
// or an error naming the ones kpeek supports.
func SASLMechanism(m string) (string, error) {
	switch u := strings.ToUpper(m); u {
	case "", "PLAIN":
		return "PLAIN", nil
	case "SCRAM-SHA-256", "SCRAM-SHA-512", "OAUTHBEARER", "AWS_MSK_IAM", "GSSAPI":
		return u, nil
	}
	return "", fmt.Errorf("SASL mechanism %q is not supported (want PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER, AWS_MSK_IAM or GSSAPI)", m)
}
