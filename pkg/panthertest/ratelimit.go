package panthertest

// This file holds the rate limiter behind WithRateLimit.

import (
	"net/http"
	"net/http/httptest"
	"time"
)

// rateLimit is the 429 to answer when the request is beyond the rate limit,
// or nil.
func (s *Server) rateLimit() *httptest.ResponseRecorder {
	if s.limiter == nil {
		return nil
	}
	s.fmu.Lock()
	ok := s.limiter.allow(s.cfg.now())
	s.fmu.Unlock()
	if ok {
		return nil
	}
	rec := jsonRecorder(http.StatusTooManyRequests, messageBody{Message: "Too Many Requests: rate limit exceeded"})
	rec.Header().Set("Retry-After", "1")
	return rec
}

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
