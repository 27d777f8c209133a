//go:build !unix

package export

import "os"

// lockSpool does nothing where flock is not available.
func lockSpool(*os.File) error { return nil }
