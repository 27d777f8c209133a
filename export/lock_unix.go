//go:build unix

package export

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// lockSpool takes an exclusive lock on an open spool, so that two kpeek processes never
// deliver the same spool at once (that would send its events twice). The kernel drops
// the lock when the process ends, however it ends.
func lockSpool(f *os.File) error {
	err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return fmt.Errorf("spool %s is in use by another kpeek (an export or a resume still running)", f.Name())
	}
	if err != nil {
		return fmt.Errorf("lock spool %s: %w", f.Name(), err)
	}
	return nil
}
