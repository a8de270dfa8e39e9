//go:build unix

package ledger_test

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time (user and system) the test process has used: on
// a shared machine it tells the work done apart from the time waited for
// a core.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
