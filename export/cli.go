package export

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/kpeek/kpeek/config"
)

// Rate is records written per second so far; 0 before any.
func (p Progress) Rate() float64 {
	if s := p.Elapsed.Seconds(); s > 0 && p.Written > 0 {
		return float64(p.Written) / s
	}
	return 0
}

// ETA is the time left at the current rate, rounded to seconds; 0 when unknown or done.
func (p Progress) ETA() time.Duration {
	rate := p.Rate()
	left := p.Total - p.Written
	if rate <= 0 || left <= 0 {
		return 0
	}
	return (time.Duration(float64(left)/rate) * time.Second).Round(time.Second)
}

// TokenEnv is the environment variable the Splunk HEC token is read from.
const TokenEnv = "KPEEK_SPLUNK_TOKEN"

// ErrNoHECToken means no Splunk HEC token was given in any of the accepted ways.
var ErrNoHECToken = errors.New("no Splunk HEC token: set " + TokenEnv + ", use --splunk-token-file, or put a reference in the config")

// HECToken finds the HEC token: a file, then $KPEEK_SPLUNK_TOKEN, then the config's
// reference (${ENV} or file:/path). Tokens are never taken as flag values.
func HECToken(file, configRef string) (string, error) {
	switch {
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return "", fmt.Errorf("read Splunk token file: %w", err)
		}
		return strings.TrimSpace(string(b)), nil
	case os.Getenv(TokenEnv) != "":
		return os.Getenv(TokenEnv), nil
	case configRef != "":
		tok, err := config.ResolveSecret(configRef)
		if err != nil {
			return "", fmt.Errorf("splunk token: %w", err)
		}
		return tok, nil
	}
	return "", ErrNoHECToken
}

// WithDefaults fills what h leaves unset (and the URL) from a cluster's configured Splunk destination.
func (h HECOptions) WithDefaults(c config.Splunk) HECOptions {
	h.URL = c.URL
	if h.Index == "" {
		h.Index = c.Index
	}
	if c.Sourcetype != "" && (h.Sourcetype == "" || h.Sourcetype == "_json") {
		h.Sourcetype = c.Sourcetype
	}
	if h.Source == "" {
		h.Source = c.Source
	}
	if h.CAFile == "" {
		h.CAFile = c.CAFile
	}
	return h
}

// ProgressLine is a one-line progress report for a terminal.
func ProgressLine(p Progress) string {
	s := fmt.Sprintf("export: %d/%d written, %d confirmed, %d failed, %.0f rec/s",
		p.Written, p.Total, p.Acked, p.Failed, p.Rate())
	if eta := p.ETA(); eta > 0 {
		s += ", ETA " + eta.String()
	}
	return s
}

// Report is how the export ended, as lines for a person: counts, duplicates, leftovers.
func (s Summary) Report() []string {
	if s.Destination == "" && s.Selected == 0 && s.Spool == "" {
		return nil
	}
	lines := []string{fmt.Sprintf("export: %d selected, %d written, %d confirmed, %d failed -> %s",
		s.Selected, s.Written, s.Acked, s.Failed, s.Destination)}
	if s.Unacked > 0 {
		lines = append(lines, fmt.Sprintf("export: %d records were delivered WITHOUT acknowledgement: "+
			"the collector returned no ackId although --ack was asked", s.Unacked))
	}
	if s.AckTimeouts > 0 {
		lines = append(lines, fmt.Sprintf("export: %d records may have been delivered twice (acknowledgement timed out)", s.AckTimeouts))
	}
	if cut := s.Duplicates - s.AckTimeouts; cut > 0 {
		lines = append(lines, fmt.Sprintf("export: %d records may have been delivered twice "+
			"(a request was cut off: the collector may have taken them before the cut)", cut))
	}
	if s.Crashed > 0 {
		lines = append(lines, fmt.Sprintf("export: %d records were in flight when the previous run died without closing "+
			"its spool: they may have been delivered twice", s.Crashed))
	}
	switch {
	case s.RootDigest != "" && s.Signer != "":
		lines = append(lines, fmt.Sprintf("export: bundle root digest %s, sealed by %s (write both into the case ticket)", s.RootDigest, s.Signer))
	case s.RootDigest != "":
		lines = append(lines, fmt.Sprintf("export: file digest %s (write it into the case ticket)", s.RootDigest))
	}
	if s.Spool != "" {
		finish := s.ResumeWith
		if finish == "" {
			finish = "kpeek export --resume " + s.Spool
		}
		what := "unconfirmed records are"
		if s.Unread > 0 {
			what = fmt.Sprintf("unconfirmed records and where reading stopped (%d records not read yet) are", s.Unread)
		}
		lines = append(lines, fmt.Sprintf("export: %s in %s; finish with: %s", what, s.Spool, finish))
	}
	return lines
}

// AddAuditDetails records how an export ended in an audit entry's details d: the counts,
// the root digest and signer of sealed evidence, the spool left behind, and the result
// ("ok" or the error). The CLI and the explorer log their exports through it alike.
func (s Summary) AddAuditDetails(d map[string]string, err error) {
	d["selected"], d["written"] = strconv.FormatInt(s.Selected, 10), strconv.FormatInt(s.Written, 10)
	d["confirmed"], d["failed"] = strconv.FormatInt(s.Acked, 10), strconv.FormatInt(s.Failed, 10)
	if s.RootDigest != "" {
		d["root_digest"], d["signer"] = s.RootDigest, s.Signer
	}
	if s.Spool != "" {
		d["spool"] = s.Spool
	}
	d["result"] = "ok"
	if err != nil {
		d["result"] = err.Error()
	}
}
