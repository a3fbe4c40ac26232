package panther_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pantherkit/panther-go/pkg/panther"
	"github.com/pantherkit/panther-go/pkg/panthertest"
)

// waitRequests waits until the fake has seen n requests, or fails after a while.
func waitRequests(t *testing.T, srv *panthertest.Server, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for len(srv.Requests()) < n {
		if time.Now().After(deadline) {
			t.Fatalf("fake saw %d requests, want %d", len(srv.Requests()), n)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestPrefetchOverlapsTheLoopBody(t *testing.T) {
	t.Parallel()
	srv, c := listFake(t) // 130 active users: 13 pages of 10
	pages := 0
	for page, err := range c.Users.Pages(t.Context(), &panther.ListUsersOptions{PageSize: 10, Prefetch: true}) {
		if err != nil {
			t.Fatal(err)
		}
		pages++
		if page.Next != "" {
			// While the body works on this page, the next one is already asked for.
			waitRequests(t, srv, pages+1)
		}
	}
	if pages != 13 || len(srv.Requests()) != 13 {
		t.Errorf("walked %d pages with %d requests, want 13 and 13 (no page fetched twice or past the end)", pages, len(srv.Requests()))
	}
}

func TestNoPrefetchIsLazy(t *testing.T) {
	t.Parallel()
	srv, c := listFake(t)
	pages := 0
	for _, err := range c.Users.Pages(t.Context(), &panther.ListUsersOptions{PageSize: 10}) {
		if err != nil {
			t.Fatal(err)
		}
		pages++
		// Without Prefetch nothing is in flight while the body runs.
		if n := len(srv.Requests()); n != pages {
			t.Fatalf("on page %d the fake has seen %d requests, want %d", pages, n, pages)
		}
	}
}

func TestPrefetchSameUsers(t *testing.T) {
	t.Parallel()
	_, c := listFake(t)
	opts := &panther.ListUsersOptions{PageSize: 7, IncludeDeactivated: true}
	want, err := collect(c.Users.List(t.Context(), opts))
	if err != nil {
		t.Fatal(err)
	}
	opts.Prefetch = true
	got, err := collect(c.Users.List(t.Context(), opts))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(emails(want), emails(got)); diff != "" {
		t.Errorf("prefetching walk mismatch (-plain +prefetch):\n%s", diff)
	}
}

func TestPrefetchBreakFetchesAtMostOneAhead(t *testing.T) {
	t.Parallel()
	for _, take := range []int{1, 10, 11, 35} {
		srv, c := listFake(t)
		n := 0
		for _, err := range c.Users.List(t.Context(), &panther.ListUsersOptions{PageSize: 10, Prefetch: true}) {
			if err != nil {
				t.Fatal(err)
			}
			n++
			if n == take {
				break
			}
		}
		consumed := (take + 9) / 10
		if got := len(srv.Requests()); got < consumed || got > consumed+1 {
			t.Errorf("break after %d users (%d pages): %d requests, want %d or %d", take, consumed, got, consumed, consumed+1)
		}
	}
	// goleak in TestMain fails the package if a prefetch outlives its walk.
}

func TestPrefetchErrors(t *testing.T) {
	t.Parallel()
	t.Run("failed prefetched page is yielded after the page before it", func(t *testing.T) {
		t.Parallel()
		srv := panthertest.NewServer(panthertest.WithTB(t), panthertest.WithUsers(30))
		var calls atomic.Int32
		front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if calls.Add(1) == 2 { // the prefetch of page 2
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusInternalServerError)
				_, _ = w.Write([]byte(`{"message":"boom"}`))
				return
			}
			srv.Handler().ServeHTTP(w, r)
		}))
		t.Cleanup(front.Close)
		c, err := panther.NewClient(front.URL, panther.WithAPIToken(srv.Token), panther.WithRetryPolicy(panther.RetryPolicy{}))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(c.CloseIdleConnections)
		users, err := collect(c.Users.List(t.Context(), &panther.ListUsersOptions{PageSize: 10, Prefetch: true}))
		var apiErr *panther.APIError
		if len(users) != 10 || !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusInternalServerError {
			t.Errorf("got %d users and %v, want the first page's 10 users then the 500", len(users), err)
		}
	})
	t.Run("endless cursor", func(t *testing.T) {
		t.Parallel()
		srv, c := newFake(t, panthertest.WithUsers(30))
		srv.Inject(panthertest.Fault{Kind: panthertest.FaultEndlessCursor, Op: "user#list", Count: -1})
		_, err := collect(c.Users.List(t.Context(), &panther.ListUsersOptions{PageSize: 10, Prefetch: true}))
		if !errors.Is(err, panther.ErrRepeatedCursor) {
			t.Fatalf("err = %v, want ErrRepeatedCursor", err)
		}
		if n := len(srv.Requests()); n != 2 {
			t.Errorf("endless cursor: %d requests, want 2 (the repeated cursor is never fetched)", n)
		}
	})
}

// rewritingFront serves srv's answers with each list body passed through
// rewrite, and counts the requests per cursor ("" for the first page).
func rewritingFront(t *testing.T, srv *panthertest.Server, rewrite func(t *testing.T, body []byte) []byte) (*httptest.Server, *cursorCounts) {
	t.Helper()
	counts := &cursorCounts{n: map[string]int{}}
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		counts.add(r.URL.Query().Get("cursor"))
		rec := httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		if rec.Code == http.StatusOK && r.Method == http.MethodGet {
			body = rewrite(t, body)
		}
		w.Header().Set("Content-Type", rec.Header().Get("Content-Type"))
		w.WriteHeader(rec.Code)
		_, _ = w.Write(body)
	}))
	t.Cleanup(front.Close)
	return front, counts
}

type cursorCounts struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *cursorCounts) add(cursor string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n[cursor]++
}

func (c *cursorCounts) get(cursor string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[cursor]
}

// splitPage returns the raw next (nil when absent) and results of a list body.
func splitPage(t *testing.T, body []byte) (next, results json.RawMessage) {
	t.Helper()
	var page struct {
		Next    json.RawMessage `json:"next"`
		Results json.RawMessage `json:"results"`
	}
	if err := json.Unmarshal(body, &page); err != nil {
		t.Errorf("fake list body: %v", err)
	}
	return page.Next, page.Results
}

// TestPrefetchWhateverTheOrderOfNext walks the same listing with the
// response's members in Panther's order (next first), the other way round,
// and with next given twice (the last wins, as in encoding/json).
func TestPrefetchWhateverTheOrderOfNext(t *testing.T) {
	t.Parallel()
	srv, plain := listFake(t)
	want, err := collect(plain.Users.List(t.Context(), &panther.ListUsersOptions{PageSize: 10}))
	if err != nil {
		t.Fatal(err)
	}
	rewrites := map[string]func(t *testing.T, body []byte) []byte{
		"next first": func(_ *testing.T, body []byte) []byte { return body },
		"results first": func(t *testing.T, body []byte) []byte {
			t.Helper()
			next, results := splitPage(t, body)
			if next == nil {
				return body
			}
			return fmt.Appendf(nil, `{"results":%s,"next":%s}`, results, next)
		},
		"next twice": func(t *testing.T, body []byte) []byte {
			t.Helper()
			next, results := splitPage(t, body)
			if next == nil {
				return body
			}
			return fmt.Appendf(nil, `{"next":"decoy","results":%s,"next":%s}`, results, next)
		},
	}
	for name, rewrite := range rewrites {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			front, counts := rewritingFront(t, srv, rewrite)
			c := newClient(t, front.URL+"/v1", srv.Token)
			got, err := collect(c.Users.List(t.Context(), &panther.ListUsersOptions{PageSize: 10, Prefetch: true}))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(emails(want), emails(got)); diff != "" {
				t.Errorf("users (-without prefetch +with):\n%s", diff)
			}
			if n := counts.get(""); n != 1 {
				t.Errorf("first page requested %d times, want 1", n)
			}
			if n := counts.get("decoy"); n != 0 {
				t.Errorf("decoy cursor requested %d times, want never (the last next wins)", n)
			}
		})
	}
}

// TestPrefetchBrokenBodyAfterNext: a prefetched body that names next and
// then breaks is an error, yielded once after the page before it; the walk
// ends and sends nothing for that next (goleak in TestMain).
func TestPrefetchBrokenBodyAfterNext(t *testing.T) {
	t.Parallel()
	srv, _ := listFake(t)
	var pages atomic.Int32
	front, _ := rewritingFront(t, srv, func(_ *testing.T, body []byte) []byte {
		if pages.Add(1) == 2 {
			return body[:len(body)/2] // next is whole, the users are cut off
		}
		return body
	})
	c := newClient(t, front.URL+"/v1", srv.Token)
	var users, errs int
	for _, err := range c.Users.List(t.Context(), &panther.ListUsersOptions{PageSize: 10, Prefetch: true}) {
		if err != nil {
			errs++
			var apiErr *panther.APIError
			if !errors.As(err, &apiErr) || !strings.Contains(apiErr.Message, "not the expected JSON") {
				t.Errorf("err = %v, want an APIError saying the body is not the expected JSON", err)
			}
			continue
		}
		users++
	}
	if users != 10 || errs != 1 {
		t.Errorf("got %d users and %d errors, want the first page's 10 then one error", users, errs)
	}
}

// inFlight is a transport that counts the requests it has not answered yet.
type inFlight struct {
	base http.RoundTripper
	n    atomic.Int32
}

func (f *inFlight) RoundTrip(r *http.Request) (*http.Response, error) {
	f.n.Add(1)
	defer f.n.Add(-1)
	return f.base.RoundTrip(r)
}

// TestPrefetchEndsWithTheWalk: when the loop breaks, or the walk ends on an
// error, the prefetch in flight is canceled and waited for before the range
// statement returns, even against a server that never answers it.
func TestPrefetchEndsWithTheWalk(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		broken bool // the first page names next, then breaks
	}{{"break", false}, {"error", true}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, _ := listFake(t)
			front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Query().Get("cursor") != "" {
					select { // hang until the client gives up
					case <-r.Context().Done():
					case <-time.After(10 * time.Second):
					}
					return
				}
				rec := httptest.NewRecorder()
				srv.Handler().ServeHTTP(rec, r)
				body := rec.Body.Bytes()
				if tc.broken {
					body = body[:len(body)/2]
				}
				w.WriteHeader(rec.Code)
				_, _ = w.Write(body)
			}))
			t.Cleanup(front.Close)
			tr := &inFlight{base: http.DefaultTransport.(*http.Transport).Clone()}
			c := newClient(t, front.URL+"/v1", srv.Token, panther.WithHTTPClient(&http.Client{Transport: tr}))
			t.Cleanup(tr.base.(*http.Transport).CloseIdleConnections)
			for _, err := range c.Users.List(t.Context(), &panther.ListUsersOptions{PageSize: 10, Prefetch: true}) {
				if (err != nil) != tc.broken {
					t.Fatalf("err = %v", err)
				}
				if !tc.broken {
					// The next page's request is on its way before the loop body runs.
					for tr.n.Load() == 0 {
						time.Sleep(time.Millisecond)
					}
				}
				break
			}
			if n := tr.n.Load(); n != 0 {
				t.Errorf("%d requests still in flight after the loop", n)
			}
		})
	}
}
