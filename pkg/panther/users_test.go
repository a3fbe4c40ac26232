package panther_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pantherkit/panther-go/pkg/panther"
	"github.com/pantherkit/panther-go/pkg/panthertest"
)

func ptr[T any](v T) *T { return &v }

func newInput(email string) panther.UserInput {
	return panther.UserInput{Email: email, GivenName: "Ada", FamilyName: "Lovelace", Role: panther.RoleByName("Analyst")}
}

func TestUsersCRUD(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	ctx := t.Context()

	created, err := c.Users.Create(ctx, newInput("ada@example.com"))
	if err != nil {
		t.Fatalf("Create() error: %v", err)
	}
	if created.Id == nil || *created.Id == "" || created.Email != "ada@example.com" || deref(created.Role.Name) != "Analyst" || !created.Enabled {
		t.Fatalf("Create() = %+v, want an enabled Analyst with an id", created)
	}
	id := *created.Id

	got, err := c.Users.Get(ctx, id)
	if err != nil {
		t.Fatalf("Get(%q) error: %v", id, err)
	}
	if diff := cmp.Diff(created, got); diff != "" {
		t.Errorf("Get() mismatch (-want +got):\n%s", diff)
	}

	in := panther.UserInput{Email: "ada.king@example.com", GivenName: "Augusta Ada", FamilyName: "King", Role: panther.RoleByID(panthertest.RoleIDAdmin)}
	updated, err := c.Users.Update(ctx, id, in)
	if err != nil {
		t.Fatalf("Update() error: %v", err)
	}
	want := *created
	want.Email, want.GivenName, want.FamilyName = in.Email, in.GivenName, in.FamilyName
	want.Role = panther.Role{Id: ptr(panthertest.RoleIDAdmin), Name: ptr("Admin")}
	if diff := cmp.Diff(&want, updated); diff != "" {
		t.Errorf("Update() mismatch (-want +got):\n%s", diff)
	}

	if err := c.Users.Delete(ctx, id); err != nil {
		t.Fatalf("Delete() error: %v", err)
	}
	_, err = c.Users.Get(ctx, id)
	var apiErr *panther.APIError
	if !errors.As(err, &apiErr) || !errors.Is(err, panther.ErrNotFound) || apiErr.Method != "GET" || apiErr.Path != "/users/{id}" {
		t.Errorf("Get() after Delete error = %v, want a 404 *APIError for GET /users/{id}", err)
	}
	if err := c.Users.Delete(ctx, id); !errors.Is(err, panther.ErrNotFound) {
		t.Errorf("Delete() twice error = %v, want ErrNotFound", err)
	}
	if _, err := c.Users.Update(ctx, id, in); !errors.Is(err, panther.ErrNotFound) {
		t.Errorf("Update() after Delete error = %v, want ErrNotFound", err)
	}
	if errs := srv.Errors(); len(errs) != 0 {
		t.Errorf("fake reported spec violations: %v", errs)
	}
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func TestIDsNeedingEscapesRoundTrip(t *testing.T) {
	t.Parallel()
	ids := []string{
		"a/b",
		"a/../../etc",
		"q?x=1&y=2",
		"frag#ment",
		"PantherSSO_first.last+tag@example.com",
		"with space",
		"100%",
		"%2F",
		"comma,separated",
		"..hidden",
		"ünïcødé",
		"semi;colon:=",
	}
	for i, id := range ids {
		t.Run(id, func(t *testing.T) {
			t.Parallel()
			srv, c := newFake(t)
			seeded, err := srv.AddUser(panther.User{Id: ptr(id), Email: fmt.Sprintf("odd%d@example.com", i), GivenName: "Odd", FamilyName: "Id", Enabled: true, Role: panther.RoleByName("Analyst")})
			if err != nil {
				t.Fatalf("AddUser(%q) error: %v", id, err)
			}
			ctx := t.Context()
			got, err := c.Users.Get(ctx, id)
			if err != nil {
				t.Fatalf("Get(%q) error: %v", id, err)
			}
			if diff := cmp.Diff(&seeded, got); diff != "" {
				t.Errorf("Get(%q) mismatch (-want +got):\n%s", id, diff)
			}
			in := panther.UserInputFrom(got)
			in.GivenName = "Renamed"
			if u, err := c.Users.Update(ctx, id, in); err != nil || u.GivenName != "Renamed" || deref(u.Id) != id {
				t.Errorf("Update(%q) = %+v, %v; want the renamed user", id, u, err)
			}
			many, err := c.Users.GetMany(ctx, []string{id})
			if err != nil || len(many) != 1 || deref(many[0].Id) != id {
				t.Errorf("GetMany([%q]) = %+v, %v; want the user", id, many, err)
			}
			if err := c.Users.Delete(ctx, id); err != nil {
				t.Fatalf("Delete(%q) error: %v", id, err)
			}
			if n := len(srv.Users()); n != 0 {
				t.Errorf("after Delete(%q) the fake holds %d users, want 0", id, n)
			}
			// Every request stayed under the prefix and addressed exactly this id.
			for _, r := range srv.Requests() {
				if r.Op == "user#list" {
					continue
				}
				if want := "/v1/users/" + id; r.Path != want {
					t.Errorf("%s %s: decoded path %q, want %q", r.Method, r.RawPath, r.Path, want)
				}
				if want := "/v1/users/" + url.PathEscape(id); r.RawPath != want {
					t.Errorf("%s: raw path %q, want %q", r.Method, r.RawPath, want)
				}
			}
		})
	}
}

func TestInputIsCheckedBeforeSending(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	valid := newInput("ok@example.com")
	with := func(f func(*panther.UserInput)) panther.UserInput {
		in := valid
		f(&in)
		return in
	}
	both := panther.Role{Id: ptr("r1"), Name: ptr("Admin")}
	tests := []struct {
		name    string
		call    func(context.Context) error
		field   string
		wantErr string
	}{
		{name: "get empty id", call: func(ctx context.Context) error { _, err := c.Users.Get(ctx, ""); return err },
			field: "id", wantErr: "panther: invalid input: id: must not be empty"},
		{name: "get dot", call: func(ctx context.Context) error { _, err := c.Users.Get(ctx, "."); return err },
			field: "id", wantErr: `panther: invalid input: id: must not be "." or ".."`},
		{name: "delete dot dot", call: func(ctx context.Context) error { return c.Users.Delete(ctx, "..") },
			field: "id", wantErr: `panther: invalid input: id: must not be "." or ".."`},
		{name: "update dot dot", call: func(ctx context.Context) error { _, err := c.Users.Update(ctx, "..", valid); return err },
			field: "id", wantErr: `must not be "." or ".."`},
		{name: "id with newline", call: func(ctx context.Context) error { _, err := c.Users.Get(ctx, "a\nb"); return err },
			field: "id", wantErr: "must not contain control characters"},
		{name: "modify empty id", call: func(ctx context.Context) error {
			_, err := c.Users.Modify(ctx, "", func(*panther.UserInput) error { return nil })
			return err
		}, field: "id", wantErr: "id: must not be empty"},
		{name: "modify nil fn", call: func(ctx context.Context) error { _, err := c.Users.Modify(ctx, "x", nil); return err },
			field: "fn", wantErr: "fn: must not be nil"},
		{name: "create empty email", call: func(ctx context.Context) error {
			_, err := c.Users.Create(ctx, with(func(in *panther.UserInput) { in.Email = "" }))
			return err
		}, field: "email", wantErr: "panther: invalid input: email: must not be empty"},
		{name: "create bad email", call: func(ctx context.Context) error {
			_, err := c.Users.Create(ctx, with(func(in *panther.UserInput) { in.Email = "ada at example.com" }))
			return err
		}, field: "email", wantErr: "email: must be an address like name@example.com"},
		{name: "create blank given name", call: func(ctx context.Context) error {
			_, err := c.Users.Create(ctx, with(func(in *panther.UserInput) { in.GivenName = "  " }))
			return err
		}, field: "givenName", wantErr: "panther: invalid input: givenName: must not be empty"},
		{name: "update empty family name", call: func(ctx context.Context) error {
			_, err := c.Users.Update(ctx, "x", with(func(in *panther.UserInput) { in.FamilyName = "" }))
			return err
		}, field: "familyName", wantErr: "familyName: must not be empty"},
		{name: "role neither", call: func(ctx context.Context) error {
			_, err := c.Users.Create(ctx, with(func(in *panther.UserInput) { in.Role = panther.Role{} }))
			return err
		}, field: "role", wantErr: "role: set exactly one of id and name"},
		{name: "role both", call: func(ctx context.Context) error {
			_, err := c.Users.Create(ctx, with(func(in *panther.UserInput) { in.Role = both }))
			return err
		}, field: "role", wantErr: "role: set exactly one of id and name, not both"},
		{name: "role empty name", call: func(ctx context.Context) error {
			_, err := c.Users.Create(ctx, with(func(in *panther.UserInput) { in.Role = panther.RoleByName("") }))
			return err
		}, field: "role.name", wantErr: "role.name: must not be empty"},
		{name: "role empty id", call: func(ctx context.Context) error {
			_, err := c.Users.Update(ctx, "x", with(func(in *panther.UserInput) { in.Role = panther.RoleByID("") }))
			return err
		}, field: "role.id", wantErr: "role.id: must not be empty"},
		{name: "get by empty email", call: func(ctx context.Context) error { _, err := c.Users.GetByEmail(ctx, ""); return err },
			field: "email", wantErr: "email: must not be empty"},
		{name: "get many with empty id", call: func(ctx context.Context) error {
			_, err := c.Users.GetMany(ctx, []string{"a", "b", ""})
			return err
		}, field: "ids[2]", wantErr: "panther: invalid input: ids[2]: must not be empty"},
		{name: "get many with dot dot", call: func(ctx context.Context) error {
			_, err := c.Users.GetMany(ctx, []string{".."})
			return err
		}, field: "ids[0]", wantErr: `ids[0]: must not be "." or ".."`},
		{name: "page size too big", call: func(ctx context.Context) error {
			_, err := c.Users.ListPage(ctx, &panther.ListUsersOptions{PageSize: 61})
			return err
		}, field: "pageSize", wantErr: "panther: invalid input: pageSize: must be between 1 and 60 (0 for the server default), got 61"},
		{name: "page size 1000", call: func(ctx context.Context) error {
			for _, err := range c.Users.List(ctx, &panther.ListUsersOptions{PageSize: 1000}) {
				return err
			}
			return nil
		}, field: "pageSize", wantErr: "got 1000"},
		{name: "page size negative", call: func(ctx context.Context) error {
			for _, err := range c.Users.Pages(ctx, &panther.ListUsersOptions{PageSize: -1}) {
				return err
			}
			return nil
		}, field: "pageSize", wantErr: "got -1"},
		{name: "list empty id filter", call: func(ctx context.Context) error {
			_, err := c.Users.ListPage(ctx, &panther.ListUsersOptions{IDs: []string{"a", ""}})
			return err
		}, field: "ids[1]", wantErr: "ids[1]: must not be empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.call(t.Context())
			if !errors.Is(err, panther.ErrInvalidInput) {
				t.Fatalf("error = %v, want ErrInvalidInput", err)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error = %q, want it to contain %q", err, tt.wantErr)
			}
			var ie *panther.InputError
			if !errors.As(err, &ie) || ie.Field != tt.field {
				t.Errorf("error = %#v, want an *InputError for field %q", err, tt.field)
			}
		})
	}
	t.Cleanup(func() {
		if reqs := srv.Requests(); len(reqs) != 0 {
			t.Errorf("invalid input reached the server: %d requests, first %s %s", len(reqs), reqs[0].Method, reqs[0].RawPath)
		}
	})
}

func TestPermissions(t *testing.T) {
	t.Parallel()
	srv, _ := newFake(t, panthertest.WithUsers(1))
	id := *srv.Users()[0].Id
	tests := []struct {
		name     string
		token    string
		call     func(context.Context, *panther.Client) error
		sentinel error
		wantErr  string
	}{
		{name: "read-only token reads", token: srv.ReadOnlyToken, call: func(ctx context.Context, c *panther.Client) error {
			_, err := c.Users.Get(ctx, id)
			return err
		}},
		{name: "read-only token cannot create", token: srv.ReadOnlyToken, call: func(ctx context.Context, c *panther.Client) error {
			_, err := c.Users.Create(ctx, newInput("x@example.com"))
			return err
		}, sentinel: panther.ErrForbidden, wantErr: "panther: POST /users: 403 Forbidden: forbidden"},
		{name: "read-only token cannot delete", token: srv.ReadOnlyToken, call: func(ctx context.Context, c *panther.Client) error {
			return c.Users.Delete(ctx, id)
		}, sentinel: panther.ErrForbidden, wantErr: "panther: DELETE /users/{id}: 403 Forbidden"},
		{name: "token without permissions cannot list", token: srv.NewToken(), call: func(ctx context.Context, c *panther.Client) error {
			_, err := c.Users.ListPage(ctx, nil)
			return err
		}, sentinel: panther.ErrForbidden},
		{name: "unknown token", token: "not-a-token", call: func(ctx context.Context, c *panther.Client) error {
			_, err := c.Users.Get(ctx, id)
			return err
		}, sentinel: panther.ErrUnauthorized, wantErr: "panther: GET /users/{id}: 401 Unauthorized"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := newClient(t, srv.URL, tt.token, panther.WithHTTPClient(srv.Client()))
			err := tt.call(t.Context(), c)
			if tt.sentinel == nil {
				if err != nil {
					t.Fatalf("error: %v", err)
				}
				return
			}
			if !errors.Is(err, tt.sentinel) {
				t.Fatalf("error = %v, want %v", err, tt.sentinel)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error = %q, want it to contain %q", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), tt.token) {
				t.Errorf("error = %q contains the token", err)
			}
		})
	}
}

func TestGetByEmail(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t, panthertest.WithUsers(5))
	gone, err := srv.AddUser(panther.User{Email: "Gone.User@example.com", GivenName: "Gone", FamilyName: "User", Enabled: false, Role: panther.RoleByName("Admin")})
	if err != nil {
		t.Fatal(err)
	}
	seeded := srv.Users()[2]
	tests := []struct {
		name  string
		email string
		want  *panther.User
	}{
		{name: "active", email: seeded.Email, want: &seeded},
		{name: "deactivated", email: gone.Email, want: &gone},
		{name: "unknown", email: "nobody@example.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := c.Users.GetByEmail(t.Context(), tt.email)
			if tt.want == nil {
				var apiErr *panther.APIError
				if !errors.Is(err, panther.ErrNotFound) || errors.As(err, &apiErr) {
					t.Fatalf("GetByEmail(%q) = %v, %v; want ErrNotFound that is not an *APIError", tt.email, got, err)
				}
				if strings.Contains(err.Error(), tt.email) {
					t.Errorf("error %q contains the email address", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("GetByEmail(%q) error: %v", tt.email, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("GetByEmail(%q) mismatch (-want +got):\n%s", tt.email, diff)
			}
		})
	}
	t.Cleanup(func() {
		for _, r := range srv.Requests() {
			q, _ := url.ParseQuery(r.RawQuery)
			if r.Op != "user#list" || q.Get("email") == "" {
				t.Errorf("GetByEmail sent %s %s?%s, want a list with the email filter", r.Method, r.Path, r.RawQuery)
			}
		}
	})
}

func TestGetMany(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t, panthertest.WithUsers(1000))
	all := srv.Users()
	// Deactivate one: GetMany still returns it.
	deactivated, err := srv.AddUser(panther.User{Id: ptr("deactivated,with,commas"), Email: "off@example.com", GivenName: "Off", FamilyName: "Line", Role: panther.RoleByName("Admin")})
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, 0, len(all))
	users := map[string]panther.User{*deactivated.Id: deactivated}
	for _, u := range all {
		ids = append(ids, *u.Id)
		users[*u.Id] = u
	}
	rng := rand.New(rand.NewPCG(1, 2))
	rng.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })

	t.Run("1000 ids cost 17 requests", func(t *testing.T) {
		srv.ResetRequests()
		got, err := c.Users.GetMany(t.Context(), ids)
		if err != nil {
			t.Fatalf("GetMany() error: %v", err)
		}
		want := make([]panther.User, 0, len(ids))
		for _, id := range ids {
			want = append(want, users[id])
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("GetMany() mismatch (-want +got):\n%s", diff)
		}
		reqs := srv.Requests()
		if len(reqs) != 17 {
			t.Errorf("GetMany(1000 ids) sent %d requests, want 17", len(reqs))
		}
		for i, r := range reqs {
			q, _ := url.ParseQuery(r.RawQuery)
			if r.Op != "user#list" || len(q["id"]) > 60 || q.Get("include-deactivated") != "true" || q.Has("ids") {
				t.Errorf("request %d: %s ?%s: want a list with at most 60 repeated id and include-deactivated=true", i, r.Method, r.RawQuery)
			}
		}
	})

	t.Run("order, duplicates, unknown and deactivated ids", func(t *testing.T) {
		in := []string{ids[5], "unknown-1", *deactivated.Id, ids[5], ids[0], "deactivated", "unknown-2", ids[0]}
		got, err := c.Users.GetMany(t.Context(), in)
		if err != nil {
			t.Fatalf("GetMany() error: %v", err)
		}
		want := []panther.User{users[ids[5]], deactivated, users[ids[0]]}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("GetMany(%q) mismatch (-want +got):\n%s", in, diff)
		}
	})

	t.Run("no ids, no request", func(t *testing.T) {
		srv.ResetRequests()
		got, err := c.Users.GetMany(t.Context(), nil)
		if err != nil || len(got) != 0 {
			t.Errorf("GetMany(nil) = %v, %v; want empty", got, err)
		}
		if n := len(srv.Requests()); n != 0 {
			t.Errorf("GetMany(nil) sent %d requests", n)
		}
	})

	t.Run("error stops", func(t *testing.T) {
		srv.Inject(panthertest.Fault{Kind: panthertest.FaultStatus, Op: "user#list", Status: http.StatusForbidden})
		_, err := c.Users.GetMany(t.Context(), ids[:200])
		if !errors.Is(err, panther.ErrForbidden) {
			t.Errorf("GetMany() error = %v, want the 403", err)
		}
	})
}

func TestModify(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t, panthertest.WithUsers(1))
	u := srv.Users()[0]
	id := *u.Id

	got, err := c.Users.Modify(t.Context(), id, func(in *panther.UserInput) error {
		in.GivenName = "Grace"
		in.Role = panther.RoleByName("AnalystReadOnly")
		return nil
	})
	if err != nil {
		t.Fatalf("Modify() error: %v", err)
	}
	want := u
	want.GivenName = "Grace"
	want.Role = panther.Role{Id: ptr(panthertest.RoleIDAnalystReadOnly), Name: ptr("AnalystReadOnly")}
	if diff := cmp.Diff(&want, got); diff != "" {
		t.Errorf("Modify() mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"user#get", "user#update"}, ops(srv)); diff != "" {
		t.Errorf("Modify() requests mismatch (-want +got):\n%s", diff)
	}

	srv.ResetRequests()
	stop := errors.New("changed my mind")
	if _, err := c.Users.Modify(t.Context(), id, func(*panther.UserInput) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("Modify() error = %v, want fn's error", err)
	}
	if diff := cmp.Diff([]string{"user#get"}, ops(srv)); diff != "" {
		t.Errorf("Modify() with failing fn requests mismatch (-want +got):\n%s", diff)
	}

	if _, err := c.Users.Modify(t.Context(), "missing", func(*panther.UserInput) error { return nil }); !errors.Is(err, panther.ErrNotFound) {
		t.Errorf("Modify(missing) error = %v, want ErrNotFound", err)
	}
}

func ops(srv *panthertest.Server) []string {
	var out []string
	for _, r := range srv.Requests() {
		out = append(out, r.Op)
	}
	return out
}

func TestUserInputFrom(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		role panther.Role
		want panther.Role
	}{
		{name: "both: id wins", role: panther.Role{Id: ptr("r1"), Name: ptr("Admin")}, want: panther.RoleByID("r1")},
		{name: "name only", role: panther.RoleByName("Admin"), want: panther.RoleByName("Admin")},
		{name: "empty id falls back to name", role: panther.Role{Id: ptr(""), Name: ptr("Admin")}, want: panther.RoleByName("Admin")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			u := panther.User{Id: ptr("u"), Email: "e@example.com", GivenName: "G", FamilyName: "F", Role: tt.role, Enabled: true}
			want := panther.UserInput{Email: "e@example.com", GivenName: "G", FamilyName: "F", Role: tt.want}
			if diff := cmp.Diff(want, panther.UserInputFrom(&u)); diff != "" {
				t.Errorf("UserInputFrom() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestCreateWithUnusableSuccessFindsTheUser puts a front server before the
// fake that lets the create through but replaces its 200 answer: the user
// exists, so Create returns it (found by email) instead of an error that
// would make a caller retry into a duplicate.
func TestCreateWithUnusableSuccessFindsTheUser(t *testing.T) {
	t.Parallel()
	for _, body := range []string{`{}`, `<html>ok</html>`, `{"email":`} {
		srv := panthertest.NewServer(panthertest.WithTB(t))
		front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && r.URL.Path == "/users" {
				srv.Handler().ServeHTTP(httptest.NewRecorder(), r) // applied, answer lost
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(body))
				return
			}
			srv.Handler().ServeHTTP(w, r)
		}))
		t.Cleanup(front.Close)
		c := newClient(t, front.URL, srv.Token)
		in := panther.UserInput{Email: "ok@example.com", GivenName: "O", FamilyName: "K", Role: panther.RoleByName("Admin")}
		u, err := c.Users.Create(t.Context(), in)
		if err != nil || u.Email != in.Email || u.Id == nil {
			t.Errorf("body %q: Create = %+v, %v; want the stored user", body, u, err)
		}
		if n := len(srv.Users()); n != 1 {
			t.Errorf("body %q: %d users, want 1", body, n)
		}
	}
}

// TestCreate501IsNotAmbiguous: 501 Not Implemented says the request was not
// processed, so Create neither looks the user up nor resends.
func TestCreate501IsNotAmbiguous(t *testing.T) {
	t.Parallel()
	srv, _ := newFake(t)
	c := newClient(t, srv.URL, srv.Token, panther.WithHTTPClient(srv.Client()), panther.WithRetryPolicy(panther.RetryPolicy{MaxRetries: 3, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}))
	srv.Inject(panthertest.Fault{Kind: panthertest.FaultStatus, Op: "user#create", Status: http.StatusNotImplemented})
	_, err := c.Users.Create(t.Context(), panther.UserInput{Email: "n@example.com", GivenName: "N", FamilyName: "I", Role: panther.RoleByName("Admin")})
	var apiErr *panther.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusNotImplemented {
		t.Errorf("Create error = %v, want the 501", err)
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("fake saw %d requests, want 1 (no lookup, no resend)", n)
	}
}
