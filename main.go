// Command kpeek shows what is inside Apache Kafka right now and ships it as evidence.
package main

import (
	"os"
	"runtime/debug"

	"github.com/kpeek/kpeek/cmd"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	os.Exit(cmd.Run(os.Args[1:], os.Stdout, os.Stderr, buildVersion(version)))
}

// buildVersion names this build for manifests: the -ldflags version, else the module
// version `go install` recorded, else the VCS revision `go build` in a clone recorded.
func buildVersion(v string) string {
	info, ok := debug.ReadBuildInfo()
	if v != "dev" || !ok {
		return v
	}
	if mv := info.Main.Version; mv != "" && mv != "(devel)" {
		return mv
	}
	rev, dirty := "", false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return v
	}
	v = "dev-" + rev[:min(12, len(rev))]
	if dirty {
		v += "-dirty"
	}
	return v
}
