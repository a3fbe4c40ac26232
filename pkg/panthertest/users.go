package panthertest

// This file holds the fake's user and role state and the semantics of the
// operations on it (uniqueness, ids, roles); listing (filters, cursors, page
// size) is in list.go, the HTTP side in handlers.go.

import (
	"cmp"
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/pantherkit/panther-go/api"
)

// Cognito statuses, as Panther reports them in a user's status. The fake
// assigns them to seeded and created users; [WithOrg] uses all of them.
const (
	// StatusConfirmed is a password user who has set a password: the status
	// of WithUsers' users (and of AddUser's users when none is given).
	StatusConfirmed = "CONFIRMED"
	// StatusForceChangePassword is a pending invitation: the user has not
	// yet replaced the temporary password. Users created through the API
	// start so.
	StatusForceChangePassword = "FORCE_CHANGE_PASSWORD"
	// StatusResetRequired is a password user who must reset the password
	// before the next login.
	StatusResetRequired = "RESET_REQUIRED"
	// StatusUnconfirmed is a user who signed up but never confirmed.
	StatusUnconfirmed = "UNCONFIRMED"
	// StatusExternalProvider is an SSO user (id "PantherSSO_<email>"),
	// whose password lives with the identity provider.
	StatusExternalProvider = "EXTERNAL_PROVIDER"
)

// Role ids of DefaultRoles; fixed so tests can refer to them.
const (
	RoleIDAdmin           = "3c5b9f0e-2a41-4d6b-9a8e-0a1d2c3b4e01"
	RoleIDAnalyst         = "3c5b9f0e-2a41-4d6b-9a8e-0a1d2c3b4e02"
	RoleIDAnalystReadOnly = "3c5b9f0e-2a41-4d6b-9a8e-0a1d2c3b4e03"
)

// DefaultRoles returns Panther's default roles, Admin, Analyst and
// AnalystReadOnly, with the fixed ids RoleIDAdmin, RoleIDAnalyst and
// RoleIDAnalystReadOnly.
func DefaultRoles() []api.UserAPIRole {
	role := func(id, name string) api.UserAPIRole { return api.UserAPIRole{Id: &id, Name: &name} }
	return []api.UserAPIRole{
		role(RoleIDAdmin, "Admin"),
		role(RoleIDAnalyst, "Analyst"),
		role(RoleIDAnalystReadOnly, "AnalystReadOnly"),
	}
}

// userRec is a stored user; seq is its insertion order, which is the list
// order and what cursors point at.
type userRec struct {
	seq  uint64
	user api.UserAPIUser
}

// store is the fake's state; Server.mu guards it.
type store struct {
	roles   []api.UserAPIRole
	users   []*userRec // live users, ordered by seq
	byID    map[string]*userRec
	byEmail map[string]*userRec // by fold(email)
	nextSeq uint64
	seeded  int // numbering for SeedUsers
}

func newStore(roles []api.UserAPIRole) *store {
	return &store{
		roles:   cloneRoles(roles),
		byID:    map[string]*userRec{},
		byEmail: map[string]*userRec{},
		nextSeq: 1,
	}
}

// checkRoles applies WithRoles' rule: at least one role, each with a unique
// non-empty id and name.
func checkRoles(roles []api.UserAPIRole) error {
	if len(roles) == 0 {
		return errors.New("no roles")
	}
	ids, names := map[string]bool{}, map[string]bool{}
	for _, r := range roles {
		if r.Id == nil || *r.Id == "" || r.Name == nil || *r.Name == "" {
			return errors.New("every role needs an id and a name")
		}
		if ids[*r.Id] || names[*r.Name] {
			return fmt.Errorf("duplicate role %q (%s)", *r.Name, *r.Id)
		}
		ids[*r.Id], names[*r.Name] = true, true
	}
	return nil
}

// resolveRole finds the role r refers to by id, name or both.
func (st *store) resolveRole(r api.UserAPIRole) (api.UserAPIRole, error) {
	id, name := deref(r.Id), deref(r.Name)
	if id == "" && name == "" {
		return api.UserAPIRole{}, errors.New("role must have an id or a name")
	}
	for _, known := range st.roles {
		byID := id != "" && *known.Id == id
		byName := name != "" && *known.Name == name
		switch {
		case id != "" && name != "" && byID != byName:
			return api.UserAPIRole{}, fmt.Errorf("role id %q and role name %q do not refer to the same role", id, name)
		case byID || byName:
			return cloneRole(known), nil
		}
	}
	if id != "" {
		return api.UserAPIRole{}, fmt.Errorf("role with id %q not found", id)
	}
	return api.UserAPIRole{}, fmt.Errorf("role with name %q not found", name)
}

// validID reports whether id can be a user id: not empty and not a path
// segment a URL would rewrite.
func validID(id string) bool {
	return id != "" && id != "." && id != ".."
}

// checkModify applies the checks Panther makes beyond the schema.
func checkModify(m *api.UserAPIModifyUser) error {
	for _, f := range []struct{ name, v string }{
		{"email", m.Email}, {"givenName", m.GivenName}, {"familyName", m.FamilyName},
	} {
		if strings.TrimSpace(f.v) == "" {
			return fmt.Errorf("%s must not be empty", f.name)
		}
	}
	if a, err := mail.ParseAddress(m.Email); err != nil || a.Address != m.Email {
		return fmt.Errorf("email %q is not a valid email address", m.Email)
	}
	return nil
}

// fold is the fake's one case rule, and so its one email rule, as
// Cognito-backed Panther has it: addresses that differ only in case are the
// same address. Uniqueness (the byEmail index), list's email filter and its
// contains filter all compare fold of both sides.
func fold(s string) string { return strings.ToLower(s) }

// insert adds u (already complete) and returns the stored copy.
func (st *store) insert(u api.UserAPIUser) api.UserAPIUser {
	rec := &userRec{seq: st.nextSeq, user: cloneUser(u)}
	st.nextSeq++
	st.users = append(st.users, rec)
	st.byID[*u.Id] = rec
	st.byEmail[fold(u.Email)] = rec
	return cloneUser(rec.user)
}

// add is AddUser under the lock.
func (st *store) add(u api.UserAPIUser, now time.Time) (api.UserAPIUser, error) {
	if u.Email == "" {
		return api.UserAPIUser{}, errors.New("panthertest: user has no email")
	}
	if _, dup := st.byEmail[fold(u.Email)]; dup {
		return api.UserAPIUser{}, fmt.Errorf("panthertest: user with email %q already exists", u.Email)
	}
	if u.Id == nil {
		u.Id = ptr(uuid.NewString())
	}
	if !validID(*u.Id) {
		return api.UserAPIUser{}, fmt.Errorf("panthertest: invalid user id %q", *u.Id)
	}
	if _, dup := st.byID[*u.Id]; dup {
		return api.UserAPIUser{}, fmt.Errorf("panthertest: user with id %q already exists", *u.Id)
	}
	role, err := st.resolveRole(u.Role)
	if err != nil {
		return api.UserAPIUser{}, fmt.Errorf("panthertest: %w", err)
	}
	u.Role = role
	if u.CreatedAt == nil {
		u.CreatedAt = ptr(now.UTC().Format(time.RFC3339))
	}
	if u.Status == nil {
		u.Status = ptr(StatusConfirmed)
	}
	return st.insert(u), nil
}

var (
	seedGiven  = []string{"Ada", "Grace", "Alan", "Katherine", "Linus", "Margaret", "Dennis", "Barbara", "Ken", "Radia"}
	seedFamily = []string{"Lovelace", "Hopper", "Turing", "Johnson", "Torvalds", "Hamilton", "Ritchie", "Liskov", "Thompson", "Perlman", "Knuth"}
	// seedNamespace makes seeded ids deterministic UUIDs.
	seedNamespace = uuid.MustParse("6f1c1a52-5b0e-4e8a-9d55-2b8f3f0c7a10")
)

// seed is SeedUsers under the lock.
func (st *store) seed(n int, now time.Time) []api.UserAPIUser {
	out := make([]api.UserAPIUser, 0, n)
	for len(out) < n {
		st.seeded++
		i := st.seeded
		email := fmt.Sprintf("user%05d@example.com", i)
		id := uuid.NewSHA1(seedNamespace, []byte(email)).String()
		if st.byEmail[email] != nil || st.byID[id] != nil {
			continue // taken by AddUser: skip the number
		}
		out = append(out, st.insert(api.UserAPIUser{
			Id:         &id,
			Email:      email,
			GivenName:  seedGiven[(i-1)%len(seedGiven)],
			FamilyName: seedFamily[(i-1)%len(seedFamily)],
			Role:       cloneRole(st.roles[(i-1)%len(st.roles)]),
			Enabled:    true,
			CreatedAt:  ptr(now.UTC().Format(time.RFC3339)),
			Status:     ptr(StatusConfirmed),
		}))
	}
	return out
}

// create is user#create under the lock; the error is the 400 message.
func (st *store) create(m api.UserAPIModifyUser, now time.Time) (api.UserAPIUser, error) {
	if err := checkModify(&m); err != nil {
		return api.UserAPIUser{}, err
	}
	role, err := st.resolveRole(m.Role)
	if err != nil {
		return api.UserAPIUser{}, err
	}
	if st.byEmail[fold(m.Email)] != nil {
		return api.UserAPIUser{}, fmt.Errorf("user with email %s already exists", m.Email)
	}
	id := uuid.NewString()
	return st.insert(api.UserAPIUser{
		Id:         &id,
		Email:      m.Email,
		GivenName:  m.GivenName,
		FamilyName: m.FamilyName,
		Role:       role,
		Enabled:    true,
		CreatedAt:  ptr(now.UTC().Format(time.RFC3339)),
		Status:     ptr(StatusForceChangePassword),
	}), nil
}

// notFoundError marks a missing user (404) as opposed to a bad request (400).
type notFoundError struct{ id string }

func (e *notFoundError) Error() string { return fmt.Sprintf("user %q not found", e.id) }

func notFound(id string) error { return &notFoundError{id: id} }

func isNotFound(err error) bool {
	var nf *notFoundError
	return errors.As(err, &nf)
}

// lookup finds the user with id: an invalid id is a 400, a missing user a
// 404 (notFoundError).
func (st *store) lookup(id string) (*userRec, error) {
	if !validID(id) {
		return nil, fmt.Errorf("invalid user id %q", id)
	}
	rec := st.byID[id]
	if rec == nil {
		return nil, notFound(id)
	}
	return rec, nil
}

// update is user#update (a full replace) under the lock.
func (st *store) update(id string, m api.UserAPIModifyUser) (api.UserAPIUser, error) {
	rec, err := st.lookup(id)
	if err != nil {
		return api.UserAPIUser{}, err
	}
	if err := checkModify(&m); err != nil {
		return api.UserAPIUser{}, err
	}
	role, err := st.resolveRole(m.Role)
	if err != nil {
		return api.UserAPIUser{}, err
	}
	if other := st.byEmail[fold(m.Email)]; other != nil && other != rec {
		return api.UserAPIUser{}, fmt.Errorf("user with email %s already exists", m.Email)
	}
	delete(st.byEmail, fold(rec.user.Email))
	st.byEmail[fold(m.Email)] = rec
	rec.user.Email, rec.user.GivenName, rec.user.FamilyName, rec.user.Role = m.Email, m.GivenName, m.FamilyName, role
	return cloneUser(rec.user), nil
}

func (st *store) get(id string) (api.UserAPIUser, error) {
	rec, err := st.lookup(id)
	if err != nil {
		return api.UserAPIUser{}, err
	}
	return cloneUser(rec.user), nil
}

func (st *store) remove(id string) error {
	rec, err := st.lookup(id)
	if err != nil {
		return err
	}
	delete(st.byID, id)
	delete(st.byEmail, fold(rec.user.Email))
	i, _ := slices.BinarySearchFunc(st.users, rec.seq, func(r *userRec, seq uint64) int {
		return cmp.Compare(r.seq, seq)
	})
	st.users = slices.Delete(st.users, i, i+1)
	return nil
}

func (st *store) snapshot() []api.UserAPIUser {
	out := make([]api.UserAPIUser, len(st.users))
	for i, rec := range st.users {
		out[i] = cloneUser(rec.user)
	}
	return out
}

func ptr[T any](v T) *T { return &v }

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	return ptr(*p)
}

func cloneRole(r api.UserAPIRole) api.UserAPIRole {
	return api.UserAPIRole{Id: clonePtr(r.Id), Name: clonePtr(r.Name)}
}

func cloneRoles(rs []api.UserAPIRole) []api.UserAPIRole {
	out := make([]api.UserAPIRole, len(rs))
	for i, r := range rs {
		out[i] = cloneRole(r)
	}
	return out
}

func cloneUser(u api.UserAPIUser) api.UserAPIUser {
	u.Id = clonePtr(u.Id)
	u.CreatedAt = clonePtr(u.CreatedAt)
	u.LastLoggedInAt = clonePtr(u.LastLoggedInAt)
	u.Status = clonePtr(u.Status)
	u.Role = cloneRole(u.Role)
	return u
}
