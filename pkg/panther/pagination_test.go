package panther_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pantherkit/panther-go/pkg/panther"
	"github.com/pantherkit/panther-go/pkg/panthertest"
)

// collect walks seq to the end and returns the users and the first error.
func collect(seq func(func(panther.User, error) bool)) ([]panther.User, error) {
	var users []panther.User
	for u, err := range seq {
		if err != nil {
			return users, err
		}
		users = append(users, u)
	}
	return users, nil
}

func emails(users []panther.User) []string {
	out := make([]string, 0, len(users))
	for _, u := range users {
		out = append(out, u.Email)
	}
	return out
}

// listFake starts a fake with 130 active users, two of them with status
// FORCE_CHANGE_PASSWORD, and two deactivated users.
func listFake(t *testing.T) (*panthertest.Server, *panther.Client) {
	t.Helper()
	srv, c := newFake(t, panthertest.WithUsers(128))
	for _, u := range []panther.User{
		{Email: "off1@example.com", GivenName: "Off", FamilyName: "One", Role: panther.RoleByName("Admin")},
		{Email: "pending1@example.com", GivenName: "Pen", FamilyName: "Ding", Role: panther.RoleByName("Admin"), Enabled: true, Status: ptr(panthertest.StatusForceChangePassword)},
		{Email: "off2@example.com", GivenName: "Off", FamilyName: "Two", Role: panther.RoleByName("Admin")},
		{Email: "pending2@example.com", GivenName: "Pen", FamilyName: "Ding", Role: panther.RoleByName("Admin"), Enabled: true, Status: ptr(panthertest.StatusForceChangePassword)},
	} {
		if _, err := srv.AddUser(u); err != nil {
			t.Fatal(err)
		}
	}
	return srv, c
}

func TestList(t *testing.T) {
	t.Parallel()
	srv, _ := listFake(t)
	all := srv.Users()
	filter := func(keep func(panther.User) bool) []string {
		var out []string
		for _, u := range all {
			if keep(u) {
				out = append(out, u.Email)
			}
		}
		return out
	}
	idsOf := []string{*all[3].Id, *all[0].Id, *all[129].Id, "unknown"}
	tests := []struct {
		name         string
		opts         *panther.ListUsersOptions
		want         []string
		wantRequests int
		wantQuery    url.Values // of the first request
	}{
		{name: "nil options, server page size", opts: nil, want: filter(func(u panther.User) bool { return u.Enabled }),
			wantRequests: 3, wantQuery: url.Values{}},
		{name: "page size 60", opts: &panther.ListUsersOptions{PageSize: 60}, want: filter(func(u panther.User) bool { return u.Enabled }),
			wantRequests: 3, wantQuery: url.Values{"limit": {"60"}}},
		{name: "page size 1", opts: &panther.ListUsersOptions{PageSize: 1, Contains: "pen"}, want: []string{"pending1@example.com", "pending2@example.com"},
			wantRequests: 2, wantQuery: url.Values{"limit": {"1"}, "contains": {"pen"}}},
		{name: "include deactivated", opts: &panther.ListUsersOptions{IncludeDeactivated: true}, want: emails(all),
			wantRequests: 3, wantQuery: url.Values{"include-deactivated": {"true"}}},
		{name: "contains", opts: &panther.ListUsersOptions{Contains: "OFF", IncludeDeactivated: true}, want: []string{"off1@example.com", "off2@example.com"},
			wantRequests: 1, wantQuery: url.Values{"contains": {"OFF"}, "include-deactivated": {"true"}}},
		{name: "status", opts: &panther.ListUsersOptions{Status: panthertest.StatusForceChangePassword}, want: []string{"pending1@example.com", "pending2@example.com"},
			wantRequests: 1, wantQuery: url.Values{"status": {panthertest.StatusForceChangePassword}}},
		{name: "ids", opts: &panther.ListUsersOptions{IDs: idsOf}, want: []string{all[0].Email, all[3].Email, all[129].Email},
			wantRequests: 1, wantQuery: url.Values{"id": idsOf}},
		{name: "nothing matches", opts: &panther.ListUsersOptions{Contains: "zzz-nobody"}, want: nil,
			wantRequests: 1, wantQuery: url.Values{"contains": {"zzz-nobody"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// A fresh client and request log per case: share the fake's
			// state, not its log.
			srv := panthertest.NewServer(panthertest.WithTB(t))
			for _, u := range all {
				if _, err := srv.AddUser(u); err != nil {
					t.Fatal(err)
				}
			}
			c := newClient(t, srv.URL, srv.Token, panther.WithHTTPClient(srv.Client()))
			got, err := collect(c.Users.List(t.Context(), tt.opts))
			if err != nil {
				t.Fatalf("List() error: %v", err)
			}
			if diff := cmp.Diff(tt.want, emails(got), cmpEmptyNil); diff != "" {
				t.Errorf("List() mismatch (-want +got):\n%s", diff)
			}
			reqs := srv.Requests()
			if len(reqs) != tt.wantRequests {
				t.Errorf("List() sent %d requests, want %d", len(reqs), tt.wantRequests)
			}
			if len(reqs) > 0 {
				q, _ := url.ParseQuery(reqs[0].RawQuery)
				if diff := cmp.Diff(tt.wantQuery, q, cmpEmptyNil); diff != "" {
					t.Errorf("first request query mismatch (-want +got):\n%s", diff)
				}
			}
		})
	}
}

var cmpEmptyNil = cmp.Transformer("nilToEmpty", func(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
})

func TestListIsLazy(t *testing.T) {
	t.Parallel()
	srv, c := listFake(t)
	opts := &panther.ListUsersOptions{PageSize: 10}
	seq := c.Users.List(t.Context(), opts)
	pages := c.Users.Pages(t.Context(), opts)
	if n := len(srv.Requests()); n != 0 {
		t.Fatalf("creating iterators sent %d requests, want 0", n)
	}
	tests := []struct {
		name         string
		take         int
		wantRequests int
	}{
		{name: "break after first user", take: 1, wantRequests: 1},
		{name: "break at end of first page", take: 10, wantRequests: 1},
		{name: "break on second page", take: 11, wantRequests: 2},
		{name: "walk to the end", take: 1000, wantRequests: 13},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv.ResetRequests()
			n := 0
			for _, err := range seq {
				if err != nil {
					t.Fatal(err)
				}
				n++
				if n == tt.take {
					break
				}
			}
			if got := len(srv.Requests()); got != tt.wantRequests {
				t.Errorf("took %d users with %d requests, want %d", n, got, tt.wantRequests)
			}
		})
	}
	t.Run("pages break", func(t *testing.T) {
		srv.ResetRequests()
		for page, err := range pages {
			if err != nil || len(page.Users) != 10 || page.Next == "" {
				t.Fatalf("first page = %+v, %v", page, err)
			}
			break
		}
		if got := len(srv.Requests()); got != 1 {
			t.Errorf("breaking out of Pages after one page sent %d requests, want 1", got)
		}
	})
}

func TestListWalksAgainAndCopiesOptions(t *testing.T) {
	t.Parallel()
	srv, c := listFake(t)
	opts := &panther.ListUsersOptions{PageSize: 50, IDs: []string{*srv.Users()[0].Id, *srv.Users()[1].Id}}
	seq := c.Users.List(t.Context(), opts)
	// Changing the options after List has no effect on the iterator.
	opts.PageSize = 1000
	opts.IDs[0] = ""
	opts.IDs = append(opts.IDs, "x")
	first, err := collect(seq)
	if err != nil {
		t.Fatalf("first walk: %v", err)
	}
	second, err := collect(seq)
	if err != nil {
		t.Fatalf("second walk: %v", err)
	}
	want := emails(srv.Users()[:2])
	if diff := cmp.Diff(want, emails(first)); diff != "" {
		t.Errorf("first walk mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, emails(second)); diff != "" {
		t.Errorf("second walk mismatch (-want +got):\n%s", diff)
	}
	if n := len(srv.Requests()); n != 2 {
		t.Errorf("two walks sent %d requests, want 2", n)
	}
}

func TestListPageResume(t *testing.T) {
	t.Parallel()
	srv, c := listFake(t)
	ctx := t.Context()
	p1, err := c.Users.ListPage(ctx, &panther.ListUsersOptions{PageSize: 20})
	if err != nil || len(p1.Users) != 20 || p1.Next == "" {
		t.Fatalf("ListPage() = %+v, %v; want 20 users and a cursor", p1, err)
	}
	p2, err := c.Users.ListPage(ctx, &panther.ListUsersOptions{PageSize: 20, Cursor: p1.Next})
	if err != nil {
		t.Fatalf("ListPage(cursor) error: %v", err)
	}
	rest, err := collect(c.Users.List(ctx, &panther.ListUsersOptions{Cursor: p2.Next}))
	if err != nil {
		t.Fatalf("List(cursor) error: %v", err)
	}
	got := append(append(emails(p1.Users), emails(p2.Users)...), emails(rest)...)
	var want []string
	for _, u := range srv.Users() {
		if u.Enabled {
			want = append(want, u.Email)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("resumed listing mismatch (-want +got):\n%s", diff)
	}
	if _, err := c.Users.ListPage(ctx, &panther.ListUsersOptions{Cursor: "not-a-cursor"}); !errors.Is(err, panther.ErrBadRequest) {
		t.Errorf("ListPage(bad cursor) error = %v, want ErrBadRequest", err)
	}
}

func TestListRepeatedCursorFails(t *testing.T) {
	t.Parallel()
	srv, c := listFake(t)
	srv.Inject(panthertest.Fault{Kind: panthertest.FaultEndlessCursor, Count: -1})
	for name, seq := range map[string]func(func(panther.User, error) bool){
		"List": c.Users.List(t.Context(), &panther.ListUsersOptions{PageSize: 5}),
		"Pages": func(yield func(panther.User, error) bool) {
			for _, err := range c.Users.Pages(t.Context(), &panther.ListUsersOptions{PageSize: 5}) {
				if err != nil {
					yield(panther.User{}, err)
					return
				}
			}
		},
	} {
		srv.ResetRequests()
		_, err := collect(seq)
		if !errors.Is(err, panther.ErrRepeatedCursor) {
			t.Errorf("%s error = %v, want ErrRepeatedCursor", name, err)
		}
		if n := len(srv.Requests()); n > 3 {
			t.Errorf("%s sent %d requests before stopping, want at most 3", name, n)
		}
	}
}

func TestListErrors(t *testing.T) {
	t.Parallel()
	t.Run("error on a later page is yielded once", func(t *testing.T) {
		t.Parallel()
		srv, c := listFake(t)
		var got []panther.User
		var errs []error
		for u, err := range c.Users.List(t.Context(), &panther.ListUsersOptions{PageSize: 60}) {
			if err != nil {
				errs = append(errs, err)
				continue // the iterator must end by itself
			}
			if len(got) == 0 {
				srv.Inject(panthertest.Fault{Kind: panthertest.FaultStatus, Op: "user#list", Status: http.StatusServiceUnavailable})
			}
			got = append(got, u)
		}
		if len(got) != 60 || len(errs) != 1 {
			t.Fatalf("got %d users and errors %v, want 60 users then one error", len(got), errs)
		}
		var apiErr *panther.APIError
		if !errors.As(errs[0], &apiErr) || apiErr.StatusCode != 503 || apiErr.Path != "/users" {
			t.Errorf("error = %v, want a 503 *APIError for /users", errs[0])
		}
	})
	t.Run("canceled context", func(t *testing.T) {
		t.Parallel()
		_, c := listFake(t)
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		n := 0
		var err error
		for _, e := range c.Users.List(ctx, &panther.ListUsersOptions{PageSize: 10}) {
			if e != nil {
				err = e
				break
			}
			if n++; n == 10 {
				cancel()
			}
		}
		if n != 10 || !errors.Is(err, context.Canceled) {
			t.Errorf("got %d users and error %v, want 10 then context.Canceled", n, err)
		}
	})
}

// A short or even empty page is not the last page; only an absent or empty
// next is.
func TestListFollowsNextPastEmptyPages(t *testing.T) {
	t.Parallel()
	pages := map[string]string{
		"":   `{"results":[],"next":"c1"}`,
		"c1": `{"results":[` + userJSON + `],"next":"c2"}`,
		"c2": `{"results":null,"next":""}`,
	}
	var (
		mu      sync.Mutex
		cursors []string
	)
	ts := httptestServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := r.URL.Query().Get("cursor")
		mu.Lock()
		cursors = append(cursors, c)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, pages[c])
	}))
	c := newClient(t, ts.URL, testToken, panther.WithHTTPClient(ts.Client()))
	got, err := collect(c.Users.List(t.Context(), nil))
	if err != nil || len(got) != 1 || got[0].Email != "a@example.com" {
		t.Errorf("List() = %v, %v; want the one user", emails(got), err)
	}
	mu.Lock()
	sent := append([]string(nil), cursors...)
	mu.Unlock()
	if diff := cmp.Diff([]string{"", "c1", "c2"}, sent); diff != "" {
		t.Errorf("cursors sent mismatch (-want +got):\n%s", diff)
	}
	if p, err := c.Users.ListPage(t.Context(), &panther.ListUsersOptions{Cursor: "c2"}); err != nil || p.Users == nil || len(p.Users) != 0 {
		t.Errorf("ListPage(c2) = %+v, %v; want an empty, non-nil page", p, err)
	}
}

// hostileLister serves GET /users with pages made by page(n) for the n-th
// request (from 0), and counts the requests.
func hostileLister(t *testing.T, page func(n int) string) (*panther.Client, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	ts := httptestServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := page(int(n.Add(1) - 1))
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, body)
	}))
	return newClient(t, ts.URL, testToken, panther.WithHTTPClient(ts.Client())), &n
}

// TestListGuards: a server that never ends a listing, or sends pages and
// cursors no Panther sends, is stopped with a documented error after a
// bounded number of requests, whichever way the listing is walked.
func TestListGuards(t *testing.T) {
	t.Parallel()
	huge := strings.Repeat("c", panther.MaxCursorLength+1)
	tests := []struct {
		name         string
		page         func(n int) string
		opts         panther.ListUsersOptions
		wantErr      error
		wantRequests int64
		wantUsers    int
	}{
		{name: "empty pages with a fresh next forever", page: func(n int) string {
			return fmt.Sprintf(`{"next":"c%d","results":[]}`, n)
		}, wantErr: panther.ErrTooManyPages, wantRequests: panther.MaxEmptyPages},
		{name: "empty pages with prefetch", opts: panther.ListUsersOptions{Prefetch: true}, page: func(n int) string {
			return fmt.Sprintf(`{"next":"c%d","results":[]}`, n)
		}, wantErr: panther.ErrTooManyPages, wantRequests: panther.MaxEmptyPages},
		{name: "a user per page forever stops at MaxPages", opts: panther.ListUsersOptions{MaxPages: 7}, page: func(n int) string {
			return fmt.Sprintf(`{"next":"c%d","results":[%s]}`, n, userJSON)
		}, wantErr: panther.ErrTooManyPages, wantRequests: 7, wantUsers: 7},
		{name: "a next over MaxCursorLength", page: func(n int) string {
			return `{"next":"` + huge + `","results":[` + userJSON + `]}`
		}, wantErr: panther.ErrCursorTooLarge, wantRequests: 1},
		{name: "a next at MaxCursorLength is followed", page: func(n int) string {
			if n == 1 {
				return `{"results":[` + userJSON + `]}`
			}
			return `{"next":"` + huge[1:] + `","results":[` + userJSON + `]}`
		}, wantRequests: 2, wantUsers: 2},
		{name: "more users than the page size asked for", opts: panther.ListUsersOptions{PageSize: 2}, page: func(int) string {
			return `{"results":[` + userJSON + `,` + userJSON + `,` + userJSON + `]}`
		}, wantErr: panther.ErrPageTooLarge, wantRequests: 1},
		{name: "more users than the server default", page: func(int) string {
			return `{"results":[` + strings.Repeat(userJSON+",", panther.MaxPageSize) + userJSON + `]}`
		}, wantErr: panther.ErrPageTooLarge, wantRequests: 1},
		{name: "exactly the page size", opts: panther.ListUsersOptions{PageSize: 2}, page: func(int) string {
			return `{"results":[` + userJSON + `,` + userJSON + `]}`
		}, wantRequests: 1, wantUsers: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, n := hostileLister(t, tt.page)
			got, err := collect(c.Users.List(t.Context(), &tt.opts))
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Errorf("List() error = %v, want %v", err, tt.wantErr)
			}
			if n.Load() != tt.wantRequests || len(got) != tt.wantUsers {
				t.Errorf("List() sent %d requests and got %d users, want %d and %d", n.Load(), len(got), tt.wantRequests, tt.wantUsers)
			}
		})
	}
}

// TestGetManyStopsOnAnEndlessListing: GetMany walks with the same guards, so
// a server that answers every batch with empty pages forever costs a bounded
// number of requests.
func TestGetManyStopsOnAnEndlessListing(t *testing.T) {
	t.Parallel()
	c, n := hostileLister(t, func(n int) string { return fmt.Sprintf(`{"next":"c%d","results":[]}`, n) })
	_, err := c.Users.GetMany(t.Context(), []string{"a", "b"})
	if !errors.Is(err, panther.ErrTooManyPages) || n.Load() != panther.MaxEmptyPages {
		t.Errorf("GetMany() = %v after %d requests, want ErrTooManyPages after %d", err, n.Load(), panther.MaxEmptyPages)
	}
}

// TestHugePageIsRefusedWhileDecoding: 16 MiB of "{}" users is refused after
// the 61st, so the heap grows by about the body, not by millions of users
// (1.9 GB before the check).
func TestHugePageIsRefusedWhileDecoding(t *testing.T) {
	t.Parallel()
	body := `{"results":[{}` + strings.Repeat(",{}", (panther.DefaultMaxResponseSize-64)/3) + `]}`
	ts := httptestServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, body)
	}))
	c := newClient(t, ts.URL, testToken, panther.WithHTTPClient(ts.Client()))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := c.Users.ListPage(t.Context(), nil)
	runtime.ReadMemStats(&after)
	if !errors.Is(err, panther.ErrPageTooLarge) {
		t.Fatalf("ListPage() error = %v, want ErrPageTooLarge", err)
	}
	// Other parallel tests allocate too; the unguarded decode took 100x this.
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 8*uint64(len(body)) {
		t.Errorf("decoding allocated %d MiB for a %d MiB body", grew>>20, len(body)>>20)
	}
}

func TestListRejectsNegativeMaxPages(t *testing.T) {
	t.Parallel()
	c := newClient(t, "http://127.0.0.1:1", testToken)
	_, err := collect(c.Users.List(t.Context(), &panther.ListUsersOptions{MaxPages: -1}))
	var ie *panther.InputError
	if !errors.As(err, &ie) || ie.Field != "maxPages" {
		t.Errorf("List(MaxPages: -1) error = %v, want an InputError for maxPages", err)
	}
}

// TestListPageBodies: a page is decoded straight from the body, without
// json.Unmarshal's own checks, so it checks the same things itself: any
// broken or trailing JSON is an APIError saying so (never a panic, never a
// short page taken as whole), while what encoding/json accepts (spacing,
// members in any order and case, unknown or repeated members, null
// results) still decodes.
func TestListPageBodies(t *testing.T) {
	t.Parallel()
	srv, _ := listFake(t)
	for _, tc := range []struct {
		name    string
		rewrite func(body string) string
		users   int    // listed when ok
		wantErr string // in the APIError's message; "" when the page is fine
	}{
		{"as sent", func(b string) string { return b }, 10, ""},
		{"indented and reordered", func(b string) string {
			var v map[string]any
			if err := json.Unmarshal([]byte(b), &v); err != nil {
				panic(err)
			}
			out, _ := json.MarshalIndent(map[string]any{"NEXT": nil, "extra": []int{1}, "Results": v["results"]}, " ", "\t")
			return string(out)
		}, 10, ""},
		{"results repeated, the last kept", func(b string) string { return `{"results":[{}],` + b[1:] }, 10, ""},
		{"null results", func(string) string { return `{"results":null}` }, 0, ""},
		{"trailing object", func(b string) string { return b + `{}` }, 0, "after the list answer"},
		{"trailing garbage", func(b string) string { return b + ` x` }, 0, "invalid character 'x'"},
		{"cut inside the users", func(b string) string { return b[:len(b)/2] }, 0, "unexpected EOF"},
		{"cut before the closing brace", func(b string) string { return strings.TrimSuffix(strings.TrimSpace(b), "}") }, 0, "EOF"},
		{"results not an array", func(string) string { return `{"results":{"a":1}}` }, 0, "want an array"},
		{"not an object", func(string) string { return `[1]` }, 0, "want a list answer"},
		{"broken member", func(b string) string { return strings.Replace(b, `"email":`, `"email"`, 1) }, 0, "invalid character"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			front, _ := rewritingFront(t, srv, func(_ *testing.T, body []byte) []byte { return []byte(tc.rewrite(string(body))) })
			c := newClient(t, front.URL+"/v1", srv.Token)
			page, err := c.Users.ListPage(t.Context(), &panther.ListUsersOptions{PageSize: 10})
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("ListPage: %v", err)
				}
				if len(page.Users) != tc.users {
					t.Fatalf("ListPage = %d users, want %d", len(page.Users), tc.users)
				}
				return
			}
			var apiErr *panther.APIError
			if !errors.As(err, &apiErr) || !strings.Contains(apiErr.Message, "not the expected JSON") || !strings.Contains(apiErr.Message, tc.wantErr) {
				t.Fatalf("ListPage error = %v, want an APIError saying the body is not the expected JSON (%s)", err, tc.wantErr)
			}
		})
	}
}
