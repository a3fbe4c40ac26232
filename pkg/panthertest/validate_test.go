package panthertest_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pantherkit/panther-go/pkg/panthertest"
)

// TestInvalidRequests: anything the spec rejects gets a JSON 4xx naming the
// problem, and nothing reaches the state.
func TestInvalidRequests(t *testing.T) {
	t.Parallel()
	valid := modifyBody("a@example.com", "A", "B", adminRole)
	tests := []struct {
		name       string
		req        call
		wantStatus int
		wantMsg    string
		wantAllow  string
	}{
		{name: "limit 0", req: call{method: "GET", path: "/users?limit=0"}, wantStatus: 400, wantMsg: `"limit": number must be at least 1`},
		{name: "limit 61", req: call{method: "GET", path: "/users?limit=61"}, wantStatus: 400, wantMsg: `"limit": number must be at most 60`},
		{name: "limit 1000", req: call{method: "GET", path: "/users?limit=1000"}, wantStatus: 400, wantMsg: `"limit"`},
		{name: "limit negative", req: call{method: "GET", path: "/users?limit=-1"}, wantStatus: 400, wantMsg: `"limit"`},
		{name: "limit not a number", req: call{method: "GET", path: "/users?limit=ten"}, wantStatus: 400, wantMsg: `"limit"`},
		{name: "limit fraction", req: call{method: "GET", path: "/users?limit=1.5"}, wantStatus: 400, wantMsg: `"limit"`},
		{name: "limit empty", req: call{method: "GET", path: "/users?limit="}, wantStatus: 400, wantMsg: "limit"},
		{name: "include-deactivated not a bool", req: call{method: "GET", path: "/users?include-deactivated=maybe"}, wantStatus: 400, wantMsg: `"include-deactivated"`},
		{name: "create body missing role", req: call{method: "POST", path: "/users", body: `{"email":"a@example.com","givenName":"A","familyName":"B"}`}, wantStatus: 400, wantMsg: `property "role" is missing`},
		{name: "create role not an object", req: call{method: "POST", path: "/users", body: `{"email":"a@example.com","givenName":"A","familyName":"B","role":"Admin"}`}, wantStatus: 400, wantMsg: `"role"`},
		{name: "create empty body", req: call{method: "POST", path: "/users", contentType: "application/json"}, wantStatus: 400, wantMsg: "request body"},
		{name: "create body not JSON", req: call{method: "POST", path: "/users", body: `email=a`}, wantStatus: 400, wantMsg: "request body"},
		{name: "create body an array", req: call{method: "POST", path: "/users", body: `[]`}, wantStatus: 400, wantMsg: "request body"},
		{name: "create wrong content type", req: call{method: "POST", path: "/users", body: valid, contentType: "text/plain"}, wantStatus: 400, wantMsg: "request body"},
		{name: "create unknown field", req: call{method: "POST", path: "/users", body: `{"email":"a@example.com","givenName":"A","familyName":"B","role":{"name":"Admin"},"enabled":false}`}, wantStatus: 400, wantMsg: `unknown field "enabled"`},
		{name: "create unknown role field", req: call{method: "POST", path: "/users", body: `{"email":"a@example.com","givenName":"A","familyName":"B","role":{"name":"Admin","permissions":[]}}`}, wantStatus: 400, wantMsg: `unknown field "permissions"`},
		{name: "create two JSON values", req: call{method: "POST", path: "/users", body: valid + valid}, wantStatus: 400, wantMsg: "request body"},
		{name: "list with a body", req: call{method: "GET", path: "/users", body: `{}`}, wantStatus: 400, wantMsg: "request body not allowed"},
		{name: "delete with a body", req: call{method: "DELETE", path: "/users/x", body: `{}`}, wantStatus: 400, wantMsg: "request body not allowed"},
		{name: "update body missing role", req: call{method: "POST", path: "/users/x", body: `{"email":"a@example.com","givenName":"A","familyName":"B"}`}, wantStatus: 400, wantMsg: `property "role" is missing`},
		{name: "PUT is not a method", req: call{method: "PUT", path: "/users/x", body: valid}, wantStatus: 405, wantAllow: "DELETE, GET, POST"},
		{name: "PATCH", req: call{method: "PATCH", path: "/users/x", body: valid}, wantStatus: 405, wantAllow: "DELETE, GET, POST"},
		{name: "DELETE on collection", req: call{method: "DELETE", path: "/users"}, wantStatus: 405, wantAllow: "GET, POST"},
		{name: "OPTIONS", req: call{method: "OPTIONS", path: "/users"}, wantStatus: 405, wantAllow: "GET, POST"},
		{name: "made-up method", req: call{method: "FROB", path: "/users"}, wantStatus: 405, wantAllow: "GET, POST"},
		{name: "unknown route", req: call{method: "GET", path: "/no-such-resource"}, wantStatus: 404, wantMsg: "no route"},
		{name: "graphql path", req: call{method: "GET", path: "/public/graphql"}, wantStatus: 404, wantMsg: "no route"},
		{name: "trailing slash", req: call{method: "GET", path: "/users/"}, wantStatus: 404, wantMsg: "no route"},
		{name: "too deep", req: call{method: "GET", path: "/users/a/b"}, wantStatus: 404, wantMsg: "no route"},
		{name: "dot segment", req: call{method: "GET", path: "/users/./x"}, wantStatus: 404, wantMsg: "no route"},
		{name: "double slash", req: call{method: "GET", path: "//users"}, wantStatus: 404, wantMsg: "no route"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t)
			tt.req.token = srv.Token
			r := do(t, srv, tt.req)
			if r.status != tt.wantStatus {
				t.Fatalf("%s %s = %d %s, want %d", tt.req.method, tt.req.path, r.status, r.body, tt.wantStatus)
			}
			m := decode[message](t, r)
			if m.Message == "" || !strings.Contains(m.Message, tt.wantMsg) {
				t.Errorf("message = %q, want it to contain %q", m.Message, tt.wantMsg)
			}
			if got := r.header.Get("Allow"); got != tt.wantAllow {
				t.Errorf("Allow = %q, want %q", got, tt.wantAllow)
			}
			if n := len(srv.Users()); n != 0 {
				t.Errorf("an invalid request created %d users", n)
			}
		})
	}
}

// TestHEAD: HEAD is not in the spec, so it is a 405 like any other method
// (with no body, as HEAD answers never have one).
func TestHEAD(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	req, _ := http.NewRequestWithContext(t.Context(), "HEAD", srv.URL+"/users", nil)
	req.Header.Set("X-API-Key", srv.Token)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 405 || resp.Header.Get("Allow") != "GET, POST" {
		t.Errorf("HEAD /users = %d Allow %q, want 405 Allow \"GET, POST\"", resp.StatusCode, resp.Header.Get("Allow"))
	}
}

// TestSpecValidationOff: without the spec check, the fake's own checks still
// reject what Panther rejects, with JSON bodies.
func TestSpecValidationOff(t *testing.T) {
	t.Parallel()
	srv := newFake(t, panthertest.WithSpecValidation(false))
	tests := []struct {
		name string
		req  call
	}{
		{name: "limit 0", req: call{method: "GET", path: "/users?limit=0"}},
		{name: "limit 61", req: call{method: "GET", path: "/users?limit=61"}},
		{name: "limit not a number", req: call{method: "GET", path: "/users?limit=x"}},
		{name: "missing role", req: call{method: "POST", path: "/users", body: `{"email":"a@example.com","givenName":"A","familyName":"B"}`}},
		{name: "missing names", req: call{method: "POST", path: "/users", body: `{"email":"a@example.com","role":{"name":"Admin"}}`}},
		{name: "malformed JSON", req: call{method: "POST", path: "/users", body: `{`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.req.token = srv.Token
			r := do(t, srv, tt.req)
			if r.status != http.StatusBadRequest {
				t.Fatalf("status = %d %s, want 400", r.status, r.body)
			}
			if m := decode[message](t, r); m.Message == "" {
				t.Error("empty message")
			}
		})
	}
}
