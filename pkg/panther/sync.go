// This file holds the first half of declarative sync: DesiredUser, one entry
// of a list of the users Panther should have, and Plan, which reads the
// users Panther has and says what would change. Apply (apply.go) carries a
// plan out; the checks that refuse a dangerous plan are in guardrails.go.

package panther

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// DesiredUser is one entry of the list [UsersService.Plan] compares with
// Panther: a user who should exist, with these names and this role.
type DesiredUser struct {
	// Email identifies the user; Plan matches it with Panther's users
	// ignoring case.
	Email      string
	GivenName  string
	FamilyName string
	// Role is the role by name ([RoleByName]) or by id ([RoleByID]), exactly
	// one of the two. Plan compares it the way it is given: a name with the
	// name of the user's role, an id with its id.
	Role Role
	// Source says where the entry came from, for messages: "users.csv:4",
	// "people.yaml entry 3". Plan sets an empty Source to "desired[i]", i
	// being the entry's index in the list.
	Source string
}

// ActionKind says what a [SyncAction] does to a user.
type ActionKind string

// The kinds of [SyncAction]: the first three change Panther, the last two
// leave a user alone.
const (
	// ActionCreate creates a user the list names and Panther does not have.
	ActionCreate ActionKind = "create"
	// ActionUpdate changes the names or the role of a user the list names.
	ActionUpdate ActionKind = "update"
	// ActionDelete deletes a user the list does not name (only with
	// [PlanOptions].Prune).
	ActionDelete ActionKind = "delete"
	// ActionUnchanged is a user the list names who already is as listed.
	ActionUnchanged ActionKind = "unchanged"
	// ActionUnlisted is a user the list does not name, kept because
	// [PlanOptions].Prune is off.
	ActionUnlisted ActionKind = "unlisted"
)

// SyncAction is one entry of a [SyncPlan]: what would happen to one user.
type SyncAction struct {
	Kind ActionKind
	// Current is the user as Plan read it; nil for a create.
	Current *User
	// Desired is the list's entry for the user (its Source always set); nil
	// for deletes and unlisted users.
	Desired *DesiredUser
	// Changes lists the fields an update changes, in the order givenName,
	// familyName, then role or roleId (role when the entry names the role,
	// roleId when it gives its id); empty for every other kind. An address
	// that differs only in case is not a change.
	Changes []FieldChange
}

// FieldChange is one field an update changes, with the value Plan read
// (From) and the value the list asks for (To).
type FieldChange struct {
	// Field is "givenName", "familyName", "role" (the role's name) or
	// "roleId".
	Field    string
	From, To string
}

// String names the action without personal data, for logs and errors:
// "create users.csv:4", "update desired[2]", "delete user 5d0c1f7e-...".
func (a SyncAction) String() string {
	switch {
	case a.Desired != nil:
		return string(a.Kind) + " " + a.Desired.Source
	case a.Current != nil:
		return string(a.Kind) + " user " + strconv.Quote(deref(a.Current.Id))
	}
	return string(a.Kind)
}

// PlanWarning is something Plan noticed that is not an error but may be
// a mistake, such as a role no user has.
type PlanWarning struct {
	// Sources are the entries it is about, when it is about entries.
	Sources []string
	Message string
}

// SyncPlan is what [UsersService.Plan] found: every user Panther has and
// every entry of the list, each in exactly one of the five lists, each
// list in order (the desired list's for entries, Panther's listing order
// for the users it does not name). Pass it to [UsersService.Apply].
type SyncPlan struct {
	Creates   []SyncAction
	Updates   []SyncAction
	Deletes   []SyncAction
	Unchanged []SyncAction
	Unlisted  []SyncAction
	Warnings  []PlanWarning
	// Options are the options Plan was given. Apply checks the plan against
	// their guardrails again, so that a plan changed after Plan, or one Plan
	// refused, is not carried out.
	Options PlanOptions
}

// Changes returns the actions that change Panther, creates then updates
// then deletes, in the order of [UsersService.Apply]'s results.
func (p *SyncPlan) Changes() []SyncAction {
	out := make([]SyncAction, 0, len(p.Creates)+len(p.Updates)+len(p.Deletes))
	out = append(out, p.Creates...)
	out = append(out, p.Updates...)
	return append(out, p.Deletes...)
}

// Empty reports whether the plan changes nothing: Panther already matches
// the list.
func (p *SyncPlan) Empty() bool {
	return len(p.Creates)+len(p.Updates)+len(p.Deletes) == 0
}

// PlanOptions controls [UsersService.Plan]. The zero value (or nil) is
// usable: no deletes, and every guardrail on with its default. The last
// three fields tune the guardrails, which [ErrRefused] describes; each
// names the CLI flag it maps to.
type PlanOptions struct {
	// Prune deletes the users the list does not name. Off, they are kept and
	// listed in [SyncPlan].Unlisted. (CLI: --prune.)
	Prune bool
	// MaxDeletes is the most users a plan may delete. 0 means the default:
	// [DefaultMaxDeletes] users or [DefaultMaxDeletePercent] percent of the
	// users read (deactivated ones included, rounded up), whichever is
	// smaller. Set it to the number a prune is meant to delete to allow
	// more; a negative value is an error. (CLI: --max-deletes N.)
	MaxDeletes int
	// AdminRoles names the roles that administer Panther, compared ignoring
	// case; empty means "Admin", Panther's default administrator role, as
	// for [ReviewOptions].AdminRoles. Roles can be renamed: name yours if
	// it differs. (CLI: --admin-role NAME, repeatable, as for review.)
	AdminRoles []string
	// AllowNoAdmin lets a plan leave no enabled user holding an admin role.
	// (CLI: --allow-no-admin.)
	AllowNoAdmin bool
}

// EntryError is the error for an entry of a desired list that Plan rejects.
// It wraps an *[InputError] naming the field, so that it matches
// [ErrInvalidInput] with [errors.Is].
type EntryError struct {
	// Index is the entry's position in the list, Source its Source.
	Index  int
	Source string
	Err    error
}

// Error returns "panther: invalid input: users.csv:4: givenName: must not be empty".
func (e *EntryError) Error() string {
	var ie *InputError
	if errors.As(e.Err, &ie) {
		return ErrInvalidInput.Error() + ": " + e.Source + ": " + ie.Field + ": " + ie.Problem
	}
	return e.Source + ": " + e.Err.Error()
}

// Unwrap returns the entry's *InputError.
func (e *EntryError) Unwrap() error { return e.Err }

// Plan compares desired, the users Panther should have, with the users it
// has, and returns what [UsersService.Apply] would do to make them match,
// changing nothing. Users match by email, ignoring case.
//
//   - An entry no user matches is a create.
//   - A user an entry matches is an update of the fields that differ (see
//     [SyncAction].Changes), or unchanged.
//   - A user no entry matches is a delete with opts.Prune, else unlisted.
//
// The list is checked before any request: an entry with an empty field, an
// address that is not one, a role given by both id and name or by neither,
// or an address another entry has too (ignoring case). All the problems of
// all the entries come back at once, joined with [errors.Join], each an
// *[EntryError] naming the entry's Source.
//
// A role (by name or by id) that no user holds is not an error but a
// warning in the plan: Panther's roles can be renamed, and a user holding
// it is the only evidence that it exists. So is an entry matching a
// deactivated user, which the API cannot enable again.
//
// When a guardrail refuses the plan (see [Guardrails]), Plan returns it
// anyway, so that it can be shown, together with an error matching
// [ErrRefused]; [UsersService.Apply] refuses it too.
//
// It calls GET /users once per page of 60, deactivated users included, and
// nothing else.
func (s *UsersService) Plan(ctx context.Context, desired []DesiredUser, opts *PlanOptions) (*SyncPlan, error) {
	var o PlanOptions
	if opts != nil {
		o = *opts
		o.AdminRoles = slices.Clone(o.AdminRoles) // the plan keeps its own
	}
	if err := o.check(); err != nil {
		return nil, err
	}
	entries, err := checkDesired(desired)
	if err != nil {
		return nil, err
	}
	current, err := s.all(ctx)
	if err != nil {
		return nil, err
	}
	plan, err := diff(entries, current, o)
	if err != nil {
		return nil, err
	}
	return plan, plan.check()
}

// checkDesired returns a copy of desired with every Source set (and roles
// copied, so that the plan shares nothing with the caller), or the joined
// errors of every entry that has a problem.
func checkDesired(desired []DesiredUser) ([]DesiredUser, error) {
	entries := make([]DesiredUser, len(desired))
	first := make(map[string]string, len(desired)) // folded email -> Source
	var errs []error
	for i, d := range desired {
		if d.Source == "" {
			d.Source = "desired[" + strconv.Itoa(i) + "]"
		}
		d.Role = Role{Id: clonePtr(d.Role.Id), Name: clonePtr(d.Role.Name)}
		entries[i] = d
		for _, err := range userInputProblems(d.input()) {
			errs = append(errs, &EntryError{Index: i, Source: d.Source, Err: err})
		}
		if strings.TrimSpace(d.Email) == "" {
			continue
		}
		key := strings.ToLower(d.Email)
		if src, dup := first[key]; dup {
			errs = append(errs, &EntryError{Index: i, Source: d.Source,
				Err: invalid("email", "the same address as "+src+" (ignoring case)")})
			continue
		}
		first[key] = d.Source
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return entries, nil
}

// input is what creating the entry sends.
func (d *DesiredUser) input() UserInput {
	return UserInput{Email: d.Email, GivenName: d.GivenName, FamilyName: d.FamilyName, Role: d.Role}
}

// all reads every user, deactivated ones included, a full page at a time.
func (s *UsersService) all(ctx context.Context) ([]User, error) {
	var users []User
	for u, err := range s.List(ctx, &ListUsersOptions{IncludeDeactivated: true, PageSize: MaxPageSize}) {
		if err != nil {
			return nil, err
		}
		if u.Id == nil || *u.Id == "" {
			// Such a user could be neither updated nor deleted.
			return nil, &APIError{StatusCode: http.StatusOK, Method: opList.method, Path: opList.path, Message: "response has a user with no id"}
		}
		users = append(users, u)
	}
	return users, nil
}

// diff builds the plan from the checked entries and the users read.
func diff(entries []DesiredUser, current []User, o PlanOptions) (*SyncPlan, error) {
	plan := &SyncPlan{Options: o}
	byEmail := make(map[string][]int, len(current)) // folded email -> indexes in current
	roleNames, roleIDs := map[string]bool{}, map[string]bool{}
	for i := range current {
		u := &current[i]
		key := strings.ToLower(u.Email)
		byEmail[key] = append(byEmail[key], i)
		if u.Role.Name != nil {
			roleNames[*u.Role.Name] = true
		}
		if u.Role.Id != nil {
			roleIDs[*u.Role.Id] = true
		}
	}

	matched := make([]bool, len(current))
	unknownRoles := map[string][]string{} // `role "X"` or `role id "X"` -> Sources
	var unknownOrder []string
	var deactivated []string
	var errs []error
	for i := range entries {
		d := &entries[i]
		if r, known := roleLabel(d.Role, roleNames, roleIDs); !known {
			if _, seen := unknownRoles[r]; !seen {
				unknownOrder = append(unknownOrder, r)
			}
			unknownRoles[r] = append(unknownRoles[r], d.Source)
		}
		switch idx := byEmail[strings.ToLower(d.Email)]; len(idx) {
		case 0:
			plan.Creates = append(plan.Creates, SyncAction{Kind: ActionCreate, Desired: d})
		case 1:
			u := &current[idx[0]]
			matched[idx[0]] = true
			if !u.Enabled {
				deactivated = append(deactivated, d.Source)
			}
			a := SyncAction{Kind: ActionUnchanged, Current: u, Desired: d, Changes: fieldChanges(u, d)}
			if len(a.Changes) > 0 {
				a.Kind = ActionUpdate
				plan.Updates = append(plan.Updates, a)
			} else {
				plan.Unchanged = append(plan.Unchanged, a)
			}
		default:
			// Panther keeps one user per address whatever its case; a server
			// that says otherwise cannot be trusted with the choice.
			errs = append(errs, fmt.Errorf("panther: %s: %d users in Panther have this address (ignoring case); cannot tell which one the entry means", d.Source, len(idx)))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	for i := range current {
		if matched[i] {
			continue
		}
		if o.Prune {
			plan.Deletes = append(plan.Deletes, SyncAction{Kind: ActionDelete, Current: &current[i]})
		} else {
			plan.Unlisted = append(plan.Unlisted, SyncAction{Kind: ActionUnlisted, Current: &current[i]})
		}
	}

	for _, r := range unknownOrder {
		plan.Warnings = append(plan.Warnings, PlanWarning{Sources: unknownRoles[r],
			Message: r + " is held by no user; unless Panther has such a role, these entries will fail"})
	}
	if len(deactivated) > 0 {
		plan.Warnings = append(plan.Warnings, PlanWarning{Sources: deactivated,
			Message: "the user is deactivated, and the API cannot enable it; enable it in the Panther Console"})
	}
	if w := plan.adminWarning(); w != nil {
		plan.Warnings = append(plan.Warnings, *w)
	}
	return plan, nil
}

// roleLabel names r for a warning, and reports whether some user holds it.
func roleLabel(r Role, names, ids map[string]bool) (label string, known bool) {
	if r.Id != nil {
		return "role id " + strconv.Quote(*r.Id), ids[*r.Id]
	}
	return "role " + strconv.Quote(deref(r.Name)), names[deref(r.Name)]
}

// fieldChanges lists what d changes in u.
func fieldChanges(u *User, d *DesiredUser) []FieldChange {
	var cs []FieldChange
	if u.GivenName != d.GivenName {
		cs = append(cs, FieldChange{Field: "givenName", From: u.GivenName, To: d.GivenName})
	}
	if u.FamilyName != d.FamilyName {
		cs = append(cs, FieldChange{Field: "familyName", From: u.FamilyName, To: d.FamilyName})
	}
	switch {
	case d.Role.Id != nil:
		if from := deref(u.Role.Id); from != *d.Role.Id {
			cs = append(cs, FieldChange{Field: "roleId", From: from, To: *d.Role.Id})
		}
	case deref(u.Role.Name) != deref(d.Role.Name):
		cs = append(cs, FieldChange{Field: "role", From: deref(u.Role.Name), To: deref(d.Role.Name)})
	}
	return cs
}

// clonePtr returns a pointer to a copy of *p, or nil.
func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}
