package panther_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pantherkit/panther-go/pkg/panther"
)

// stallingServer answers every request the way stall says, on 127.0.0.1,
// and holds the stalled request until the client gives up on it.
//   - "headers": nothing at all, not even the status line.
//   - "body": a 200 with the headers of a user and the first half of its
//     body, and then nothing.
func stallingServer(t *testing.T, stall string) string {
	t.Helper()
	ts := httptestServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if stall == "body" {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", "100")
			w.WriteHeader(http.StatusOK)
			_, _ = io.WriteString(w, userJSON[:50])
			w.(http.Flusher).Flush()
		}
		<-r.Context().Done() // the client closed the connection
	}))
	return ts.URL
}

// TestTimeouts: a server that stalls in the headers or in the body ends a
// call, wrapper or Raw(), after the timeout that applies: the default one
// (shortened here, in milliseconds) or the Timeout of the caller's own
// client. Either way the error matches context.DeadlineExceeded and is a
// net.Error timeout, and only the default one's text names DefaultTimeout
// and how to change it.
func TestTimeouts(t *testing.T) {
	t.Parallel()
	const timeout = 150 * time.Millisecond
	calls := map[string]func(context.Context, *panther.Client) error{
		"Get": func(ctx context.Context, c *panther.Client) error {
			_, err := c.Users.Get(ctx, "u1")
			return err
		},
		"Raw": func(ctx context.Context, c *panther.Client) error {
			resp, err := c.Raw().UserGetWithResponse(ctx, "u1")
			if err == nil {
				return errors.New("no error; status " + resp.Status())
			}
			return err
		},
	}
	for _, tc := range []struct {
		name     string
		opts     []panther.Option
		wantText []string // in the error, beside the call's own prefix
		notText  string
	}{
		{name: "default", opts: []panther.Option{panther.WithDefaultTimeout(timeout)},
			wantText: []string{"the default timeout (150ms, panther.DefaultTimeout) passed", "a deadline on the call's context", "WithHTTPClient"}},
		// net/http's text varies: "context deadline exceeded", with or
		// without "(Client.Timeout exceeded ...)", as its timer and the
		// request's deadline race.
		{name: "caller's client", opts: []panther.Option{panther.WithHTTPClient(&http.Client{Timeout: timeout})},
			notText: "DefaultTimeout"},
	} {
		for _, stall := range []string{"headers", "body"} {
			for name, call := range calls {
				t.Run(tc.name+"/"+stall+"/"+name, func(t *testing.T) {
					t.Parallel()
					c := newClient(t, stallingServer(t, stall), testToken, tc.opts...)
					start := time.Now()
					err := call(t.Context(), c)
					took := time.Since(start)
					if !errors.Is(err, context.DeadlineExceeded) {
						t.Errorf("error %v does not match context.DeadlineExceeded", err)
					}
					var ne net.Error
					if !errors.As(err, &ne) || !ne.Timeout() {
						t.Errorf("error %v is not a net.Error timeout", err)
					}
					for _, want := range tc.wantText {
						if err == nil || !strings.Contains(err.Error(), want) {
							t.Errorf("error %q does not say %q", err, want)
						}
					}
					if tc.notText != "" && err != nil && strings.Contains(err.Error(), tc.notText) {
						t.Errorf("error %q names %s, which did not apply", err, tc.notText)
					}
					if name == "Get" && err != nil && !strings.HasPrefix(err.Error(), "panther: GET /users/{id}: ") {
						t.Errorf("error %q is not prefixed with the operation", err)
					}
					if took < timeout || took > timeout+5*time.Second {
						t.Errorf("the call ended after %v, want soon after %v", took, timeout)
					}
				})
			}
		}
	}
}

// TestCallerDeadlineBeforeDefaultTimeout: a deadline on the context that
// comes before the default timeout is the one that ends the call, and the
// error does not blame the default timeout.
func TestCallerDeadlineBeforeDefaultTimeout(t *testing.T) {
	t.Parallel()
	c := newClient(t, stallingServer(t, "headers"), testToken, panther.WithDefaultTimeout(time.Minute))
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	for name, err := range map[string]error{
		"Get": func() error { _, err := c.Users.Get(ctx, "u1"); return err }(),
		"Raw": func() error { _, err := c.Raw().UserGetWithResponse(ctx, "u1"); return err }(),
	} {
		if !errors.Is(err, context.DeadlineExceeded) || strings.Contains(err.Error(), "DefaultTimeout") {
			t.Errorf("%s: error %v, want the context's deadline, not the default timeout", name, err)
		}
	}
}

// TestCallerDeadlineAfterDefaultTimeout: a deadline on the context that
// comes after the default timeout leaves the default timeout in force (a
// call skips its own deadline only when the context's comes first).
func TestCallerDeadlineAfterDefaultTimeout(t *testing.T) {
	t.Parallel()
	const timeout = 100 * time.Millisecond
	c := newClient(t, stallingServer(t, "headers"), testToken, panther.WithDefaultTimeout(timeout))
	ctx, cancel := context.WithTimeout(t.Context(), time.Hour)
	defer cancel()
	for name, call := range map[string]func() error{
		"Get": func() error { _, err := c.Users.Get(ctx, "u1"); return err },
		"Raw": func() error { _, err := c.Raw().UserGetWithResponse(ctx, "u1"); return err },
	} {
		start := time.Now()
		err := call()
		if took := time.Since(start); !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "DefaultTimeout") || took > 10*timeout {
			t.Errorf("%s: error %v after %s, want the default timeout's after ~%s", name, err, took, timeout)
		}
	}
}

// TestDefaultTimeoutBoundsTheCall: the default timeout is one deadline over
// a call and its retries, not one per attempt. Against a server that always
// answers 503, a call that may retry a hundred times (4 s of waits) ends at
// the deadline: with the last 503 when the next wait would pass it, or with
// the timeout when the last attempt does.
func TestDefaultTimeoutBoundsTheCall(t *testing.T) {
	t.Parallel()
	const timeout = 300 * time.Millisecond
	var requests atomic.Int32
	ts := httptestServer(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		requests.Add(1)
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	policy := panther.RetryPolicy{MaxRetries: 100, BaseDelay: 40 * time.Millisecond, MaxDelay: 40 * time.Millisecond, Budget: panther.NoRetryBudget}
	c := newClient(t, ts.URL, testToken, panther.WithDefaultTimeout(timeout), panther.WithRetryPolicy(policy))
	start := time.Now()
	_, err := c.Users.Get(t.Context(), "u1")
	took := time.Since(start)
	var apiErr *panther.APIError
	if !errors.Is(err, context.DeadlineExceeded) && (!errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusServiceUnavailable) {
		t.Errorf("Get() = %v, want the last 503 or the default timeout", err)
	}
	if n := requests.Load(); took > timeout+time.Second || n < 2 || n > 20 {
		t.Errorf("Get() took %v and %d requests, want about %v and a few", took, n, timeout)
	}
}
