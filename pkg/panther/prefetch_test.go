package panther_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
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
