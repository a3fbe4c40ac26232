package panthertest_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/goleak"

	"github.com/pantherkit/panther-go/api"
	"github.com/pantherkit/panther-go/pkg/panthertest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// newFake starts a fake tied to t: any response it produces that breaks the
// spec fails t, and it is closed when t ends.
func newFake(t *testing.T, opts ...panthertest.Option) *panthertest.Server {
	t.Helper()
	return panthertest.NewServer(append([]panthertest.Option{panthertest.WithTB(t)}, opts...)...)
}

// call is one plain net/http request to a fake.
type call struct {
	method, path, token, body string
	contentType               string // default application/json when body is set
}

type reply struct {
	status int
	header http.Header
	body   []byte
}

func do(t *testing.T, srv *panthertest.Server, c call) reply {
	t.Helper()
	return doURL(t, srv.Client(), srv.URL, c)
}

func doURL(t *testing.T, client *http.Client, base string, c call) reply {
	t.Helper()
	var body io.Reader
	if c.body != "" {
		body = strings.NewReader(c.body)
	}
	req, err := http.NewRequestWithContext(t.Context(), c.method, base+c.path, body)
	if err != nil {
		t.Fatal(err)
	}
	if c.token != "" {
		req.Header.Set("X-API-Key", c.token)
	}
	switch {
	case c.contentType != "":
		req.Header.Set("Content-Type", c.contentType)
	case c.body != "":
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", c.method, c.path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", c.method, c.path, err)
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: b}
}

// decode unmarshals a JSON reply into v, checking the Content-Type first.
func decode[T any](t *testing.T, r reply) T {
	t.Helper()
	var v T
	if mt, _, _ := mime.ParseMediaType(r.header.Get("Content-Type")); mt != "application/json" {
		t.Fatalf("Content-Type = %q, want application/json (body %s)", r.header.Get("Content-Type"), r.body)
	}
	dec := json.NewDecoder(bytes.NewReader(r.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("decode %T from %s: %v", v, r.body, err)
	}
	return v
}

type message struct {
	Message string `json:"message"`
}

type errorBody struct {
	Error string `json:"error"`
}

func emails(us []api.UserAPIUser) []string {
	out := []string{}
	for _, u := range us {
		out = append(out, u.Email)
	}
	return out
}

func ptr[T any](v T) *T { return &v }

// fakeClock is a clock tests move by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock {
	return &fakeClock{t: time.Date(2025, 3, 14, 15, 9, 26, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func TestServerURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, prefix, wantSuffix string
	}{
		{name: "root", prefix: "", wantSuffix: ""},
		{name: "prefix", prefix: "/v1", wantSuffix: "/v1"},
		{name: "prefix with slashes", prefix: "/gw/v1/", wantSuffix: "/gw/v1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t, panthertest.WithPathPrefix(tt.prefix), panthertest.WithUsers(1))
			if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") || !strings.HasSuffix(srv.URL, tt.wantSuffix) || strings.HasSuffix(srv.URL, "/") {
				t.Errorf("URL = %q, want http://127.0.0.1:PORT%s", srv.URL, tt.wantSuffix)
			}
			if r := do(t, srv, call{method: "GET", path: "/users", token: srv.Token}); r.status != http.StatusOK {
				t.Errorf("GET %s/users = %d %s, want 200", srv.URL, r.status, r.body)
			}
			if tt.prefix == "" {
				return
			}
			// A client that drops the prefix (an absolute path) must fail.
			root := strings.TrimSuffix(srv.URL, tt.wantSuffix)
			r := doURL(t, srv.Client(), root, call{method: "GET", path: "/users", token: srv.Token})
			if r.status != http.StatusNotFound {
				t.Errorf("GET /users without prefix = %d, want 404", r.status)
			}
			decode[message](t, r)
		})
	}
}

func TestTokens(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	toks := []string{srv.Token, srv.ReadOnlyToken, srv.NewToken(), srv.NewToken(panthertest.PermUserRead)}
	seen := map[string]bool{}
	for _, tok := range toks {
		if tok == "" || seen[tok] {
			t.Errorf("token %q empty or repeated", tok)
		}
		seen[tok] = true
	}
}

func TestCloseIsIdempotentAndStops(t *testing.T) {
	t.Parallel()
	srv := panthertest.NewServer()
	url, client := srv.URL, srv.Client()
	srv.Close()
	srv.Close()
	req, _ := http.NewRequestWithContext(t.Context(), "GET", url+"/users", nil)
	if resp, err := client.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("request after Close succeeded with %d", resp.StatusCode)
	}
}

func TestCloseEndsLatency(t *testing.T) {
	t.Parallel()
	srv := panthertest.NewServer(panthertest.WithLatency(time.Hour))
	errc := make(chan error, 1)
	go func() {
		req, _ := http.NewRequestWithContext(t.Context(), "GET", srv.URL+"/users", nil)
		resp, err := srv.Client().Do(req)
		if err == nil {
			resp.Body.Close()
		}
		errc <- err
	}()
	for len(srv.Requests()) == 0 {
		time.Sleep(time.Millisecond)
	}
	start := time.Now()
	srv.Close()
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Close took %v with a request waiting on latency", d)
	}
	if err := <-errc; err == nil {
		t.Error("request waiting on latency succeeded after Close, want a transport error")
	}
}

func TestStartErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts []panthertest.Option
	}{
		{name: "bad address", opts: []panthertest.Option{panthertest.WithAddr("127.0.0.1:notaport")}},
		{name: "role without id", opts: []panthertest.Option{panthertest.WithRoles(api.UserAPIRole{Name: ptr("Admin")})}},
		{name: "no roles", opts: []panthertest.Option{panthertest.WithRoles()}},
		{name: "duplicate role", opts: []panthertest.Option{panthertest.WithRoles(
			api.UserAPIRole{Id: ptr("1"), Name: ptr("A")}, api.UserAPIRole{Id: ptr("1"), Name: ptr("B")})}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, err := panthertest.Start(tt.opts...)
			if err == nil {
				srv.Close()
				t.Fatal("Start succeeded, want an error")
			}
		})
	}
}

func TestWithAddr(t *testing.T) {
	t.Parallel()
	first := newFake(t)
	addr := strings.TrimPrefix(first.URL, "http://")
	if _, err := panthertest.Start(panthertest.WithAddr(addr)); err == nil {
		t.Fatalf("Start on busy %s succeeded", addr)
	}
	srv := newFake(t, panthertest.WithAddr("127.0.0.1:0"))
	if r := do(t, srv, call{method: "GET", path: "/users", token: srv.Token}); r.status != http.StatusOK {
		t.Errorf("GET /users = %d", r.status)
	}
}

// TestHandler mounts the fake in another server, as the CLI may.
func TestHandler(t *testing.T) {
	t.Parallel()
	srv := newFake(t, panthertest.WithPathPrefix("/v1"), panthertest.WithUsers(2))
	outer := httptest.NewServer(srv.Handler())
	t.Cleanup(outer.Close)
	r := doURL(t, outer.Client(), outer.URL+"/v1", call{method: "GET", path: "/users", token: srv.Token})
	if r.status != http.StatusOK {
		t.Fatalf("GET /v1/users through Handler = %d %s", r.status, r.body)
	}
	got := decode[api.UserAPIListResp](t, r)
	if diff := cmp.Diff(emails(srv.Users()), emails(got.Results)); diff != "" {
		t.Errorf("list through Handler mismatch (-want +got):\n%s", diff)
	}
}

// TestConcurrentUse hammers one fake from many goroutines; run with -race.
func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	srv := newFake(t, panthertest.WithUsers(50))
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := range 20 {
		wg.Go(func() {
			email := strings.Replace("cN@example.com", "N", string(rune('a'+i)), 1)
			body := `{"email":"` + email + `","givenName":"C","familyName":"D","role":{"name":"Analyst"}}`
			r := do(t, srv, call{method: "POST", path: "/users", token: srv.Token, body: body})
			if r.status != http.StatusOK {
				errs <- errors.New("create: " + string(r.body))
				return
			}
			var u api.UserAPIUser
			_ = json.Unmarshal(r.body, &u)
			if r := do(t, srv, call{method: "GET", path: "/users?limit=60", token: srv.ReadOnlyToken}); r.status != http.StatusOK {
				errs <- errors.New("list: " + string(r.body))
			}
			if i%2 == 0 {
				if r := do(t, srv, call{method: "DELETE", path: "/users/" + *u.Id, token: srv.Token}); r.status != http.StatusOK {
					errs <- errors.New("delete: " + string(r.body))
				}
			}
			_ = srv.Users()
			_ = srv.Requests()
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got, want := len(srv.Users()), 50+10; got != want {
		t.Errorf("len(Users()) = %d, want %d", got, want)
	}
}
