package panther_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pantherkit/panther-go/pkg/panther"
	"github.com/pantherkit/panther-go/pkg/panthertest"
)

// orgUser is a user to seed with fixed values, so that a plan can be
// compared field by field with the users the fake stored.
type orgUser struct {
	id, email, given, family, role string
	deactivated                    bool
}

// seedOrg adds users to srv and returns them as stored.
func seedOrg(t *testing.T, srv *panthertest.Server, users ...orgUser) []panther.User {
	t.Helper()
	out := make([]panther.User, 0, len(users))
	for _, u := range users {
		stored, err := srv.AddUser(panther.User{
			Id: ptr(u.id), Email: u.email, GivenName: u.given, FamilyName: u.family,
			Role: panther.RoleByName(u.role), Enabled: !u.deactivated, CreatedAt: ptr("2026-01-02T03:04:05Z"),
		})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, stored)
	}
	return out
}

// desiredFrom returns entries that ask for users exactly as they are.
func desiredFrom(users []panther.User) []panther.DesiredUser {
	out := make([]panther.DesiredUser, 0, len(users))
	for _, u := range users {
		out = append(out, panther.DesiredUser{Email: u.Email, GivenName: u.GivenName, FamilyName: u.FamilyName,
			Role: panther.RoleByName(*u.Role.Name), Source: "entry " + u.Email})
	}
	return out
}

// mustPlan plans desired and fails the test on any error.
func mustPlan(t *testing.T, c *panther.Client, desired []panther.DesiredUser, opts *panther.PlanOptions) *panther.SyncPlan {
	t.Helper()
	plan, err := c.Users.Plan(t.Context(), desired, opts)
	if err != nil {
		t.Fatalf("Plan error: %v", err)
	}
	return plan
}

// smallOrg is an org of five: an admin, two users the tests change, one
// the list leaves out and a deactivated one.
var smallOrg = []orgUser{
	{"u-ada", "ada@example.com", "Ada", "Lovelace", "Admin", false},
	{"u-grace", "grace@example.com", "Grace", "Hopper", "Analyst", false},
	{"u-alan", "alan@example.com", "Alan", "Turing", "AnalystReadOnly", false},
	{"u-linus", "linus@example.com", "Linus", "Torvalds", "Analyst", false},
	{"PantherSSO_old@example.com", "old@example.com", "Old", "Timer", "Analyst", true},
}

func TestPlan(t *testing.T) {
	t.Parallel()
	desired := []panther.DesiredUser{
		{Email: "ADA@Example.com", GivenName: "Ada", FamilyName: "Lovelace", Role: panther.RoleByName("Admin"), Source: "users.csv:2"},
		{Email: "grace@example.com", GivenName: "Grace", FamilyName: "Hopper-Murray", Role: panther.RoleByName("Admin"), Source: "users.csv:3"},
		{Email: "alan@example.com", GivenName: "Alan", FamilyName: "Turing", Role: panther.RoleByID(panthertest.RoleIDAnalyst), Source: "users.csv:4"},
		{Email: "katherine@example.com", GivenName: "Katherine", FamilyName: "Johnson", Role: panther.RoleByName("Analyst"), Source: "users.csv:5"},
		{Email: "margaret@example.com", GivenName: "Margaret", FamilyName: "Hamilton", Role: panther.RoleByName("Auditor")},
	}
	// The plan names every entry by its Source; the last one has none.
	entries := append([]panther.DesiredUser(nil), desired...)
	entries[4].Source = "desired[4]"

	tests := []struct {
		name string
		opts *panther.PlanOptions
		// deletes says whether linus and old end up in Deletes or Unlisted.
		deletes bool
	}{
		{name: "prune off", opts: nil},
		{name: "prune", opts: &panther.PlanOptions{Prune: true, MaxDeletes: 2}, deletes: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, c := newFake(t)
			org := seedOrg(t, srv, smallOrg...)
			got := mustPlan(t, c, desired, tt.opts)

			want := &panther.SyncPlan{
				Creates: []panther.SyncAction{
					{Kind: panther.ActionCreate, Desired: &entries[3]},
					{Kind: panther.ActionCreate, Desired: &entries[4]},
				},
				Updates: []panther.SyncAction{
					{Kind: panther.ActionUpdate, Current: &org[1], Desired: &entries[1], Changes: []panther.FieldChange{
						{Field: "familyName", From: "Hopper", To: "Hopper-Murray"},
						{Field: "role", From: "Analyst", To: "Admin"},
					}},
					{Kind: panther.ActionUpdate, Current: &org[2], Desired: &entries[2], Changes: []panther.FieldChange{
						{Field: "roleId", From: panthertest.RoleIDAnalystReadOnly, To: panthertest.RoleIDAnalyst},
					}},
				},
				Unchanged: []panther.SyncAction{{Kind: panther.ActionUnchanged, Current: &org[0], Desired: &entries[0]}},
				Warnings: []panther.PlanWarning{{Sources: []string{"desired[4]"},
					Message: `role "Auditor" is held by no user; unless Panther has such a role, these entries will fail`}},
			}
			if tt.opts != nil {
				want.Options = *tt.opts
			}
			left := []panther.SyncAction{{Kind: panther.ActionUnlisted, Current: &org[3]}, {Kind: panther.ActionUnlisted, Current: &org[4]}}
			if tt.deletes {
				left[0].Kind, left[1].Kind = panther.ActionDelete, panther.ActionDelete
				want.Deletes = left
			} else {
				want.Unlisted = left
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Plan mismatch (-want +got):\n%s", diff)
			}
			if got.Empty() {
				t.Error("Empty() = true for a plan with changes")
			}
			var kinds []string
			for _, a := range got.Changes() {
				kinds = append(kinds, a.String())
			}
			wantKinds := []string{"create users.csv:5", "create desired[4]", "update users.csv:3", "update users.csv:4"}
			if tt.deletes {
				wantKinds = append(wantKinds, `delete user "u-linus"`, `delete user "PantherSSO_old@example.com"`)
			}
			if diff := cmp.Diff(wantKinds, kinds); diff != "" {
				t.Errorf("Changes() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestPlanMatchesEmailIgnoringCase: an entry whose address differs only in
// case matches the user, is no change, and an update keeps Panther's spelling.
func TestPlanMatchesEmailIgnoringCase(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	seedOrg(t, srv, smallOrg[:2]...)
	desired := []panther.DesiredUser{
		{Email: "Ada@EXAMPLE.COM", GivenName: "Ada", FamilyName: "Lovelace", Role: panther.RoleByName("Admin")},
		{Email: "GRACE@example.com", GivenName: "Grace", FamilyName: "Hopper", Role: panther.RoleByName("Admin")},
	}
	plan := mustPlan(t, c, desired, nil)
	if len(plan.Creates) != 0 || len(plan.Unchanged) != 1 || len(plan.Updates) != 1 || len(plan.Unlisted) != 0 {
		t.Fatalf("plan: %d creates, %d unchanged, %d updates, %d unlisted; want 0, 1, 1, 0",
			len(plan.Creates), len(plan.Unchanged), len(plan.Updates), len(plan.Unlisted))
	}
	if diff := cmp.Diff([]panther.FieldChange{{Field: "role", From: "Analyst", To: "Admin"}}, plan.Updates[0].Changes); diff != "" {
		t.Errorf("update of GRACE@example.com mismatch (-want +got):\n%s", diff)
	}
	results, err := c.Users.Apply(t.Context(), plan, nil)
	if err != nil || panther.SyncErrors(results) != nil {
		t.Fatalf("Apply: %v, %v", err, panther.SyncErrors(results))
	}
	if got := results[0].User.Email; got != "grace@example.com" {
		t.Errorf("updated user's email = %q, want Panther's spelling kept", got)
	}
	if again := mustPlan(t, c, desired, nil); !again.Empty() {
		t.Errorf("second plan has changes: %+v", again.Changes())
	}
}

func TestPlanInputErrors(t *testing.T) {
	t.Parallel()
	ok := func(email, source string) panther.DesiredUser {
		return panther.DesiredUser{Email: email, GivenName: "A", FamilyName: "B", Role: panther.RoleByName("Analyst"), Source: source}
	}
	with := func(d panther.DesiredUser, f func(*panther.DesiredUser)) panther.DesiredUser { f(&d); return d }
	tests := []struct {
		name    string
		desired []panther.DesiredUser
		want    []string // "source field", in order
	}{
		{
			name:    "empty email",
			desired: []panther.DesiredUser{ok("a@example.com", "f:2"), ok("", "f:3")},
			want:    []string{"f:3 email"},
		},
		{
			name:    "empty names, both reported",
			desired: []panther.DesiredUser{with(ok("a@example.com", "f:2"), func(d *panther.DesiredUser) { d.GivenName, d.FamilyName = "", " " })},
			want:    []string{"f:2 givenName", "f:2 familyName"},
		},
		{
			name:    "not an address",
			desired: []panther.DesiredUser{ok("ada", "f:2"), ok("ada@", "f:3"), ok("a da@example.com", "f:4")},
			want:    []string{"f:2 email", "f:3 email", "f:4 email"},
		},
		{
			name:    "same email twice, ignoring case",
			desired: []panther.DesiredUser{ok("a@example.com", "f:2"), ok("b@example.com", "f:3"), ok("A@Example.com", "f:4")},
			want:    []string{"f:4 email"},
		},
		{
			name: "role by both id and name, by neither, empty name",
			desired: []panther.DesiredUser{
				with(ok("a@example.com", "f:2"), func(d *panther.DesiredUser) { d.Role = panther.Role{Id: ptr("x"), Name: ptr("Analyst")} }),
				with(ok("b@example.com", "f:3"), func(d *panther.DesiredUser) { d.Role = panther.Role{} }),
				with(ok("c@example.com", "f:4"), func(d *panther.DesiredUser) { d.Role = panther.RoleByName(" ") }),
			},
			want: []string{"f:2 role", "f:3 role", "f:4 role.name"},
		},
		{
			name:    "no source: the index",
			desired: []panther.DesiredUser{ok("a@example.com", ""), ok("", "")},
			want:    []string{"desired[1] email"},
		},
		{
			name: "every entry at once",
			desired: []panther.DesiredUser{
				ok("", "f:2"), ok("a@example.com", "f:3"), ok("a@example.com", "f:4"),
				with(ok("b@example.com", "f:5"), func(d *panther.DesiredUser) { d.Role = panther.Role{} }),
			},
			want: []string{"f:2 email", "f:4 email", "f:5 role"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, c := newFake(t)
			plan, err := c.Users.Plan(t.Context(), tt.desired, nil)
			if plan != nil || !errors.Is(err, panther.ErrInvalidInput) {
				t.Fatalf("Plan = %v, %v; want no plan and ErrInvalidInput", plan, err)
			}
			var got []string
			for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
				var ee *panther.EntryError
				var ie *panther.InputError
				if !errors.As(e, &ee) || !errors.As(e, &ie) {
					t.Fatalf("error %v (%T) is not an *EntryError wrapping an *InputError", e, e)
				}
				if tt.desired[ee.Index].Source != "" && ee.Source != tt.desired[ee.Index].Source {
					t.Errorf("error %q: Index %d has Source %q, error says %q", e, ee.Index, tt.desired[ee.Index].Source, ee.Source)
				}
				if !strings.Contains(e.Error(), ee.Source+": "+ie.Field+": ") {
					t.Errorf("error %q does not name %s and %s", e, ee.Source, ie.Field)
				}
				got = append(got, ee.Source+" "+ie.Field)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("errors mismatch (-want +got):\n%s\nfull error:\n%v", diff, err)
			}
			if n := len(srv.Requests()); n != 0 {
				t.Errorf("%d requests sent; input errors must come before any", n)
			}
		})
	}

	t.Run("duplicate names the first entry", func(t *testing.T) {
		t.Parallel()
		_, c := newFake(t)
		_, err := c.Users.Plan(t.Context(), []panther.DesiredUser{ok("a@example.com", "users.csv:2"), ok("A@example.com", "users.csv:9")}, nil)
		const want = "panther: invalid input: users.csv:9: email: the same address as users.csv:2 (ignoring case)"
		if err == nil || err.Error() != want {
			t.Errorf("Plan error = %v, want %q", err, want)
		}
	})
	t.Run("negative MaxDeletes", func(t *testing.T) {
		t.Parallel()
		_, c := newFake(t)
		_, err := c.Users.Plan(t.Context(), nil, &panther.PlanOptions{MaxDeletes: -1})
		var ie *panther.InputError
		if !errors.As(err, &ie) || ie.Field != "maxDeletes" {
			t.Errorf("Plan error = %v, want an *InputError for maxDeletes", err)
		}
	})
}

func TestPlanPruneOffByDefault(t *testing.T) {
	t.Parallel()
	for _, opts := range []*panther.PlanOptions{nil, {}, {MaxDeletes: 100}} {
		t.Run(fmt.Sprintf("%+v", opts), func(t *testing.T) {
			t.Parallel()
			srv, c := newFake(t, panthertest.WithUsers(6))
			// An empty list: without pruning, it deletes nobody.
			plan := mustPlan(t, c, nil, opts)
			if len(plan.Deletes) != 0 || len(plan.Unlisted) != 6 || !plan.Empty() {
				t.Fatalf("plan of an empty list: %d deletes, %d unlisted, empty %t; want 0, 6, true", len(plan.Deletes), len(plan.Unlisted), plan.Empty())
			}
			results, err := c.Users.Apply(t.Context(), plan, nil)
			if err != nil || len(results) != 0 {
				t.Fatalf("Apply = %v, %v; want no results", results, err)
			}
			if n := len(srv.Users()); n != 6 {
				t.Errorf("%d users left, want 6", n)
			}
		})
	}
}

func TestPlanWarnings(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	seedOrg(t, srv, smallOrg...)
	desired := []panther.DesiredUser{
		{Email: "ada@example.com", GivenName: "Ada", FamilyName: "Lovelace", Role: panther.RoleByName("Admin"), Source: "f:2"},
		{Email: "old@example.com", GivenName: "Old", FamilyName: "Timer", Role: panther.RoleByName("Analyst"), Source: "f:3"},
		{Email: "x@example.com", GivenName: "X", FamilyName: "Y", Role: panther.RoleByName("admin"), Source: "f:4"},
		{Email: "y@example.com", GivenName: "X", FamilyName: "Y", Role: panther.RoleByID("no-such-id"), Source: "f:5"},
		{Email: "z@example.com", GivenName: "X", FamilyName: "Y", Role: panther.RoleByName("admin"), Source: "f:6"},
	}
	plan := mustPlan(t, c, desired, nil)
	want := []panther.PlanWarning{
		{Sources: []string{"f:4", "f:6"}, Message: `role "admin" is held by no user; unless Panther has such a role, these entries will fail`},
		{Sources: []string{"f:5"}, Message: `role id "no-such-id" is held by no user; unless Panther has such a role, these entries will fail`},
		{Sources: []string{"f:3"}, Message: "the user is deactivated, and the API cannot enable it; enable it in the Panther Console"},
	}
	if diff := cmp.Diff(want, plan.Warnings); diff != "" {
		t.Errorf("Warnings mismatch (-want +got):\n%s", diff)
	}
	if len(plan.Unchanged) != 2 {
		t.Errorf("%d unchanged, want 2 (a deactivated user can match)", len(plan.Unchanged))
	}
}

// TestPlanReadsOnce: a plan costs one walk of the listing, a full page at
// a time, deactivated users included, and nothing else.
func TestPlanReadsOnce(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t, panthertest.WithUsers(130))
	seedOrg(t, srv, orgUser{"u-off", "off@example.com", "Off", "Line", "Analyst", true})
	desired := desiredFrom(srv.Users()[:100])
	desired = append(desired, panther.DesiredUser{Email: "new@example.com", GivenName: "N", FamilyName: "U", Role: panther.RoleByName("Admin")})
	plan := mustPlan(t, c, desired, nil)
	if len(plan.Unchanged) != 100 || len(plan.Unlisted) != 31 || len(plan.Creates) != 1 {
		t.Errorf("plan: %d unchanged, %d unlisted, %d creates; want 100, 31, 1", len(plan.Unchanged), len(plan.Unlisted), len(plan.Creates))
	}
	reqs := srv.Requests()
	if len(reqs) != 3 { // ceil(131/60)
		t.Errorf("%d requests, want 3 list pages: %v", len(reqs), ops(srv))
	}
	for _, r := range reqs {
		if r.Op != "user#list" || !strings.Contains(r.RawQuery, "include-deactivated=true") || !strings.Contains(r.RawQuery, "limit=60") {
			t.Errorf("request %s %s?%s, want user#list with include-deactivated=true and limit=60", r.Method, r.Path, r.RawQuery)
		}
	}
}
