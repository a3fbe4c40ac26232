//go:build unix

package bench

import (
	"syscall"
	"time"
)

// cpuTime returns the CPU time this process has used so far, user and
// system, from getrusage(RUSAGE_SELF): every goroutine of the client
// (net/http's connection loops and the garbage collector included), and
// none of the fake server's, which is a child process.
func cpuTime() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
