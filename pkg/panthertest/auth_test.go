package panthertest_test

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pantherkit/panther-go/pkg/panthertest"
)

// TestAuth checks authentication (401), then permissions (403), for every
// operation, before the request itself is looked at.
func TestAuth(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	u, err := srv.AddUser(userFixture("auth@example.com"))
	if err != nil {
		t.Fatal(err)
	}
	valid := `{"email":"new@example.com","givenName":"N","familyName":"U","role":{"name":"Admin"}}`
	ops := []struct {
		op    string
		req   call
		write bool
	}{
		{op: "user#list", req: call{method: "GET", path: "/users"}},
		{op: "user#get", req: call{method: "GET", path: "/users/" + *u.Id}},
		{op: "user#create", req: call{method: "POST", path: "/users", body: valid}, write: true},
		{op: "user#update", req: call{method: "POST", path: "/users/" + *u.Id, body: valid}, write: true},
		{op: "user#delete", req: call{method: "DELETE", path: "/users/" + *u.Id}, write: true},
		// Auth comes before validation: an invalid request is still a 401/403.
		{op: "user#list (invalid)", req: call{method: "GET", path: "/users?limit=0"}},
		{op: "user#create (invalid)", req: call{method: "POST", path: "/users", body: `{}`}, write: true},
	}
	tokens := []struct {
		name      string
		token     string
		canRead   bool
		canWrite  bool
		wantNoKey bool
	}{
		{name: "no key", token: "", wantNoKey: true},
		{name: "unknown key", token: "pt_not-a-real-key", wantNoKey: true},
		{name: "no permissions", token: srv.NewToken()},
		{name: "read only", token: srv.ReadOnlyToken, canRead: true},
		{name: "modify only", token: srv.NewToken(panthertest.PermUserModify), canWrite: true},
	}
	// Sequential subtests: the permitted writes change the shared state.
	for _, op := range ops {
		for _, tok := range tokens {
			t.Run(op.op+"/"+tok.name, func(t *testing.T) {
				c := op.req
				c.token = tok.token
				r := do(t, srv, c)
				switch {
				case tok.wantNoKey:
					if r.status != http.StatusUnauthorized {
						t.Fatalf("status = %d %s, want 401", r.status, r.body)
					}
					if m := decode[message](t, r); m.Message == "" {
						t.Error("401 body has an empty message")
					}
				case op.write && !tok.canWrite, !op.write && !tok.canRead:
					if r.status != http.StatusForbidden {
						t.Fatalf("status = %d %s, want 403", r.status, r.body)
					}
					if diff := cmp.Diff(errorBody{Error: "forbidden"}, decode[errorBody](t, r)); diff != "" {
						t.Errorf("403 body mismatch (-want +got):\n%s", diff)
					}
				default:
					if r.status == http.StatusUnauthorized || r.status == http.StatusForbidden {
						t.Fatalf("status = %d %s, want the operation to run", r.status, r.body)
					}
				}
			})
		}
	}
}

func TestAuthKeyNotEchoed(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	const key = "pt_secret-looking-key"
	r := do(t, srv, call{method: "GET", path: "/users", token: key})
	if r.status != http.StatusUnauthorized {
		t.Fatalf("status = %d, want 401", r.status)
	}
	if m := decode[message](t, r); contains(m.Message, key) {
		t.Errorf("401 message %q repeats the key", m.Message)
	}
}
