package main

// What the CLI shows of pkg/panther's log: a line per retry on stderr when
// stderr is a terminal (a wait then reads as a wait, not a hang), and with
// --verbose, for scripts, the retries and a line per request. pkg/panther
// logs both at debug level through WithLogger; logHandler renders them.

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"sync"
	"time"

	"github.com/pantherkit/panther-go/pkg/panther"
)

// logHandler is a slog.Handler that writes pkg/panther's "panther retry"
// and "panther request" records as one line each.
type logHandler struct {
	mu       *sync.Mutex // one line at a time, from concurrent requests
	w        io.Writer
	requests bool // --verbose: a line per request too
	terminal bool // stderr is a terminal: clear a progress line first
	// attempts is the most a request is sent, for "attempt 2 of 4".
	attempts int
}

// logger returns the client's logger: retries on a terminal or with
// --verbose, requests with --verbose, nothing otherwise.
func (g *globals) logger(e env) panther.Option {
	terminal := e.isTerminal(e.stderr)
	if !terminal && !g.verbose {
		return panther.WithLogger(nil)
	}
	return panther.WithLogger(slog.New(&logHandler{
		mu: &sync.Mutex{}, w: e.stderr, requests: g.verbose, terminal: terminal,
		attempts: panther.DefaultRetryPolicy().MaxRetries + 1,
	}))
}

func (h *logHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h *logHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *logHandler) WithGroup(string) slog.Handler      { return h }

func (h *logHandler) Handle(_ context.Context, r slog.Record) error {
	var (
		method, path, errText string
		attempt, status       int64
		wait, took            time.Duration
	)
	r.Attrs(func(a slog.Attr) bool {
		switch a.Key {
		case "method":
			method = a.Value.String()
		case "path":
			path = a.Value.String()
		case "attempt", "attempts":
			attempt = a.Value.Int64()
		case "status":
			status = a.Value.Int64()
		case "wait":
			wait = a.Value.Duration()
		case "duration":
			took = a.Value.Duration()
		case "error":
			errText = shortError(a.Value.String())
		}
		return true
	})
	why := errText
	if why == "" {
		why = fmt.Sprint(status)
	}
	var line string
	switch r.Message {
	case "panther retry":
		// attempt counts the requests sent so far: the next is attempt+1.
		line = fmt.Sprintf("retrying in %s (attempt %d of %d): %s", seconds(wait), attempt+1, h.attempts, why)
		if h.requests {
			line = method + " " + path + ": " + line
		}
	case "panther request":
		if !h.requests {
			return nil
		}
		line = fmt.Sprintf("%s %s: %s (%s, %s)", method, path, why, countNoun(int(attempt), "attempt"), took.Round(time.Millisecond))
	default:
		return nil
	}
	if h.terminal {
		line = "\r\x1b[K" + line // over a progress line, if one is showing
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	_, err := fmt.Fprintln(h.w, printableLine(line))
	return err
}

// printableLine escapes what the server could have put in an error, but not
// the CLI's own carriage return and erase-line sequence in front.
func printableLine(line string) string {
	const clear = "\r\x1b[K"
	if len(line) >= len(clear) && line[:len(clear)] == clear {
		return clear + printable(line[len(clear):])
	}
	return printable(line)
}

// seconds formats a wait as people read one: 0.4s, 1.2s, 12s.
func seconds(d time.Duration) string {
	if d >= 10*time.Second {
		return fmt.Sprintf("%.0fs", d.Seconds())
	}
	return fmt.Sprintf("%.1fs", d.Seconds())
}

// requestPrefix is how net/http starts a transport error: `Get "URL": `,
// the URL (with its query) being no news to the user.
var requestPrefix = regexp.MustCompile(`^(panther: [A-Z]+ \S+: )?[A-Z][a-z]+ "[^"]*": `)

// shortError is a transport error without the request it was for.
func shortError(s string) string { return requestPrefix.ReplaceAllString(s, "") }
