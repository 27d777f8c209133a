package export

import (
	"net/url"
	"regexp"
	"runtime/debug"
	"strings"
	"time"

	"github.com/kpeek/kpeek/kafka"
)

// Provenance is how a capture was made, recorded in the bundle's manifest: the command
// as typed (secrets removed), the absolute window behind relative times, the clock and
// zone it was read with, the exact build, and the broker's TLS identity.
type Provenance struct {
	CommandLine []string   `json:"command_line"`
	WindowFrom  *time.Time `json:"window_from"` // --from resolved to a time; null when it is an offset or a position
	WindowTo    *time.Time `json:"window_to"`   // --to resolved to a time; null when it is an offset or the end
	ResolvedAt  time.Time  `json:"resolved_at"` // the clock relative times were resolved against
	TimeZone    string     `json:"time_zone"`   // the analyst's local zone, e.g. "Europe/Paris (CET, UTC+01:00)"
	Build       Build      `json:"build"`
	// BrokerCertificates are the TLS certificates the brokers presented; empty without TLS.
	BrokerCertificates []kafka.PeerCertificate `json:"broker_tls_certificates"`
	// AuditEntry is the analyst's audit log entry that records this export (kpeek audit).
	AuditEntry string `json:"audit_entry,omitempty"`
}

// Build identifies the kpeek binary that made a capture.
type Build struct {
	Version      string `json:"version"`
	Revision     string `json:"vcs_revision"` // the commit it was built from; says so when unknown
	RevisionTime string `json:"vcs_time,omitempty"`
	Modified     bool   `json:"vcs_modified"` // built with uncommitted changes
	GoVersion    string `json:"go_version"`
}

// NewProvenance describes a capture made now by the command line args (without the
// program name) reading req.
func NewProvenance(args []string, req kafka.ReadRequest, version string, now time.Time) Provenance {
	p := Provenance{CommandLine: append([]string{"kpeek"}, RedactArgs(args)...), ResolvedAt: now.UTC(),
		TimeZone: zoneName(now), Build: CurrentBuild(version), BrokerCertificates: []kafka.PeerCertificate{}}
	if req.From.Kind == kafka.StartTime {
		t := req.From.Time.UTC()
		p.WindowFrom = &t
	}
	if req.To.Kind == kafka.StopTime {
		t := req.To.Time.UTC()
		p.WindowTo = &t
	}
	return p
}

func zoneName(now time.Time) string {
	name, _ := now.Zone()
	return time.Local.String() + " (" + name + ", UTC" + now.Format("-07:00") + ")"
}

// CurrentBuild reads this binary's version control stamp, which go build records in a clone.
func CurrentBuild(version string) Build {
	b := Build{Version: version, Revision: "unknown: built without version control information (go run, go test or -buildvcs=false)"}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return b
	}
	b.GoVersion = info.GoVersion
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			b.Revision = s.Value
		case "vcs.time":
			b.RevisionTime = s.Value
		case "vcs.modified":
			b.Modified = s.Value == "true"
		}
	}
	return b
}

// redactedValue replaces a secret in a command line.
const redactedValue = "[REDACTED]"

// userinfoPassword finds the password of a URL's user info (scheme://user:password@host).
var userinfoPassword = regexp.MustCompile(`(://[^/@:\s]*):([^@/\s]*)@`)

// RedactArgs returns a command line fit to keep in a manifest or a log: values of
// client properties and flags that carry secrets (passwords, tokens, keys, JAAS lines)
// and passwords inside URLs are replaced by [REDACTED].
func RedactArgs(args []string) []string {
	out := make([]string, len(args))
	const (
		plain = iota
		property
		secret
	)
	next := plain
	for i, a := range args {
		switch {
		case next == property:
			out[i], next = redactProperty(a), plain
		case next == secret:
			out[i], next = redactedValue, plain
		case a == "-X" || a == "--property":
			out[i], next = a, property
		case strings.HasPrefix(a, "--property="):
			out[i] = "--property=" + redactProperty(strings.TrimPrefix(a, "--property="))
		case strings.HasPrefix(a, "-X"):
			out[i] = "-X" + redactProperty(strings.TrimPrefix(strings.TrimPrefix(a, "-X"), "="))
		case strings.HasPrefix(a, "--") && isSecretName(a):
			if name, _, ok := strings.Cut(a, "="); ok {
				out[i] = name + "=" + redactedValue
			} else {
				out[i], next = a, secret
			}
		default:
			out[i] = redactURLPassword(a)
		}
	}
	return out
}

// redactProperty redacts key=value (or the key:value typo) when the key bears a secret.
func redactProperty(kv string) string {
	i := strings.IndexAny(kv, "=:")
	if i < 0 {
		if isSecretName(kv) {
			return redactedValue
		}
		return redactURLPassword(kv)
	}
	if isSecretName(kv[:i]) {
		return kv[:i+1] + redactedValue
	}
	return kv[:i+1] + redactURLPassword(kv[i+1:])
}

// isSecretName reports property and flag names whose values are secrets.
func isSecretName(name string) bool {
	n := strings.ToLower(name)
	for _, s := range []string{"password", "passwd", "secret", "token", "jaas", "credential", "user.info", "userinfo", "api.key", "apikey", "private"} {
		if strings.Contains(n, s) {
			return true
		}
	}
	return strings.HasSuffix(n, ".key") || strings.HasSuffix(n, "-key")
}

// redactURLPassword removes the password from URLs in s.
func redactURLPassword(s string) string {
	if !strings.Contains(s, "://") {
		return s
	}
	if u, err := url.Parse(s); err == nil && u.User != nil {
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), "REDACTED")
			return strings.Replace(u.String(), ":REDACTED@", ":"+redactedValue+"@", 1)
		}
		return s
	}
	return userinfoPassword.ReplaceAllString(s, "${1}:"+redactedValue+"@")
}
