package config

import (
	"bytes"
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/pavlo-v-chernykh/keystore-go/v4"
	"software.sslmate.com/src/go-pkcs12"
)

// Java key stores (ssl.truststore.* and ssl.keystore.* in a client.properties) are read
// with kept implementations: pavlo-v-chernykh/keystore-go for JKS, sslmate's go-pkcs12
// for PKCS12. Like Java's "dual format" JKS provider, the format is recognised from the
// file's bytes, so a store whose declared type is wrong still loads; PEM files (Kafka's
// ssl.*.type=PEM) are accepted too.

// storeFormat is a key store's format, recognised from its first bytes.
type storeFormat string

const (
	storeJKS    storeFormat = "JKS"
	storeJCEKS  storeFormat = "JCEKS"
	storePKCS12 storeFormat = "PKCS12"
	storePEM    storeFormat = "PEM"
)

func detectStore(b []byte) (storeFormat, error) {
	switch {
	case bytes.HasPrefix(b, []byte{0xfe, 0xed, 0xfe, 0xed}):
		return storeJKS, nil
	case bytes.HasPrefix(b, []byte{0xce, 0xce, 0xce, 0xce}):
		return storeJCEKS, nil
	case len(b) > 0 && b[0] == 0x30: // a DER SEQUENCE: PKCS#12 PFX
		return storePKCS12, nil
	case bytes.Contains(b, []byte("-----BEGIN ")):
		return storePEM, nil
	}
	return "", errors.New("not a JKS, PKCS12 or PEM key store")
}

// readStore reads a store file and recognises its format; declared is the ssl.*.type
// the user gave ("" for none), checked only for a type kpeek cannot read.
func readStore(path, declared string) ([]byte, storeFormat, error) {
	switch strings.ToUpper(strings.TrimSpace(declared)) {
	case "", "JKS", "PKCS12", "PEM":
	default:
		return nil, "", fmt.Errorf("%s: store type %q is not supported (JKS, PKCS12 or PEM)", path, declared)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, "", fmt.Errorf("read key store: %w", err)
	}
	f, err := detectStore(b)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", path, err)
	}
	if f == storeJCEKS {
		return nil, "", fmt.Errorf("%s: JCEKS stores are not supported; convert it with keytool -importkeystore -deststoretype PKCS12", path)
	}
	return b, f, nil
}

// LoadTrustStore reads the CA certificates of a JKS, PKCS12 or PEM trust store. The
// password is needed for JKS and PKCS12: it is what proves the store was not altered.
func LoadTrustStore(path, storeType, password string) (*x509.CertPool, error) {
	b, f, err := readStore(path, storeType)
	if err != nil {
		return nil, err
	}
	var certs []*x509.Certificate
	switch f {
	case storePEM:
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(b) {
			return nil, fmt.Errorf("%s: no PEM certificate in the trust store", path)
		}
		return pool, nil
	case storeJKS:
		ks, err := loadJKS(b, path, password)
		if err != nil {
			return nil, err
		}
		for _, alias := range ks.Aliases() {
			switch {
			case ks.IsTrustedCertificateEntry(alias):
				e, err := ks.GetTrustedCertificateEntry(alias)
				if err != nil {
					return nil, fmt.Errorf("%s: entry %q: %w", path, alias, err)
				}
				c, err := x509.ParseCertificate(e.Certificate.Content)
				if err != nil {
					return nil, fmt.Errorf("%s: entry %q: %w", path, alias, err)
				}
				certs = append(certs, c)
			case ks.IsPrivateKeyEntry(alias):
				// Java trusts the chain of a key entry in a trust store too.
				chain, err := ks.GetPrivateKeyEntryCertificateChain(alias)
				if err != nil {
					return nil, fmt.Errorf("%s: entry %q: %w", path, alias, err)
				}
				for _, cc := range chain {
					if c, err := x509.ParseCertificate(cc.Content); err == nil {
						certs = append(certs, c)
					}
				}
			}
		}
	case storePKCS12:
		if password == "" {
			return nil, fmt.Errorf("%s: ssl.truststore.password is needed to read a PKCS12 trust store", path)
		}
		certs, err = pkcs12.DecodeTrustStore(b, password)
		if err != nil {
			// A PKCS12 file holding a key and its chain is also used as a trust store.
			_, leaf, chain, cerr := pkcs12.DecodeChain(b, password)
			if cerr != nil {
				return nil, fmt.Errorf("%s: %w", path, storeError(err))
			}
			certs = append([]*x509.Certificate{leaf}, chain...)
		}
	}
	if len(certs) == 0 {
		return nil, fmt.Errorf("%s: the trust store holds no certificate", path)
	}
	pool := x509.NewCertPool()
	for _, c := range certs {
		pool.AddCert(c)
	}
	return pool, nil
}

// LoadKeyStore reads the client certificate chain and private key of a JKS, PKCS12 or
// PEM key store for mutual TLS. keyPassword defaults to the store password, as in Java.
func LoadKeyStore(path, storeType, storePassword, keyPassword string) (tls.Certificate, error) {
	b, f, err := readStore(path, storeType)
	if err != nil {
		return tls.Certificate{}, err
	}
	if keyPassword == "" {
		keyPassword = storePassword
	}
	switch f {
	case storePEM:
		cert, err := tls.X509KeyPair(b, b)
		if err != nil {
			return tls.Certificate{}, fmt.Errorf("%s: %w", path, err)
		}
		return cert, nil
	case storeJKS:
		ks, err := loadJKS(b, path, storePassword)
		if err != nil {
			return tls.Certificate{}, err
		}
		for _, alias := range ks.Aliases() {
			if !ks.IsPrivateKeyEntry(alias) {
				continue
			}
			e, err := ks.GetPrivateKeyEntry(alias, []byte(keyPassword))
			if err != nil {
				return tls.Certificate{}, fmt.Errorf("%s: key %q: %w (is ssl.key.password right?)", path, alias, err)
			}
			key, err := x509.ParsePKCS8PrivateKey(e.PrivateKey)
			if err != nil {
				return tls.Certificate{}, fmt.Errorf("%s: key %q: %w", path, alias, err)
			}
			cert := tls.Certificate{PrivateKey: key}
			for _, c := range e.CertificateChain {
				cert.Certificate = append(cert.Certificate, c.Content)
			}
			return finishCertificate(path, cert)
		}
		return tls.Certificate{}, fmt.Errorf("%s: the key store holds no private key entry", path)
	default: // PKCS12
		if storePassword == "" {
			return tls.Certificate{}, fmt.Errorf("%s: ssl.keystore.password is needed to read a PKCS12 key store", path)
		}
		key, leaf, chain, err := pkcs12.DecodeChain(b, storePassword)
		if err != nil {
			return tls.Certificate{}, fmt.Errorf("%s: %w", path, storeError(err))
		}
		cert := tls.Certificate{PrivateKey: key.(crypto.PrivateKey), Certificate: [][]byte{leaf.Raw}}
		for _, c := range chain {
			cert.Certificate = append(cert.Certificate, c.Raw)
		}
		return finishCertificate(path, cert)
	}
}

func loadJKS(b []byte, path, password string) (keystore.KeyStore, error) {
	if password == "" {
		return keystore.KeyStore{}, fmt.Errorf("%s: the store password is needed to read a JKS store (it proves the store was not altered)", path)
	}
	ks := keystore.New(keystore.WithOrderedAliases(), keystore.WithCaseExactAliases())
	if err := ks.Load(bytes.NewReader(b), []byte(password)); err != nil {
		return keystore.KeyStore{}, fmt.Errorf("%s: %w", path, storeError(err))
	}
	return ks, nil
}

// finishCertificate checks that the key matches the leaf certificate, as tls.X509KeyPair
// does for PEM files, so a wrong entry fails here instead of in the handshake.
func finishCertificate(path string, cert tls.Certificate) (tls.Certificate, error) {
	if len(cert.Certificate) == 0 {
		return tls.Certificate{}, fmt.Errorf("%s: the key entry has no certificate", path)
	}
	leaf, err := x509.ParseCertificate(cert.Certificate[0])
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("%s: %w", path, err)
	}
	pub, ok := leaf.PublicKey.(interface{ Equal(crypto.PublicKey) bool })
	signer, sok := cert.PrivateKey.(crypto.Signer)
	if !ok || !sok || !pub.Equal(signer.Public()) {
		return tls.Certificate{}, fmt.Errorf("%s: the private key does not match its certificate", path)
	}
	cert.Leaf = leaf
	return cert, nil
}

// storeError says "wrong password" when that is what a store library's error means.
func storeError(err error) error {
	msg := err.Error()
	switch {
	case errors.Is(err, pkcs12.ErrIncorrectPassword),
		strings.Contains(msg, "got invalid digest"),
		strings.Contains(msg, "incorrect password"):
		return errors.New("wrong store password (or the store was altered)")
	}
	return err
}
