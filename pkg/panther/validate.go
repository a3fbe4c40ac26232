// This file holds the checks made before a request is sent, so that a
// mistake costs no round trip and never reaches a URL or the server.

package panther

import (
	"strconv"
	"strings"
)

// MaxPageSize is the largest page the API serves; [ListUsersOptions.PageSize]
// outside 1..MaxPageSize (0 meaning the server default) is rejected.
const MaxPageSize = 60

// InputError is the error for input rejected before any request was sent.
// It matches [ErrInvalidInput] with [errors.Is]; use [errors.As] for the field.
type InputError struct {
	// Field names the offending input as the API spells it: "id", "givenName",
	// "role", "pageSize", "ids[3]".
	Field string
	// Problem is the rule that was broken, such as "must not be empty".
	Problem string
}

// Error returns "panther: invalid input: givenName: must not be empty".
func (e *InputError) Error() string {
	return ErrInvalidInput.Error() + ": " + e.Field + ": " + e.Problem
}

// Is reports whether target is [ErrInvalidInput].
func (e *InputError) Is(target error) bool { return target == ErrInvalidInput }

func invalid(field, problem string) error { return &InputError{Field: field, Problem: problem} }

// checkID rejects ids that cannot name a user in a path: "" would hit
// /users/, and "." and ".." are resolved away by URL handling, so that ".."
// would reach the server root.
func checkID(field, id string) error {
	switch {
	case id == "":
		return invalid(field, "must not be empty")
	case id == "." || id == "..":
		return invalid(field, `must not be "." or ".."`)
	case strings.ContainsFunc(id, isControl):
		return invalid(field, "must not contain control characters")
	}
	return nil
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// checkUserInput checks what the API requires of a create or a full-replace
// update: every field set, and a role named by exactly one of id and name.
// It returns the first problem userInputProblems finds.
func checkUserInput(in UserInput) error {
	if errs := userInputProblems(in); len(errs) > 0 {
		return errs[0]
	}
	return nil
}

// userInputProblems returns every problem checkUserInput looks for, in the
// order of the fields, so that a list of users can be reported in one go.
func userInputProblems(in UserInput) []error {
	var errs []error
	for _, f := range []struct{ name, value string }{
		{"email", in.Email},
		{"givenName", in.GivenName},
		{"familyName", in.FamilyName},
	} {
		if strings.TrimSpace(f.value) == "" {
			errs = append(errs, invalid(f.name, "must not be empty"))
		}
	}
	if at := strings.LastIndexByte(in.Email, '@'); strings.TrimSpace(in.Email) != "" && (at <= 0 || at == len(in.Email)-1 ||
		strings.ContainsFunc(in.Email, isSpaceOrControl)) {
		errs = append(errs, invalid("email", "must be an address like name@example.com"))
	}
	if err := checkRole(in.Role); err != nil {
		errs = append(errs, err)
	}
	return errs
}

func isSpaceOrControl(r rune) bool { return r == ' ' || r == '\t' || isControl(r) }

// checkRole enforces the spec's note: "id should be excluded if name is
// provided" and the other way round. Use RoleByName or RoleByID.
func checkRole(r Role) error {
	switch {
	case r.Id == nil && r.Name == nil:
		return invalid("role", "set exactly one of id and name (use RoleByName or RoleByID)")
	case r.Id != nil && r.Name != nil:
		return invalid("role", "set exactly one of id and name, not both (use RoleByName or RoleByID)")
	case r.Id != nil && strings.TrimSpace(*r.Id) == "":
		return invalid("role.id", "must not be empty")
	case r.Name != nil && strings.TrimSpace(*r.Name) == "":
		return invalid("role.name", "must not be empty")
	}
	return nil
}

// checkListOptions checks options before the first page is fetched.
func checkListOptions(o *ListUsersOptions) error {
	if o.PageSize < 0 || o.PageSize > MaxPageSize {
		return invalid("pageSize", "must be between 1 and "+strconv.Itoa(MaxPageSize)+" (0 for the server default), got "+strconv.Itoa(o.PageSize))
	}
	if o.MaxPages < 0 {
		return invalid("maxPages", "must not be negative (0 for the default, "+strconv.Itoa(DefaultMaxPages)+"), got "+strconv.Itoa(o.MaxPages))
	}
	for i, id := range o.IDs {
		if id == "" {
			return invalid("ids["+strconv.Itoa(i)+"]", "must not be empty")
		}
	}
	return nil
}
