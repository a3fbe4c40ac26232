package main

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pantherkit/panther-go/api"
)

// --dry-run prints what would be sent and sends no write: the fake sees
// reads only, and holds the same users afterwards.
func TestGoldenDryRun(t *testing.T) {
	t.Parallel()
	srv := newFake(t, 3)
	if _, err := srv.AddUser(api.UserAPIUser{
		Id: ptr("PantherSSO_ann+ops@acme.example"), Email: "ann+ops@acme.example",
		GivenName: "Ann\x1b[2J", FamilyName: "Ops", Role: api.UserAPIRole{Name: ptr("Analyst")}, Enabled: true,
	}); err != nil {
		t.Fatal(err)
	}
	before := srv.Users()
	ids := remainingIDs(srv)
	s := newSession(t, fakePairs(srv, "FAKE")...)
	v := vars(srv)
	srv.ResetRequests()
	for _, args := range [][]string{
		{"users", "create", "--email", "new@acme.example", "--given-name", "New", "--family-name", "Person", "--role", "Analyst", "--dry-run"},
		{"users", "update", ids[1], "--family-name", "Byron", "--role", "Admin", "--dry-run"},
		{"users", "update", "--email", "ann+ops@acme.example", "--new-email", "ann@acme.example", "--dry-run"},
		{"users", "update", ids[0], "--role", "Admin", "--dry-run"},
		{"users", "delete", ids[0], ids[3], "no-such-user", "--dry-run"},
		{"users", "rm", "--email", "user00002@example.com", "--dry-run"},
	} {
		if r := s.run(invocation{args: args, vars: v}); r.code != 0 {
			t.Errorf("panther %v: exit %d", args, r.code)
		}
	}
	golden(t, "dry-run.txt", s.String())
	for _, req := range srv.Requests() {
		if req.Method != http.MethodGet {
			t.Errorf("--dry-run sent %s %s", req.Method, req.Path)
		}
	}
	if diff := cmp.Diff(before, srv.Users()); diff != "" {
		t.Errorf("users changed by --dry-run (-before +after):\n%s", diff)
	}
}

// update and delete find a user by --email, then act on that user only.
func TestUpdateAndDeleteByEmail(t *testing.T) {
	t.Parallel()
	srv := newFake(t, 3)
	ids := remainingIDs(srv)
	r := runOK(t, srv, "users", "update", "--email", "USER00002@example.com", "--family-name", "Byron", "-o", "ids")
	if r.stdout != ids[1]+"\n" || srv.Users()[1].FamilyName != "Byron" {
		t.Errorf("update --email: printed %q; user now %+v", r.stdout, srv.Users()[1])
	}
	runOK(t, srv, "users", "rm", "--email", "user00003@example.com", ids[0], "--yes")
	if diff := cmp.Diff([]string{ids[1]}, remainingIDs(srv)); diff != "" {
		t.Errorf("users left (-want +got):\n%s", diff)
	}
	bad := invocation{args: []string{"users", "delete", "--email", "nobody@acme.example", ids[1], "--yes"}, vars: vars(srv)}.run(t.Context())
	if bad.code != exitError || len(srv.Users()) != 1 {
		t.Errorf("delete --email of nobody: exit %d, stderr %q, %d users left; want exit 1 and nothing deleted", bad.code, bad.stderr, len(srv.Users()))
	}
}
