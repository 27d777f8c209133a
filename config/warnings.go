package config

import (
	"net/url"
	"strings"
)

// Warnings lists the security downgrades in a cluster's settings, one sentence each:
// certificate or hostname verification switched off, and passwords, tokens or client
// secrets that would cross the network in clear text. The command line prints them on
// stderr and the explorer shows them in its status line; they are data so both say the same.
func (c Cluster) Warnings() []string {
	out := c.Connection.Warnings()
	if r := c.SchemaRegistry; r != nil {
		for _, u := range strings.Split(r.URL, ",") {
			u = strings.TrimSpace(u)
			if r.TLS != nil && (r.TLS.Enabled || strings.HasPrefix(u, "https://")) {
				out = append(out, r.TLS.warnings("the schema registry")...)
			}
			if (r.Username != "" || r.Token != "") && plainHTTP(u) {
				out = append(out, "the schema registry password or token is sent to "+hostOf(u)+" over plain http")
			}
			break // the registry client uses the first URL
		}
		if r.TokenURL != "" {
			out = append(out, r.OIDC.warnings("the schema registry")...)
		}
	}
	if s := c.Splunk; s != nil && plainHTTP(s.URL) {
		out = append(out, "the Splunk HEC token is sent to "+hostOf(s.URL)+" over plain http")
	}
	return out
}

// Warnings lists the security downgrades in how kpeek reaches the brokers.
func (c Connection) Warnings() []string {
	var out []string
	if c.TLS.On() {
		out = append(out, c.TLS.warnings("the brokers")...)
	}
	if c.SASL != nil {
		if m, err := SASLMechanism(c.SASL.Mechanism); err == nil && m == "PLAIN" && !c.TLS.On() {
			out = append(out, WarnPlainWithoutTLS)
		}
		if c.SASL.TokenURL != "" {
			out = append(out, c.SASL.OIDC.warnings("SASL OAUTHBEARER")...)
		}
	}
	return out
}

// WarnPlainWithoutTLS is the warning for SASL PLAIN over a plaintext connection.
const WarnPlainWithoutTLS = "SASL PLAIN without TLS: the password crosses the network in clear text"

// warnings says which verification these settings switch off for peer.
func (t *TLS) warnings(peer string) []string {
	switch {
	case t == nil:
		return nil
	case t.InsecureSkipVerify:
		return []string{"TLS certificate verification is OFF for " + peer + ": its identity is not checked, " +
			"anyone on the path could read this session"}
	case t.SkipHostnameCheck:
		return []string{"TLS hostname verification is OFF for " + peer + ": any certificate from the trusted CA is accepted"}
	}
	return nil
}

// warnings says when the client secret would travel over plain http; user names who asks.
func (o OIDC) warnings(user string) []string {
	if plainHTTP(o.TokenURL) {
		return []string{"the " + user + " client secret is sent to " + hostOf(o.TokenURL) + " over plain http"}
	}
	return nil
}

// plainHTTP reports an http:// URL to a host other than this machine.
func plainHTTP(raw string) bool {
	u, err := url.Parse(strings.TrimSpace(raw))
	return err == nil && u.Scheme == "http" && u.Host != "" && !isLoopback(u.Hostname())
}

func hostOf(raw string) string {
	if u, err := url.Parse(strings.TrimSpace(raw)); err == nil && u.Host != "" {
		return u.Host
	}
	return "?"
}
