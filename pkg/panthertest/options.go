package panthertest

// This file holds the functional options accepted by NewServer and Start.

import (
	"strings"
	"testing"
	"time"

	"github.com/pantherkit/panther-go/api"
)

// Option configures a Server; pass options to [NewServer] or [Start].
type Option func(*config)

type config struct {
	tb       testing.TB
	latency  time.Duration
	rps      int
	prefix   string
	addr     string
	roles    []api.UserAPIRole
	validate bool
	users    int
	now      func() time.Time
	keep     int // request log entries kept; 0: all
}

func defaultConfig() config {
	return config{
		addr:     "127.0.0.1:0",
		roles:    DefaultRoles(),
		validate: true,
		now:      time.Now,
	}
}

// WithTB ties the server to a test: a response from the fake that does not
// match the spec calls tb.Errorf, and Close is registered with tb.Cleanup.
func WithTB(tb testing.TB) Option { //nolint:thelper // an option, not a helper
	return func(c *config) { c.tb = tb }
}

// WithLatency holds every response until d has passed since its request
// arrived, as a remote API's latency would: the fake's own work happens
// within d, not on top of it. The wait ends early, with no response, when
// the request's context is canceled or the server is closed.
func WithLatency(d time.Duration) Option {
	return func(c *config) { c.latency = max(d, 0) }
}

// WithRateLimit answers 429 with "Retry-After: 1" to any request beyond rps
// accepted requests in the preceding second (a sliding window over the
// server's clock, so the outcome of request N depends only on the times of
// earlier requests). Rejected requests do not count. rps <= 0 disables it.
func WithRateLimit(rps int) Option {
	return func(c *config) { c.rps = max(rps, 0) }
}

// WithPathPrefix serves the API under prefix (e.g. "/v1"), as a gateway in
// front of Panther would; the prefix is part of [Server.URL]. Requests
// outside the prefix get 404.
func WithPathPrefix(prefix string) Option {
	return func(c *config) {
		prefix = strings.Trim(prefix, "/")
		if prefix != "" {
			prefix = "/" + prefix
		}
		c.prefix = prefix
	}
}

// WithAddr sets the listen address (default "127.0.0.1:0", a free loopback
// port).
func WithAddr(addr string) Option {
	return func(c *config) { c.addr = addr }
}

// WithRoles replaces the default roles ([DefaultRoles]). Every role needs a
// unique non-empty id and name.
func WithRoles(roles ...api.UserAPIRole) Option {
	return func(c *config) { c.roles = cloneRoles(roles) }
}

// WithSpecValidation turns validation of requests and responses against the
// spec on or off (default on). Turning it off only saves CPU, for benchmarks:
// the fake's own checks (limit range, required fields, roles) still apply.
func WithSpecValidation(on bool) Option {
	return func(c *config) { c.validate = on }
}

// WithRequestLog keeps only the n most recent requests for [Server.Requests]
// (n <= 0: all, the default). A long-running fake, such as `panther
// fake-server`, sets it so that its memory does not grow with every request.
func WithRequestLog(n int) Option {
	return func(c *config) { c.keep = max(n, 0) }
}

// WithUsers seeds n users at start, as [Server.SeedUsers] does.
func WithUsers(n int) Option {
	return func(c *config) { c.users = max(n, 0) }
}

// WithClock sets the clock used for createdAt and the rate limit (default
// time.Now), so tests can make both deterministic.
func WithClock(now func() time.Time) Option {
	return func(c *config) {
		if now != nil {
			c.now = now
		}
	}
}
