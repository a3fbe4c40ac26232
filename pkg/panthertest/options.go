package panthertest

// This file holds the functional options accepted by NewServer and Start,
// and the rule each value must meet.

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pantherkit/panther-go/api"
)

// Option configures a Server; pass options to [NewServer] or [Start]. An
// option given a bad value is never clamped or ignored: Start returns an
// error naming the option and the rule, and NewServer panics with it.
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
	org      int   // WithOrg's n
	seed     int64 // WithSeed's seed
	now      func() time.Time
	keep     int   // request log entries kept; 0: all
	err      error // the first bad option value
}

// fail records that option was given a bad value; the first one wins.
func (c *config) fail(option, format string, args ...any) {
	if c.err == nil {
		c.err = errors.New("panthertest: " + option + ": " + fmt.Sprintf(format, args...))
	}
}

// notNegative applies the rule for counts and durations: a negative v is a
// bad value (zeroMeans, if not empty, says what 0 does instead) and
// notNegative reports whether v may be used.
func notNegative[T int | time.Duration](c *config, option string, v T, zeroMeans string) bool {
	if v >= 0 {
		return true
	}
	rule := "must not be negative"
	if zeroMeans != "" {
		rule += " (0 " + zeroMeans + ")"
	}
	c.fail(option, "%s, got %v", rule, v)
	return false
}

func defaultConfig() config {
	return config{
		addr:     "127.0.0.1:0",
		roles:    DefaultRoles(),
		validate: true,
		seed:     DefaultSeed,
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
// the request's context is canceled or the server is closed. A negative d is
// an error.
func WithLatency(d time.Duration) Option {
	return func(c *config) {
		if notNegative(c, "WithLatency", d, "") {
			c.latency = d
		}
	}
}

// WithRateLimit answers 429 with "Retry-After: 1" to any request beyond rps
// accepted requests in the preceding second (a sliding window over the
// server's clock, so the outcome of request N depends only on the times of
// earlier requests). Rejected requests do not count. rps 0 disables it (the
// default); a negative rps is an error.
func WithRateLimit(rps int) Option {
	return func(c *config) {
		if notNegative(c, "WithRateLimit", rps, "disables the limit") {
			c.rps = rps
		}
	}
}

// WithPathPrefix serves the API under prefix (e.g. "/v1"), as a gateway in
// front of Panther would; the prefix is part of [Server.URL]. Requests
// outside the prefix get 404. Leading and trailing slashes are optional. A
// prefix that would need escaping in a URL (a space, "?", "#" or "%" in it)
// is an error: the fake matches the prefix as the request carries it.
func WithPathPrefix(prefix string) Option {
	return func(c *config) {
		p := strings.Trim(prefix, "/")
		if p != "" {
			p = "/" + p
		}
		// The fake compares the prefix with both the escaped and the
		// decoded path of a request, so the two must be the same.
		if u, err := url.Parse(p); err != nil || u.EscapedPath() != p || u.Path != p {
			c.fail("WithPathPrefix", "%q must be a URL path that needs no escaping, e.g. \"/v1\"", prefix)
			return
		}
		c.prefix = p
	}
}

// WithAddr sets the listen address (default "127.0.0.1:0", a free loopback
// port).
func WithAddr(addr string) Option {
	return func(c *config) { c.addr = addr }
}

// WithRoles replaces the default roles ([DefaultRoles]). Every role needs a
// unique non-empty id and name, and there must be at least one: anything
// else is an error.
func WithRoles(roles ...api.UserAPIRole) Option {
	return func(c *config) {
		if err := checkRoles(roles); err != nil {
			c.fail("WithRoles", "%v", err)
			return
		}
		c.roles = cloneRoles(roles)
	}
}

// WithSpecValidation turns validation of requests and responses against the
// spec on or off (default on). Turning it off only saves CPU, for benchmarks:
// the fake's own checks (limit range, required fields, roles) still apply.
func WithSpecValidation(on bool) Option {
	return func(c *config) { c.validate = on }
}

// WithRequestLog keeps only the n most recent requests for [Server.Requests]
// (n 0: all, the default; a negative n is an error). A long-running fake,
// such as `panther fake-server`, sets it so that its memory does not grow
// with every request.
func WithRequestLog(n int) Option {
	return func(c *config) {
		if notNegative(c, "WithRequestLog", n, "keeps every request") {
			c.keep = n
		}
	}
}

// WithUsers seeds n users at start, as [Server.SeedUsers] does: n users
// that all appear in the default (active-only) listing, all enabled,
// "CONFIRMED", with UUID ids and no login time, at
// "user00001@example.com" onwards. Tests count on exactly that; for users
// that look like a real org, use [WithOrg]. A negative n is an error.
func WithUsers(n int) Option {
	return func(c *config) {
		if notNegative(c, "WithUsers", n, "") {
			c.users = n
		}
	}
}

// WithOrg seeds, at start, an org of n users that looks like a real one, the
// same org for the same n, seed ([WithSeed], default [DefaultSeed]), roles
// and clock ([WithClock]). The n include the deactivated users, so the
// default listing shows fewer than n; include-deactivated shows all n. With
// [WithUsers] too, WithUsers' users come first. A negative n is an error.
//
// In every 100 users (counts are rounded, and once n is at least 9 every
// kind has at least one user):
//
//	52  password user, CONFIRMED, logged in within 30 days
//	 8  password user, CONFIRMED, last login 95 days to 2 years ago
//	 7  pending invitation: FORCE_CHANGE_PASSWORD, never logged in,
//	    invited 1 to 60 days ago
//	 3  password user, RESET_REQUIRED, last login 10 to 200 days ago
//	 2  UNCONFIRMED, never logged in, created 1 to 30 days ago
//	20  SSO user, EXTERNAL_PROVIDER, logged in within 30 days
//	 3  SSO user, EXTERNAL_PROVIDER, last login 95 days to 2 years ago
//	 3  deactivated (enabled false) password user, CONFIRMED, stale login
//	 2  deactivated SSO user, EXTERNAL_PROVIDER, stale login
//
// Password users have random UUID ids; SSO users have the id
// "PantherSSO_<email>". Emails are at example.org; of every 100 users of a
// kind, 70 are "given.family", 15 "gfamily", 10 "given.family+tag" and 5
// capitalized as some identity providers send them ("Given.Family"), each
// style present once a kind has 4 users. Names include accents and
// apostrophes. createdAt is up to 5 years before the clock (any time of
// day, RFC 3339 in UTC), never after a login; no login is in the future. Roles: 5 in 100 are
// Admin (at least one once n reaches the number of roles), the rest split
// evenly over the other roles; with [WithRoles] and no role named "Admin",
// all roles get the same share. The list order is oldest createdAt first.
func WithOrg(n int) Option {
	return func(c *config) {
		if notNegative(c, "WithOrg", n, "") {
			c.org = n
		}
	}
}

// WithSeed picks which org [WithOrg] seeds (default [DefaultSeed]): its
// names, ids, times, roles and order. The counts of each kind depend on n
// alone. Every seed is valid; without WithOrg it has no effect.
func WithSeed(seed int64) Option {
	return func(c *config) { c.seed = seed }
}

// WithClock sets the clock used for createdAt and the rate limit (default
// time.Now), so tests can make both deterministic. A nil clock is an error.
func WithClock(now func() time.Time) Option {
	return func(c *config) {
		if now == nil {
			c.fail("WithClock", "the clock must not be nil")
			return
		}
		c.now = now
	}
}
