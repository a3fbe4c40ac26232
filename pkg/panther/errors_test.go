package panther_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pantherkit/panther-go/pkg/panther"
	"github.com/pantherkit/panther-go/pkg/panthertest"
)

// cannedResponse is what a test server answers to every request.
type cannedResponse struct {
	status  int
	ctype   string
	header  map[string]string
	body    string
	bodyLen int // when > 0, the body is this many 'x' bytes instead
}

func (r cannedResponse) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	if r.ctype != "" {
		w.Header().Set("Content-Type", r.ctype)
	}
	for k, v := range r.header {
		w.Header().Set(k, v)
	}
	w.WriteHeader(r.status)
	if r.bodyLen > 0 {
		chunk := strings.Repeat("x", 1<<16)
		for left := r.bodyLen; left > 0; left -= len(chunk) {
			if _, err := io.WriteString(w, chunk[:min(left, len(chunk))]); err != nil {
				return // the client stopped reading at its cap
			}
		}
		return
	}
	_, _ = io.WriteString(w, r.body)
}

const userJSON = `{"id":"u1","email":"a@example.com","givenName":"A","familyName":"B","enabled":true,"role":{"id":"r1","name":"Admin"}}`

func TestResponsesBecomeAPIErrors(t *testing.T) {
	t.Parallel()
	const js = "application/json"
	tests := []struct {
		name     string
		resp     cannedResponse
		want     panther.APIError
		sentinel error
		wantText string // substring of Error()
	}{
		{name: "400 message", resp: cannedResponse{status: 400, ctype: js, body: `{"message":"email is invalid"}`},
			want: panther.APIError{StatusCode: 400, Message: "email is invalid"}, sentinel: panther.ErrBadRequest,
			wantText: "panther: GET /users/{id}: 400 Bad Request: email is invalid"},
		{name: "401 undeclared", resp: cannedResponse{status: 401, ctype: js, body: `{"message":"Unauthorized"}`},
			want: panther.APIError{StatusCode: 401, Message: "Unauthorized"}, sentinel: panther.ErrUnauthorized},
		{name: "403 error field", resp: cannedResponse{status: 403, ctype: js, body: `{"error":"forbidden"}`},
			want: panther.APIError{StatusCode: 403, Message: "forbidden"}, sentinel: panther.ErrForbidden},
		{name: "404", resp: cannedResponse{status: 404, ctype: js, body: `{"message":"user not found"}`},
			want: panther.APIError{StatusCode: 404, Message: "user not found"}, sentinel: panther.ErrNotFound,
			wantText: "panther: GET /users/{id}: 404 Not Found: user not found"},
		{name: "429 retry-after seconds", resp: cannedResponse{status: 429, ctype: js, header: map[string]string{"Retry-After": "7"}, body: `{"message":"slow down"}`},
			want: panther.APIError{StatusCode: 429, Message: "slow down", RetryAfter: 7 * time.Second}, sentinel: panther.ErrRateLimited,
			wantText: "429 Too Many Requests: slow down (retry after 7s)"},
		{name: "429 no body", resp: cannedResponse{status: 429},
			want: panther.APIError{StatusCode: 429}, sentinel: panther.ErrRateLimited},
		{name: "500 plain text", resp: cannedResponse{status: 500, ctype: "text/plain", body: "internal error\n"},
			want: panther.APIError{StatusCode: 500, Message: "internal error"}},
		{name: "502 HTML from a proxy", resp: cannedResponse{status: 502, ctype: "text/html", body: "<html><body>Bad Gateway</body></html>"},
			want: panther.APIError{StatusCode: 502, Message: "the server answered with an HTML page, not JSON (an error page of a proxy or gateway?)"}},
		{name: "503 broken JSON keeps status", resp: cannedResponse{status: 503, ctype: js, body: `{"message":`},
			want: panther.APIError{StatusCode: 503}},
		{name: "JSON message not a string", resp: cannedResponse{status: 400, ctype: js, body: `{"message":{"x":1},"error":"fallback"}`},
			want: panther.APIError{StatusCode: 400, Message: "fallback"}, sentinel: panther.ErrBadRequest},
		{name: "418 no body", resp: cannedResponse{status: 418},
			want: panther.APIError{StatusCode: 418}},
		{name: "control characters cleaned", resp: cannedResponse{status: 400, ctype: js, body: `{"message":"bad\u001b[31m red\r\n\tinput"}`},
			want: panther.APIError{StatusCode: 400, Message: "bad [31m red input"}, sentinel: panther.ErrBadRequest},
		{name: "huge error body", resp: cannedResponse{status: 500, ctype: "text/plain", bodyLen: 4 << 20},
			want: panther.APIError{StatusCode: 500, Message: strings.Repeat("x", 300) + "…"}},
		{name: "token echoed by server", resp: cannedResponse{status: 401, ctype: js, body: `{"message":"key ` + testToken + ` is revoked"}`},
			want: panther.APIError{StatusCode: 401, Message: "key [redacted] is revoked"}, sentinel: panther.ErrUnauthorized},
		{name: "Console HTML with 200", resp: cannedResponse{status: 200, ctype: "text/html; charset=utf-8", body: "<!DOCTYPE html><html><head><title>Panther</title></head></html>"},
			want:     panther.APIError{StatusCode: 200, Message: "the server answered with an HTML page, not JSON: BASE looks like the Panther Console; use the API URL (https://api.<your-panther-domain>) instead"},
			wantText: "looks like the Panther Console"},
		{name: "HTML without content type", resp: cannedResponse{status: 200, body: "\n  <!doctype html><html></html>"},
			want: panther.APIError{StatusCode: 200, Message: "the server answered with an HTML page, not JSON: BASE looks like the Panther Console; use the API URL (https://api.<your-panther-domain>) instead"}},
		{name: "200 not JSON", resp: cannedResponse{status: 200, ctype: js, body: `{"id": `},
			want: panther.APIError{StatusCode: 200, Message: "response is not the expected JSON: unexpected end of JSON input"}},
		{name: "200 empty object", resp: cannedResponse{status: 200, ctype: js, body: `{}`},
			want: panther.APIError{StatusCode: 200, Message: "response has no user id"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ts := httptestServer(t, tt.resp)
			c := newClient(t, ts.URL, testToken, panther.WithHTTPClient(ts.Client()))
			u, err := c.Users.Get(t.Context(), "u1")
			if err == nil {
				t.Fatalf("Get() = %+v, want an error", u)
			}
			var apiErr *panther.APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("Get() error = %v (%T), want *APIError", err, err)
			}
			want := tt.want
			want.Method, want.Path = "GET", "/users/{id}"
			want.Message = strings.ReplaceAll(want.Message, "BASE", ts.URL)
			if diff := cmp.Diff(want, *apiErr); diff != "" {
				t.Errorf("Get() error mismatch (-want +got):\n%s", diff)
			}
			for _, s := range []error{panther.ErrBadRequest, panther.ErrUnauthorized, panther.ErrForbidden, panther.ErrNotFound, panther.ErrRateLimited, panther.ErrInvalidInput} {
				if got, want := errors.Is(err, s), errors.Is(s, tt.sentinel) && tt.sentinel != nil; got != want {
					t.Errorf("errors.Is(err, %v) = %v, want %v", s, got, want)
				}
			}
			if tt.wantText != "" && !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("Error() = %q, want it to contain %q", err, tt.wantText)
			}
			if strings.Contains(err.Error(), testToken) {
				t.Errorf("Error() = %q contains the token", err)
			}
		})
	}
}

func TestConsoleHTMLSuggestsAPIHost(t *testing.T) {
	t.Parallel()
	// A non-loopback host, reached through a transport that answers locally.
	html := cannedResponse{status: 200, ctype: "text/html", body: "<html></html>"}
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		rec := httptest.NewRecorder()
		html.ServeHTTP(rec, r)
		resp := rec.Result()
		resp.Request = r
		return resp, nil
	})}
	c := newClient(t, "acme.runpanther.net", testToken, panther.WithHTTPClient(hc))
	_, err := c.Users.Get(t.Context(), "u1")
	want := "panther: GET /users/{id}: 200 OK: the server answered with an HTML page, not JSON: https://acme.runpanther.net looks like the Panther Console; use the API URL (https://api.acme.runpanther.net) instead"
	if err == nil || err.Error() != want {
		t.Errorf("Get() error =\n%v\nwant\n%s", err, want)
	}
}

func TestOversizedSuccessBody(t *testing.T) {
	t.Parallel()
	ts := httptestServer(t, cannedResponse{status: 200, ctype: "application/json", bodyLen: 17 << 20})
	c := newClient(t, ts.URL, testToken, panther.WithHTTPClient(ts.Client()))
	_, err := c.Users.Get(t.Context(), "u1")
	if err == nil || !strings.Contains(err.Error(), "response body too large") {
		t.Errorf("Get() error = %v, want response body too large", err)
	}
}

func TestTransportErrors(t *testing.T) {
	t.Parallel()
	t.Run("canceled context", func(t *testing.T) {
		t.Parallel()
		ts := httptestServer(t, cannedResponse{status: 200, ctype: "application/json", body: userJSON})
		c := newClient(t, ts.URL, testToken, panther.WithHTTPClient(ts.Client()))
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		_, err := c.Users.Get(ctx, "u1")
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Get() error = %v, want context.Canceled", err)
		}
		if err != nil && !strings.HasPrefix(err.Error(), "panther: GET /users/{id}: ") {
			t.Errorf("Get() error = %q, want it prefixed with the operation", err)
		}
	})
	t.Run("connection refused", func(t *testing.T) {
		t.Parallel()
		ts := httptestServer(t, http.NotFoundHandler())
		url := ts.URL
		ts.Close()
		c := newClient(t, url, testToken)
		err := c.Users.Delete(t.Context(), "u1")
		var apiErr *panther.APIError
		if err == nil || errors.As(err, &apiErr) || strings.Contains(err.Error(), testToken) {
			t.Errorf("Delete() error = %v, want a transport error without the token", err)
		}
	})
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"0", 0},
		{"5", 5 * time.Second},
		{" 120 ", 2 * time.Minute},
		{"-3", 0},
		{"1.5", 0},
		{"soon", 0},
		{"99999999999999999", time.Duration(1<<63-1) / time.Second * time.Second},
		{"Sat, 01 Mar 2025 12:00:30 GMT", 30 * time.Second},
		{"Sat, 01 Mar 2025 11:59:00 GMT", 0},
		{"Saturday, 01-Mar-25 12:01:00 GMT", time.Minute},
	}
	for _, tt := range tests {
		if got := panther.ParseRetryAfter(tt.in, now); got != tt.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestAPIErrorString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  *panther.APIError
		want string
	}{
		{&panther.APIError{StatusCode: 404, Method: "DELETE", Path: "/users/{id}", Message: "user not found"}, "panther: DELETE /users/{id}: 404 Not Found: user not found"},
		{&panther.APIError{StatusCode: 599}, "panther: 599"},
		{&panther.APIError{StatusCode: 503, Method: "GET", Path: "/users", RetryAfter: 2 * time.Second}, "panther: GET /users: 503 Service Unavailable (retry after 2s)"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestFakeFaultsBecomeErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		fault    panthertest.Fault
		sentinel error
		wantErr  string
	}{
		{name: "Console HTML", fault: panthertest.Fault{Kind: panthertest.FaultHTML},
			wantErr: "200 OK: the server answered with an HTML page, not JSON: http://127.0.0.1"},
		{name: "huge body", fault: panthertest.Fault{Kind: panthertest.FaultHugeBody, Size: 20 << 20},
			wantErr: "response body too large"},
		{name: "429 with Retry-After", fault: panthertest.Fault{Kind: panthertest.FaultStatus, Status: 429, RetryAfter: "3"},
			sentinel: panther.ErrRateLimited, wantErr: "429 Too Many Requests"},
		{name: "503 after the write", fault: panthertest.Fault{Kind: panthertest.FaultAfterWrite, Status: 503},
			wantErr: "503 Service Unavailable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, c := newFake(t, panthertest.WithUsers(1))
			srv.Inject(tt.fault)
			_, err := c.Users.ListPage(t.Context(), nil)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("ListPage() error = %v, want it to contain %q", err, tt.wantErr)
			}
			if tt.sentinel != nil && !errors.Is(err, tt.sentinel) {
				t.Errorf("ListPage() error = %v, want %v", err, tt.sentinel)
			}
			if strings.Contains(err.Error(), srv.Token) {
				t.Errorf("error contains the token: %v", err)
			}
			// The fault was used up: the next call succeeds.
			if _, err := c.Users.ListPage(t.Context(), nil); err != nil {
				t.Errorf("ListPage() after the fault: %v", err)
			}
		})
	}
}

// A server's message is cut at 300 characters; a token that straddles the
// cut must not leave its first part behind.
func TestTokenCutByMessageLimitNeverLeaks(t *testing.T) {
	t.Parallel()
	filler := strings.Repeat("x", 300-len(testToken)/2) + " "
	tests := []struct {
		name  string
		ctype string
		body  string
	}{
		{name: "json message", ctype: "application/json", body: `{"message":"` + filler + testToken + `"}`},
		{name: "json escaped", ctype: "application/json", body: `{"error":"` + filler + `\u0074` + testToken[1:] + `"}`},
		{name: "plain text", ctype: "text/plain", body: filler + testToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ts := httptestServer(t, cannedResponse{status: http.StatusBadRequest, ctype: tt.ctype, body: tt.body})
			c := newClient(t, ts.URL, testToken)
			_, err := c.Users.Get(t.Context(), "u1")
			if !errors.Is(err, panther.ErrBadRequest) {
				t.Fatalf("Get() error = %v, want ErrBadRequest", err)
			}
			if strings.Contains(err.Error(), testToken[:len(testToken)/3]) {
				t.Errorf("Get() error = %q, contains the start of the token", err)
			}
		})
	}
}
