package kafka

// This file is the contract between the config file, main.go and the packages.

// Config is the whole kpeek config file.
type Config struct {
	// Default names the cluster used when no -c/-b/--demo is given.
	Default  string                   `yaml:"default"`
	Clusters map[string]ClusterConfig `yaml:"clusters"`
	Explorer ExplorerConfig           `yaml:"explorer"`
}

// ExplorerConfig tunes the explorer.
type ExplorerConfig struct {
	// MaxRecords caps the records one messages pane holds (default 1,000,000); beyond it
	// the oldest are dropped with a visible notice.
	MaxRecords int `yaml:"max_records"`
}

// ClusterConfig is how to reach one cluster and the services beside it.
// String fields marked "secret" hold references (${ENV}, file:/path), resolved at connect time.
type ClusterConfig struct {
	Name           string                 `yaml:"-"`
	Brokers        []string               `yaml:"brokers"`
	TLS            *TLSConfig             `yaml:"tls"`
	SASL           *SASLConfig            `yaml:"sasl"`
	SchemaRegistry *RegistryConfig        `yaml:"schema_registry"`
	Splunk         *SplunkConfig          `yaml:"splunk"`
	Topics         map[string]TopicFormat `yaml:"topics"`

	// IgnoredProperties lists client properties ParseProperties saw but kpeek does not use
	// (group.id, client.id, ...); New logs them at debug level.
	IgnoredProperties []string `yaml:"-"`
}

// TLSConfig turns TLS on for a connection.
type TLSConfig struct {
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
}

// SASLConfig selects a SASL mechanism: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512.
type SASLConfig struct {
	Mechanism string `yaml:"mechanism"`
	Username  string `yaml:"username"`
	Password  string `yaml:"password"` // secret
}

// RegistryConfig is a Confluent-compatible schema registry.
type RegistryConfig struct {
	URL      string     `yaml:"url"`
	Username string     `yaml:"username"`
	Password string     `yaml:"password"` // secret
	Token    string     `yaml:"token"`    // secret, bearer
	TLS      *TLSConfig `yaml:"tls"`
}

// SplunkConfig is the default Splunk HEC destination for exports.
type SplunkConfig struct {
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
