package panthertest_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/pantherkit/panther-go/api"
	"github.com/pantherkit/panther-go/pkg/panthertest"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// orgClock is the clock of the org tests: the org's times are relative to it.
func orgClock() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }

func newOrg(t *testing.T, n int, opts ...panthertest.Option) *panthertest.Server {
	t.Helper()
	return newFake(t, append([]panthertest.Option{panthertest.WithOrg(n), panthertest.WithClock(orgClock)}, opts...)...)
}

const day = 24 * time.Hour

// orgKind classifies a seeded user by the rows of WithOrg's documented mix,
// checking on the way what each row promises about ids and times.
func orgKind(t *testing.T, u api.UserAPIUser) string {
	t.Helper()
	now := orgClock()
	id, status := *u.Id, *u.Status
	sso := strings.HasPrefix(id, "PantherSSO_")
	switch {
	case sso && id != "PantherSSO_"+u.Email:
		t.Errorf("SSO id %q is not PantherSSO_ + its email %q", id, u.Email)
	case sso != (status == panthertest.StatusExternalProvider):
		t.Errorf("user %s: SSO id %v but status %s", id, sso, status)
	case !sso && uuid.Validate(id) != nil:
		t.Errorf("password user's id %q is not a UUID", id)
	}
	created, err := time.Parse(time.RFC3339, *u.CreatedAt)
	if err != nil || created.After(now) || now.Sub(created) > 5*365*day+day {
		t.Errorf("user %s: createdAt %q, want RFC 3339 within 5 years before %s", id, *u.CreatedAt, now)
	}
	login := "never"
	if u.LastLoggedInAt != nil {
		at, err := time.Parse(time.RFC3339, *u.LastLoggedInAt)
		age := now.Sub(at)
		switch {
		case err != nil || at.Before(created) || at.After(now):
			t.Errorf("user %s: lastLoggedInAt %q, want RFC 3339 between createdAt %q and now", id, *u.LastLoggedInAt, *u.CreatedAt)
		case status == panthertest.StatusResetRequired:
			login = "10-200d"
			if age < 10*day || age > 200*day {
				t.Errorf("user %s: RESET_REQUIRED last logged in %s ago, want 10 to 200 days", id, age)
			}
		case age <= 30*day:
			login = "recent"
		case age >= 95*day:
			login = "stale"
		default:
			t.Errorf("user %s: last logged in %s ago: neither recent (30 days) nor stale (95 days)", id, age)
		}
	}
	kind := "password"
	if sso {
		kind = "sso"
	}
	state := ""
	if !u.Enabled {
		state = "deactivated "
	}
	return fmt.Sprintf("%s%s %s %s", state, kind, status, login)
}

// orgMixPer100 is WithOrg's documented mix.
var orgMixPer100 = map[string]int{
	"password CONFIRMED recent":               52,
	"password CONFIRMED stale":                8,
	"password FORCE_CHANGE_PASSWORD never":    7,
	"password RESET_REQUIRED 10-200d":         3,
	"password UNCONFIRMED never":              2,
	"sso EXTERNAL_PROVIDER recent":            20,
	"sso EXTERNAL_PROVIDER stale":             3,
	"deactivated password CONFIRMED stale":    3,
	"deactivated sso EXTERNAL_PROVIDER stale": 2,
}

func countKinds(t *testing.T, users []api.UserAPIUser) map[string]int {
	t.Helper()
	got := map[string]int{}
	for _, u := range users {
		got[orgKind(t, u)]++
	}
	return got
}

// TestOrgHasEveryKind: for several seeds, 100 users are exactly the mix
// WithOrg documents, and the variety a review needs is there.
func TestOrgHasEveryKind(t *testing.T) {
	t.Parallel()
	for _, seed := range []int64{panthertest.DefaultSeed, 2, -7, 1 << 40} {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			t.Parallel()
			users := newOrg(t, 100, panthertest.WithSeed(seed)).Users()
			if diff := cmp.Diff(orgMixPer100, countKinds(t, users)); diff != "" {
				t.Errorf("kinds of 100 users mismatch (-documented +got):\n%s", diff)
			}
			roles := map[string]int{}
			var oldest, newest string
			has := map[string]bool{}
			seen := map[string]bool{}
			for _, u := range users {
				roles[*u.Role.Name]++
				if oldest == "" || *u.CreatedAt < oldest {
					oldest = *u.CreatedAt
				}
				newest = max(newest, *u.CreatedAt)
				local, _, _ := strings.Cut(u.Email, "@")
				has["+ in an SSO id"] = has["+ in an SSO id"] || strings.HasPrefix(*u.Id, "PantherSSO_") && strings.Contains(*u.Id, "+")
				has[". in an SSO id"] = has[". in an SSO id"] || strings.HasPrefix(*u.Id, "PantherSSO_") && strings.Contains(local, ".")
				has["+ in an email"] = has["+ in an email"] || strings.Contains(local, "+")
				has["upper case in an email"] = has["upper case in an email"] || u.Email != strings.ToLower(u.Email)
				has["accent in a name"] = has["accent in a name"] || strings.ContainsAny(u.GivenName+u.FamilyName, "éáóñøëú")
				if k := strings.ToLower(u.Email); seen[k] {
					t.Errorf("email %s twice (ignoring case)", u.Email)
				}
				seen[strings.ToLower(u.Email)] = true
			}
			for _, want := range []string{"+ in an SSO id", ". in an SSO id", "+ in an email", "upper case in an email", "accent in a name"} {
				if !has[want] {
					t.Errorf("no user with %s", want)
				}
			}
			if roles["Admin"] != 5 || roles["Analyst"]+roles["AnalystReadOnly"] != 95 || roles["Analyst"] < 40 || roles["AnalystReadOnly"] < 40 {
				t.Errorf("roles = %v, want 5 Admin and the rest split evenly", roles)
			}
			if a, b := parseTime(t, oldest), parseTime(t, newest); a.Sub(b) > -3*365*day {
				t.Errorf("createdAt spans %s to %s, want more than 3 years", oldest, newest)
			}
			if !slices.IsSortedFunc(users, func(a, b api.UserAPIUser) int { return strings.Compare(*a.CreatedAt, *b.CreatedAt) }) {
				t.Error("users are not listed oldest first")
			}
		})
	}
}

func parseTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestOrgSmall: every kind and an Admin appear as soon as n allows (9 users,
// 3 roles); below that the counts are still the rounded mix.
func TestOrgSmall(t *testing.T) {
	t.Parallel()
	tests := []struct {
		n          int
		wantKinds  int
		wantAdmins int
	}{
		{n: 1, wantKinds: 1, wantAdmins: 0},
		{n: 3, wantKinds: 2, wantAdmins: 1},
		{n: 9, wantKinds: 9, wantAdmins: 1},
		{n: 40, wantKinds: 9, wantAdmins: 2},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.n), func(t *testing.T) {
			t.Parallel()
			users := newOrg(t, tt.n).Users()
			if len(users) != tt.n {
				t.Fatalf("WithOrg(%d) seeded %d users", tt.n, len(users))
			}
			kinds := countKinds(t, users)
			if len(kinds) != tt.wantKinds {
				t.Errorf("WithOrg(%d) has %d kinds, want %d: %v", tt.n, len(kinds), tt.wantKinds, kinds)
			}
			admins := 0
			for _, u := range users {
				if *u.Role.Name == "Admin" {
					admins++
				}
			}
			if admins != tt.wantAdmins {
				t.Errorf("WithOrg(%d) has %d Admins, want %d", tt.n, admins, tt.wantAdmins)
			}
		})
	}
}

// TestOrgIsDeterministic: the same seed and clock give byte-identical users,
// on another server and in another run (the golden file, which also pins
// the org across Go releases); another seed gives another org.
func TestOrgIsDeterministic(t *testing.T) {
	t.Parallel()
	marshal := func(srv *panthertest.Server) []byte {
		b, err := json.MarshalIndent(srv.Users(), "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		return append(b, '\n')
	}
	first := marshal(newOrg(t, 40))
	if again := marshal(newOrg(t, 40, panthertest.WithSeed(panthertest.DefaultSeed))); !bytes.Equal(first, again) {
		t.Errorf("the same seed gave different users:\n%s", cmp.Diff(string(first), string(again)))
	}
	golden := filepath.Join("testdata", "org-40.json")
	if *update {
		if err := os.WriteFile(golden, first, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(first)); diff != "" {
		t.Errorf("WithOrg(40) mismatch with %s (-want +got):\n%s", golden, diff)
	}

	other := newOrg(t, 40, panthertest.WithSeed(2)).Users()
	a, b := ids(newOrg(t, 40).Users()), ids(other)
	if shared := slices.DeleteFunc(a, func(id string) bool { return !slices.Contains(b, id) }); len(shared) > len(b)/4 {
		t.Errorf("seeds 1 and 2 share %d of %d ids: %v", len(shared), len(b), shared)
	}
	if diff := cmp.Diff(countKinds(t, newOrg(t, 40).Users()), countKinds(t, other)); diff != "" {
		t.Errorf("the mix depends on the seed (-seed 1 +seed 2):\n%s", diff)
	}
}

// TestOrgWithUsers: WithUsers' users keep their guarantees and come first.
func TestOrgWithUsers(t *testing.T) {
	t.Parallel()
	users := newOrg(t, 10, panthertest.WithUsers(3)).Users()
	if got := emails(users[:3]); !slices.Equal(got, seq(1, 3)) {
		t.Errorf("first users = %v, want WithUsers' %v", got, seq(1, 3))
	}
	if len(users) != 13 {
		t.Errorf("WithUsers(3) and WithOrg(10) seeded %d users, want 13", len(users))
	}
}

// TestOrgCustomRoles: without a role named Admin, roles share users evenly.
func TestOrgCustomRoles(t *testing.T) {
	t.Parallel()
	srv := newOrg(t, 30, panthertest.WithRoles(role("r1", "Responder"), role("r2", "Auditor"), role("r3", "Engineer")))
	got := map[string]int{}
	for _, u := range srv.Users() {
		got[*u.Role.Name]++
	}
	if diff := cmp.Diff(map[string]int{"Responder": 10, "Auditor": 10, "Engineer": 10}, got); diff != "" {
		t.Errorf("roles mismatch (-want +got):\n%s", diff)
	}
}

// TestOrgPassesValidation lists a large org page by page through the HTTP
// API, with and without deactivated users, and gets one user of each kind,
// with the fake's response validation on: nothing it answers breaks the spec.
func TestOrgPassesValidation(t *testing.T) {
	t.Parallel()
	const n = 500
	srv := newOrg(t, n, panthertest.WithSeed(42), panthertest.WithSpecValidation(true))
	users := srv.Users()
	active := 0
	for _, u := range users {
		if u.Enabled {
			active++
		}
	}
	for _, tt := range []struct {
		query string
		want  int
	}{
		{query: "limit=60", want: active},
		{query: "limit=60&include-deactivated=true", want: n},
		{query: "limit=7&include-deactivated=true&status=EXTERNAL_PROVIDER", want: countStatus(users, panthertest.StatusExternalProvider)},
	} {
		got := 0
		for _, page := range listAll(t, srv, tt.query) {
			got += len(page)
		}
		if got != tt.want {
			t.Errorf("GET /users?%s listed %d users, want %d", tt.query, got, tt.want)
		}
	}
	done := map[string]bool{}
	for _, u := range users {
		if k := orgKind(t, u); !done[k] {
			done[k] = true
			if r := do(t, srv, call{method: "GET", path: "/users/" + url.PathEscape(*u.Id), token: srv.Token}); r.status != http.StatusOK {
				t.Errorf("GET /users/%s = %d %s", *u.Id, r.status, r.body)
			}
		}
	}
	if errs := srv.Errors(); len(errs) != 0 {
		t.Errorf("the fake's responses broke the spec: %v", errs)
	}
}

func countStatus(users []api.UserAPIUser, status string) int {
	n := 0
	for _, u := range users {
		if *u.Status == status {
			n++
		}
	}
	return n
}

// TestOrgDeactivatedOnlyOnRequest: the default listing hides the org's
// deactivated users; include-deactivated shows them.
func TestOrgDeactivatedOnlyOnRequest(t *testing.T) {
	t.Parallel()
	srv := newOrg(t, 40)
	list := func(query string) []api.UserAPIUser {
		r := do(t, srv, call{method: "GET", path: "/users?limit=60" + query, token: srv.ReadOnlyToken})
		if r.status != http.StatusOK {
			t.Fatalf("GET /users = %d %s", r.status, r.body)
		}
		return decode[api.UserAPIListResp](t, r).Results
	}
	deactivated := func(us []api.UserAPIUser) int {
		n := 0
		for _, u := range us {
			if !u.Enabled {
				n++
			}
		}
		return n
	}
	if got := deactivated(list("")); got != 0 {
		t.Errorf("the default listing shows %d deactivated users", got)
	}
	all := list("&include-deactivated=true")
	if len(all) != 40 || deactivated(all) != 2 {
		t.Errorf("include-deactivated lists %d users, %d deactivated; want 40, 2", len(all), deactivated(all))
	}
}

// TestOrgSSOIDRoundTrip: every SSO id of the org (holding "@", "." and
// some "+") works as a path segment for get, update and delete.
func TestOrgSSOIDRoundTrip(t *testing.T) {
	t.Parallel()
	srv := newOrg(t, 40)
	var sso []api.UserAPIUser
	for _, u := range srv.Users() {
		if strings.HasPrefix(*u.Id, "PantherSSO_") {
			sso = append(sso, u)
		}
	}
	if !slices.ContainsFunc(sso, func(u api.UserAPIUser) bool { return strings.Contains(*u.Id, "+") }) {
		t.Fatalf("no SSO id with + among %v", ids(sso))
	}
	for _, u := range sso {
		t.Run(*u.Id, func(t *testing.T) {
			t.Parallel()
			path := "/users/" + url.PathEscape(*u.Id)
			r := do(t, srv, call{method: "GET", path: path, token: srv.Token})
			if r.status != http.StatusOK {
				t.Fatalf("GET %s = %d %s", path, r.status, r.body)
			}
			if diff := cmp.Diff(u, decode[api.UserAPIUser](t, r)); diff != "" {
				t.Errorf("GET %s mismatch (-seeded +got):\n%s", path, diff)
			}
			r = do(t, srv, call{method: "POST", path: path, token: srv.Token, body: modifyBody(u.Email, "Renamed", u.FamilyName, adminRole)})
			if r.status != http.StatusOK {
				t.Fatalf("POST %s = %d %s", path, r.status, r.body)
			}
			want := u
			want.GivenName, want.Role = "Renamed", adminRole
			if diff := cmp.Diff(want, decode[api.UserAPIUser](t, r)); diff != "" {
				t.Errorf("POST %s mismatch (-want +got):\n%s", path, diff)
			}
			if r = do(t, srv, call{method: "DELETE", path: path, token: srv.Token}); r.status != http.StatusOK {
				t.Fatalf("DELETE %s = %d %s", path, r.status, r.body)
			}
			if r = do(t, srv, call{method: "GET", path: path, token: srv.Token}); r.status != http.StatusNotFound {
				t.Errorf("GET %s after delete = %d %s, want 404", path, r.status, r.body)
			}
		})
	}
}
