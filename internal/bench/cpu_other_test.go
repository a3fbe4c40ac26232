//go:build !unix

package bench

import "time"

// cpuTime is not measured on this platform: the CPU metrics are left out.
func cpuTime() (time.Duration, bool) { return 0, false }
