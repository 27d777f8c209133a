package config

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Selection is how the command line names a cluster: -b, -c, -X, -F and --schema-registry.
type Selection struct {
	Brokers        []string // -b
	Cluster        string   // -c
	Properties     []string // -X key=value, in order
	PropertyFiles  []string // -F paths, in order
	SchemaRegistry string   // --schema-registry
}

// ErrNoCluster means the command line and the config file name no cluster.
var ErrNoCluster = errors.New("no cluster chosen: use --demo, -b HOST:PORT, or -c NAME from the config file")

// Path is the config file kpeek reads: explicit (--config), else $KPEEK_CONFIG, else
// the user config dir's kpeek/config.yaml. must is false for the default path, whose
// absence is not an error.
func Path(explicit string) (path string, must bool) {
	if explicit != "" {
		return explicit, true
	}
	if env := os.Getenv("KPEEK_CONFIG"); env != "" {
		return env, true
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", false
	}
	return filepath.Join(dir, "kpeek", "config.yaml"), false
}

// LoadFile loads the config at path; when must is false a missing file is an empty config.
func LoadFile(path string, must bool) (*File, error) {
	if path == "" {
		return &File{}, nil
	}
	if _, err := os.Stat(path); !must && errors.Is(err, os.ErrNotExist) {
		return &File{Path: path}, nil
	}
	f, err := Load(path)
	if err != nil {
		return nil, err
	}
	f.Path = path
	return f, nil
}

// Resolve picks the clusters sel names from conf, with -F, -X and --schema-registry applied.
// With one required (headless commands) it returns exactly one cluster or an error; otherwise
// (the explorer) an unnamed selection returns every configured cluster. Errors are the user's
// to fix: they name the missing or unknown cluster, or the bad property.
func Resolve(conf *File, sel Selection, one bool) ([]Cluster, error) {
	var cfg Cluster
	switch {
	case len(sel.Brokers) > 0:
		cfg = Cluster{Connection: Connection{Name: strings.Join(sel.Brokers, ","), Brokers: sel.Brokers}}
	default:
		name := sel.Cluster
		if name == "" {
			name = conf.Default
		}
		if name == "" && len(conf.Clusters) == 1 {
			name = slices.Collect(maps.Keys(conf.Clusters))[0]
		}
		switch {
		case name != "":
			c, ok := conf.Clusters[name]
			if !ok {
				return nil, unknownCluster(conf, name)
			}
			c.Name = name
			cfg = c
		case len(sel.Properties) > 0 || len(sel.PropertyFiles) > 0:
			// bootstrap.servers may come from -X/-F
		case one || len(conf.Clusters) == 0:
			return nil, ErrNoCluster
		default:
			return allClusters(conf, sel)
		}
	}
	if err := sel.apply(&cfg); err != nil {
		return nil, err
	}
	if len(cfg.Brokers) == 0 {
		return nil, errors.New("no brokers: use -b HOST:PORT or set bootstrap.servers")
	}
	if cfg.Name == "" {
		cfg.Name = strings.Join(cfg.Brokers, ",")
	}
	return []Cluster{cfg}, nil
}

func allClusters(conf *File, sel Selection) ([]Cluster, error) {
	var out []Cluster
	for _, name := range slices.Sorted(maps.Keys(conf.Clusters)) {
		c := conf.Clusters[name]
		c.Name = name
		if err := sel.apply(&c); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// apply applies -F files, then -X properties, then --schema-registry onto cfg.
func (sel Selection) apply(cfg *Cluster) error {
	props := map[string]string{}
	for _, path := range sel.PropertyFiles {
		p, err := ReadPropertiesFile(path)
		if err != nil {
			return err
		}
		maps.Copy(props, p)
	}
	for _, kv := range sel.Properties {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return fmt.Errorf("-X %q: want key=value (the rest is not shown: it may hold a secret)", ShowProperty(kv))
		}
		props[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	if len(props) > 0 {
		if err := ParseProperties(cfg, props); err != nil {
			return err
		}
	}
	if sel.SchemaRegistry != "" {
		reg := Registry{} // a copy: the loaded config is not changed
		if cfg.SchemaRegistry != nil {
			reg = *cfg.SchemaRegistry
		}
		reg.URL = sel.SchemaRegistry
		cfg.SchemaRegistry = &reg
	}
	return nil
}

// unknownCluster names the file that was read and what it has, so a wrong --config or
// $KPEEK_CONFIG is as plain as a typo in -c.
func unknownCluster(conf *File, name string) error {
	file := "the config file"
	if conf.Path != "" {
		file += " " + conf.Path
		if _, err := os.Stat(conf.Path); errors.Is(err, os.ErrNotExist) {
			file += " (which does not exist)"
		}
	}
	if len(conf.Clusters) == 0 {
		return fmt.Errorf("cluster %q is not in %s: it names no clusters (choose another file with --config or $KPEEK_CONFIG)", name, file)
	}
	return fmt.Errorf("cluster %q is not in %s (have: %s)", name, file, strings.Join(slices.Sorted(maps.Keys(conf.Clusters)), ", "))
}
