//go:build unix

package main

import (
	"syscall"
	"time"
)

// processUsage returns the processor time and minor page faults of the
// whole process so far, and whether the system reports them.
func processUsage() (usage, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return usage{}, false
	}
	return usage{user: time.Duration(ru.Utime.Nano()), system: time.Duration(ru.Stime.Nano()), faults: int64(ru.Minflt)}, true
}
