package bench

import (
	"runtime"
	"time"
)

// cost is what running something cost the client: CPU time (user and
// system, from getrusage; see cpuTime), wall time and heap allocations.
type cost struct {
	cpu, wall time.Duration
	mallocs   uint64
}

// measure runs f and adds what it cost to c. The memory statistics are
// read outside the timed part: runtime.ReadMemStats stops the world.
func (c *cost) measure(f func()) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	cpu0, _ := cpuTime()
	start := time.Now()
	f()
	wall := time.Since(start)
	cpu1, _ := cpuTime()
	runtime.ReadMemStats(&after)
	c.cpu += cpu1 - cpu0
	c.wall += wall
	c.mallocs += after.Mallocs - before.Mallocs
}
