package panthertest_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pantherkit/panther-go/api"
	"github.com/pantherkit/panther-go/pkg/panthertest"
)

func TestFaultStatus(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name           string
		fault          panthertest.Fault
		req            call
		wantStatus     int
		wantRetryAfter string
	}{
		{name: "429 with Retry-After", fault: panthertest.Fault{Kind: panthertest.FaultStatus, Status: 429, RetryAfter: "7"}, req: call{method: "GET", path: "/users"}, wantStatus: 429, wantRetryAfter: "7"},
		{name: "429 without Retry-After", fault: panthertest.Fault{Kind: panthertest.FaultStatus, Status: 429}, req: call{method: "GET", path: "/users"}, wantStatus: 429},
		{name: "default 500", fault: panthertest.Fault{Kind: panthertest.FaultStatus}, req: call{method: "GET", path: "/users"}, wantStatus: 500},
		{name: "502 on create", fault: panthertest.Fault{Kind: panthertest.FaultStatus, Status: 502, Op: "user#create"}, req: call{method: "POST", path: "/users", body: modifyBody("new@example.com", "N", "U", adminRole)}, wantStatus: 502},
		{name: "503 on delete", fault: panthertest.Fault{Kind: panthertest.FaultStatus, Status: 503, Op: "user#delete"}, req: call{method: "DELETE", path: "/users/seeded"}, wantStatus: 503},
		{name: "504 on update", fault: panthertest.Fault{Kind: panthertest.FaultStatus, Status: 504}, req: call{method: "POST", path: "/users/seeded", body: modifyBody("new@example.com", "N", "U", adminRole)}, wantStatus: 504},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t)
			seeded := userFixture("seeded@example.com")
			seeded.Id = ptr("seeded")
			if _, err := srv.AddUser(seeded); err != nil {
				t.Fatal(err)
			}
			before := srv.Users()
			tt.fault.Count = 2
			srv.Inject(tt.fault)
			tt.req.token = srv.Token
			for i := range 2 {
				r := do(t, srv, tt.req)
				if r.status != tt.wantStatus || r.header.Get("Retry-After") != tt.wantRetryAfter {
					t.Fatalf("request %d = %d Retry-After %q, want %d %q", i, r.status, r.header.Get("Retry-After"), tt.wantStatus, tt.wantRetryAfter)
				}
				if m := decode[message](t, r); m.Message == "" {
					t.Error("empty message")
				}
			}
			if diff := cmp.Diff(before, srv.Users()); diff != "" {
				t.Errorf("a faulted request changed the users (-before +after):\n%s", diff)
			}
			// Count 2 is used up: the third request is served.
			if r := do(t, srv, tt.req); r.status >= 400 {
				t.Errorf("third request = %d %s, want it served", r.status, r.body)
			}
		})
	}
}

func TestFaultMatching(t *testing.T) {
	t.Parallel()
	srv := newFake(t, panthertest.WithUsers(1))
	id := *srv.Users()[0].Id
	srv.Inject(panthertest.Fault{Kind: panthertest.FaultStatus, Op: "user#list", Status: 503})
	srv.Inject(panthertest.Fault{Kind: panthertest.FaultStatus, Status: 502})
	steps := []struct {
		req  call
		want int
	}{
		{req: call{method: "GET", path: "/users"}, want: 401},                         // unauthenticated: consumes nothing
		{req: call{method: "GET", path: "/users/" + id, token: srv.Token}, want: 502}, // skips the list fault
		{req: call{method: "GET", path: "/nope", token: srv.Token}, want: 404},        // no operation: consumes nothing
		{req: call{method: "GET", path: "/users", token: srv.Token}, want: 503},
		{req: call{method: "GET", path: "/users", token: srv.Token}, want: 200},
		{req: call{method: "GET", path: "/users/" + id, token: srv.Token}, want: 200},
	}
	for i, s := range steps {
		if r := do(t, srv, s.req); r.status != s.want {
			t.Errorf("step %d: %s %s = %d, want %d", i, s.req.method, s.req.path, r.status, s.want)
		}
	}
}

func TestFaultForever(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	srv.Inject(panthertest.Fault{Kind: panthertest.FaultStatus, Status: 500, Count: -1})
	for range 5 {
		if r := do(t, srv, call{method: "GET", path: "/users", token: srv.Token}); r.status != 500 {
			t.Fatalf("status = %d, want 500", r.status)
		}
	}
	srv.ClearFaults()
	if r := do(t, srv, call{method: "GET", path: "/users", token: srv.Token}); r.status != 200 {
		t.Errorf("after ClearFaults = %d, want 200", r.status)
	}
}

func TestInjectPanicsOnFaultsThatNeverMatch(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	for _, f := range []panthertest.Fault{
		{Kind: panthertest.FaultStatus, Op: "UserList"},
		{Kind: 0},
		{Kind: panthertest.FaultEndlessCursor, Op: "user#get"}, // only a list has a cursor
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Inject(%+v) did not panic", f)
				}
			}()
			srv.Inject(f)
		}()
	}
}

func TestFaultAfterWrite(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	body := modifyBody("retry@example.com", "R", "T", adminRole)
	srv.Inject(panthertest.Fault{Kind: panthertest.FaultAfterWrite, Op: "user#create"})
	r := do(t, srv, call{method: "POST", path: "/users", token: srv.Token, body: body})
	if r.status != 503 {
		t.Fatalf("create = %d %s, want 503", r.status, r.body)
	}
	if diff := cmp.Diff([]string{"retry@example.com"}, emails(srv.Users())); diff != "" {
		t.Errorf("the write was not applied (-want +got):\n%s", diff)
	}
	// A blind retry now hits the duplicate check.
	r = do(t, srv, call{method: "POST", path: "/users", token: srv.Token, body: body})
	if r.status != 400 || !contains(decode[message](t, r).Message, "already exists") {
		t.Errorf("retried create = %d %s, want 400 already exists", r.status, r.body)
	}

	id := *srv.Users()[0].Id
	srv.Inject(panthertest.Fault{Kind: panthertest.FaultAfterWrite, Op: "user#delete", Status: 500})
	if r := do(t, srv, call{method: "DELETE", path: "/users/" + id, token: srv.Token}); r.status != 500 {
		t.Fatalf("delete = %d, want 500", r.status)
	}
	if r := do(t, srv, call{method: "DELETE", path: "/users/" + id, token: srv.Token}); r.status != 404 {
		t.Errorf("retried delete = %d, want 404", r.status)
	}
}

func TestFaultReset(t *testing.T) {
	t.Parallel()
	t.Run("POST is not retried by net/http", func(t *testing.T) {
		t.Parallel()
		srv := newFake(t)
		do(t, srv, call{method: "GET", path: "/users", token: srv.Token}) // warm a keep-alive connection
		srv.Inject(panthertest.Fault{Kind: panthertest.FaultReset, Op: "user#create"})
		req, _ := http.NewRequestWithContext(t.Context(), "POST", srv.URL+"/users", strings.NewReader(modifyBody("a@example.com", "A", "B", adminRole)))
		req.Header.Set("X-API-Key", srv.Token)
		req.Header.Set("Content-Type", "application/json")
		if resp, err := srv.Client().Do(req); err == nil {
			resp.Body.Close()
			t.Fatalf("POST got %d, want a transport error", resp.StatusCode)
		}
		if n := len(srv.Users()); n != 0 {
			t.Errorf("a reset create stored %d users", n)
		}
		reqs := srv.Requests()
		if last := reqs[len(reqs)-1]; last.Op != "user#create" || last.Status != 0 {
			t.Errorf("last request = %s status %d, want user#create status 0", last.Op, last.Status)
		}
	})
	t.Run("GET needs Count 2 on a reused connection", func(t *testing.T) {
		t.Parallel()
		srv := newFake(t)
		do(t, srv, call{method: "GET", path: "/users", token: srv.Token})
		srv.Inject(panthertest.Fault{Kind: panthertest.FaultReset, Count: 2})
		req, _ := http.NewRequestWithContext(t.Context(), "GET", srv.URL+"/users", nil)
		req.Header.Set("X-API-Key", srv.Token)
		if resp, err := srv.Client().Do(req); err == nil {
			resp.Body.Close()
			t.Fatalf("GET got %d, want a transport error", resp.StatusCode)
		}
		if r := do(t, srv, call{method: "GET", path: "/users", token: srv.Token}); r.status != 200 {
			t.Errorf("after the reset = %d, want 200", r.status)
		}
	})
}

func TestFaultSlowBody(t *testing.T) {
	t.Parallel()
	srv := newFake(t, panthertest.WithUsers(5))
	want := do(t, srv, call{method: "GET", path: "/users", token: srv.Token})
	const delay = 15 * time.Millisecond
	srv.Inject(panthertest.Fault{Kind: panthertest.FaultSlowBody, Delay: delay})
	start := time.Now()
	got := do(t, srv, call{method: "GET", path: "/users", token: srv.Token})
	if d := time.Since(start); d < 7*delay {
		t.Errorf("slow body took %v, want at least %v", d, 7*delay)
	}
	if got.status != 200 || !bytes.Equal(got.body, want.body) {
		t.Errorf("slow body = %d %s, want %d %s", got.status, got.body, want.status, want.body)
	}
}

// TestFaultSlowBodyBounded: a client that gives up ends the trickle.
func TestFaultSlowBodyBounded(t *testing.T) {
	t.Parallel()
	srv := newFake(t, panthertest.WithUsers(5))
	srv.Inject(panthertest.Fault{Kind: panthertest.FaultSlowBody, Delay: time.Hour})
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/users", nil)
	req.Header.Set("X-API-Key", srv.Token)
	start := time.Now()
	resp, err := srv.Client().Do(req)
	if err == nil {
		_, err = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	if err == nil {
		t.Fatal("read of an hour-slow body succeeded")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("gave up after %v", d)
	}
}

func TestFaultHTML(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	srv.Inject(panthertest.Fault{Kind: panthertest.FaultHTML})
	r := do(t, srv, call{method: "GET", path: "/users", token: srv.Token})
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") || !contains(string(r.body), `<div id="root"></div>`) {
		t.Errorf("HTML fault = %d %q %s", r.status, r.header.Get("Content-Type"), r.body)
	}
}

func TestFaultHugeBody(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	const size = 8 << 20
	srv.Inject(panthertest.Fault{Kind: panthertest.FaultHugeBody, Size: size})
	req, _ := http.NewRequestWithContext(t.Context(), "GET", srv.URL+"/users", nil)
	req.Header.Set("X-API-Key", srv.Token)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	head := make([]byte, 13)
	if _, err := io.ReadFull(resp.Body, head); err != nil {
		t.Fatal(err)
	}
	rest, err := io.Copy(io.Discard, resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" || resp.ContentLength != size || int64(len(head))+rest != size || string(head) != `{"results":[]` {
		t.Errorf("huge body = %d %q len %d (declared %d) starting %q", resp.StatusCode, resp.Header.Get("Content-Type"), int64(len(head))+rest, resp.ContentLength, head)
	}
}

func TestFaultEndlessCursor(t *testing.T) {
	t.Parallel()
	srv := newFake(t, panthertest.WithUsers(5))
	srv.Inject(panthertest.Fault{Kind: panthertest.FaultEndlessCursor, Count: -1})
	// Only list matches: a get is served normally.
	if r := do(t, srv, call{method: "GET", path: "/users/" + url.PathEscape(*srv.Users()[0].Id), token: srv.Token}); r.status != 200 {
		t.Fatalf("get = %d", r.status)
	}
	first := decode[api.UserAPIListResp](t, do(t, srv, call{method: "GET", path: "/users?limit=2", token: srv.Token}))
	if first.Next == nil {
		t.Fatal("no next on an endless first page")
	}
	for range 3 {
		page := decode[api.UserAPIListResp](t, do(t, srv, call{method: "GET", path: "/users?limit=2&cursor=" + url.QueryEscape(*first.Next), token: srv.Token}))
		if page.Next == nil || *page.Next != *first.Next {
			t.Fatalf("next = %v, want the request's cursor %q", page.Next, *first.Next)
		}
	}
	srv.ClearFaults()
	if got := listAll(t, srv, "limit=2"); len(got) != 3 {
		t.Errorf("after ClearFaults, %d pages, want 3", len(got))
	}
}
