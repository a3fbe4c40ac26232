package main

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pantherkit/panther-go/pkg/panthertest"
)

// A retried request shows one line on a terminal, and with --verbose
// anywhere; otherwise stderr stays clean for scripts.
func TestRetryLine(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		args     []string
		terminal bool
	}{
		{"retry-terminal.stderr", []string{"users", "list", "-o", "csv"}, true},
		{"retry-verbose.stderr", []string{"users", "list", "-o", "csv", "--verbose"}, false},
		{"retry-quiet.stderr", []string{"users", "list", "-o", "csv"}, false},
	}
	// The request times vary: they become <t>.
	took := regexp.MustCompile(`(attempts?), [0-9.]+(ms|s|µs)\)`)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t, 5)
			// A 503 asking for a second: the wait is exact, so the line is.
			srv.Inject(panthertest.Fault{Kind: panthertest.FaultStatus, Op: "user#list", Status: 503, RetryAfter: "1"})
			r := invocation{args: tt.args, vars: vars(srv), terminal: tt.terminal}.run(t.Context())
			if r.code != 0 {
				t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
			}
			golden(t, tt.name, took.ReplaceAllString(r.stderr, "$1, <t>)"))
			if want := strings.Count(r.stdout, "\n"); want != 6 {
				t.Errorf("stdout has %d lines, want a header and 5 users", want)
			}
			assertNoToken(t, srv, r)
		})
	}
}

// A transport error is shown without the request's URL.
func TestShortError(t *testing.T) {
	t.Parallel()
	got := shortError(`Get "http://127.0.0.1:1/users?email=a%40b.c": dial tcp 127.0.0.1:1: connect: connection refused`)
	if want := "dial tcp 127.0.0.1:1: connect: connection refused"; got != want {
		t.Errorf("shortError = %q, want %q", got, want)
	}
	for d, want := range map[time.Duration]string{400 * time.Millisecond: "0.4s", 1260 * time.Millisecond: "1.3s", 12400 * time.Millisecond: "12s"} {
		if got := seconds(d); got != want {
			t.Errorf("seconds(%s) = %q, want %q", d, got, want)
		}
	}
}
