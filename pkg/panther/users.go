// This file holds UsersService: one method per /users operation, plus
// GetByEmail, GetMany and Modify built on them. Listing is in pagination.go.

package panther

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/pantherkit/panther-go/api"
)

// User is a Panther user as the API returns it. Id is set on every user the
// API returns; LastLoggedInAt may be nil; Status is a Cognito status such as
// "CONFIRMED" or "FORCE_CHANGE_PASSWORD"; Enabled false means deactivated.
// Read the optional fields with the nil-safe getters (u.GetId(),
// u.GetStatus(), u.GetRole().GetName()) and the timestamps with
// [CreatedAt] and [LastLoggedInAt].
type User = api.UserAPIUser

// UserInput is what [UsersService.Create] and [UsersService.Update] send.
// Every field is required: an update replaces the whole user. Set Role with
// [RoleByName] or [RoleByID].
type UserInput = api.UserAPIModifyUser

// Role names a role by id or by name. In a [UserInput] exactly one of the two
// must be set; roles returned by the API carry both.
type Role = api.UserAPIRole

// RoleByName returns a Role naming the role by name, such as "Analyst".
// Roles can be renamed in Panther, so prefer ids in long-lived configuration.
func RoleByName(name string) Role { return Role{Name: &name} }

// RoleByID returns a Role naming the role by id.
func RoleByID(id string) Role { return Role{Id: &id} }

// UserInputFrom returns the input that would store u (which must not be nil)
// unchanged: its email, names and role (by id when u's role has one, else by
// name). Change its
// fields and pass it to [UsersService.Update], or use [UsersService.Modify].
func UserInputFrom(u *User) UserInput {
	in := UserInput{Email: u.Email, GivenName: u.GivenName, FamilyName: u.FamilyName}
	switch {
	case u.Role.Id != nil && *u.Role.Id != "":
		in.Role = RoleByID(*u.Role.Id)
	case u.Role.Name != nil:
		in.Role = RoleByName(*u.Role.Name)
	}
	return in
}

// The users operations; a 5xx or transport error may be resent for all but
// create.
var (
	opList   = operation{"user#list", http.MethodGet, "/users", true}
	opCreate = operation{"user#create", http.MethodPost, "/users", false}
	opGet    = operation{"user#get", http.MethodGet, "/users/{id}", true}
	opUpdate = operation{"user#update", http.MethodPost, "/users/{id}", true}
	opDelete = operation{"user#delete", http.MethodDelete, "/users/{id}", true}
)

// UsersService calls the /users endpoints. Get it from [Client.Users].
// Reads need a token with the "Read User Info" permission, changes "Manage Users".
type UsersService struct {
	client *Client
}

// Create creates a user and returns it as stored, with its id.
// Panther emails the new user an invitation.
//
// A retried create never makes a second user. A 429 is resent as for any
// call. After a 5xx or a transport error, though, the create may have been
// applied, so Create first looks the user up by email: if one with the same
// email and names exists it is returned as the result, if none exists the
// create is sent again (within the RetryPolicy), and if the lookup fails or
// finds a different user the original error is returned. The remaining race:
// when someone else creates a user with the same email and names between the
// failed attempt and the lookup, Create returns that user as its own.
//
// A 2xx answer that cannot be used (an HTML page, broken JSON, no id) means
// the user was created: Create looks it up by email the same way and returns
// it, or returns the error without resending.
//
// It calls POST /users.
func (s *UsersService) Create(ctx context.Context, in UserInput) (*User, error) {
	if err := checkUserInput(in); err != nil {
		return nil, err
	}
	policy := s.client.cfg.retry
	sent := 0 // requests sent so far, the transport's 429 retries included
	for {
		st := &callState{op: opCreate, prior: sent}
		u, err := s.user(ctx, st, func(ctx context.Context) (*http.Response, error) {
			return s.client.gen.UserCreate(ctx, in)
		})
		sent += max(st.attempts, 1)
		if err == nil {
			return u, nil
		}
		if st.status >= 200 && st.status <= 299 {
			// Applied, but the answer is unusable (HTML, broken JSON, no id):
			// the user it made is the result, if it can be found.
			if existing, lerr := s.GetByEmail(ctx, in.Email); lerr == nil && sameUser(existing, in) {
				return existing, nil
			}
			return nil, err
		}
		if !mayHaveCreated(st, err) || sent > policy.MaxRetries || ctx.Err() != nil {
			return nil, err
		}
		existing, lerr := s.GetByEmail(ctx, in.Email)
		switch {
		case lerr == nil && sameUser(existing, in):
			return existing, nil
		case lerr == nil || !errors.Is(lerr, ErrNotFound):
			return nil, err // someone else's user, or no way to tell: do not guess
		}
		var retryAfter time.Duration
		var apiErr *APIError
		if errors.As(err, &apiErr) {
			retryAfter = apiErr.RetryAfter
		}
		wait := policy.wait(sent-1, retryAfter)
		if !fitsDeadline(ctx, wait) || !s.client.retry.budget.spend(retryCost(err)) {
			return nil, err
		}
		if serr := sleep(ctx, wait); serr != nil {
			return nil, err
		}
	}
}

// mayHaveCreated reports whether a failed create may have been applied: a
// 5xx other than 501 Not Implemented, or a transport error other than the
// context ending.
func mayHaveCreated(st *callState, err error) bool {
	if st.status >= 500 {
		return st.status != http.StatusNotImplemented
	}
	return st.status == 0 && retryableError(err)
}

// sameUser reports whether u is what creating in would have stored.
func sameUser(u *User, in UserInput) bool {
	return strings.EqualFold(u.Email, in.Email) && u.GivenName == in.GivenName && u.FamilyName == in.FamilyName
}

// Get returns the user with the given id, deactivated or not. An unknown id
// is an *APIError matching [ErrNotFound].
//
// It calls GET /users/{id}.
func (s *UsersService) Get(ctx context.Context, id string) (*User, error) {
	if err := checkID("id", id); err != nil {
		return nil, err
	}
	return s.user(ctx, &callState{op: opGet}, func(ctx context.Context) (*http.Response, error) {
		return s.client.gen.UserGet(ctx, id)
	})
}

// Update replaces the user's email, names and role with in (all required)
// and returns the stored user. To change one field, use [UsersService.Modify].
// The API cannot deactivate a user.
//
// It calls POST /users/{id}.
func (s *UsersService) Update(ctx context.Context, id string, in UserInput) (*User, error) {
	if err := checkID("id", id); err != nil {
		return nil, err
	}
	if err := checkUserInput(in); err != nil {
		return nil, err
	}
	return s.user(ctx, &callState{op: opUpdate}, func(ctx context.Context) (*http.Response, error) {
		return s.client.gen.UserUpdate(ctx, id, in)
	})
}

// Modify changes a user with a read-modify-write: it gets the user, calls fn
// with the [UserInput] that would store it unchanged (see [UserInputFrom]),
// and sends the result with [UsersService.Update]. If fn returns an error,
// nothing is sent and Modify returns that error.
//
// Modify is not atomic: Panther has no ETag or version to make the update
// conditional, so a change someone else makes between the get and the update
// is overwritten. To change the role, replace in.Role with [RoleByName] or
// [RoleByID] rather than setting one of its fields.
func (s *UsersService) Modify(ctx context.Context, id string, fn func(*UserInput) error) (*User, error) {
	if fn == nil {
		return nil, invalid("fn", "must not be nil")
	}
	u, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	in := UserInputFrom(u)
	if err := fn(&in); err != nil {
		return nil, err
	}
	return s.Update(ctx, id, in)
}

// Delete deletes the user with the given id. An unknown id is an *APIError
// matching [ErrNotFound], except when an earlier attempt of the same call
// failed with a 5xx or a transport error and was retried: then the user being
// gone means that attempt deleted it, and Delete returns nil.
//
// It calls DELETE /users/{id}.
func (s *UsersService) Delete(ctx context.Context, id string) error {
	if err := checkID("id", id); err != nil {
		return err
	}
	st := &callState{op: opDelete}
	err := s.client.call(ctx, st, func(ctx context.Context) (*http.Response, error) {
		return s.client.gen.UserDelete(ctx, id)
	}, nil)
	if st.ambiguous && st.status == http.StatusNotFound {
		// An earlier attempt failed after the server may have deleted the
		// user; the retry finding it gone means that attempt did its job.
		return nil
	}
	return err
}

// GetByEmail returns the user whose email is email, deactivated or not.
// Panther (like the fake in pkg/panthertest) keeps one user per address
// whatever its case and finds it by email in any case, so "Ada@Example.com"
// finds ada@example.com. Should a server answer with several, GetByEmail
// takes the one whose address is exactly email when there is one, else the
// one whose address differs from it only in case, when there is only one. When
// there is none, the error matches [ErrNotFound] with [errors.Is]; it is not
// an *APIError, because the server answered 200 with no match. Several
// users differing only in case, none exact, is an error too (Panther keeps
// one user per address whatever its case, so a server that answers so is
// not to be trusted with the choice), and so is a match with no id.
//
// It calls GET /users?email=...
func (s *UsersService) GetByEmail(ctx context.Context, email string) (*User, error) {
	if strings.TrimSpace(email) == "" {
		return nil, invalid("email", "must not be empty")
	}
	includeDeactivated := true
	page, err := s.lister(api.UserListParams{Email: &email, IncludeDeactivated: &includeDeactivated}).page(ctx, "")
	if err != nil {
		return nil, err
	}
	// The server promises a match; check anyway, so that a gateway that
	// drops the filter cannot make us return someone else.
	var exact, folded []*User
	for i := range page.items {
		switch u := &page.items[i]; {
		case u.Email == email:
			exact = append(exact, u)
		case strings.EqualFold(u.Email, email):
			folded = append(folded, u)
		}
	}
	var u *User
	switch {
	case len(exact) == 1:
		u = exact[0]
	case len(exact) == 0 && len(folded) == 1:
		u = folded[0]
	case len(exact)+len(folded) == 0:
		return nil, errNoUserWithEmail
	default:
		return nil, &APIError{StatusCode: http.StatusOK, Method: opList.method, Path: opList.path,
			Message: fmt.Sprintf("%d users have that email (ignoring case); cannot tell which is meant", len(exact)+len(folded))}
	}
	if u.Id == nil || *u.Id == "" {
		return nil, &APIError{StatusCode: http.StatusOK, Method: opList.method, Path: opList.path, Message: "response has no user id"}
	}
	return u, nil
}

// errNoUserWithEmail is GetByEmail's not-found error. It leaves the address
// out, like APIError leaves out ids, so that it can be logged.
var errNoUserWithEmail = &notFoundError{msg: "panther: no user has that email"}

type notFoundError struct{ msg string }

func (e *notFoundError) Error() string        { return e.msg }
func (e *notFoundError) Is(target error) bool { return target == ErrNotFound }

// GetMany returns the users with the given ids, deactivated or not, in the
// order of ids. Ids that match no user are left out, and a repeated id yields
// its user once, so compare lengths to find what is missing. It asks the list
// endpoint for at most 60 ids at a time (the repeated id filter, which keeps
// ids that contain commas intact): 1,000 ids cost 17 requests, up to four of
// them in flight at once. If a request fails, GetMany cancels the others and
// returns its error and no users.
//
// It calls GET /users?id=...&id=...&include-deactivated=true.
func (s *UsersService) GetMany(ctx context.Context, ids []string) ([]User, error) {
	unique := make([]string, 0, len(ids))
	seen := make(map[string]struct{}, len(ids))
	for i, id := range ids {
		if err := checkID("ids["+strconv.Itoa(i)+"]", id); err != nil {
			return nil, err
		}
		if _, dup := seen[id]; !dup {
			seen[id] = struct{}{}
			unique = append(unique, id)
		}
	}
	// Batches are independent: fetch a few at once, each into its own map.
	batches := slices.Collect(slices.Chunk(unique, MaxPageSize))
	found := make([]map[string]User, len(batches))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(getManyConcurrency)
	for i, batch := range batches {
		found[i] = make(map[string]User, len(batch))
		g.Go(func() error { return s.getBatch(gctx, batch, found[i]) })
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	users := make([]User, 0, len(unique))
	for i, batch := range batches {
		for _, id := range batch {
			if u, ok := found[i][id]; ok {
				users = append(users, u)
			}
		}
	}
	return users, nil
}

// getManyConcurrency is how many of GetMany's batches are in flight at once:
// enough to cut 1,000 ids from 17 round trips to 5, few enough to stay
// friendly to the API's rate limit (a 429 is retried anyway).
const getManyConcurrency = 4

// getBatch adds the users among ids (at most one page's worth) to found. It
// follows next only while some id is still missing, so a full batch costs
// one request even if the server offers another page.
func (s *UsersService) getBatch(ctx context.Context, ids []string, found map[string]User) error {
	want := make(map[string]struct{}, len(ids))
	for _, id := range ids {
		want[id] = struct{}{}
	}
	includeDeactivated, limit := true, int64(MaxPageSize)
	params := api.UserListParams{Id: &ids, IncludeDeactivated: &includeDeactivated, Limit: &limit}
	for page, err := range s.lister(params).pages(ctx, "", walkOptions{}) {
		if err != nil {
			return err
		}
		for _, u := range page.items {
			if u.Id == nil {
				continue
			}
			if _, ok := want[*u.Id]; ok {
				found[*u.Id] = u
				delete(want, *u.Id)
			}
		}
		if len(want) == 0 {
			break
		}
	}
	return nil
}

// user sends a call whose success body is one user, and checks that the
// user has an id: the generated types do not enforce required fields, so
// "{}" would otherwise become a zero user. st records what happened on the
// wire, as for [Client.call].
func (s *UsersService) user(ctx context.Context, st *callState, send func(context.Context) (*http.Response, error)) (*User, error) {
	var u User
	if err := s.client.call(ctx, st, send, &u); err != nil {
		return nil, err
	}
	if u.Id == nil || *u.Id == "" {
		return nil, &APIError{StatusCode: st.status, Method: st.op.method, Path: st.op.path, Message: "response has no user id"}
	}
	return &u, nil
}
