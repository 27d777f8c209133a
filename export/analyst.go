package export

import (
	"os"
	"os/user"
)

// Analyst names who captured the evidence as user@host, for manifests.
func Analyst() string {
	who := "unknown"
	if u, err := user.Current(); err == nil {
		who = u.Username
	}
	host, err := os.Hostname()
	if err != nil {
		host = "unknown-host"
	}
	return who + "@" + host
}
