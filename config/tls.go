package config

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
)

// On reports whether the settings ask for TLS: enabled, or any CA, certificate or key
// store given.
func (t *TLS) On() bool {
	return t != nil && (t.Enabled || t.CAFile != "" || t.CertFile != "" || t.TrustStore != "" || t.KeyStore != "")
}

// Build turns the TLS settings into a crypto/tls config for a connection to peer ("the
// brokers", "the schema registry", "Splunk"); warnings say which verification the user
// switched off, so the caller can show them. Every TLS connection kpeek makes is built here.
func (t *TLS) Build(peer string) (*tls.Config, []string, error) {
	conf := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: t.ServerName}
	if t.CAFile != "" && t.TrustStore != "" {
		return nil, nil, errors.New("TLS: give either a CA file (ca_file, ssl.ca.location) or a trust store (truststore_file, ssl.truststore.location), not both")
	}
	if t.CertFile != "" && t.KeyStore != "" {
		return nil, nil, errors.New("TLS: give either a client certificate and key (cert_file, ssl.certificate.location) or a key store (keystore_file, ssl.keystore.location), not both")
	}
	if t.TrustStore != "" {
		pass, err := ResolveOptional("trust store password", t.TrustStorePassword)
		if err != nil {
			return nil, nil, err
		}
		if conf.RootCAs, err = LoadTrustStore(t.TrustStore, t.TrustStoreType, pass); err != nil {
			return nil, nil, fmt.Errorf("TLS trust store: %w", err)
		}
	}
	if t.KeyStore != "" {
		storePass, err := ResolveOptional("key store password", t.KeyStorePassword)
		if err != nil {
			return nil, nil, err
		}
		keyPass, err := ResolveOptional("TLS key password", t.KeyPassword)
		if err != nil {
			return nil, nil, err
		}
		cert, err := LoadKeyStore(t.KeyStore, t.KeyStoreType, storePass, keyPass)
		if err != nil {
			return nil, nil, fmt.Errorf("TLS key store: %w", err)
		}
		conf.Certificates = []tls.Certificate{cert}
	}
	if t.CAFile != "" {
		pemBytes, err := os.ReadFile(t.CAFile)
		if err != nil {
			return nil, nil, fmt.Errorf("read TLS CA file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pemBytes) {
			return nil, nil, fmt.Errorf("TLS CA file %s holds no PEM certificate", t.CAFile)
		}
		conf.RootCAs = pool
	}
	if (t.CertFile == "") != (t.KeyFile == "") {
		return nil, nil, errors.New("TLS client authentication needs both a certificate and a key file (cert_file/key_file, ssl.certificate.location/ssl.key.location)")
	}
	if t.CertFile != "" {
		cert, err := loadKeyPair(t.CertFile, t.KeyFile, t.KeyPassword)
		if err != nil {
			return nil, nil, err
		}
		conf.Certificates = []tls.Certificate{cert}
	}
	switch {
	case t.InsecureSkipVerify:
		conf.InsecureSkipVerify = true
	case t.SkipHostnameCheck:
		// Verify the chain ourselves, without the name check crypto/tls would add.
		conf.InsecureSkipVerify = true
		roots := conf.RootCAs
		conf.VerifyConnection = func(cs tls.ConnectionState) error { return verifyChain(cs, roots) }
	}
	return conf, t.warnings(peer), nil
}

// verifyChain checks the peer's certificate chain against roots (nil: the system pool)
// without checking the name in it.
func verifyChain(cs tls.ConnectionState, roots *x509.CertPool) error {
	if len(cs.PeerCertificates) == 0 {
		return errors.New("the server sent no certificate")
	}
	opts := x509.VerifyOptions{Roots: roots, Intermediates: x509.NewCertPool()}
	for _, c := range cs.PeerCertificates[1:] {
		opts.Intermediates.AddCert(c)
	}
	_, err := cs.PeerCertificates[0].Verify(opts)
	return err
}

// loadKeyPair reads a PEM certificate and key; passwordRef unlocks a legacy encrypted PEM key.
func loadKeyPair(certFile, keyFile, passwordRef string) (tls.Certificate, error) {
	certPEM, err := os.ReadFile(certFile)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("read TLS client certificate: %w", err)
	}
	keyPEM, err := os.ReadFile(keyFile)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("read TLS client key: %w", err)
	}
	if keyPEM, err = decryptKey(keyFile, keyPEM, passwordRef); err != nil {
		return tls.Certificate{}, err
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("load TLS client certificate %s and key %s: %w", certFile, keyFile, err)
	}
	return cert, nil
}

// decryptKey returns keyPEM unlocked; a key that is not encrypted is returned as is.
func decryptKey(keyFile string, keyPEM []byte, passwordRef string) ([]byte, error) {
	block, _ := pem.Decode(keyPEM)
	if block == nil {
		return keyPEM, nil // let tls.X509KeyPair say what is wrong with it
	}
	if block.Type == "ENCRYPTED PRIVATE KEY" {
		return nil, fmt.Errorf("TLS client key %s is PKCS#8-encrypted, which Go cannot read; decrypt it with `openssl pkcs8 -in key.pem -out plain.pem`", keyFile)
	}
	//nolint:staticcheck // legacy PEM encryption is what Java/librdkafka users export; no alternative in the standard library
	if !x509.IsEncryptedPEMBlock(block) {
		return keyPEM, nil
	}
	if passwordRef == "" {
		return nil, fmt.Errorf("TLS client key %s is encrypted: set its password (tls.key_password or ssl.key.password)", keyFile)
	}
	password, err := ResolveSecret(passwordRef)
	if err != nil {
		return nil, fmt.Errorf("TLS key password: %w", err)
	}
	//nolint:staticcheck // see above
	der, err := x509.DecryptPEMBlock(block, []byte(password))
	if err != nil {
		return nil, fmt.Errorf("decrypt TLS client key %s: wrong key password or unsupported cipher", keyFile)
	}
	return pem.EncodeToMemory(&pem.Block{Type: block.Type, Bytes: der}), nil
}
