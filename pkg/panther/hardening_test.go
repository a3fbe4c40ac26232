package panther_test

// Tests for what a hostile or failing server must not make the client do:
// multiply a rate limit, wait on a trickling error body, read unbounded
// headers, wait for as long as a server asks, or take someone else's user
// for its own.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pantherkit/panther-go/pkg/panther"
	"github.com/pantherkit/panther-go/pkg/panthertest"
)

// TestRetryBudgetMeetsARateLimit: 200 bulk updates against a server that
// answers only 429 send one request per item plus what the default retry
// budget pays for (DefaultRetryBudget/RetryCost retries), not 1+MaxRetries
// per item (800), and every item fails with ErrRateLimited.
func TestRetryBudgetMeetsARateLimit(t *testing.T) {
	t.Parallel()
	srv, _ := newFake(t, panthertest.WithUsers(1))
	c := newClient(t, srv.URL, srv.Token, panther.WithHTTPClient(srv.Client()), fastRetries)
	srv.Inject(panthertest.Fault{Op: "user#update", Kind: panthertest.FaultStatus, Status: http.StatusTooManyRequests, Count: -1})
	changes := make([]panther.UserChange, 200)
	for i := range changes {
		changes[i] = panther.UserChange{ID: fmt.Sprintf("u%d", i), Input: newInput(fmt.Sprintf("u%d@example.com", i))}
	}
	results := c.Users.UpdateMany(t.Context(), changes, &panther.BulkOptions{Concurrency: 8})
	for _, r := range results {
		if !errors.Is(r.Err, panther.ErrRateLimited) {
			t.Fatalf("item %d: %v, want ErrRateLimited", r.Index, r.Err)
		}
	}
	const most = 200 + panther.DefaultRetryBudget/panther.RetryCost
	if n := len(srv.Requests()); n > most {
		t.Errorf("200 items against an always-429 server sent %d requests, want at most %d", n, most)
	}
}

// TestRetryBudgetOffAndRefilled: with NoRetryBudget every call retries as
// often as MaxRetries says; with a small budget, retries stop when it is
// spent and come back once successes refill it.
func TestRetryBudgetOffAndRefilled(t *testing.T) {
	t.Parallel()
	srv, _ := newFake(t, panthertest.WithUsers(1))
	id := *srv.Users()[0].Id
	policy := func(budget int) panther.Option {
		return panther.WithRetryPolicy(panther.RetryPolicy{MaxRetries: 3, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond, Budget: budget})
	}
	gets := func(c *panther.Client, n int) int {
		srv.ResetRequests()
		for range n {
			_, _ = c.Users.Get(t.Context(), id)
		}
		return len(srv.Requests())
	}
	off := newClient(t, srv.URL, srv.Token, panther.WithHTTPClient(srv.Client()), policy(panther.NoRetryBudget))
	srv.Inject(panthertest.Fault{Op: "user#get", Kind: panthertest.FaultStatus, Status: http.StatusServiceUnavailable, Count: -1})
	if n := gets(off, 10); n != 40 {
		t.Errorf("no budget: 10 failing gets sent %d requests, want 40", n)
	}
	small := newClient(t, srv.URL, srv.Token, panther.WithHTTPClient(srv.Client()), policy(2*panther.RetryCost))
	if n := gets(small, 10); n != 12 {
		t.Errorf("a budget of 2 retries: 10 failing gets sent %d requests, want 12", n)
	}
	srv.ClearFaults()
	if n := gets(small, 2*panther.RetryCost); n != 2*panther.RetryCost {
		t.Fatalf("healthy gets sent %d requests", n)
	}
	srv.Inject(panthertest.Fault{Op: "user#get", Kind: panthertest.FaultStatus, Status: http.StatusServiceUnavailable, Count: -1})
	if n := gets(small, 3); n != 5 {
		t.Errorf("after %d successes refilled 2 retries: 3 failing gets sent %d requests, want 5", 2*panther.RetryCost, n)
	}
}

// trickle answers status with a body that announces 100 bytes and sends one
// every 200 ms, counting requests.
func trickle(t *testing.T, status int, requests *atomic.Int32) string {
	t.Helper()
	ts := httptestServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", "100")
		w.WriteHeader(status)
		f, _ := w.(http.Flusher)
		_, _ = io.WriteString(w, `{"message":"slo`)
		f.Flush()
		for range 85 {
			select {
			case <-r.Context().Done():
				return
			case <-time.After(200 * time.Millisecond):
			}
			_, _ = io.WriteString(w, "w")
			f.Flush()
		}
	}))
	return ts.URL
}

// TestTricklingErrorBodyReturnsTheStatus: a 503 whose body trickles is
// returned as the 503 within ErrorBodyTimeout (and each retry's drain is
// bounded the same way), not after the context's or the client's timeout.
func TestTricklingErrorBodyReturnsTheStatus(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		retries  int
		requests int32
	}{{"no retries", 0, 1}, {"three retries", 3, 4}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var n atomic.Int32
			url := trickle(t, http.StatusServiceUnavailable, &n)
			c := newClient(t, url, testToken, panther.WithRetryPolicy(panther.RetryPolicy{MaxRetries: tc.retries, BaseDelay: time.Millisecond}))
			ctx, cancel := context.WithTimeout(t.Context(), 15*time.Second)
			defer cancel()
			start := time.Now()
			_, err := c.Users.Get(ctx, "u1")
			took := time.Since(start)
			var apiErr *panther.APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusServiceUnavailable {
				t.Fatalf("Get() = %v after %v, want the 503", err, took)
			}
			bound := time.Duration(tc.requests)*panther.ErrorBodyTimeout + time.Second
			if took > bound || n.Load() != tc.requests {
				t.Errorf("the 503 came after %v and %d requests, want within %v and %d", took, n.Load(), bound, tc.requests)
			}
		})
	}
}

// TestOversizedHeadersAreNotRetried: response headers over
// MaxResponseHeaderBytes fail the call on the default transport, once.
func TestOversizedHeadersAreNotRetried(t *testing.T) {
	t.Parallel()
	var n atomic.Int32
	ts := httptestServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Header().Set("X-Padding", strings.Repeat("p", panther.MaxResponseHeaderBytes))
		w.WriteHeader(http.StatusOK)
	}))
	c := newClient(t, ts.URL, testToken, fastRetries)
	_, err := c.Users.Get(t.Context(), "u1")
	if err == nil || !strings.Contains(err.Error(), "headers exceeded") || n.Load() != 1 {
		t.Errorf("Get() = %v after %d requests, want a header-size error after 1", err, n.Load())
	}
}

// TestRetryAfterIsCapped: a server asking for 277,777 hours is reported as
// the policy's MaxDelay.
func TestRetryAfterIsCapped(t *testing.T) {
	t.Parallel()
	ts := httptestServer(t, cannedResponse{status: http.StatusTooManyRequests, ctype: "application/json",
		header: map[string]string{"Retry-After": "999999999"}, body: `{"message":"slow down"}`})
	for _, tc := range []struct {
		policy panther.RetryPolicy
		want   time.Duration
	}{
		{panther.RetryPolicy{}, panther.DefaultMaxDelay},
		{panther.RetryPolicy{MaxDelay: 2 * time.Second}, 2 * time.Second},
	} {
		c := newClient(t, ts.URL, testToken, panther.WithHTTPClient(ts.Client()), panther.WithRetryPolicy(tc.policy))
		_, err := c.Users.Get(t.Context(), "u1")
		var apiErr *panther.APIError
		if !errors.As(err, &apiErr) || apiErr.RetryAfter != tc.want {
			t.Errorf("policy %+v: Get() = %v, want RetryAfter %v", tc.policy, err, tc.want)
		}
	}
}

// lookupFront answers a create with 503 (ambiguous: it may have been
// applied) and the look-up that follows with results.
func lookupFront(t *testing.T, results string) *panther.Client {
	t.Helper()
	ts := httptestServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.Method == http.MethodPost {
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = io.WriteString(w, `{"message":"try later"}`)
			return
		}
		_, _ = io.WriteString(w, `{"results":`+results+`}`)
	}))
	return newClient(t, ts.URL, testToken, panther.WithHTTPClient(ts.Client()), fastRetries)
}

// TestCreateLookupTakesOnlyItsOwnUser: after an ambiguous failure, Create's
// look-up prefers the exact address over an older one differing in case,
// and never returns a looked-up user without an id.
func TestCreateLookupTakesOnlyItsOwnUser(t *testing.T) {
	t.Parallel()
	in := newInput("Ada@example.com")
	user := func(id, email string) string {
		idField := ""
		if id != "" {
			idField = `"id":"` + id + `",`
		}
		return `{` + idField + `"email":"` + email + `","givenName":"` + in.GivenName + `","familyName":"` + in.FamilyName + `","enabled":true,"role":{"id":"r1","name":"Admin"}}`
	}
	t.Run("exact address wins", func(t *testing.T) {
		t.Parallel()
		c := lookupFront(t, "["+user("older", "ADA@example.com")+","+user("mine", "Ada@example.com")+"]")
		u, err := c.Users.Create(t.Context(), in)
		if err != nil || *u.Id != "mine" {
			t.Errorf("Create() = %v, %v; want the user with the exact address, id mine", u, err)
		}
	})
	t.Run("several in other cases, none exact", func(t *testing.T) {
		t.Parallel()
		c := lookupFront(t, "["+user("a", "ADA@example.com")+","+user("b", "ada@EXAMPLE.com")+"]")
		if u, err := c.Users.Create(t.Context(), in); err == nil {
			t.Errorf("Create() = %+v, want the 503: the look-up cannot tell which user is ours", u)
		}
	})
	t.Run("looked-up user has no id", func(t *testing.T) {
		t.Parallel()
		c := lookupFront(t, "["+user("", "Ada@example.com")+"]")
		var apiErr *panther.APIError
		if u, err := c.Users.Create(t.Context(), in); !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusServiceUnavailable {
			t.Errorf("Create() = %+v, %v; want the 503, not a user without an id", u, err)
		}
	})
}
