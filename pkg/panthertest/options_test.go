package panthertest_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/pantherkit/panther-go/api"
	"github.com/pantherkit/panther-go/pkg/panthertest"
)

// startError returns the message of Start's error, or "" if it succeeds.
func startError(opts ...panthertest.Option) string {
	srv, err := panthertest.Start(opts...)
	if err != nil {
		return err.Error()
	}
	srv.Close()
	return ""
}

// newServerPanic returns the message NewServer panics with, or "" if it
// does not panic.
func newServerPanic(opts ...panthertest.Option) (msg string) {
	defer func() {
		switch v := recover().(type) {
		case nil:
		case error:
			msg = v.Error()
		default:
			msg = fmt.Sprint(v)
		}
	}()
	panthertest.NewServer(opts...).Close()
	return ""
}

// TestOptionsRejectBadValues: a bad value is never clamped or ignored. Start
// returns an error naming the option and the rule, and NewServer panics
// with the same message.
func TestOptionsRejectBadValues(t *testing.T) {
	t.Parallel()
	const badPrefix = ` must be a URL path that needs no escaping, e.g. "/v1"`
	tests := []struct {
		name string
		opts []panthertest.Option
		want string
	}{
		{name: "negative latency", opts: []panthertest.Option{panthertest.WithLatency(-time.Second)}, want: "panthertest: WithLatency: must not be negative, got -1s"},
		{name: "negative latency of 1ns", opts: []panthertest.Option{panthertest.WithLatency(-1)}, want: "panthertest: WithLatency: must not be negative, got -1ns"},
		{name: "negative rate limit", opts: []panthertest.Option{panthertest.WithRateLimit(-1)}, want: "panthertest: WithRateLimit: must not be negative (0 disables the limit), got -1"},
		{name: "negative request log", opts: []panthertest.Option{panthertest.WithRequestLog(-5)}, want: "panthertest: WithRequestLog: must not be negative (0 keeps every request), got -5"},
		{name: "negative users", opts: []panthertest.Option{panthertest.WithUsers(-1)}, want: "panthertest: WithUsers: must not be negative, got -1"},
		{name: "negative org", opts: []panthertest.Option{panthertest.WithOrg(-40)}, want: "panthertest: WithOrg: must not be negative, got -40"},
		{name: "nil clock", opts: []panthertest.Option{panthertest.WithClock(nil)}, want: "panthertest: WithClock: the clock must not be nil"},
		{name: "prefix with a space", opts: []panthertest.Option{panthertest.WithPathPrefix("/my api")}, want: `panthertest: WithPathPrefix: "/my api"` + badPrefix},
		{name: "prefix with a query", opts: []panthertest.Option{panthertest.WithPathPrefix("/v1?x=1")}, want: `panthertest: WithPathPrefix: "/v1?x=1"` + badPrefix},
		{name: "prefix with a fragment", opts: []panthertest.Option{panthertest.WithPathPrefix("v1#top")}, want: `panthertest: WithPathPrefix: "v1#top"` + badPrefix},
		{name: "prefix with a bad escape", opts: []panthertest.Option{panthertest.WithPathPrefix("/a%zz")}, want: `panthertest: WithPathPrefix: "/a%zz"` + badPrefix},
		// Escaped prefixes passed the prefix check, then reached the
		// handlers with the prefix still on the decoded path: every
		// request got a 500.
		{name: "prefix with an escaped space", opts: []panthertest.Option{panthertest.WithPathPrefix("/my%20api")}, want: `panthertest: WithPathPrefix: "/my%20api"` + badPrefix},
		{name: "prefix with an escaped slash", opts: []panthertest.Option{panthertest.WithPathPrefix("/a%2Fb")}, want: `panthertest: WithPathPrefix: "/a%2Fb"` + badPrefix},
		{name: "no roles", opts: []panthertest.Option{panthertest.WithRoles()}, want: "panthertest: WithRoles: no roles"},
		{name: "role without id", opts: []panthertest.Option{panthertest.WithRoles(api.UserAPIRole{Name: ptr("Admin")})}, want: "panthertest: WithRoles: every role needs an id and a name"},
		{name: "duplicate role", opts: []panthertest.Option{panthertest.WithRoles(
			api.UserAPIRole{Id: ptr("1"), Name: ptr("A")}, api.UserAPIRole{Id: ptr("1"), Name: ptr("B")})}, want: `panthertest: WithRoles: duplicate role "B" (1)`},
		{name: "first bad option wins", opts: []panthertest.Option{
			panthertest.WithUsers(3), panthertest.WithLatency(-time.Millisecond), panthertest.WithUsers(-2),
		}, want: "panthertest: WithLatency: must not be negative, got -1ms"},
		{name: "a later good value does not undo a bad one", opts: []panthertest.Option{
			panthertest.WithUsers(-1), panthertest.WithUsers(1),
		}, want: "panthertest: WithUsers: must not be negative, got -1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := startError(tt.opts...); got != tt.want {
				t.Errorf("Start error = %q, want %q", got, tt.want)
			}
			if got := newServerPanic(tt.opts...); got != tt.want {
				t.Errorf("NewServer panic = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestOptionsAcceptZero: the zero values the docs give a meaning to are
// accepted and mean it.
func TestOptionsAcceptZero(t *testing.T) {
	t.Parallel()
	srv := newFake(t,
		panthertest.WithLatency(0), panthertest.WithRateLimit(0), panthertest.WithRequestLog(0),
		panthertest.WithUsers(0), panthertest.WithPathPrefix(""),
		panthertest.WithOrg(0), panthertest.WithSeed(0),
	)
	const n = 5
	for range n {
		if r := do(t, srv, call{method: "GET", path: "/users", token: srv.Token}); r.status != http.StatusOK {
			t.Fatalf("GET /users = %d %s, want 200 (no rate limit)", r.status, r.body)
		}
	}
	if got := len(srv.Requests()); got != n {
		t.Errorf("Requests() holds %d, want all %d", got, n)
	}
	if got := len(srv.Users()); got != 0 {
		t.Errorf("Users() holds %d, want 0", got)
	}
}

// TestPathPrefixPlain: a prefix of characters a URL path carries as they
// are routes, whatever its slashes.
func TestPathPrefixPlain(t *testing.T) {
	t.Parallel()
	for _, prefix := range []string{"gw/v1:beta/", "/~team/api+1", "/@gw/$v=1;x"} {
		t.Run(prefix, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t, panthertest.WithPathPrefix(prefix), panthertest.WithUsers(1))
			if r := do(t, srv, call{method: "GET", path: "/users", token: srv.Token}); r.status != http.StatusOK {
				t.Errorf("GET %s/users = %d %s, want 200", srv.URL, r.status, r.body)
			}
		})
	}
}
