package panther_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pantherkit/panther-go/pkg/panther"
	"github.com/pantherkit/panther-go/pkg/panthertest"
)

// headerLog records the headers of every request a server receives.
type headerLog struct {
	mu   sync.Mutex
	seen []http.Header
}

func (l *headerLog) add(h http.Header) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.seen = append(l.seen, h.Clone())
}

func (l *headerLog) all() []http.Header {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]http.Header(nil), l.seen...)
}

// recordingServer answers every request with a user and logs its headers.
func recordingServer(t *testing.T) (*headerLog, string) {
	t.Helper()
	log := &headerLog{}
	ts := httptestServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		log.add(r.Header)
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, userJSON)
	}))
	return log, ts.URL
}

func TestRedirectToOtherOriginNeverGetsKey(t *testing.T) {
	t.Parallel()
	in := panther.UserInput{Email: "a@example.com", GivenName: "A", FamilyName: "B", Role: panther.RoleByName("Admin")}
	calls := map[string]func(context.Context, *panther.Client) error{
		"Get": func(ctx context.Context, c *panther.Client) error { _, err := c.Users.Get(ctx, "u1"); return err },
		"Create": func(ctx context.Context, c *panther.Client) error {
			_, err := c.Users.Create(ctx, in)
			return err
		},
		"Update": func(ctx context.Context, c *panther.Client) error {
			_, err := c.Users.Update(ctx, "u1", in)
			return err
		},
		"Delete": func(ctx context.Context, c *panther.Client) error { return c.Users.Delete(ctx, "u1") },
		"List":   func(ctx context.Context, c *panther.Client) error { _, err := c.Users.ListPage(ctx, nil); return err },
		"Raw": func(ctx context.Context, c *panther.Client) error {
			_, err := c.Raw().UserGetWithResponse(ctx, "u1")
			return err
		},
	}
	for _, status := range []int{301, 302, 303, 307, 308} {
		for name, call := range calls {
			t.Run(http.StatusText(status)+"/"+name, func(t *testing.T) {
				t.Parallel()
				// Both servers are on 127.0.0.1: only the port differs, the case
				// in which Go's own redirect handling keeps every header.
				other, otherURL := recordingServer(t)
				apiSrv := httptestServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					http.Redirect(w, r, otherURL+"/users/u1", status)
				}))
				// A permissive CheckRedirect of the caller must not loosen the rule.
				hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return nil }}
				c := newClient(t, apiSrv.URL, testToken, panther.WithHTTPClient(hc))
				err := call(t.Context(), c)
				if !errors.Is(err, panther.ErrCrossOriginRedirect) {
					t.Errorf("%s error = %v, want ErrCrossOriginRedirect", name, err)
				}
				if err != nil && strings.Contains(err.Error(), testToken) {
					t.Errorf("error contains the token: %v", err)
				}
				for _, h := range other.all() {
					if h.Get("X-API-Key") != "" {
						t.Errorf("the other origin received the API key")
					}
				}
			})
		}
	}
}

func TestKeyOnlyForAPIOrigin(t *testing.T) {
	t.Parallel()
	apiLog, apiURL := recordingServer(t)
	otherLog, otherURL := recordingServer(t)
	other, _ := url.Parse(otherURL)
	c := newClient(t, apiURL, testToken)

	// A request to the API origin gets the key, replacing any the caller set.
	if _, err := c.Raw().UserGetWithResponse(t.Context(), "u1", func(_ context.Context, r *http.Request) error {
		r.Header.Set("X-API-Key", "caller-set")
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	// A request the caller points at another origin loses any key header,
	// whatever its spelling.
	if _, err := c.Raw().UserGetWithResponse(t.Context(), "u1", func(_ context.Context, r *http.Request) error {
		r.URL.Host = other.Host
		r.Host = other.Host
		r.Header["x-api-key"] = []string{"caller-set"}
		r.Header.Set("X-Api-Key", "caller-set-too")
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if got := apiLog.all(); len(got) != 1 || got[0].Get("X-API-Key") != testToken {
		t.Errorf("API origin saw %v, want one request with the token", got)
	}
	got := otherLog.all()
	if len(got) != 1 {
		t.Fatalf("other origin saw %d requests, want 1", len(got))
	}
	for k := range got[0] {
		if strings.EqualFold(k, "X-API-Key") {
			t.Errorf("other origin received header %s", k)
		}
	}
}

func TestSameOriginRedirectKeepsKey(t *testing.T) {
	t.Parallel()
	log := &headerLog{}
	var checked int
	var mu sync.Mutex
	ts := httptestServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/old/users/u1" {
			http.Redirect(w, r, "/new/users/u1", http.StatusTemporaryRedirect)
			return
		}
		log.add(r.Header)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, userJSON)
	}))
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error {
		mu.Lock()
		defer mu.Unlock()
		checked++
		return nil
	}}
	c := newClient(t, ts.URL+"/old", testToken, panther.WithHTTPClient(hc))
	if _, err := c.Users.Get(t.Context(), "u1"); err != nil {
		t.Fatalf("Get() error: %v", err)
	}
	if got := log.all(); len(got) != 1 || got[0].Get("X-API-Key") != testToken {
		t.Errorf("redirect target saw %v, want the key", got)
	}
	mu.Lock()
	defer mu.Unlock()
	if checked != 1 {
		t.Errorf("caller's CheckRedirect ran %d times, want 1", checked)
	}
}

func TestSameOrigin(t *testing.T) {
	t.Parallel()
	tests := []struct {
		base, target string
		want         bool
	}{
		{"https://api.example.com", "https://api.example.com/users", true},
		{"https://api.example.com", "https://API.EXAMPLE.COM:443/users", true},
		{"https://api.example.com:443/v1", "https://api.example.com/other", true},
		{"http://127.0.0.1:80", "http://127.0.0.1/users", true},
		{"https://api.example.com", "http://api.example.com/users", false},
		{"https://api.example.com", "https://api.example.com:8443/users", false},
		{"https://api.example.com", "https://evil.example.com/users", false},
		{"https://api.example.com", "https://api.example.com.evil.net/users", false},
		{"http://127.0.0.1:1234", "http://127.0.0.1:1235/users", false},
		{"http://[::1]:1234", "http://[::1]:1234/users", true},
	}
	for _, tt := range tests {
		if got := panther.SameOrigin(tt.base, tt.target); got != tt.want {
			t.Errorf("SameOrigin(%q, %q) = %v, want %v", tt.base, tt.target, got, tt.want)
		}
	}
}

func TestIsLoopback(t *testing.T) {
	t.Parallel()
	for host, want := range map[string]bool{
		"127.0.0.1": true, "127.255.0.9": true, "::1": true, "localhost": true, "LOCALHOST": true,
		"::ffff:127.0.0.1": true, "10.0.0.1": false, "api.example.com": false, "localhost.evil.com": false, "0.0.0.0": false,
	} {
		if got := panther.IsLoopback(host); got != want {
			t.Errorf("isLoopback(%q) = %v, want %v", host, got, want)
		}
	}
}

// TestTokenNeverLeaks drives every kind of call and failure with a logger at
// debug level and a server that echoes the key back in its answers, then
// looks for the token in every log line, every error (%v, %+v, %#v) and every
// printout of the client, its options and its policy.
func TestTokenNeverLeaks(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	var logMu sync.Mutex
	logger := slog.New(slog.NewJSONHandler(lockedWriter{&logMu, &logs}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var errs []error
	var printed []string
	record := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	fast := panther.RetryPolicy{MaxRetries: 2, BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond}

	// The fake, with every fault it can inject.
	srv := panthertest.NewServer(panthertest.WithTB(t), panthertest.WithUsers(3))
	opts := []panther.Option{panther.WithAPIToken(srv.Token), panther.WithHTTPClient(srv.Client()),
		panther.WithRetryPolicy(fast), panther.WithLogger(logger)}
	c, err := panther.NewClient(srv.URL, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.CloseIdleConnections)
	ctx := t.Context()
	id := *srv.Users()[0].Id
	faults := []panthertest.Fault{
		{Kind: panthertest.FaultStatus, Status: 429, RetryAfter: "1", Count: -1},
		{Kind: panthertest.FaultStatus, Status: 503, Count: -1},
		{Kind: panthertest.FaultReset, Count: -1},
		{Kind: panthertest.FaultAfterWrite, Status: 503},
		{Kind: panthertest.FaultSlowBody, Delay: time.Millisecond},
		{Kind: panthertest.FaultHTML},
		{Kind: panthertest.FaultHugeBody, Size: 32 << 20},
		{Kind: panthertest.FaultEndlessCursor, Count: -1},
	}
	for i, f := range append([]panthertest.Fault{{}}, faults...) {
		srv.ClearFaults()
		if f.Kind != 0 {
			srv.Inject(f)
		}
		_, err := c.Users.Get(ctx, id)
		record(err)
		_, err = c.Users.Get(ctx, "missing")
		record(err)
		_, err = collect(c.Users.List(ctx, &panther.ListUsersOptions{PageSize: 1}))
		record(err)
		u, err := c.Users.Create(ctx, newInput(fmt.Sprintf("leak%d@example.com", i)))
		record(err)
		if err == nil {
			_, err = c.Users.Update(ctx, *u.Id, newInput(fmt.Sprintf("leak%d@example.com", i)))
			record(err)
			record(c.Users.Delete(ctx, *u.Id))
		}
		_, err = c.Raw().UserGetWithResponse(ctx, id)
		record(err)
	}
	srv.ClearFaults()
	_, err = c.Users.Update(ctx, id, panther.UserInput{})
	record(err)
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = c.Users.Get(canceled, id)
	record(err)

	// A server that echoes the key in every answer, in every shape.
	echo := httptestServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.Header.Get("X-API-Key")
		switch r.URL.Path {
		case "/users/json":
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprintf(w, `{"message":"invalid API key %s"}`, key)
		case "/users/text":
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintf(w, "upstream rejected %s", key)
		case "/users/bad-json":
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"id":"%s",`, key)
		case "/users/html":
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprintf(w, "<html>%s</html>", key)
		case "/users/redirect-host":
			http.Redirect(w, r, "http://"+strings.ToLower(key)+".localhost:1/users", http.StatusFound)
		case "/users/redirect-escaped":
			http.Redirect(w, r, "http://localhost:1/"+url.PathEscape(key+"{}"), http.StatusTemporaryRedirect)
		default:
			http.Redirect(w, r, "http://localhost:1/"+key, http.StatusFound)
		}
	}))
	ec, err := panther.NewClient(echo.URL, panther.WithAPIToken(testToken), panther.WithHTTPClient(echo.Client()),
		panther.WithRetryPolicy(fast), panther.WithLogger(logger))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ec.CloseIdleConnections)
	for _, id := range []string{"json", "text", "bad-json", "html", "redirect", "redirect-host", "redirect-escaped"} {
		_, err := ec.Users.Get(ctx, id)
		record(err)
		_, rerr := ec.Raw().UserGetWithResponse(ctx, id)
		record(rerr)
		// Redacted, the chain still matches what it matched.
		if strings.HasPrefix(id, "redirect") && (!errors.Is(err, panther.ErrCrossOriginRedirect) || !errors.Is(rerr, panther.ErrCrossOriginRedirect)) {
			t.Errorf("Get(%s) = %v, Raw = %v; want both to match ErrCrossOriginRedirect", id, err, rerr)
		}
		var ue *url.Error
		if strings.HasPrefix(id, "redirect") && !errors.As(err, &ue) {
			t.Errorf("Get(%s) = %v; want a *url.Error in the chain", id, err)
		}
	}
	// Errors from NewClient itself, with the token in the wrong place.
	for _, base := range []string{"https://user:" + testToken + "@api.example.com", "https://api.example.com/?key=" + testToken,
		"ftp://" + testToken, "https://api.example.com:" + testToken, "http://" + testToken + ".example.com"} {
		_, err := panther.NewClient(base, panther.WithAPIToken(testToken))
		record(err)
	}
	_, err = panther.NewClient("https://api.example.com", panther.WithAPIToken(testToken+"\x00"))
	record(err)

	if len(errs) < 30 {
		t.Errorf("only %d errors collected; the test no longer drives the failures it means to", len(errs))
	}
	for _, err := range errs {
		printed = append(printed, chainTexts(err)...)
		var apiErr *panther.APIError
		if errors.As(err, &apiErr) {
			printed = append(printed, fmt.Sprintf("%+v %#v", *apiErr, *apiErr))
		}
	}
	for _, v := range []any{c, *c, ec, c.Users, fast, opts, opts[0]} {
		printed = append(printed, fmt.Sprintf("%v", v), fmt.Sprintf("%+v", v), fmt.Sprintf("%#v", v))
	}
	logMu.Lock()
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	logMu.Unlock()
	printed = append(printed, lines...)
	for _, tok := range []string{srv.Token, testToken, "DISTINCTIVE"} {
		for _, p := range printed {
			if strings.Contains(strings.ToLower(p), strings.ToLower(tok)) {
				t.Errorf("%q contains the token", p)
			}
		}
	}
	// The log did record calls and retries, Raw ones included.
	for _, want := range []string{`"msg":"panther request"`, `"msg":"panther retry"`, `"op":"raw"`, `"status":429`, `"status":503`} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %s", want)
		}
	}
}

// chainTexts prints err and every error it wraps, to any depth (Unwrap with
// one or many results), each with Error, %v, %+v and %#v, and the URL of
// every *url.Error among them: everything a caller walking the chain with
// errors.Unwrap or errors.As could see.
func chainTexts(err error) []string {
	var out []string
	var walk func(error)
	walk = func(e error) {
		if e == nil {
			return
		}
		out = append(out, e.Error(), fmt.Sprintf("%v", e), fmt.Sprintf("%+v", e), fmt.Sprintf("%#v", e))
		if ue, ok := e.(*url.Error); ok { //nolint:errorlint // this node of the chain, not the chain

			out = append(out, ue.URL)
		}
		switch u := e.(type) { //nolint:errorlint // walking the chain by hand is the point
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		case interface{ Unwrap() []error }:
			for _, n := range u.Unwrap() {
				walk(n)
			}
		}
	}
	walk(err)
	return out
}

// lockedWriter serializes writes of concurrent log calls.
type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// TestCallerTransportSeesTheKey: the key is set under its canonical name, so
// a transport the caller plugs in finds it with Header.Get (a stub that
// checks the key) and a redacting middleware removes it with Header.Del,
// for the wrapper's calls and Raw()'s alike.
func TestCallerTransportSeesTheKey(t *testing.T) {
	t.Parallel()
	srv := panthertest.NewServer(panthertest.WithTB(t), panthertest.WithUsers(1))
	var mu sync.Mutex
	var seen, leftAfterDel []string
	base := srv.Client().Transport
	tr := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		seen = append(seen, r.Header.Get("X-API-Key"))
		h := r.Header.Clone()
		h.Del("X-API-Key")
		leftAfterDel = append(leftAfterDel, fmt.Sprint(len(h.Values("x-api-key"))))
		for k := range h {
			if strings.EqualFold(k, "X-API-Key") {
				leftAfterDel[len(leftAfterDel)-1] = "left under " + k
			}
		}
		mu.Unlock()
		return base.RoundTrip(r)
	})
	c := newClient(t, srv.URL, srv.Token, panther.WithHTTPClient(&http.Client{Transport: tr}))
	if _, err := c.Users.Get(t.Context(), *srv.Users()[0].Id); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Raw().UserListWithResponse(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 2 || seen[0] != srv.Token || seen[1] != srv.Token {
		t.Errorf("Header.Get(\"X-API-Key\") in the caller's transport = %q, want the token twice", seen)
	}
	for _, left := range leftAfterDel {
		if left != "0" {
			t.Errorf("Header.Del(\"X-API-Key\") left the key: %s", left)
		}
	}
}
