// This file holds the guardrails of declarative sync: the checks that refuse
// a plan a mistaken list makes easy to get (a truncated export with prune
// on, a list without the admins), their defaults and their error, which
// says how to override each.

package panther

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Defaults of the delete guardrail; see [PlanOptions].MaxDeletes.
const (
	DefaultMaxDeletes       = 10
	DefaultMaxDeletePercent = 10
)

// DefaultAdminRolePattern is the pattern of [DefaultAdminRole].
const DefaultAdminRolePattern = `(?i)admin`

// DefaultAdminRole matches the role names that count as admin roles unless
// [PlanOptions].AdminRole says otherwise: Panther's default "Admin", and
// names such as "Security Admins" or "SOC-Administrators". Roles can be
// renamed; a plan on an org where no enabled user holds a matching role
// carries a warning saying that this guardrail protects nothing there.
var DefaultAdminRole = regexp.MustCompile(DefaultAdminRolePattern)

// ErrRefused matches the error of a plan a guardrail refuses, returned by
// [UsersService.Plan] (with the plan) and [UsersService.Apply] (which then
// sends nothing). Each guardrail is on by default, and each refusal is a
// *[GuardrailError] saying how to override it:
//
//   - max-deletes: a plan may delete at most [PlanOptions].MaxDeletes users,
//     by default the smaller of [DefaultMaxDeletes] and
//     [DefaultMaxDeletePercent] percent of the org (rounded up, so that a
//     small org can lose one user).
//   - admin: a plan may not leave the org without an enabled user holding a
//     role [PlanOptions].AdminRole matches, when it has one now. Users the
//     plan creates do not count: they have not signed in yet, and a typo in
//     an address would lock everyone out. Turned off by
//     [PlanOptions].AllowNoAdmin.
//   - prune: a plan deletes only users the list does not name, and only
//     when made with [PlanOptions].Prune. Plan never makes another; Apply
//     checks it for a plan changed since.
var ErrRefused = errors.New("panther: plan refused by a guardrail")

// GuardrailError is one guardrail's refusal of a plan. It matches
// [ErrRefused] with [errors.Is].
type GuardrailError struct {
	// Guardrail is "max-deletes", "admin" or "prune".
	Guardrail string
	// Problem says what the plan would do, Override how to allow it: the
	// option to set and the CLI flag it maps to.
	Problem, Override string
}

// Error returns "panther: plan refused: it would delete 12 users, ...; to
// allow it, set PlanOptions.MaxDeletes to 12 or more (--max-deletes 12)".
func (e *GuardrailError) Error() string {
	return "panther: plan refused: " + e.Problem + "; " + e.Override
}

// Is reports whether target is [ErrRefused].
func (e *GuardrailError) Is(target error) bool { return target == ErrRefused }

// check rejects options no plan could be made with.
func (o *PlanOptions) check() error {
	if o.MaxDeletes < 0 {
		return invalid("maxDeletes", "must not be negative (0 for the default), got "+strconv.Itoa(o.MaxDeletes))
	}
	return nil
}

// adminRole is the pattern in effect.
func (o *PlanOptions) adminRole() *regexp.Regexp {
	if o.AdminRole != nil {
		return o.AdminRole
	}
	return DefaultAdminRole
}

// deleteLimit is the most deletes a plan against an org of org users may have.
func (o *PlanOptions) deleteLimit(org int) int {
	if o.MaxDeletes > 0 {
		return o.MaxDeletes
	}
	return min(DefaultMaxDeletes, (org*DefaultMaxDeletePercent+99)/100)
}

// check returns the refusals of every guardrail the plan breaks, joined, or
// nil.
func (p *SyncPlan) check() error {
	o := &p.Options
	var errs []error
	if n := len(p.Deletes); n > 0 && !o.Prune {
		errs = append(errs, &GuardrailError{Guardrail: "prune",
			Problem:  fmt.Sprintf("it deletes %d users but was made without pruning", n),
			Override: "to delete the users the list does not name, plan with PlanOptions.Prune set (--prune)"})
	}
	if n := p.deletesListed(); n > 0 {
		errs = append(errs, &GuardrailError{Guardrail: "prune",
			Problem:  fmt.Sprintf("it deletes %d users the list names", n),
			Override: "plan again with UsersService.Plan instead of changing the plan"})
	}
	org := p.orgSize()
	if n, limit := len(p.Deletes), o.deleteLimit(org); n > limit {
		what := fmt.Sprintf("PlanOptions.MaxDeletes (%d)", limit)
		if o.MaxDeletes == 0 {
			what = fmt.Sprintf("the default limit of %d (the smaller of %d users and %d%% of the %d users read)",
				limit, DefaultMaxDeletes, DefaultMaxDeletePercent, org)
		}
		errs = append(errs, &GuardrailError{Guardrail: "max-deletes",
			Problem:  fmt.Sprintf("it would delete %d users, more than %s", n, what),
			Override: fmt.Sprintf("to allow it, set PlanOptions.MaxDeletes to %d or more (--max-deletes %d)", n, n)})
	}
	if before, after := p.admins(); before > 0 && after == 0 && !o.AllowNoAdmin {
		errs = append(errs, &GuardrailError{Guardrail: "admin",
			Problem: fmt.Sprintf("it would delete or demote every enabled user holding a role that matches %q (%d now), leaving none",
				o.adminRole().String(), before),
			Override: "to allow it, set PlanOptions.AllowNoAdmin (--allow-no-admin); if your admin role has another name, set PlanOptions.AdminRole (--admin-role)"})
	}
	return errors.Join(errs...)
}

// deletesListed counts the deletes of users whose address an entry of the
// plan has: a plan Plan made has none.
func (p *SyncPlan) deletesListed() int {
	listed := map[string]bool{}
	for _, as := range [][]SyncAction{p.Creates, p.Updates, p.Unchanged} {
		for _, a := range as {
			if a.Desired != nil {
				listed[strings.ToLower(a.Desired.Email)] = true
			}
		}
	}
	n := 0
	for _, a := range p.Deletes {
		if a.Current != nil && listed[strings.ToLower(a.Current.Email)] {
			n++
		}
	}
	return n
}

// admins counts the enabled users holding an admin role before and after
// the plan. A role given by id gets the name of the role with that id that
// some user holds (none: not an admin role).
func (p *SyncPlan) admins() (before, after int) {
	re := p.Options.adminRole()
	names := map[string]string{} // role id -> name
	for _, as := range p.read() {
		for _, a := range as {
			if a.Current != nil && a.Current.Role.Id != nil {
				names[*a.Current.Role.Id] = deref(a.Current.Role.Name)
			}
		}
	}
	isAdmin := func(name string) bool { return name != "" && re.MatchString(name) }
	for _, as := range p.read() {
		for _, a := range as {
			if a.Current == nil || !a.Current.Enabled {
				continue
			}
			role := deref(a.Current.Role.Name)
			if isAdmin(role) {
				before++
			}
			switch {
			case a.Kind == ActionDelete:
				continue
			case a.Kind == ActionUpdate && a.Desired != nil && a.Desired.Role.Id != nil:
				role = names[*a.Desired.Role.Id]
			case a.Kind == ActionUpdate && a.Desired != nil:
				role = deref(a.Desired.Role.Name)
			}
			if isAdmin(role) {
				after++
			}
		}
	}
	return before, after
}

// adminWarning is the plan's warning when no enabled user holds an admin
// role, so that the admin guardrail has nothing to protect.
func (p *SyncPlan) adminWarning() *PlanWarning {
	if p.Options.AllowNoAdmin || p.orgSize() == 0 {
		return nil
	}
	if before, _ := p.admins(); before > 0 {
		return nil
	}
	return &PlanWarning{Message: fmt.Sprintf("no enabled user holds a role matching %q, so the admin guardrail protects nothing; if your admin role has another name, set PlanOptions.AdminRole (--admin-role)", p.Options.adminRole().String())}
}

// read returns the lists of the actions on users Plan read.
func (p *SyncPlan) read() [][]SyncAction {
	return [][]SyncAction{p.Updates, p.Unchanged, p.Unlisted, p.Deletes}
}

// orgSize is the number of users Plan read, deactivated ones included.
func (p *SyncPlan) orgSize() int {
	return len(p.Updates) + len(p.Unchanged) + len(p.Unlisted) + len(p.Deletes)
}
