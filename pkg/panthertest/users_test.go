package panthertest_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/google/uuid"

	"github.com/pantherkit/panther-go/api"
	"github.com/pantherkit/panther-go/pkg/panthertest"
)

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// userFixture is an enabled user with the Analyst role, by name.
func userFixture(email string) api.UserAPIUser {
	return api.UserAPIUser{
		Email: email, GivenName: "Given", FamilyName: "Family",
		Role: api.UserAPIRole{Name: ptr("Analyst")}, Enabled: true,
	}
}

func role(id, name string) api.UserAPIRole { return api.UserAPIRole{Id: &id, Name: &name} }

var (
	adminRole   = role(panthertest.RoleIDAdmin, "Admin")
	analystRole = role(panthertest.RoleIDAnalyst, "Analyst")
)

func modifyBody(email, given, family string, r api.UserAPIRole) string {
	b, _ := json.Marshal(api.UserAPIModifyUser{Email: email, GivenName: given, FamilyName: family, Role: r})
	return string(b)
}

func TestCreate(t *testing.T) {
	t.Parallel()
	clock := newClock()
	tests := []struct {
		name       string
		body       string
		wantStatus int
		wantRole   api.UserAPIRole
		wantMsg    string // substring of the 400 message
	}{
		{name: "role by name", body: modifyBody("new@example.com", "New", "User", api.UserAPIRole{Name: ptr("Admin")}), wantStatus: 200, wantRole: adminRole},
		{name: "role by id", body: modifyBody("new@example.com", "New", "User", api.UserAPIRole{Id: ptr(panthertest.RoleIDAnalyst)}), wantStatus: 200, wantRole: analystRole},
		{name: "role by id and name", body: modifyBody("new@example.com", "New", "User", adminRole), wantStatus: 200, wantRole: adminRole},
		{name: "plus and dots in email", body: modifyBody("first.last+tag@sub.example.com", "F", "L", adminRole), wantStatus: 200, wantRole: adminRole},
		{name: "duplicate email", body: modifyBody("taken@example.com", "T", "U", adminRole), wantStatus: 400, wantMsg: "user with email taken@example.com already exists"},
		{name: "duplicate email other case", body: modifyBody("TAKEN@Example.com", "T", "U", adminRole), wantStatus: 400, wantMsg: "already exists"},
		{name: "duplicate of deactivated user", body: modifyBody("gone@example.com", "T", "U", adminRole), wantStatus: 400, wantMsg: "already exists"},
		{name: "missing role", body: `{"email":"a@example.com","givenName":"A","familyName":"B"}`, wantStatus: 400, wantMsg: `"role"`},
		{name: "missing email", body: `{"givenName":"A","familyName":"B","role":{"name":"Admin"}}`, wantStatus: 400, wantMsg: `"email"`},
		{name: "missing givenName", body: `{"email":"a@example.com","familyName":"B","role":{"name":"Admin"}}`, wantStatus: 400, wantMsg: `"givenName"`},
		{name: "missing familyName", body: `{"email":"a@example.com","givenName":"A","role":{"name":"Admin"}}`, wantStatus: 400, wantMsg: `"familyName"`},
		{name: "wrong type", body: `{"email":1,"givenName":"A","familyName":"B","role":{"name":"Admin"}}`, wantStatus: 400, wantMsg: "must be a string"},
		{name: "empty email", body: modifyBody("", "A", "B", adminRole), wantStatus: 400, wantMsg: "email must not be empty"},
		{name: "blank givenName", body: modifyBody("a@example.com", "  ", "B", adminRole), wantStatus: 400, wantMsg: "givenName must not be empty"},
		{name: "empty familyName", body: modifyBody("a@example.com", "A", "", adminRole), wantStatus: 400, wantMsg: "familyName must not be empty"},
		{name: "not an email", body: modifyBody("not-an-email", "A", "B", adminRole), wantStatus: 400, wantMsg: "not a valid email"},
		{name: "role empty", body: modifyBody("a@example.com", "A", "B", api.UserAPIRole{}), wantStatus: 400, wantMsg: "role must have an id or a name"},
		{name: "role unknown name", body: modifyBody("a@example.com", "A", "B", api.UserAPIRole{Name: ptr("Owner")}), wantStatus: 400, wantMsg: `role with name "Owner" not found`},
		{name: "role unknown id", body: modifyBody("a@example.com", "A", "B", api.UserAPIRole{Id: ptr("nope")}), wantStatus: 400, wantMsg: `role with id "nope" not found`},
		{name: "role name case differs", body: modifyBody("a@example.com", "A", "B", api.UserAPIRole{Name: ptr("admin")}), wantStatus: 400, wantMsg: "not found"},
		{name: "role id and name disagree", body: modifyBody("a@example.com", "A", "B", role(panthertest.RoleIDAdmin, "Analyst")), wantStatus: 400, wantMsg: "do not refer to the same role"},
		{name: "malformed JSON", body: `{"email":`, wantStatus: 400, wantMsg: "request body"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t, panthertest.WithClock(clock.Now))
			for _, u := range []api.UserAPIUser{userFixture("taken@example.com"), {Email: "gone@example.com", Role: adminRole}} {
				if _, err := srv.AddUser(u); err != nil {
					t.Fatal(err)
				}
			}
			before := srv.Users()
			r := do(t, srv, call{method: "POST", path: "/users", token: srv.Token, body: tt.body})
			if r.status != tt.wantStatus {
				t.Fatalf("status = %d %s, want %d", r.status, r.body, tt.wantStatus)
			}
			if tt.wantStatus != 200 {
				if m := decode[message](t, r); !contains(m.Message, tt.wantMsg) {
					t.Errorf("message = %q, want it to contain %q", m.Message, tt.wantMsg)
				}
				if diff := cmp.Diff(before, srv.Users()); diff != "" {
					t.Errorf("a rejected create changed the users (-before +after):\n%s", diff)
				}
				return
			}
			got := decode[api.UserAPIUser](t, r)
			var in api.UserAPIModifyUser
			_ = json.Unmarshal([]byte(tt.body), &in)
			if _, err := uuid.Parse(*got.Id); err != nil {
				t.Errorf("id %q is not a UUID: %v", *got.Id, err)
			}
			want := api.UserAPIUser{
				Id: got.Id, Email: in.Email, GivenName: in.GivenName, FamilyName: in.FamilyName,
				Role: tt.wantRole, Enabled: true,
				CreatedAt: ptr(clock.Now().Format(time.RFC3339)),
				Status:    ptr(panthertest.StatusForceChangePassword),
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("created user mismatch (-want +got):\n%s", diff)
			}
			// It is stored, and a GET returns the same user.
			g := do(t, srv, call{method: "GET", path: "/users/" + url.PathEscape(*got.Id), token: srv.ReadOnlyToken})
			if diff := cmp.Diff(got, decode[api.UserAPIUser](t, g)); diff != "" {
				t.Errorf("GET after create mismatch (-create +get):\n%s", diff)
			}
		})
	}
}

func TestCreateIDsAreUnique(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	ids := map[string]bool{}
	for _, e := range []string{"a@example.com", "b@example.com", "c@example.com"} {
		r := do(t, srv, call{method: "POST", path: "/users", token: srv.Token, body: modifyBody(e, "A", "B", adminRole)})
		u := decode[api.UserAPIUser](t, r)
		if ids[*u.Id] {
			t.Errorf("id %s repeated", *u.Id)
		}
		ids[*u.Id] = true
	}
}

// oddIDs are ids a real Panther can hand out (SSO ids embed the email) or a
// client may be given, with the characters a URL path treats specially.
var oddIDs = []string{
	"PantherSSO_first.last+tag@example.com",
	"has/slash",
	"has?question",
	"has#hash",
	"has space",
	"has%percent",
	"a,b",
	"ünïcode",
}

func TestGet(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	stored := map[string]api.UserAPIUser{}
	for i, id := range oddIDs {
		u := userFixture(string(rune('a'+i)) + "@example.com")
		u.Id = ptr(id)
		got, err := srv.AddUser(u)
		if err != nil {
			t.Fatal(err)
		}
		stored[id] = got
	}
	off := userFixture("off@example.com")
	off.Id, off.Enabled = ptr("deactivated-id"), false
	stored["deactivated-id"], _ = srv.AddUser(off)

	for id, want := range stored {
		t.Run(id, func(t *testing.T) {
			t.Parallel()
			r := do(t, srv, call{method: "GET", path: "/users/" + url.PathEscape(id), token: srv.ReadOnlyToken})
			if r.status != 200 {
				t.Fatalf("status = %d %s", r.status, r.body)
			}
			if diff := cmp.Diff(want, decode[api.UserAPIUser](t, r)); diff != "" {
				t.Errorf("GET mismatch (-want +got):\n%s", diff)
			}
		})
	}
	errs := []struct {
		name, path string
		wantStatus int
	}{
		{name: "unknown", path: "/users/nope", wantStatus: 404},
		{name: "ssO id with the wrong case", path: "/users/" + url.PathEscape("PantherSSO_First.last+tag@example.com"), wantStatus: 404},
		{name: "half of a slash id", path: "/users/has", wantStatus: 404},
		{name: "unescaped slash", path: "/users/has/slash", wantStatus: 404},
		{name: "dot", path: "/users/%2E", wantStatus: 400},
		{name: "dot dot", path: "/users/%2E%2E", wantStatus: 400},
		{name: "empty", path: "/users/", wantStatus: 404},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := do(t, srv, call{method: "GET", path: tt.path, token: srv.ReadOnlyToken})
			if r.status != tt.wantStatus {
				t.Fatalf("GET %s = %d %s, want %d", tt.path, r.status, r.body, tt.wantStatus)
			}
			if m := decode[message](t, r); m.Message == "" {
				t.Error("empty message")
			}
		})
	}
}

func TestUpdate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		id         string
		body       string
		wantStatus int
		wantMsg    string
	}{
		{name: "full replace", id: "target", body: modifyBody("renamed@example.com", "Re", "Named", api.UserAPIRole{Name: ptr("Admin")}), wantStatus: 200},
		{name: "same email", id: "target", body: modifyBody("target@example.com", "Re", "Named", adminRole), wantStatus: 200},
		{name: "own email other case", id: "target", body: modifyBody("Target@Example.com", "Re", "Named", adminRole), wantStatus: 200},
		{name: "sso id", id: "PantherSSO_sso@example.com", body: modifyBody("sso@example.com", "S", "O", adminRole), wantStatus: 200},
		{name: "email of another user", id: "target", body: modifyBody("OTHER@example.com", "Re", "Named", adminRole), wantStatus: 400, wantMsg: "already exists"},
		{name: "unknown user", id: "nope", body: modifyBody("x@example.com", "X", "Y", adminRole), wantStatus: 404, wantMsg: `user "nope" not found`},
		{name: "missing role", id: "target", body: `{"email":"x@example.com","givenName":"X","familyName":"Y"}`, wantStatus: 400, wantMsg: `"role"`},
		{name: "missing familyName", id: "target", body: `{"email":"x@example.com","givenName":"X","role":{"name":"Admin"}}`, wantStatus: 400, wantMsg: `"familyName"`},
		{name: "unknown role", id: "target", body: modifyBody("x@example.com", "X", "Y", api.UserAPIRole{Name: ptr("Owner")}), wantStatus: 400, wantMsg: "not found"},
		{name: "empty givenName", id: "target", body: modifyBody("x@example.com", "", "Y", adminRole), wantStatus: 400, wantMsg: "givenName must not be empty"},
		{name: "dot dot id", id: "%2E%2E", body: modifyBody("x@example.com", "X", "Y", adminRole), wantStatus: 400, wantMsg: "invalid user id"},
		{name: "literal dot dot", id: "..", body: modifyBody("x@example.com", "X", "Y", adminRole), wantStatus: 404, wantMsg: "no route"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t)
			target := userFixture("target@example.com")
			target.Id, target.Status, target.LastLoggedInAt = ptr("target"), ptr("CONFIRMED"), ptr("2025-01-02T03:04:05Z")
			sso := userFixture("sso@example.com")
			sso.Id = ptr("PantherSSO_sso@example.com")
			for _, u := range []api.UserAPIUser{target, sso, userFixture("other@example.com")} {
				if _, err := srv.AddUser(u); err != nil {
					t.Fatal(err)
				}
			}
			before := srv.Users()
			path := "/users/" + url.PathEscape(tt.id)
			if tt.id == ".." || strings.HasPrefix(tt.id, "%") {
				path = "/users/" + tt.id // already a path segment
			}
			r := do(t, srv, call{method: "POST", path: path, token: srv.Token, body: tt.body})
			if r.status != tt.wantStatus {
				t.Fatalf("status = %d %s, want %d", r.status, r.body, tt.wantStatus)
			}
			if tt.wantStatus != 200 {
				if m := decode[message](t, r); !contains(m.Message, tt.wantMsg) {
					t.Errorf("message = %q, want it to contain %q", m.Message, tt.wantMsg)
				}
				if diff := cmp.Diff(before, srv.Users()); diff != "" {
					t.Errorf("a rejected update changed the users (-before +after):\n%s", diff)
				}
				return
			}
			var in api.UserAPIModifyUser
			_ = json.Unmarshal([]byte(tt.body), &in)
			var old api.UserAPIUser
			for _, u := range before {
				if *u.Id == tt.id {
					old = u
				}
			}
			want := old
			want.Email, want.GivenName, want.FamilyName, want.Role = in.Email, in.GivenName, in.FamilyName, adminRole
			if diff := cmp.Diff(want, decode[api.UserAPIUser](t, r)); diff != "" {
				t.Errorf("updated user mismatch (-want +got):\n%s", diff)
			}
			// Same position in the list, same number of users.
			after := srv.Users()
			if diff := cmp.Diff(ids(before), ids(after)); diff != "" {
				t.Errorf("update changed the list order (-before +after):\n%s", diff)
			}
		})
	}
}

func ids(us []api.UserAPIUser) []string {
	out := []string{}
	for _, u := range us {
		out = append(out, *u.Id)
	}
	return out
}

func TestDelete(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	for i, id := range oddIDs {
		u := userFixture(string(rune('a'+i)) + "@example.com")
		u.Id = ptr(id)
		if _, err := srv.AddUser(u); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range oddIDs {
		t.Run(id, func(t *testing.T) {
			t.Parallel()
			path := "/users/" + url.PathEscape(id)
			r := do(t, srv, call{method: "DELETE", path: path, token: srv.Token})
			if r.status != 200 || len(r.body) != 0 {
				t.Fatalf("DELETE = %d %q, want 200 with no body", r.status, r.body)
			}
			if r := do(t, srv, call{method: "GET", path: path, token: srv.Token}); r.status != 404 {
				t.Errorf("GET after DELETE = %d, want 404", r.status)
			}
			r = do(t, srv, call{method: "DELETE", path: path, token: srv.Token})
			if r.status != 404 {
				t.Fatalf("second DELETE = %d, want 404", r.status)
			}
			decode[message](t, r)
		})
	}
	t.Run("dot dot", func(t *testing.T) {
		t.Parallel()
		if r := do(t, srv, call{method: "DELETE", path: "/users/%2E%2E", token: srv.Token}); r.status != 400 {
			t.Errorf("DELETE /users/%%2E%%2E = %d, want 400", r.status)
		}
	})
}

func TestDeleteFreesEmail(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	u, _ := srv.AddUser(userFixture("again@example.com"))
	do(t, srv, call{method: "DELETE", path: "/users/" + *u.Id, token: srv.Token})
	r := do(t, srv, call{method: "POST", path: "/users", token: srv.Token, body: modifyBody("again@example.com", "A", "B", adminRole)})
	if r.status != 200 {
		t.Errorf("re-create after delete = %d %s", r.status, r.body)
	}
}

// TestEmailOneRule: uniqueness, the email filter and contains follow one
// rule, as Cognito-backed Panther does: one user per address whatever its
// case, found by the filter in any case.
func TestEmailOneRule(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	r := do(t, srv, call{method: "POST", path: "/users", token: srv.Token, body: modifyBody("Alice.Ng@Acme.com", "Alice", "Ng", analystRole)})
	if r.status != http.StatusOK {
		t.Fatalf("create Alice.Ng@Acme.com = %d %s", r.status, r.body)
	}
	alice := decode[api.UserAPIUser](t, r)
	bob, err := srv.AddUser(userFixture("bob@acme.com"))
	if err != nil {
		t.Fatal(err)
	}
	gone := userFixture("Gone.User@Acme.com")
	gone.Enabled = false
	if _, err := srv.AddUser(gone); err != nil {
		t.Fatal(err)
	}

	finds := []struct {
		name, query string
		want        []string
	}{
		{name: "email as created", query: "email=Alice.Ng@Acme.com", want: []string{"Alice.Ng@Acme.com"}},
		{name: "email in lower case", query: "email=alice.ng@acme.com", want: []string{"Alice.Ng@Acme.com"}},
		{name: "email in upper case", query: "email=ALICE.NG@ACME.COM", want: []string{"Alice.Ng@Acme.com"}},
		{name: "email of a deactivated user in another case", query: "email=gone.user@acme.com", want: []string{"Gone.User@Acme.com"}},
		{name: "email is still the whole address", query: "email=alice.ng", want: []string{}},
		{name: "contains in lower case", query: "contains=alice.ng@acme", want: []string{"Alice.Ng@Acme.com"}},
		{name: "contains in mixed case", query: "contains=nG@aCmE.CoM", want: []string{"Alice.Ng@Acme.com"}},
		{name: "contains across users", query: "contains=@ACME.com&include-deactivated=true", want: []string{"Alice.Ng@Acme.com", "bob@acme.com", "Gone.User@Acme.com"}},
	}
	for _, tt := range finds {
		r := do(t, srv, call{method: "GET", path: "/users?" + tt.query, token: srv.ReadOnlyToken})
		if r.status != http.StatusOK {
			t.Fatalf("%s: GET /users?%s = %d %s", tt.name, tt.query, r.status, r.body)
		}
		if diff := cmp.Diff(tt.want, emails(decode[api.UserAPIListResp](t, r).Results)); diff != "" {
			t.Errorf("%s: GET /users?%s mismatch (-want +got):\n%s", tt.name, tt.query, diff)
		}
	}

	refusals := []struct {
		name string
		c    call
	}{
		{name: "create in lower case", c: call{method: "POST", path: "/users", body: modifyBody("alice.ng@acme.com", "A", "N", analystRole)}},
		{name: "create in upper case", c: call{method: "POST", path: "/users", body: modifyBody("ALICE.NG@ACME.COM", "A", "N", analystRole)}},
		{name: "create over a deactivated user", c: call{method: "POST", path: "/users", body: modifyBody("gone.user@ACME.com", "G", "U", analystRole)}},
		{name: "another user takes the address", c: call{method: "POST", path: "/users/" + *bob.Id, body: modifyBody("alice.NG@acme.com", "Bob", "B", analystRole)}},
	}
	for _, tt := range refusals {
		tt.c.token = srv.Token
		r := do(t, srv, tt.c)
		if r.status != http.StatusBadRequest || !contains(decode[message](t, r).Message, "already exists") {
			t.Errorf("%s: %s %s = %d %s, want 400 already exists", tt.name, tt.c.method, tt.c.path, r.status, r.body)
		}
	}
	if _, err := srv.AddUser(userFixture("alice.ng@ACME.COM")); err == nil || !contains(err.Error(), "already exists") {
		t.Errorf("AddUser in another case: %v, want already exists", err)
	}

	// Her own address in another case is hers to take; the filter finds
	// the address as now written in its old case too.
	r = do(t, srv, call{method: "POST", path: "/users/" + *alice.Id, token: srv.Token, body: modifyBody("alice.ng@acme.com", "Alice", "Ng", analystRole)})
	if r.status != http.StatusOK {
		t.Fatalf("update to own address in lower case = %d %s", r.status, r.body)
	}
	r = do(t, srv, call{method: "GET", path: "/users?email=Alice.Ng@Acme.com", token: srv.Token})
	if got := emails(decode[api.UserAPIListResp](t, r).Results); !cmp.Equal(got, []string{"alice.ng@acme.com"}) {
		t.Errorf("after the update, email=Alice.Ng@Acme.com finds %v, want [alice.ng@acme.com]", got)
	}
	if got := len(srv.Users()); got != 3 {
		t.Errorf("%d users, want 3: the refusals added none", got)
	}
}

func TestAddUser(t *testing.T) {
	t.Parallel()
	clock := newClock()
	srv := newFake(t, panthertest.WithClock(clock.Now))
	got, err := srv.AddUser(api.UserAPIUser{Email: "a@example.com", GivenName: "A", FamilyName: "B", Role: api.UserAPIRole{Name: ptr("Admin")}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := uuid.Parse(*got.Id); err != nil {
		t.Errorf("default id %q is not a UUID", *got.Id)
	}
	want := api.UserAPIUser{
		Id: got.Id, Email: "a@example.com", GivenName: "A", FamilyName: "B", Role: adminRole,
		CreatedAt: ptr(clock.Now().Format(time.RFC3339)), Status: ptr(panthertest.StatusConfirmed),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("AddUser defaults mismatch (-want +got):\n%s", diff)
	}
	kept := api.UserAPIUser{
		Id: ptr("PantherSSO_b@example.com"), Email: "b@example.com", Role: api.UserAPIRole{Id: ptr(panthertest.RoleIDAnalyst)},
		Enabled: true, CreatedAt: ptr("2020-01-01T00:00:00Z"), Status: ptr("EXTERNAL_PROVIDER"), LastLoggedInAt: ptr("2024-01-01T00:00:00Z"),
	}
	got, err = srv.AddUser(kept)
	if err != nil {
		t.Fatal(err)
	}
	kept.Role = analystRole
	if diff := cmp.Diff(kept, got); diff != "" {
		t.Errorf("AddUser with every field mismatch (-want +got):\n%s", diff)
	}

	bad := []struct {
		name string
		u    api.UserAPIUser
	}{
		{name: "duplicate email", u: api.UserAPIUser{Email: "A@EXAMPLE.COM", Role: adminRole}},
		{name: "duplicate id", u: api.UserAPIUser{Id: ptr("PantherSSO_b@example.com"), Email: "c@example.com", Role: adminRole}},
		{name: "unknown role", u: api.UserAPIUser{Email: "d@example.com", Role: api.UserAPIRole{Name: ptr("Owner")}}},
		{name: "no role", u: api.UserAPIUser{Email: "d@example.com"}},
		{name: "no email", u: api.UserAPIUser{Role: adminRole}},
		{name: "empty id", u: api.UserAPIUser{Id: ptr(""), Email: "d@example.com", Role: adminRole}},
		{name: "dot dot id", u: api.UserAPIUser{Id: ptr(".."), Email: "d@example.com", Role: adminRole}},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := srv.AddUser(tt.u); err == nil {
				t.Error("AddUser succeeded, want an error")
			}
		})
	}
}

func TestSeedUsers(t *testing.T) {
	t.Parallel()
	a := newFake(t, panthertest.WithUsers(4))
	b := newFake(t)
	b.SeedUsers(2)
	b.SeedUsers(2)
	// Deterministic apart from createdAt.
	ignore := cmpopts.IgnoreFields(api.UserAPIUser{}, "CreatedAt")
	if diff := cmp.Diff(a.Users(), b.Users(), ignore); diff != "" {
		t.Errorf("seeded users differ between servers (-a +b):\n%s", diff)
	}
	got := a.Users()
	if diff := cmp.Diff([]string{"user00001@example.com", "user00002@example.com", "user00003@example.com", "user00004@example.com"}, emails(got)); diff != "" {
		t.Errorf("seeded emails mismatch (-want +got):\n%s", diff)
	}
	roles := a.Roles()
	for i, u := range got {
		if diff := cmp.Diff(roles[i%len(roles)], u.Role); diff != "" {
			t.Errorf("user %d role mismatch (-want +got):\n%s", i, diff)
		}
		// What tests across the repo count on (WithOrg is for variety).
		if !u.Enabled || *u.Status != panthertest.StatusConfirmed || u.GivenName == "" || u.FamilyName == "" ||
			uuid.Validate(*u.Id) != nil || u.LastLoggedInAt != nil {
			t.Errorf("user %d = %+v, want enabled, CONFIRMED, named, a UUID id, no login", i, u)
		}
	}
	if got[0].GivenName == got[1].GivenName {
		t.Error("seeded given names do not vary")
	}
	// Numbering skips emails taken by AddUser.
	c := newFake(t)
	if _, err := c.AddUser(userFixture("user00001@example.com")); err != nil {
		t.Fatal(err)
	}
	if got := emails(c.SeedUsers(1)); got[0] != "user00002@example.com" {
		t.Errorf("SeedUsers after a clash = %v", got)
	}
}

func TestRoles(t *testing.T) {
	t.Parallel()
	if diff := cmp.Diff(panthertest.DefaultRoles(), newFake(t).Roles()); diff != "" {
		t.Errorf("default Roles() mismatch (-want +got):\n%s", diff)
	}
	custom := []api.UserAPIRole{role("r1", "Owner"), role("r2", "Viewer")}
	srv := newFake(t, panthertest.WithRoles(custom...))
	if diff := cmp.Diff(custom, srv.Roles()); diff != "" {
		t.Errorf("WithRoles Roles() mismatch (-want +got):\n%s", diff)
	}
	r := do(t, srv, call{method: "POST", path: "/users", token: srv.Token, body: modifyBody("a@example.com", "A", "B", api.UserAPIRole{Name: ptr("Viewer")})})
	if diff := cmp.Diff(custom[1], decode[api.UserAPIUser](t, r).Role); diff != "" {
		t.Errorf("custom role mismatch (-want +got):\n%s", diff)
	}
	if r := do(t, srv, call{method: "POST", path: "/users", token: srv.Token, body: modifyBody("b@example.com", "A", "B", api.UserAPIRole{Name: ptr("Admin")})}); r.status != http.StatusBadRequest {
		t.Errorf("default role after WithRoles = %d, want 400", r.status)
	}
}
