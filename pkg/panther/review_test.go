package panther_test

import (
	"encoding/json"
	"fmt"
	"log"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pantherkit/panther-go/pkg/panther"
)

var reviewNow = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

const day = 24 * time.Hour

// reviewUser is a user for the review tests; created and login are how long
// before reviewNow, a negative one meaning absent.
func reviewUser(id, role, status string, enabled bool, created, login time.Duration) panther.User {
	u := panther.User{
		Id: &id, Email: id + "@example.com", GivenName: "G", FamilyName: "F",
		Role: panther.RoleByName(role), Enabled: enabled,
	}
	if status != "" {
		u.Status = &status
	}
	if created >= 0 {
		u.CreatedAt = ptr(reviewNow.Add(-created).Format(time.RFC3339))
	}
	if login >= 0 {
		u.LastLoggedInAt = ptr(reviewNow.Add(-login).Format(time.RFC3339Nano))
	}
	return u
}

// findings returns each finding as "id: rule rule".
func findings(r panther.Report) []string {
	var out []string
	for _, f := range r.Findings {
		out = append(out, fmt.Sprint(f.User.GetId(), ": ", f.Rules))
	}
	return out
}

func TestReviewRules(t *testing.T) {
	t.Parallel()
	const never = -1
	users := []panther.User{
		reviewUser("recent", "Analyst", "CONFIRMED", true, 400*day, 3*day),
		reviewUser("stale", "Analyst", "CONFIRMED", true, 400*day, 91*day),
		reviewUser("edge", "Analyst", "CONFIRMED", true, 400*day, 90*day), // exactly 90 days: not older
		reviewUser("new-invite", "Analyst", "FORCE_CHANGE_PASSWORD", true, 3*day, never),
		reviewUser("old-invite", "Admin", "FORCE_CHANGE_PASSWORD", true, 20*day, never),
		reviewUser("ancient-invite", "Admin", "FORCE_CHANGE_PASSWORD", true, 120*day, never),
		reviewUser("sso-never", "AnalystReadOnly", "EXTERNAL_PROVIDER", true, 100*day, never),
		reviewUser("no-dates", "AnalystReadOnly", "FORCE_CHANGE_PASSWORD", true, never, never),
		reviewUser("gone", "Analyst", "CONFIRMED", false, 900*day, 800*day),
	}
	tests := []struct {
		name string
		opts panther.ReviewOptions
		want []string
	}{
		{"no rules", panther.ReviewOptions{}, nil},
		{"inactive", panther.ReviewOptions{InactiveFor: 90 * day}, []string{
			"stale: [inactive]", "ancient-invite: [inactive]", "sso-never: [inactive]", "no-dates: [inactive]",
		}},
		{"inactive, shorter window", panther.ReviewOptions{InactiveFor: 10 * day}, []string{
			"stale: [inactive]", "edge: [inactive]", "old-invite: [inactive]", "ancient-invite: [inactive]",
			"sso-never: [inactive]", "no-dates: [inactive]",
		}},
		{"never logged in", panther.ReviewOptions{NeverLoggedIn: true}, []string{
			"new-invite: [never-logged-in]", "old-invite: [never-logged-in]", "ancient-invite: [never-logged-in]",
			"sso-never: [never-logged-in]", "no-dates: [never-logged-in]",
		}},
		{"pending invite", panther.ReviewOptions{PendingInviteOlderThan: 14 * day}, []string{
			"old-invite: [pending-invite]", "ancient-invite: [pending-invite]", "no-dates: [pending-invite]",
		}},
		{"all rules", panther.ReviewOptions{InactiveFor: 90 * day, NeverLoggedIn: true, PendingInviteOlderThan: 14 * day}, []string{
			"stale: [inactive]",
			"new-invite: [never-logged-in]",
			"old-invite: [never-logged-in pending-invite]",
			"ancient-invite: [inactive never-logged-in pending-invite]",
			"sso-never: [inactive never-logged-in]",
			"no-dates: [inactive never-logged-in pending-invite]",
		}},
		{"role filter ignores case", panther.ReviewOptions{InactiveFor: 90 * day, Roles: []string{"admin", "ANALYSTREADONLY"}}, []string{
			"ancient-invite: [inactive]", "sso-never: [inactive]", "no-dates: [inactive]",
		}},
		{"include deactivated", panther.ReviewOptions{InactiveFor: 90 * day, IncludeDeactivated: true}, []string{
			"stale: [inactive]", "ancient-invite: [inactive]", "sso-never: [inactive]", "no-dates: [inactive]", "gone: [inactive]",
		}},
		{"negative windows are off", panther.ReviewOptions{InactiveFor: -day, PendingInviteOlderThan: -day}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := panther.Review(users, tt.opts, reviewNow)
			if diff := cmp.Diff(tt.want, findings(got)); diff != "" {
				t.Errorf("Review(...) findings mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// An unreadable login time counts as none, an unreadable creation date as
// old: neither hides a user.
func TestReviewUnreadableTimesNeverHideAUser(t *testing.T) {
	t.Parallel()
	u := reviewUser("garbled", "Analyst", "FORCE_CHANGE_PASSWORD", true, 0, 0)
	u.CreatedAt, u.LastLoggedInAt = ptr("last tuesday"), ptr("2025-12-01")
	got := panther.Review([]panther.User{u}, panther.ReviewOptions{
		InactiveFor: 90 * day, NeverLoggedIn: true, PendingInviteOlderThan: 14 * day,
	}, reviewNow)
	if diff := cmp.Diff([]string{"garbled: [inactive never-logged-in pending-invite]"}, findings(got)); diff != "" {
		t.Errorf("findings mismatch (-want +got):\n%s", diff)
	}
	// A login in the future (clock skew) is recent, not stale.
	u = reviewUser("skewed", "Analyst", "CONFIRMED", true, 400*day, 0)
	u.LastLoggedInAt = ptr(reviewNow.Add(time.Hour).Format(time.RFC3339))
	if got := panther.Review([]panther.User{u}, panther.ReviewOptions{InactiveFor: day}, reviewNow); len(got.Findings) != 0 {
		t.Errorf("a login in the future: findings %v, want none", findings(got))
	}
}

func TestReviewSummary(t *testing.T) {
	t.Parallel()
	users := []panther.User{
		reviewUser("a", "Admin", "CONFIRMED", true, 400*day, 1*day),
		reviewUser("b", "admin", "EXTERNAL_PROVIDER", true, 400*day, 200*day),
		reviewUser("c", "Analyst", "FORCE_CHANGE_PASSWORD", true, 30*day, -1),
		reviewUser("d", "Analyst", "", true, 400*day, 1*day),
		reviewUser("e", "Analyst", "CONFIRMED", false, 400*day, 300*day),
		reviewUser("f", "Security Owner", "CONFIRMED", true, 400*day, 1*day),
	}
	noName := reviewUser("g", "", "CONFIRMED", true, 400*day, 1*day)
	noName.Role = panther.RoleByID("role-7")
	users = append(users, noName)
	opts := panther.ReviewOptions{InactiveFor: 90 * day, PendingInviteOlderThan: 14 * day}
	tests := []struct {
		name   string
		modify func(*panther.ReviewOptions)
		want   panther.ReviewSummary
	}{
		{"active users", func(*panther.ReviewOptions) {}, panther.ReviewSummary{
			Users:          6,
			ByRole:         map[string]int{"Admin": 1, "admin": 1, "Analyst": 2, "Security Owner": 1, "role-7": 1},
			ByStatus:       map[string]int{"CONFIRMED": 3, "EXTERNAL_PROVIDER": 1, "FORCE_CHANGE_PASSWORD": 1, "": 1},
			Admins:         2,
			AdminRoles:     []string{"Admin"},
			FindingsByRule: map[panther.Rule]int{panther.RuleInactive: 1, panther.RulePendingInvite: 1},
		}},
		{"with deactivated", func(o *panther.ReviewOptions) { o.IncludeDeactivated = true }, panther.ReviewSummary{
			Users:          7,
			ByRole:         map[string]int{"Admin": 1, "admin": 1, "Analyst": 3, "Security Owner": 1, "role-7": 1},
			ByStatus:       map[string]int{"CONFIRMED": 4, "EXTERNAL_PROVIDER": 1, "FORCE_CHANGE_PASSWORD": 1, "": 1},
			Admins:         2,
			AdminRoles:     []string{"Admin"},
			Deactivated:    1,
			FindingsByRule: map[panther.Rule]int{panther.RuleInactive: 2, panther.RulePendingInvite: 1},
		}},
		{"renamed admin role", func(o *panther.ReviewOptions) { o.AdminRoles = []string{"security owner"} }, panther.ReviewSummary{
			Users:          6,
			ByRole:         map[string]int{"Admin": 1, "admin": 1, "Analyst": 2, "Security Owner": 1, "role-7": 1},
			ByStatus:       map[string]int{"CONFIRMED": 3, "EXTERNAL_PROVIDER": 1, "FORCE_CHANGE_PASSWORD": 1, "": 1},
			Admins:         1,
			AdminRoles:     []string{"security owner"},
			FindingsByRule: map[panther.Rule]int{panther.RuleInactive: 1, panther.RulePendingInvite: 1},
		}},
		{"one role", func(o *panther.ReviewOptions) { o.Roles = []string{"analyst"}; o.NeverLoggedIn = true }, panther.ReviewSummary{
			Users:          2,
			ByRole:         map[string]int{"Analyst": 2},
			ByStatus:       map[string]int{"FORCE_CHANGE_PASSWORD": 1, "": 1},
			AdminRoles:     []string{"Admin"},
			FindingsByRule: map[panther.Rule]int{panther.RuleInactive: 0, panther.RuleNeverLoggedIn: 1, panther.RulePendingInvite: 1},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			o := opts
			tt.modify(&o)
			got := panther.Review(users, o, reviewNow)
			if diff := cmp.Diff(tt.want, got.Summary); diff != "" {
				t.Errorf("Review(...).Summary mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// An empty review still has every map and an empty findings list, so that
// its JSON has {} and [] where a reader looks for them, never null.
func TestReviewEmptyJSON(t *testing.T) {
	t.Parallel()
	r := panther.Review(nil, panther.ReviewOptions{NeverLoggedIn: true}, reviewNow)
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"at":"2026-01-02T03:04:05Z","summary":{"users":0,"byRole":{},"byStatus":{},"admins":0,"adminRoles":["Admin"],"deactivated":0,"findingsByRule":{"never-logged-in":0}},"findings":[]}`
	if diff := cmp.Diff(want, string(b)); diff != "" {
		t.Errorf("json.Marshal(Review(nil, ...)) mismatch (-want +got):\n%s", diff)
	}
	if ids := r.IDs(); ids == nil || len(ids) != 0 {
		t.Errorf("IDs() = %#v, want an empty slice", ids)
	}
}

// Review neither changes its input nor depends on anything but its
// arguments.
func TestReviewIsPure(t *testing.T) {
	t.Parallel()
	users := []panther.User{
		reviewUser("a", "Admin", "FORCE_CHANGE_PASSWORD", true, 30*day, -1),
		reviewUser("b", "Analyst", "CONFIRMED", true, 300*day, 200*day),
	}
	before := slices.Clone(users)
	opts := panther.ReviewOptions{InactiveFor: 90 * day, NeverLoggedIn: true, PendingInviteOlderThan: 14 * day}
	first := panther.Review(users, opts, reviewNow)
	second := panther.Review(users, opts, reviewNow)
	if diff := cmp.Diff(first, second); diff != "" {
		t.Errorf("two reviews differ (-first +second):\n%s", diff)
	}
	if diff := cmp.Diff(before, users); diff != "" {
		t.Errorf("Review changed its input (-before +after):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"a", "b"}, first.IDs()); diff != "" {
		t.Errorf("IDs() mismatch (-want +got):\n%s", diff)
	}
}

func ExampleReview() {
	// In real code: users from client.Users.List (with IncludeDeactivated
	// to review deactivated users too) and now from time.Now().
	var users []panther.User
	if err := json.Unmarshal([]byte(`[
		{"id": "PantherSSO_grace@example.com", "email": "grace@example.com", "givenName": "Grace", "familyName": "Hopper",
		 "role": {"name": "Admin"}, "status": "EXTERNAL_PROVIDER", "enabled": true,
		 "createdAt": "2023-05-01T09:00:00Z", "lastLoggedInAt": "2025-12-30T17:45:12.5Z"},
		{"id": "5d0c1f7e-0000-4000-8000-000000000002", "email": "john.smith@example.com", "givenName": "John", "familyName": "Smith",
		 "role": {"name": "Analyst"}, "status": "CONFIRMED", "enabled": true,
		 "createdAt": "2024-02-11T10:00:00Z", "lastLoggedInAt": "2025-06-03T08:00:00Z"},
		{"id": "5d0c1f7e-0000-4000-8000-000000000003", "email": "jane.smith@example.com", "givenName": "Jane", "familyName": "Smith",
		 "role": {"name": "AnalystReadOnly"}, "status": "FORCE_CHANGE_PASSWORD", "enabled": true,
		 "createdAt": "2025-11-20T12:00:00Z"}
	]`), &users); err != nil {
		log.Fatal(err)
	}
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

	report := panther.Review(users, panther.ReviewOptions{
		InactiveFor:            panther.DefaultInactiveFor,
		PendingInviteOlderThan: panther.DefaultPendingInviteOlderThan,
	}, now)
	s := report.Summary
	fmt.Println("users:", s.Users, "admins:", s.Admins, "by role:", s.ByRole)
	fmt.Println("findings:", s.FindingsByRule)
	for _, f := range report.Findings {
		fmt.Println(f.User.Email, f.Rules)
	}
	fmt.Println("to offboard:", report.IDs())

	// Output:
	// users: 3 admins: 1 by role: map[Admin:1 Analyst:1 AnalystReadOnly:1]
	// findings: map[inactive:1 pending-invite:1]
	// john.smith@example.com [inactive]
	// jane.smith@example.com [pending-invite]
	// to offboard: [5d0c1f7e-0000-4000-8000-000000000002 5d0c1f7e-0000-4000-8000-000000000003]
}
