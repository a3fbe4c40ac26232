package main

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pantherkit/panther-go/api"
	"github.com/pantherkit/panther-go/pkg/panther"
	"github.com/pantherkit/panther-go/pkg/panthertest"
)

// The review goldens read the goldens' org (newOrgFake), on fixedClock: the
// fake dates the org from that clock and the command reviews at it.

// reviewCases are the reviews the goldens show, each rule on its own and
// with the filters; TestReviewMatchesTheSeededOrg checks each against the
// org.
var reviewCases = []struct {
	name string
	args []string
	want expectation // the rules as the help states them
}{
	{"review", nil, expectation{inactive: 90 * day, never: true, pending: 14 * day}},
	{"review-inactive", []string{"--inactive-for", "90d"}, expectation{inactive: 90 * day}},
	{"review-never", []string{"--never-logged-in"}, expectation{never: true}},
	{"review-pending", []string{"--pending-invite-older-than", "2w"}, expectation{pending: 14 * day}},
	{"review-pending-5w", []string{"--pending-invite-older-than", "5w"}, expectation{pending: 35 * day}},
	// Two invitations are older than 30 days: inactive by their creation date.
	{"review-role", []string{"--role", "admin", "--role", "ANALYST", "--inactive-for", "30d"}, expectation{inactive: 30 * day, roles: []string{"admin", "analyst"}}},
	{"review-deactivated", []string{"--include-deactivated", "--inactive-for", "90d"}, expectation{inactive: 90 * day, deactivated: true}},
	{"review-none", []string{"--never-logged-in=false"}, expectation{}},
}

func TestReviewGolden(t *testing.T) {
	t.Parallel()
	for _, tc := range reviewCases {
		formats := []string{"table"}
		if tc.name == "review" || tc.name == "review-deactivated" {
			formats = append(formats, "json", "csv")
		}
		for _, format := range formats {
			t.Run(tc.name+"."+format, func(t *testing.T) {
				t.Parallel()
				srv := newOrgFake(t)
				r := runOK(t, srv, append([]string{"users", "review", "-o", format}, tc.args...)...)
				golden(t, tc.name+"."+format, r.stdout)
				if r.stderr != "" {
					t.Errorf("stderr = %q, want nothing (not a terminal)", r.stderr)
				}
			})
		}
	}
	t.Run("review.ids", func(t *testing.T) {
		t.Parallel()
		r := runOK(t, newOrgFake(t), "users", "review", "--inactive-for", "90d", "--ids-only")
		golden(t, "review.ids", r.stdout)
	})
}

// expectation is a review's flags, from which expect works out what the
// review must find, by its own reading of the rules.
type expectation struct {
	inactive, pending time.Duration // 0: off
	never             bool
	roles             []string // lowercase
	deactivated       bool
}

// expected is what a review must print, worked out from the users.
type expected struct {
	summary panther.ReviewSummary
	found   map[string][]string // id: rules
}

// expect works out, independently of panther.Review, what a review with x
// finds in users as of now. The seeded times are whole-second RFC 3339, so
// any that fails to parse fails the test.
func (x expectation) expect(t *testing.T, users []api.UserAPIUser, now time.Time) expected {
	t.Helper()
	parse := func(s *string) (time.Time, bool) {
		if s == nil {
			return time.Time{}, false
		}
		v, err := time.Parse(time.RFC3339, *s)
		if err != nil {
			t.Fatalf("seeded time %q: %v", *s, err)
		}
		return v, true
	}
	e := expected{
		summary: panther.ReviewSummary{
			ByRole: map[string]int{}, ByStatus: map[string]int{}, AdminRoles: []string{"Admin"},
			FindingsByRule: map[panther.Rule]int{},
		},
		found: map[string][]string{},
	}
	on := map[panther.Rule]bool{"inactive": x.inactive > 0, "never-logged-in": x.never, "pending-invite": x.pending > 0}
	for rule, ok := range on {
		if ok {
			e.summary.FindingsByRule[rule] = 0
		}
	}
	for _, u := range users {
		role := *u.Role.Name
		if !u.Enabled && !x.deactivated || len(x.roles) > 0 && !slices.Contains(x.roles, strings.ToLower(role)) {
			continue
		}
		s := &e.summary
		s.Users++
		s.ByRole[role]++
		s.ByStatus[*u.Status]++
		if role == "Admin" {
			s.Admins++
		}
		if !u.Enabled {
			s.Deactivated++
		}
		created, _ := parse(u.CreatedAt)
		login, loggedIn := parse(u.LastLoggedInAt)
		var rules []string
		if x.inactive > 0 && (loggedIn && now.Sub(login) > x.inactive || !loggedIn && now.Sub(created) > x.inactive) {
			rules = append(rules, "inactive")
		}
		if x.never && !loggedIn {
			rules = append(rules, "never-logged-in")
		}
		if x.pending > 0 && *u.Status == "FORCE_CHANGE_PASSWORD" && now.Sub(created) > x.pending {
			rules = append(rules, "pending-invite")
		}
		for _, r := range rules {
			s.FindingsByRule[panther.Rule(r)]++
		}
		if rules != nil {
			e.found[*u.Id] = rules
		}
	}
	return e
}

// TestReviewMatchesTheSeededOrg checks each golden's review, through its
// JSON, against what the seeded org must give; and that the org gives every
// rule something to find, so that the goldens show each rule at work.
func TestReviewMatchesTheSeededOrg(t *testing.T) {
	t.Parallel()
	for _, tc := range reviewCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newOrgFake(t)
			r := runOK(t, srv, append([]string{"users", "review", "-o", "json"}, tc.args...)...)
			var got struct {
				At       time.Time
				Summary  panther.ReviewSummary
				Findings []struct {
					User  api.UserAPIUser
					Rules []string
				}
			}
			if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
				t.Fatalf("-o json: %v\n%s", err, r.stdout)
			}
			if !got.At.Equal(fixedClock()) {
				t.Errorf("at = %v, want the injected clock %v", got.At, fixedClock())
			}
			want := tc.want.expect(t, srv.Users(), fixedClock())
			if diff := cmp.Diff(want.summary, got.Summary); diff != "" {
				t.Errorf("summary mismatch (-want +got):\n%s", diff)
			}
			found := map[string][]string{}
			for _, f := range got.Findings {
				found[*f.User.Id] = f.Rules
			}
			if diff := cmp.Diff(want.found, found); diff != "" {
				t.Errorf("findings mismatch (-want +got):\n%s", diff)
			}
			for rule, n := range want.summary.FindingsByRule {
				if n == 0 {
					t.Errorf("the seeded org gives rule %s nothing to find: pick another seed", rule)
				}
			}
			// One listing, of one page: the users are read once.
			if reqs := srv.Requests(); len(reqs) != 1 || reqs[0].Op != "user#list" {
				t.Errorf("requests = %+v, want one user#list", reqs)
			}
		})
	}
}

// TestReviewFeedsDelete runs the pipelines the help shows: the findings'
// ids, from --ids-only or from the CSV's first column without its header,
// into `delete --ids-from - --yes`; the users found are gone from the fake
// and no one else is. A user whose id a spreadsheet would run as a formula,
// and which holds a comma, goes through --ids-only too.
func TestReviewFeedsDelete(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		ids  func(t *testing.T, srv *panthertest.Server) string
	}{
		{"--ids-only", func(t *testing.T, srv *panthertest.Server) string {
			t.Helper()
			return runOK(t, srv, "users", "review", "--inactive-for", "90d", "--ids-only").stdout
		}},
		{"csv | tail -n +2 | cut -d, -f1", func(t *testing.T, srv *panthertest.Server) string {
			t.Helper()
			lines := strings.SplitAfter(runOK(t, srv, "users", "review", "--inactive-for", "90d", "-o", "csv").stdout, "\n")
			var ids strings.Builder
			for _, line := range lines[1:] {
				id, _, _ := strings.Cut(line, ",")
				ids.WriteString(strings.TrimSuffix(id, "\n") + "\n")
			}
			return ids.String()
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newOrgFake(t)
			if tt.name == "--ids-only" {
				if _, err := srv.AddUser(api.UserAPIUser{
					Id: ptr(`=HYPERLINK("x"),1`), Email: "formula@example.org", GivenName: "F", FamilyName: "X",
					Role: api.UserAPIRole{Name: ptr("Analyst")}, Enabled: true, CreatedAt: ptr("2020-01-01T00:00:00Z"),
				}); err != nil {
					t.Fatal(err)
				}
			}
			want := expectation{inactive: 90 * day}.expect(t, srv.Users(), fixedClock()).found
			if len(want) == 0 {
				t.Fatal("the seeded org has no inactive user")
			}
			var left []string
			for _, u := range srv.Users() {
				if _, found := want[*u.Id]; !found {
					left = append(left, *u.Id)
				}
			}
			ids := tt.ids(t, srv)
			r := invocation{args: []string{"users", "delete", "--ids-from", "-", "--yes"}, vars: vars(srv), stdin: ids}.run(t.Context())
			if r.code != 0 {
				t.Fatalf("delete --ids-from -: exit %d; stdin:\n%s\nstderr:\n%s", r.code, ids, r.stderr)
			}
			if diff := cmp.Diff(left, remainingIDs(srv)); diff != "" {
				t.Errorf("users left after the pipeline (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReviewUsageErrors(t *testing.T) {
	t.Parallel()
	srv := newOrgFake(t)
	tests := []struct {
		name       string
		args       []string
		wantStderr []string
	}{
		{"bad duration", []string{"--inactive-for", "90x"}, []string{`invalid argument "90x" for "--inactive-for" flag`, "90d, 2w", "36h, 90m"}},
		{"months are not a unit", []string{"--pending-invite-older-than", "3mo"}, []string{`"--pending-invite-older-than" flag`, "days or weeks"}},
		{"zero window", []string{"--inactive-for", "0d"}, []string{`"--inactive-for" flag: must be more than zero`}},
		{"negative window", []string{"--pending-invite-older-than", "-2h"}, []string{"must be more than zero"}},
		{"ids only with an output format", []string{"--ids-only", "-o", "csv"}, []string{"--ids-only prints ids", "leave out -o"}},
		{"an argument", []string{"stale"}, []string{"unknown command"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := invocation{args: append([]string{"users", "review"}, tt.args...), vars: vars(srv)}.run(t.Context())
			if r.code != exitUsage {
				t.Errorf("exit %d, want %d; stderr:\n%s", r.code, exitUsage, r.stderr)
			}
			for _, want := range tt.wantStderr {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr does not contain %q:\n%s", want, r.stderr)
				}
			}
			if r.stdout != "" {
				t.Errorf("stdout = %q, want nothing", r.stdout)
			}
		})
	}
}

// A --role that no user has is named on stderr, so that a typo cannot pass
// for a clean review.
func TestReviewWarnsAboutAnUnknownRole(t *testing.T) {
	t.Parallel()
	srv := newOrgFake(t)
	r := runOK(t, srv, "users", "review", "--role", "Admn", "--role", "admin", "-o", "csv")
	want := "panther: warning: no user has the role \"Admn\"; the roles users have: Admin, Analyst, AnalystReadOnly\n"
	if r.stderr != want {
		t.Errorf("stderr = %q, want %q", r.stderr, want)
	}
}

// Every output format can print a review.
func TestReviewPrintsEveryFormat(t *testing.T) {
	t.Parallel()
	for _, f := range outputFormats {
		if reviewPrinters[f.name] == nil {
			t.Errorf("-o %s has no review printer (reviewPrinters)", f.name)
		}
	}
}

// Names, emails and roles from the server are escaped in the review's
// table and JSON, as in the listing's.
func TestReviewShowsNoHiddenCharacters(t *testing.T) {
	t.Parallel()
	srv := newFake(t, 0)
	if _, err := srv.AddUser(api.UserAPIUser{
		Email: "evil@example.com", GivenName: "Ev\til", FamilyName: "\x1b[2JRed\u202e",
		Role: api.UserAPIRole{Name: ptr("Admin")}, Enabled: true, CreatedAt: ptr("2020-01-01T00:00:00Z"),
	}); err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"table", "json", "csv"} {
		r := runOK(t, srv, "users", "review", "-o", format)
		if strings.ContainsAny(r.stdout, "\t\x1b\u202e") || !strings.Contains(r.stdout, "evil@example.com") {
			t.Errorf("-o %s shows a hidden character, or not the user:\n%q", format, r.stdout)
		}
	}
}
