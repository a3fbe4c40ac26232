package panther_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/pantherkit/panther-go/api"
	"github.com/pantherkit/panther-go/pkg/panther"
	"github.com/pantherkit/panther-go/pkg/panthertest"
)

// refusals returns the guardrails err names, checking that each refusal
// matches ErrRefused and says how to override it with an option and a flag.
func refusals(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	if !errors.Is(err, panther.ErrRefused) {
		t.Fatalf("error %v does not match ErrRefused", err)
	}
	errs := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	}
	var names []string
	for _, e := range errs {
		var ge *panther.GuardrailError
		if !errors.As(e, &ge) {
			t.Fatalf("error %v (%T) is not a *GuardrailError", e, e)
		}
		if ge.Guardrail != "prune" && (!strings.Contains(ge.Override, "PlanOptions.") || !strings.Contains(ge.Override, "--")) {
			t.Errorf("refusal %q does not name the option and the flag that override it", e)
		}
		names = append(names, ge.Guardrail)
	}
	return names
}

// applyRefused checks that Apply refuses plan with the guardrail named and
// sends nothing.
func applyRefused(t *testing.T, srv *panthertest.Server, c *panther.Client, plan *panther.SyncPlan, guardrail string) {
	t.Helper()
	srv.ResetRequests()
	before := len(srv.Users())
	results, err := c.Users.Apply(t.Context(), plan, nil)
	if got := refusals(t, err); results != nil || !slices.Contains(got, guardrail) {
		t.Errorf("Apply = %d results, refusals %v (%v); want none and %s", len(results), got, err, guardrail)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("Apply of a refused plan sent %d requests", n)
	}
	if n := len(srv.Users()); n != before {
		t.Errorf("Apply of a refused plan left %d users of %d", n, before)
	}
}

func TestGuardrailMaxDeletes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		org, listed  int
		maxDeletes   int
		wantOverride string // "" when the plan passes
	}{
		{name: "10% of 30 is 3", org: 30, listed: 27},
		{name: "4 of 30", org: 30, listed: 26, wantOverride: "set PlanOptions.MaxDeletes to 4 or more (--max-deletes 4)"},
		{name: "10 of 200", org: 200, listed: 190},
		{name: "at most 10 of a large org", org: 200, listed: 189, wantOverride: "--max-deletes 11"},
		{name: "a small org can lose one", org: 5, listed: 4},
		{name: "two of a small org", org: 5, listed: 3, wantOverride: "--max-deletes 2"},
		{name: "raised", org: 30, listed: 10, maxDeletes: 20},
		{name: "raised too little", org: 30, listed: 9, maxDeletes: 20, wantOverride: "--max-deletes 21"},
		{name: "lowered below the default", org: 200, listed: 195, maxDeletes: 2, wantOverride: "PlanOptions.MaxDeletes (2)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// Seeded roles cycle from Admin: the first user listed is an admin.
			srv, c := newFake(t, panthertest.WithUsers(tt.org))
			desired := desiredFrom(srv.Users()[:tt.listed])
			plan, err := c.Users.Plan(t.Context(), desired, &panther.PlanOptions{Prune: true, MaxDeletes: tt.maxDeletes})
			if plan == nil || len(plan.Deletes) != tt.org-tt.listed {
				t.Fatalf("Plan = %v, %v; want a plan with %d deletes", plan, err, tt.org-tt.listed)
			}
			if tt.wantOverride == "" {
				if err != nil {
					t.Fatalf("Plan error: %v", err)
				}
				return
			}
			if got := refusals(t, err); !slices.Equal(got, []string{"max-deletes"}) || !strings.Contains(err.Error(), tt.wantOverride) {
				t.Fatalf("Plan error = %v (refusals %v), want max-deletes saying %q", err, got, tt.wantOverride)
			}
			applyRefused(t, srv, c, plan, "max-deletes")
		})
	}
}

func TestGuardrailAdmin(t *testing.T) {
	t.Parallel()
	ada := orgUser{"u-ada", "ada@example.com", "Ada", "Lovelace", "Admin", false}
	grace := orgUser{"u-grace", "grace@example.com", "Grace", "Hopper", "Analyst", false}
	carl := orgUser{"u-carl", "carl@example.com", "Carl", "Sagan", "Admin", false}
	offAdmin := orgUser{"u-off", "off@example.com", "Off", "Line", "Admin", true}
	entry := func(u orgUser, role panther.Role) panther.DesiredUser {
		return panther.DesiredUser{Email: u.email, GivenName: u.given, FamilyName: u.family, Role: role}
	}
	byName := panther.RoleByName
	tests := []struct {
		name     string
		roles    []api.UserAPIRole // nil: the default roles
		org      []orgUser
		desired  []panther.DesiredUser
		opts     panther.PlanOptions
		refused  bool
		noAdmins bool // the plan warns that there is no admin to protect
	}{
		{
			name:    "prune deletes the only admin",
			org:     []orgUser{ada, grace},
			desired: []panther.DesiredUser{entry(grace, byName("Analyst"))},
			opts:    panther.PlanOptions{Prune: true},
			refused: true,
		},
		{
			name:    "the only admin demoted by name",
			org:     []orgUser{ada, grace},
			desired: []panther.DesiredUser{entry(ada, byName("Analyst")), entry(grace, byName("Analyst"))},
			refused: true,
		},
		{
			name:    "the only admin demoted by id",
			org:     []orgUser{ada, grace},
			desired: []panther.DesiredUser{entry(ada, panther.RoleByID(panthertest.RoleIDAnalyst))},
			refused: true,
		},
		{
			name:    "another user promoted by id",
			org:     []orgUser{ada, grace},
			desired: []panther.DesiredUser{entry(ada, byName("Analyst")), entry(grace, panther.RoleByID(panthertest.RoleIDAdmin))},
		},
		{
			name: "a created admin does not count",
			org:  []orgUser{ada, grace},
			desired: []panther.DesiredUser{entry(ada, byName("Analyst")),
				{Email: "new@example.com", GivenName: "New", FamilyName: "Admin", Role: byName("Admin")}},
			refused: true,
		},
		{
			name:    "another admin stays",
			org:     []orgUser{ada, carl},
			desired: []panther.DesiredUser{entry(ada, byName("Analyst"))},
		},
		{
			name:    "a deactivated admin does not count",
			org:     []orgUser{carl, offAdmin},
			desired: []panther.DesiredUser{entry(carl, byName("Analyst"))},
			refused: true,
		},
		{
			name:    "AllowNoAdmin",
			org:     []orgUser{ada, grace},
			desired: []panther.DesiredUser{entry(ada, byName("Analyst"))},
			opts:    panther.PlanOptions{AllowNoAdmin: true},
		},
		{
			name:     "renamed admin role, default AdminRoles: nothing to protect",
			roles:    []api.UserAPIRole{{Id: ptr("r1"), Name: ptr("Owner")}, {Id: ptr("r2"), Name: ptr("Member")}},
			org:      []orgUser{{"u-o", "o@example.com", "O", "Wner", "Owner", false}},
			desired:  []panther.DesiredUser{{Email: "o@example.com", GivenName: "O", FamilyName: "Wner", Role: byName("Member")}},
			noAdmins: true,
		},
		{
			name:    "renamed admin role, AdminRoles set (ignoring case)",
			roles:   []api.UserAPIRole{{Id: ptr("r1"), Name: ptr("Owner")}, {Id: ptr("r2"), Name: ptr("Member")}},
			org:     []orgUser{{"u-o", "o@example.com", "O", "Wner", "Owner", false}},
			desired: []panther.DesiredUser{{Email: "o@example.com", GivenName: "O", FamilyName: "Wner", Role: byName("Member")}},
			opts:    panther.PlanOptions{AdminRoles: []string{"owner"}},
			refused: true,
		},
		{
			name:    "one of several admin roles stays",
			roles:   []api.UserAPIRole{{Id: ptr("r1"), Name: ptr("Owner")}, {Id: ptr("r2"), Name: ptr("Security Admin")}, {Id: ptr("r3"), Name: ptr("Member")}},
			org:     []orgUser{{"u-o", "o@example.com", "O", "Wner", "Owner", false}, {"u-s", "s@example.com", "S", "Ec", "Security Admin", false}},
			desired: []panther.DesiredUser{{Email: "o@example.com", GivenName: "O", FamilyName: "Wner", Role: byName("Member")}},
			opts:    panther.PlanOptions{AdminRoles: []string{"Owner", "Security Admin"}},
		},
		{
			name:    "only the names given count",
			roles:   []api.UserAPIRole{{Id: ptr("r1"), Name: ptr("Owner")}, {Id: ptr("r2"), Name: ptr("Security Admin")}, {Id: ptr("r3"), Name: ptr("Member")}},
			org:     []orgUser{{"u-o", "o@example.com", "O", "Wner", "Owner", false}, {"u-s", "s@example.com", "S", "Ec", "Security Admin", false}},
			desired: []panther.DesiredUser{{Email: "o@example.com", GivenName: "O", FamilyName: "Wner", Role: byName("Member")}},
			opts:    panther.PlanOptions{AdminRoles: []string{"Owner"}},
			refused: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var opts []panthertest.Option
			if tt.roles != nil {
				opts = append(opts, panthertest.WithRoles(tt.roles...))
			}
			srv, c := newFake(t, opts...)
			seedOrg(t, srv, tt.org...)
			plan, err := c.Users.Plan(t.Context(), tt.desired, &tt.opts)
			if plan == nil {
				t.Fatalf("Plan error: %v", err)
			}
			warned := slices.ContainsFunc(plan.Warnings, func(w panther.PlanWarning) bool {
				return strings.HasPrefix(w.Message, "no enabled user has the role")
			})
			if warned != tt.noAdmins {
				t.Errorf("no-admin warning: %t, want %t (%+v)", warned, tt.noAdmins, plan.Warnings)
			}
			if !tt.refused {
				if err != nil {
					t.Fatalf("Plan error: %v", err)
				}
				results, err := c.Users.Apply(t.Context(), plan, nil)
				if err != nil || panther.SyncErrors(results) != nil {
					t.Fatalf("Apply: %v, %v", err, panther.SyncErrors(results))
				}
				return
			}
			if got := refusals(t, err); !slices.Equal(got, []string{"admin"}) ||
				!strings.Contains(err.Error(), "PlanOptions.AllowNoAdmin (--allow-no-admin)") ||
				!strings.Contains(err.Error(), "PlanOptions.AdminRoles (--admin-role)") {
				t.Fatalf("Plan error = %v (refusals %v), want admin naming both overrides", err, got)
			}
			applyRefused(t, srv, c, plan, "admin")
		})
	}
}

// TestGuardrailsAll: an empty list with prune on breaks two guardrails, and
// both are reported.
func TestGuardrailsAll(t *testing.T) {
	t.Parallel()
	_, c := newFake(t, panthertest.WithUsers(30))
	plan, err := c.Users.Plan(t.Context(), nil, &panther.PlanOptions{Prune: true})
	if got := refusals(t, err); plan == nil || !slices.Equal(got, []string{"max-deletes", "admin"}) {
		t.Fatalf("Plan refusals = %v (%v), want max-deletes and admin", got, err)
	}
}

// TestGuardrailPrune: Apply checks the plan it is given, not only the one
// Plan returned, so that deletes added to a plan afterwards are refused.
func TestGuardrailPrune(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		prune     bool
		change    func(p *panther.SyncPlan)
		guardrail string
	}{
		{
			name: "a delete added to a plan made without pruning",
			change: func(p *panther.SyncPlan) {
				a := p.Unlisted[0]
				a.Kind = panther.ActionDelete
				p.Deletes = append(p.Deletes, a)
			},
			guardrail: "prune",
		},
		{
			name:  "a delete of a user the list names",
			prune: true,
			change: func(p *panther.SyncPlan) {
				a := p.Unchanged[1]
				a.Kind, a.Desired = panther.ActionDelete, nil
				p.Deletes = append(p.Deletes, a)
			},
			guardrail: "prune",
		},
		{
			name:  "deletes added beyond the limit",
			prune: true,
			change: func(p *panther.SyncPlan) {
				for _, a := range p.Unchanged[1:] {
					a.Kind, a.Desired = panther.ActionDelete, nil
					p.Deletes = append(p.Deletes, a)
				}
				p.Unchanged = p.Unchanged[:1]
			},
			guardrail: "max-deletes",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, c := newFake(t, panthertest.WithUsers(12))
			plan := mustPlan(t, c, desiredFrom(srv.Users()[:11]), &panther.PlanOptions{Prune: tt.prune})
			tt.change(plan)
			applyRefused(t, srv, c, plan, tt.guardrail)
		})
	}
}
