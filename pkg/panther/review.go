// This file holds the access review: rules over a list of users and a clock
// (who has not logged in for a while, who never did, whose invitation is
// still pending), and the report they make. It sends no request: the caller
// lists the users (with IncludeDeactivated when deactivated users are to be
// reviewed) and passes them to Review with the time to review them at.

package panther

import (
	"slices"
	"strings"
	"time"
)

// Rule names one check of an access review. Its value is what a [Report]'s
// findings, its JSON and the CLI print.
type Rule string

// The rules of an access review, in the order a [Finding] lists them.
const (
	// RuleInactive: the user's last login is older than
	// [ReviewOptions.InactiveFor], or the user never logged in and was
	// created before that window.
	RuleInactive Rule = "inactive"
	// RuleNeverLoggedIn: the user has never logged in.
	RuleNeverLoggedIn Rule = "never-logged-in"
	// RulePendingInvite: the user's status is [StatusForceChangePassword]
	// and the user was created before [ReviewOptions.PendingInviteOlderThan].
	RulePendingInvite Rule = "pending-invite"
)

// StatusForceChangePassword is the Cognito status of a user who was invited
// and has not yet replaced the temporary password: a pending invitation.
const StatusForceChangePassword = "FORCE_CHANGE_PASSWORD"

// Defaults for the windows of a review, for callers that want the usual
// quarterly evidence: no login in 90 days, invitations pending for 14.
const (
	DefaultInactiveFor            = 90 * 24 * time.Hour
	DefaultPendingInviteOlderThan = 14 * 24 * time.Hour
)

// reviewAdminRole is the role a review counts as admin when
// ReviewOptions.AdminRoles is empty.
const reviewAdminRole = "Admin"

// ReviewOptions selects the rules of a review and the users it looks at.
// The zero value runs no rule: its [Report] holds a summary and no findings.
//
// Absent or unreadable times never hide a user. A user whose lastLoggedInAt
// is absent, null or not an RFC 3339 time counts as never logged in; one
// whose createdAt is so counts as created before any window.
type ReviewOptions struct {
	// InactiveFor turns on [RuleInactive] with this window; 0 or less
	// leaves it off.
	InactiveFor time.Duration
	// NeverLoggedIn turns on [RuleNeverLoggedIn].
	NeverLoggedIn bool
	// PendingInviteOlderThan turns on [RulePendingInvite] with this window;
	// 0 or less leaves it off.
	PendingInviteOlderThan time.Duration
	// Roles, when not empty, limits the review (its summary too) to users
	// whose role name is one of these, compared ignoring case.
	Roles []string
	// IncludeDeactivated reviews deactivated users (Enabled false) too;
	// otherwise they are left out of the summary and the findings.
	IncludeDeactivated bool
	// AdminRoles names the roles counted in [ReviewSummary.Admins],
	// compared ignoring case; empty means "Admin", Panther's default
	// administrator role. Roles can be renamed: name yours if it differs.
	AdminRoles []string
}

// Report is the outcome of [Review]. Its JSON form (the field tags) is
// stable: the CLI prints it with `panther users review -o json`.
type Report struct {
	// At is the time the users were reviewed at: the now given to Review.
	At time.Time `json:"at"`
	// Summary counts the users reviewed.
	Summary ReviewSummary `json:"summary"`
	// Findings holds one entry per user that matched a rule, in the order
	// of the users given; empty, never nil, when none did.
	Findings []Finding `json:"findings"`
}

// ReviewSummary counts the users a review looked at: those that passed
// [ReviewOptions.Roles] and, unless IncludeDeactivated, were enabled. Its
// maps are never nil.
type ReviewSummary struct {
	// Users is how many users were reviewed.
	Users int `json:"users"`
	// ByRole counts users per role name (the role id when it has no name).
	ByRole map[string]int `json:"byRole"`
	// ByStatus counts users per Cognito status ("" when absent).
	ByStatus map[string]int `json:"byStatus"`
	// Admins counts users whose role is one of AdminRoles.
	Admins int `json:"admins"`
	// AdminRoles are the role names counted as admins:
	// [ReviewOptions.AdminRoles], or "Admin" when that is empty.
	AdminRoles []string `json:"adminRoles"`
	// Deactivated counts deactivated users; always 0 unless
	// IncludeDeactivated.
	Deactivated int `json:"deactivated"`
	// FindingsByRule counts the users each rule that ran matched, with an
	// entry (0 or more) for every rule that ran and none for the others; a
	// user matching two rules counts under both.
	FindingsByRule map[Rule]int `json:"findingsByRule"`
}

// Finding is a user that matched at least one rule, and the rules it
// matched, in the order of the Rule constants. User is a copy of the user
// given to Review (it shares the original's pointer fields).
type Finding struct {
	User  User   `json:"user"`
	Rules []Rule `json:"rules"`
}

// Review applies the rules opts selects to users as of now and returns the
// report. It is pure: it sends no request, reads no clock and does not
// change users, so the same arguments give the same report.
func Review(users []User, opts ReviewOptions, now time.Time) Report {
	r := Report{
		At: now,
		Summary: ReviewSummary{
			ByRole:         map[string]int{},
			ByStatus:       map[string]int{},
			FindingsByRule: map[Rule]int{},
		},
		Findings: []Finding{},
	}
	for _, rule := range opts.rules() {
		r.Summary.FindingsByRule[rule] = 0
	}
	admins := slices.Clone(opts.AdminRoles)
	if len(admins) == 0 {
		admins = []string{reviewAdminRole}
	}
	r.Summary.AdminRoles = admins
	for i := range users {
		u := &users[i]
		if !opts.reviews(u) {
			continue
		}
		s := &r.Summary
		s.Users++
		s.ByRole[summaryRole(u)]++
		s.ByStatus[u.GetStatus()]++
		if anyEqualFold(admins, u.GetRole().GetName()) {
			s.Admins++
		}
		if !u.Enabled {
			s.Deactivated++
		}
		if rules := opts.match(u, now); len(rules) > 0 {
			for _, rule := range rules {
				s.FindingsByRule[rule]++
			}
			r.Findings = append(r.Findings, Finding{User: *u, Rules: rules})
		}
	}
	return r
}

// IDs returns the ids of the users with findings, in order, leaving out a
// user with no id: the list to pass to [UsersService.DeleteMany] when every
// finding is to be offboarded.
func (r *Report) IDs() []string {
	ids := make([]string, 0, len(r.Findings))
	for i := range r.Findings {
		if id := r.Findings[i].User.GetId(); id != "" {
			ids = append(ids, id)
		}
	}
	return ids
}

// rules returns the rules opts runs, in the order of the Rule constants.
func (o *ReviewOptions) rules() []Rule {
	var rules []Rule
	if o.InactiveFor > 0 {
		rules = append(rules, RuleInactive)
	}
	if o.NeverLoggedIn {
		rules = append(rules, RuleNeverLoggedIn)
	}
	if o.PendingInviteOlderThan > 0 {
		rules = append(rules, RulePendingInvite)
	}
	return rules
}

// reviews reports whether u is in the review's scope.
func (o *ReviewOptions) reviews(u *User) bool {
	if !u.Enabled && !o.IncludeDeactivated {
		return false
	}
	return len(o.Roles) == 0 || anyEqualFold(o.Roles, u.GetRole().GetName())
}

// match returns the rules u matches as of now.
func (o *ReviewOptions) match(u *User, now time.Time) []Rule {
	login, loggedIn := LastLoggedInAt(u)
	created, known := CreatedAt(u)
	// createdBefore reports whether u was created more than window ago; an
	// unknown creation date counts as old, so that it never hides a user.
	createdBefore := func(window time.Duration) bool {
		return !known || created.Before(now.Add(-window))
	}
	var rules []Rule
	if o.InactiveFor > 0 {
		if loggedIn && login.Before(now.Add(-o.InactiveFor)) || !loggedIn && createdBefore(o.InactiveFor) {
			rules = append(rules, RuleInactive)
		}
	}
	if o.NeverLoggedIn && !loggedIn {
		rules = append(rules, RuleNeverLoggedIn)
	}
	if o.PendingInviteOlderThan > 0 && u.GetStatus() == StatusForceChangePassword && createdBefore(o.PendingInviteOlderThan) {
		rules = append(rules, RulePendingInvite)
	}
	return rules
}

// summaryRole names u's role in a summary: its name, else its id.
func summaryRole(u *User) string {
	if name := u.GetRole().GetName(); name != "" {
		return name
	}
	return u.GetRole().GetId()
}

// anyEqualFold reports whether names holds name, ignoring case. An empty
// name matches nothing.
func anyEqualFold(names []string, name string) bool {
	return name != "" && slices.ContainsFunc(names, func(n string) bool { return strings.EqualFold(n, name) })
}
