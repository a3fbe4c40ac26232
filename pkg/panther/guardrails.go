// This file holds the guardrails of declarative sync: the checks that refuse
// a plan a mistaken list makes easy to get (a truncated export with prune
// on, a list without the admins), their defaults and their error, which
// says how to override each.

package panther

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Defaults of the delete guardrail; see [PlanOptions].MaxDeletes.
const (
	DefaultMaxDeletes       = 10
	DefaultMaxDeletePercent = 10
)

// ErrRefused matches the error of a plan a guardrail refuses, returned by
// [UsersService.Plan] (with the plan) and [UsersService.Apply] (which then
// sends nothing). Each guardrail is on by default, and each refusal is a
// *[GuardrailError] saying how to override it:
//
//   - max-deletes: a plan may delete at most [PlanOptions].MaxDeletes users,
//     by default the smaller of [DefaultMaxDeletes] and
//     [DefaultMaxDeletePercent] percent of the org (rounded up, so that a
//     small org can lose one user).
//   - admin: a plan may not leave the org without an enabled user holding
//     one of [PlanOptions].AdminRoles (default "Admin"), when it has one
//     now. Users the plan creates do not count: they have not signed in
//     yet, and a typo in an address would lock everyone out. Turned off by
//     [PlanOptions].AllowNoAdmin. When no enabled user holds an admin role
//     (renamed roles), the plan carries a warning that this guardrail
//     protects nothing.
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

// adminRoles are the admin role names in effect; the default is review's.
func (o *PlanOptions) adminRoles() []string {
	if len(o.AdminRoles) > 0 {
		return o.AdminRoles
	}
	return []string{reviewAdminRole}
}

// adminLabel names the admin roles for messages: `"Admin"`, `"Owner" or "Root"`.
func (o *PlanOptions) adminLabel() string {
	quoted := make([]string, 0, len(o.adminRoles()))
	for _, r := range o.adminRoles() {
		quoted = append(quoted, strconv.Quote(r))
	}
	return strings.Join(quoted, " or ")
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
			Problem: fmt.Sprintf("it would delete or demote every enabled user with the role %s (%d now), leaving none",
				o.adminLabel(), before),
			Override: "to allow it, set PlanOptions.AllowNoAdmin (--allow-no-admin); if your admin role has another name, set PlanOptions.AdminRoles (--admin-role)"})
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
	admins := p.Options.adminRoles()
	names := map[string]string{} // role id -> name
	for _, as := range p.read() {
		for _, a := range as {
			if a.Current != nil && a.Current.Role.Id != nil {
				names[*a.Current.Role.Id] = deref(a.Current.Role.Name)
			}
		}
	}
	isAdmin := func(name string) bool { return anyEqualFold(admins, name) }
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
	return &PlanWarning{Message: fmt.Sprintf("no enabled user has the role %s, so the admin guardrail protects nothing; if your admin role has another name, set PlanOptions.AdminRoles (--admin-role)", p.Options.adminLabel())}
}

// read returns the lists of the actions on users Plan read.
func (p *SyncPlan) read() [][]SyncAction {
	return [][]SyncAction{p.Updates, p.Unchanged, p.Unlisted, p.Deletes}
}

// orgSize is the number of users Plan read, deactivated ones included.
func (p *SyncPlan) orgSize() int {
	return len(p.Updates) + len(p.Unchanged) + len(p.Unlisted) + len(p.Deletes)
}
