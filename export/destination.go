package export

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/kpeek/kpeek/config"
	"github.com/kpeek/kpeek/kafka"
)

// DefaultSplunk is the HEC URL value that names the cluster's configured Splunk destination.
const DefaultSplunk = "default"

// HECTarget is what an HEC export was given: by flags or by the explorer's dialog.
type HECTarget struct {
	Options   HECOptions     // URL may be DefaultSplunk, or "" for the configured one
	Config    *config.Splunk // the cluster's splunk block; nil when there is none
	Cluster   string         // config name or bootstrap list, for the default source
	Topic     string
	TokenFile string // --splunk-token-file
	Typed     string // a token typed into the explorer; never saved or logged
}

// ErrNoHECURL means neither a URL nor a configured Splunk destination was given.
var ErrNoHECURL = errors.New("no Splunk HEC URL: give one, or put a splunk: block with a url in the cluster's config")

// ErrNoConfiguredSplunk means the configured Splunk destination was asked for and there is none.
var ErrNoConfiguredSplunk = errors.New("has no splunk destination in the config")

// ResolveHEC is the one place HEC exports get their destination: the URL (or the
// configured one), the configured index, sourcetype, source and CA when the destination
// is the configured one, the default source kafka:<cluster>:<topic>, an absolute spool
// folder and the token (see HECToken; a typed token comes before the environment).
func ResolveHEC(t HECTarget) (HECOptions, error) {
	o := t.Options
	o.URL = strings.TrimSpace(o.URL)
	o.Index = strings.TrimSpace(o.Index)
	if o.URL == "" || o.URL == DefaultSplunk {
		if t.Config == nil || t.Config.URL == "" {
			if o.URL == DefaultSplunk {
				return o, fmt.Errorf("--splunk default: cluster %q %w", t.Cluster, ErrNoConfiguredSplunk)
			}
			return o, ErrNoHECURL
		}
		o.URL = t.Config.URL
	}
	ref := ""
	if c := t.Config; c != nil {
		ref = c.Token
		if o.URL == c.URL {
			o = o.WithDefaults(*c)
		}
	}
	if o.Source == "" {
		o.Source = "kafka:" + t.Cluster + ":" + t.Topic
	}
	if o.SpoolDir == "" {
		o.SpoolDir = "."
	}
	if abs, err := filepath.Abs(o.SpoolDir); err == nil {
		o.SpoolDir = abs // so "unconfirmed records are in ..." says exactly where
	}
	var err error
	if t.TokenFile == "" && strings.TrimSpace(t.Typed) != "" {
		o.Token = strings.TrimSpace(t.Typed)
		return o, nil
	}
	o.Token, err = HECToken(t.TokenFile, ref)
	return o, err
}

// HasHECToken says whether HECToken would find a token without one being typed, so the
// explorer asks for one only when it must.
func HasHECToken(c *config.Splunk) bool {
	return os.Getenv(TokenEnv) != "" || c != nil && c.Token != ""
}

// SelectionTotal is how many records a read of ranges yields at most, for progress.
func SelectionTotal(ranges []kafka.PartitionRange, max int64) int64 {
	var total int64
	for _, r := range ranges {
		if r.End > r.Start {
			total += r.End - r.Start
		}
	}
	if max > 0 && max < total {
		total = max
	}
	return total
}

// DefaultFileName is a fresh file (or bundle folder) name for an export of topic, in
// the current folder: two exports in the same second get different names.
func DefaultFileName(topic, format string, now time.Time) string {
	ext := "." + format
	switch format {
	case "bundle":
		ext = ""
	case "":
		ext = ".ndjson"
	}
	stem := safeName(topic) + "-" + now.UTC().Format("20060102T150405Z")
	name := stem + ext
	for i := 2; ; i++ {
		if _, err := os.Lstat(name); errors.Is(err, fs.ErrNotExist) || i > 1000 {
			return name
		}
		name = fmt.Sprintf("%s-%d%s", stem, i, ext)
	}
}
