//go:build !unix

package audit

import "os"

// lockFile is a no-op where flock does not exist; concurrent kpeeks may then break the chain.
func lockFile(*os.File) error { return nil }

func unlockFile(*os.File) {}
