package panthertest

// This file holds the rate limiter behind WithRateLimit.

import "time"

// rateLimiter is a sliding-window log: it remembers the times of the last
// rps accepted requests and rejects a request when the oldest of them is
// less than a second old. Server.fmu guards it.
type rateLimiter struct {
	times []time.Time // ring buffer of accepted request times
	next  int
	full  bool
}

func newRateLimiter(rps int) *rateLimiter {
	return &rateLimiter{times: make([]time.Time, rps)}
}

func (l *rateLimiter) allow(now time.Time) bool {
	if l.full && now.Sub(l.times[l.next]) < time.Second {
		return false
	}
	l.times[l.next] = now
	l.next = (l.next + 1) % len(l.times)
	if l.next == 0 {
		l.full = true
	}
	return true
}
