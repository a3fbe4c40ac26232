package panther_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/goleak"

	"github.com/pantherkit/panther-go/api"
	"github.com/pantherkit/panther-go/pkg/panther"
	"github.com/pantherkit/panther-go/pkg/panthertest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// newFake starts a fake tied to t, served under /v1 so that a request built
// with an absolute path instead of the base URL fails, and a client for it.
func newFake(t *testing.T, opts ...panthertest.Option) (*panthertest.Server, *panther.Client) {
	t.Helper()
	all := append([]panthertest.Option{panthertest.WithTB(t), panthertest.WithPathPrefix("/v1")}, opts...)
	srv := panthertest.NewServer(all...)
	return srv, newClient(t, srv.URL, srv.Token, panther.WithHTTPClient(srv.Client()))
}

// newClient returns a client that does not retry unless opts set a policy,
// so that error tests see the first answer.
func newClient(t *testing.T, baseURL, token string, opts ...panther.Option) *panther.Client {
	t.Helper()
	base := []panther.Option{panther.WithAPIToken(token), panther.WithRetryPolicy(panther.RetryPolicy{})}
	c, err := panther.NewClient(baseURL, append(base, opts...)...)
	if err != nil {
		t.Fatalf("NewClient(%q) error: %v", baseURL, err)
	}
	t.Cleanup(c.CloseIdleConnections)
	return c
}

const testToken = "tok-DISTINCTIVE-0123456789abcdef"

func TestNewClientBaseURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
		opts           []panther.Option
	}{
		{name: "https", in: "https://api.acme.runpanther.net", want: "https://api.acme.runpanther.net"},
		{name: "trailing slash", in: "https://api.acme.runpanther.net/", want: "https://api.acme.runpanther.net"},
		{name: "bare host gets https", in: "api.acme.runpanther.net", want: "https://api.acme.runpanther.net"},
		{name: "bare host with port", in: "api.acme.runpanther.net:8443", want: "https://api.acme.runpanther.net:8443"},
		{name: "graphql URL is cut", in: "https://api.acme.runpanther.net/public/graphql", want: "https://api.acme.runpanther.net"},
		{name: "graphql URL with slash", in: "https://api.acme.runpanther.net/public/graphql/", want: "https://api.acme.runpanther.net"},
		{name: "gateway prefix kept", in: "https://gw.example.com/v1/", want: "https://gw.example.com/v1"},
		{name: "prefix and graphql", in: "https://gw.example.com/v1/public/graphql", want: "https://gw.example.com/v1"},
		{name: "case of scheme and host", in: "HTTPS://API.Example.COM", want: "https://api.example.com"},
		{name: "spaces trimmed", in: "  https://api.example.com \n", want: "https://api.example.com"},
		{name: "http loopback v4", in: "http://127.0.0.1:8080", want: "http://127.0.0.1:8080"},
		{name: "http loopback 127/8", in: "http://127.9.9.9", want: "http://127.9.9.9"},
		{name: "http loopback v6", in: "http://[::1]:8080", want: "http://[::1]:8080"},
		{name: "http localhost", in: "http://localhost:8080/v1", want: "http://localhost:8080/v1"},
		{name: "token white space trimmed", in: "https://api.example.com", want: "https://api.example.com", opts: []panther.Option{panther.WithAPIToken(" " + testToken + "\n")}},
		{name: "nil logger", in: "https://api.example.com", want: "https://api.example.com", opts: []panther.Option{panther.WithLogger(nil)}},
		{name: "http remote allowed", in: "http://proxy.internal", want: "http://proxy.internal", opts: []panther.Option{panther.WithInsecureHTTP(true)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := newClient(t, tt.in, testToken, tt.opts...)
			if got := c.BaseURL(); got != tt.want {
				t.Errorf("BaseURL() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNewClientErrors(t *testing.T) {
	t.Parallel()
	tok := panther.WithAPIToken(testToken)
	tests := []struct {
		name    string
		base    string
		opts    []panther.Option
		wantErr string
	}{
		{name: "empty URL", base: "", opts: []panther.Option{tok}, wantErr: "base URL is empty"},
		{name: "blank URL", base: "  ", opts: []panther.Option{tok}, wantErr: "base URL is empty"},
		{name: "unparsable", base: "https://api.example.com:port", opts: []panther.Option{tok}, wantErr: "base URL does not parse"},
		{name: "bad escape", base: "https://api.example.com/%zz", opts: []panther.Option{tok}, wantErr: "base URL does not parse"},
		{name: "scheme", base: "ftp://api.example.com", opts: []panther.Option{tok}, wantErr: `scheme "ftp" is not supported`},
		{name: "query", base: "https://api.example.com/?x=1", opts: []panther.Option{tok}, wantErr: "must not have a query"},
		{name: "fragment", base: "https://api.example.com/#x", opts: []panther.Option{tok}, wantErr: "must not have a fragment"},
		{name: "user info", base: "https://me:pw@api.example.com", opts: []panther.Option{tok}, wantErr: "must not contain user info"},
		{name: "no host", base: "https://", opts: []panther.Option{tok}, wantErr: "has no host"},
		{name: "plain http remote", base: "http://api.example.com", opts: []panther.Option{tok}, wantErr: "WithInsecureHTTP(true)"},
		{name: "plain http remote disallowed explicitly", base: "http://10.0.0.1", opts: []panther.Option{tok, panther.WithInsecureHTTP(false)}, wantErr: "plain http://"},
		{name: "no token", base: "https://api.example.com", wantErr: "no API token: pass WithAPIToken"},
		{name: "bad URL reported before missing token", base: "ftp://x", wantErr: `scheme "ftp"`},
		{name: "empty token", base: "https://api.example.com", opts: []panther.Option{panther.WithAPIToken("")}, wantErr: "WithAPIToken: token is empty"},
		{name: "token with newline", base: "https://api.example.com", opts: []panther.Option{panther.WithAPIToken("abcdefgh\nijklmn")}, wantErr: "non-printable"},
		{name: "token too short", base: "https://api.example.com", opts: []panther.Option{panther.WithAPIToken("t")}, wantErr: "too short to be a Panther API token (1 characters, want at least 8)"},
		{name: "nil HTTP client", base: "https://api.example.com", opts: []panther.Option{tok, panther.WithHTTPClient(nil)}, wantErr: "WithHTTPClient: client is nil"},
		{name: "empty user agent", base: "https://api.example.com", opts: []panther.Option{tok, panther.WithUserAgent("")}, wantErr: "WithUserAgent"},
		{name: "user agent with CRLF", base: "https://api.example.com", opts: []panther.Option{tok, panther.WithUserAgent("a\r\nX-Evil: 1")}, wantErr: "line break"},
		{name: "negative retries", base: "https://api.example.com", opts: []panther.Option{tok, panther.WithRetryPolicy(panther.RetryPolicy{MaxRetries: -1})}, wantErr: "MaxRetries"},
		{name: "max below base delay", base: "https://api.example.com", opts: []panther.Option{tok, panther.WithRetryPolicy(panther.RetryPolicy{BaseDelay: time.Second, MaxDelay: time.Millisecond})}, wantErr: "MaxDelay"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := panther.NewClient(tt.base, tt.opts...)
			if err == nil {
				t.Fatalf("NewClient(%q) = %v, want error containing %q", tt.base, c, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantErr) || !strings.HasPrefix(err.Error(), "panther: ") {
				t.Errorf("NewClient(%q) error = %q, want it to start with \"panther: \" and contain %q", tt.base, err, tt.wantErr)
			}
			if strings.Contains(err.Error(), "pw") && tt.name == "user info" {
				t.Errorf("error %q repeats the password of the URL", err)
			}
		})
	}
}

// Not parallel: t.Setenv.
func TestNewClientFromEnv(t *testing.T) {
	tests := []struct {
		name            string
		env             map[string]string
		opts            []panther.Option
		wantBase        string
		wantErrContains string
	}{
		{name: "URL", env: map[string]string{"PANTHER_API_URL": "https://api.a.example", "PANTHER_API_TOKEN": testToken}, wantBase: "https://api.a.example"},
		{name: "host", env: map[string]string{"PANTHER_API_HOST": "api.b.example", "PANTHER_API_TOKEN": testToken}, wantBase: "https://api.b.example"},
		{name: "URL wins over host", env: map[string]string{"PANTHER_API_URL": "https://api.a.example", "PANTHER_API_HOST": "api.b.example", "PANTHER_API_TOKEN": testToken}, wantBase: "https://api.a.example"},
		{name: "graphql host", env: map[string]string{"PANTHER_API_HOST": "https://api.c.example/public/graphql", "PANTHER_API_TOKEN": testToken}, wantBase: "https://api.c.example"},
		{name: "option token", env: map[string]string{"PANTHER_API_URL": "https://api.a.example"}, opts: []panther.Option{panther.WithAPIToken(testToken)}, wantBase: "https://api.a.example"},
		{name: "no URL", env: map[string]string{"PANTHER_API_TOKEN": testToken}, wantErrContains: "set PANTHER_API_URL (or PANTHER_API_HOST)"},
		{name: "no token", env: map[string]string{"PANTHER_API_URL": "https://api.a.example"}, wantErrContains: "set PANTHER_API_TOKEN"},
		{name: "option token overrides a bad variable", env: map[string]string{"PANTHER_API_URL": "https://api.a.example", "PANTHER_API_TOKEN": "short"},
			opts: []panther.Option{panther.WithAPIToken(testToken)}, wantBase: "https://api.a.example"},
		{name: "bad variable", env: map[string]string{"PANTHER_API_URL": "https://api.a.example", "PANTHER_API_TOKEN": "short"}, wantErrContains: "token is too short"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, k := range []string{"PANTHER_API_URL", "PANTHER_API_HOST", "PANTHER_API_TOKEN"} {
				t.Setenv(k, tt.env[k])
			}
			c, err := panther.NewClientFromEnv(tt.opts...)
			if tt.wantErrContains != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErrContains) {
					t.Fatalf("NewClientFromEnv() error = %v, want it to contain %q", err, tt.wantErrContains)
				}
				return
			}
			if err != nil {
				t.Fatalf("NewClientFromEnv() error: %v", err)
			}
			if got := c.BaseURL(); got != tt.wantBase {
				t.Errorf("BaseURL() = %q, want %q", got, tt.wantBase)
			}
		})
	}
}

func TestClientNeverPrintsToken(t *testing.T) {
	t.Parallel()
	c := newClient(t, "https://api.example.com", testToken)
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("client", "client", c)
	js, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	outputs := map[string]string{
		"%v":        fmt.Sprintf("%v", c),
		"%+v":       fmt.Sprintf("%+v", c),
		"%#v":       fmt.Sprintf("%#v", c),
		"%s":        fmt.Sprintf("%s", c),
		"%q":        fmt.Sprintf("%q", c),
		"*c %+v":    fmt.Sprintf("%+v", *c),
		"*c %#v":    fmt.Sprintf("%#v", *c),
		"Users %+v": fmt.Sprintf("%+v %#v", c.Users, *c.Users),
		"Raw %+v":   fmt.Sprintf("%+v %#v", c.Raw(), *c.Raw()),
		"String":    c.String(),
		"slog":      logged.String(),
		"json":      string(js),
	}
	for name, out := range outputs {
		if strings.Contains(out, testToken) || strings.Contains(out, "DISTINCTIVE") {
			t.Errorf("%s output contains the token: %s", name, out)
		}
	}
	if !strings.Contains(outputs["%+v"], "[redacted]") || !strings.Contains(outputs["slog"], "[redacted]") {
		t.Errorf("outputs do not say the token is redacted: %+v / %s", c, logged.String())
	}
}

func TestWithHTTPClientDoesNotChangeCallersClient(t *testing.T) {
	t.Parallel()
	srv, _ := newFake(t)
	hc := srv.Client()
	before := *hc
	c := newClient(t, srv.URL, srv.Token, panther.WithHTTPClient(hc))
	if _, err := c.Users.ListPage(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	if hc.Transport != before.Transport || hc.CheckRedirect != nil || hc.Jar != before.Jar || hc.Timeout != before.Timeout {
		t.Errorf("WithHTTPClient changed the caller's client: %#v, was %#v", hc, before)
	}
	// The caller's client, used directly, still sends no key.
	resp, err := hc.Get(srv.URL + "/users")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("caller's client got %d, want 401 (no key added to it)", resp.StatusCode)
	}
}

func TestUserAgentAndKeyHeaders(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		opts   []panther.Option
		wantUA string
	}{
		{name: "default", wantUA: "panther-go/" + panther.Version},
		{name: "custom", opts: []panther.Option{panther.WithUserAgent("offboard/2.0 " + panther.DefaultUserAgent)}, wantUA: "offboard/2.0 panther-go/" + panther.Version},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, _ := newFake(t)
			c := newClient(t, srv.URL, srv.Token, append(tt.opts, panther.WithHTTPClient(srv.Client()))...)
			if _, err := c.Users.ListPage(t.Context(), nil); err != nil {
				t.Fatal(err)
			}
			// Raw() shares the transport: keyed and with the same User-Agent.
			if _, err := c.Raw().UserListWithResponse(t.Context(), nil); err != nil {
				t.Fatal(err)
			}
			reqs := srv.Requests()
			if len(reqs) != 2 {
				t.Fatalf("fake saw %d requests, want 2", len(reqs))
			}
			for i, r := range reqs {
				if got := r.Header.Get("User-Agent"); got != tt.wantUA {
					t.Errorf("request %d User-Agent = %q, want %q", i, got, tt.wantUA)
				}
				if got := r.Header.Get("X-API-Key"); got != srv.Token {
					t.Errorf("request %d X-API-Key = %q, want the token", i, got)
				}
				if r.Status != http.StatusOK {
					t.Errorf("request %d status = %d, want 200", i, r.Status)
				}
			}
		})
	}
}

func TestLoggerNeverLogsKey(t *testing.T) {
	t.Parallel()
	srv, _ := newFake(t, panthertest.WithUsers(2))
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := newClient(t, srv.URL, srv.Token, panther.WithHTTPClient(srv.Client()), panther.WithLogger(logger))
	if _, err := c.Users.ListPage(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Users.Get(t.Context(), "missing"); !errors.Is(err, panther.ErrNotFound) {
		t.Fatalf("Get(missing) error = %v, want ErrNotFound", err)
	}
	out := buf.String()
	if strings.Contains(out, srv.Token) {
		t.Errorf("log contains the token:\n%s", out)
	}
	for _, want := range []string{"op=user#list", "status=200", "op=user#get", "path=/users/{id}", "status=404"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
}

func TestRawUsesSameAuth(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t, panthertest.WithUsers(3))
	resp, err := c.Raw().UserListWithResponse(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode() != http.StatusOK || resp.JSON200 == nil {
		t.Fatalf("Raw list: status %d, JSON200 %v", resp.StatusCode(), resp.JSON200)
	}
	got := make([]string, 0, len(resp.JSON200.Results))
	for _, u := range resp.JSON200.Results {
		got = append(got, u.Email)
	}
	want := make([]string, 0, 3)
	for _, u := range srv.Users() {
		want = append(want, u.Email)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Raw list mismatch (-want +got):\n%s", diff)
	}
}

// TestRawIsACopy: changing the client Raw returns (a request editor here)
// does not change the wrapper's own calls.
func TestRawIsACopy(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t, panthertest.WithUsers(1))
	gen, ok := c.Raw().ClientInterface.(*api.Client)
	if !ok {
		t.Fatalf("Raw().ClientInterface is %T, want *api.Client", c.Raw().ClientInterface)
	}
	gen.RequestEditors = append(gen.RequestEditors, func(_ context.Context, r *http.Request) error {
		r.Header.Set("X-Raw-Only", "1")
		return nil
	})
	if _, err := c.Users.ListPage(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Raw().UserListWithResponse(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	reqs := srv.Requests()
	if len(reqs) != 2 || reqs[0].Header.Get("X-Raw-Only") != "" || reqs[1].Header.Get("X-Raw-Only") != "1" {
		t.Errorf("X-Raw-Only on the wrapper's call %q and Raw's %q (of %d requests); want only on Raw's",
			reqs[0].Header.Get("X-Raw-Only"), reqs[len(reqs)-1].Header.Get("X-Raw-Only"), len(reqs))
	}
}

func TestDefaultHTTPClientWorks(t *testing.T) {
	t.Parallel()
	// No WithHTTPClient: the default client (a clone of http.DefaultTransport) is used.
	srv := panthertest.NewServer(panthertest.WithTB(t))
	c := newClient(t, srv.URL, srv.Token)
	if _, err := c.Users.ListPage(t.Context(), nil); err != nil {
		t.Fatalf("ListPage with the default HTTP client: %v", err)
	}
}

// httptestServer starts an httptest server on 127.0.0.1 closed with t.Cleanup.
func httptestServer(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return ts
}

// SECURITY.md: a base URL holding the token, raw or percent-encoded, is
// refused by NewClient, and the error says so without the token.
func TestTokenInBaseURLRefused(t *testing.T) {
	t.Parallel()
	const curly = "tok{en}-1234567"
	for _, tc := range []struct{ base, token string }{
		{"https://api.example.com/" + testToken, testToken},
		{"https://api.example.com/v1/" + strings.ToLower(testToken), testToken},
		{"https://" + testToken + ".example.com", testToken},
		{"http://127.0.0.1:8080/" + url.PathEscape(curly), curly},
		{"https://api.example.com/" + curly, curly},
	} {
		c, err := panther.NewClient(tc.base, panther.WithAPIToken(tc.token))
		if err == nil || !strings.Contains(err.Error(), "base URL contains the API token") {
			t.Errorf("NewClient(%q) = %v, %v; want an error saying the base URL holds the token", tc.base, c, err)
			continue
		}
		for _, out := range chainTexts(err) {
			if strings.Contains(strings.ToLower(out), strings.ToLower(tc.token)) || strings.Contains(out, url.PathEscape(tc.token)) {
				t.Errorf("NewClient(%q) error contains the token: %s", tc.base, out)
			}
		}
	}
}
