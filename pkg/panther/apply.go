// This file holds the second half of declarative sync: Apply, which carries
// out a plan made by Plan (sync.go) through the bulk machinery (bulk.go),
// re-reading each user first so that a stale plan changes nothing it did
// not see, and its results.

package panther

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// ErrStale matches the error of an action [UsersService.Apply] skipped
// because Panther no longer is as the plan saw it. Nothing was sent for it;
// plan again to see what would change now.
var ErrStale = errors.New("panther: skipped: the plan is stale")

// StaleError says why Apply skipped an action. It matches [ErrStale] with
// [errors.Is].
type StaleError struct {
	// Reason is "the user was deleted since the plan", "givenName, role
	// changed since the plan" or "a user with this address exists now".
	Reason string
}

// Error returns "panther: skipped, the plan is stale: givenName changed since the plan".
func (e *StaleError) Error() string { return "panther: skipped, the plan is stale: " + e.Reason }

// Is reports whether target is [ErrStale].
func (e *StaleError) Is(target error) bool { return target == ErrStale }

// ApplyOptions controls [UsersService.Apply]. The zero value (or nil) is
// usable.
type ApplyOptions struct {
	// Concurrency is how many actions are worked on at once; 0 means
	// [DefaultBulkConcurrency].
	Concurrency int
	// RequestsPerSecond spaces the requests Apply sends evenly, at most this
	// many a second, re-reads included: each action sends two (the re-read,
	// then the change) and waits its turn before each, so actions run at
	// about RequestsPerSecond/2 a second. 0 means no pacing. Set it to the
	// rate limit of your Panther deployment: Apply keeps 2% below it (see
	// paceHeadroom). A 429 that still happens is retried, and slows the
	// whole run down as for [BulkOptions].
	RequestsPerSecond float64
}

// paceHeadroom is the share of ApplyOptions.RequestsPerSecond that Apply
// paces at. A limit over a sliding window counts arrival times, so pacing
// at exactly the limit lets a request that leaves a little early (timer and
// scheduling jitter) land within the second of its hundredth predecessor;
// its retry, a second later and outside the pacing, then crowds out
// another, and so on to the end. Against the fake at 100 requests a second,
// 1,000 requests at the exact rate saw 40 429s, a rate of 0.78 of the limit
// and an action failing after its retries; at 98% none, and 0.98.
const paceHeadroom = 0.98

// SyncResult is the outcome of one action of [UsersService.Apply].
type SyncResult struct {
	Action SyncAction
	// User is the user as stored after a create or an update; nil for
	// deletes, skips and failures.
	User *User
	// Err is nil when the action was applied. It matches [ErrStale] when
	// the action was skipped; any other error means it failed (actions not
	// started because ctx ended carry ctx's error).
	Err error
}

// Skipped reports whether the action was skipped because the plan was stale.
func (r *SyncResult) Skipped() bool { return errors.Is(r.Err, ErrStale) }

// Failed reports whether the action failed: neither applied nor skipped.
func (r *SyncResult) Failed() bool { return r.Err != nil && !r.Skipped() }

// SyncErrors joins the errors of the actions that were not applied, skipped
// ones included, each wrapped with the action's name ("update users.csv:4:
// ..."), or returns nil when every action was applied.
func SyncErrors(results []SyncResult) error {
	var errs []error
	for _, r := range results {
		if r.Err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", r.Action, r.Err))
		}
	}
	return errors.Join(errs...)
}

// Apply carries out a plan made by [UsersService.Plan]: its creates, updates
// and deletes ([SyncPlan.Changes]), with one result per action, in that
// order. It first checks the plan against the guardrails of its Options
// again and, when one refuses it, returns the error (matching [ErrRefused])
// and sends nothing; every other error is in the results.
//
// Each action first re-reads what it would change. An update or a delete
// gets the user and is skipped, with an error matching [ErrStale], when the
// user is gone or its email, names, role, enabled flag or creation time are
// not what the plan saw (its status and last login are not compared: they
// change when a user signs in). A create looks its address up and is
// skipped as stale when a user has it now. So a stale plan changes nothing
// it did not see; but the check and the change are two requests, and a
// change someone makes between them is overwritten, as with
// [UsersService.Modify]. The admin guardrail counts the admins the plan saw.
//
// Actions run as [UsersService.UpdateMany]'s items do: opts.Concurrency at a
// time, started in order, paced by opts.RequestsPerSecond, slowing down
// while the server rate-limits; a failed action does not stop the others,
// and when ctx ends the actions not yet started fail with ctx's error. An
// update sends the entry's names and role with the address Panther has (an
// address that differs only in case is not a change); a create goes through
// [UsersService.Create], so a retried create never makes a second user.
// Once every action is applied, Panther matches the list: planning it again
// gives an empty plan.
//
// It calls, per action, GET /users/{id} then POST or DELETE /users/{id}, or
// GET /users?email=... then POST /users.
func (s *UsersService) Apply(ctx context.Context, plan *SyncPlan, opts *ApplyOptions) ([]SyncResult, error) {
	if plan == nil {
		return nil, invalid("plan", "must not be nil")
	}
	if err := plan.Options.check(); err != nil {
		return nil, err
	}
	if err := plan.check(); err != nil {
		return nil, err
	}
	var o ApplyOptions
	if opts != nil {
		o = *opts
	}
	actions := plan.Changes()
	pace := newPacer(o.RequestsPerSecond * paceHeadroom)
	done := runPaced(ctx, len(actions), o.Concurrency, pace, s.client.cfg.retry, nil, func(ctx context.Context, i int) (*User, error) {
		return s.applyAction(ctx, actions[i], pace)
	})
	results := make([]SyncResult, len(actions))
	for i, r := range done {
		results[i] = SyncResult{Action: actions[i], User: r.User, Err: r.Err}
	}
	return results, nil
}

// applyAction checks that a is not stale and carries it out, waiting for
// its turn on pace (which runPaced gave the check) before the change.
func (s *UsersService) applyAction(ctx context.Context, a SyncAction, pace *pacer) (*User, error) {
	switch {
	case a.Kind == ActionCreate && a.Desired != nil:
		switch _, err := s.GetByEmail(ctx, a.Desired.Email); {
		case err == nil:
			return nil, &StaleError{Reason: "a user with this address exists now"}
		case !errors.Is(err, ErrNotFound):
			return nil, err
		}
		if err := pace.wait(ctx); err != nil {
			return nil, err
		}
		return s.Create(ctx, a.Desired.input())
	case a.Kind == ActionUpdate && a.Current != nil && a.Desired != nil:
		if err := s.unchangedSince(ctx, a.Current, pace); err != nil {
			return nil, err
		}
		in := a.Desired.input()
		in.Email = a.Current.Email
		return s.Update(ctx, deref(a.Current.Id), in)
	case a.Kind == ActionDelete && a.Current != nil:
		if err := s.unchangedSince(ctx, a.Current, pace); err != nil {
			return nil, err
		}
		return nil, s.Delete(ctx, deref(a.Current.Id))
	}
	return nil, invalid("action", fmt.Sprintf("%s is not a change Plan makes (kind %q, current user set: %t, entry set: %t)",
		a, a.Kind, a.Current != nil, a.Desired != nil))
}

// unchangedSince returns a *StaleError when the user seen by the plan is
// gone or has changed in Panther since; else it waits for the change's turn
// on pace.
func (s *UsersService) unchangedSince(ctx context.Context, seen *User, pace *pacer) error {
	now, err := s.Get(ctx, deref(seen.Id))
	if errors.Is(err, ErrNotFound) {
		return &StaleError{Reason: "the user was deleted since the plan"}
	}
	if err != nil {
		return err
	}
	var changed []string
	for _, f := range []struct {
		name string
		same bool
	}{
		{"email", now.Email == seen.Email},
		{"givenName", now.GivenName == seen.GivenName},
		{"familyName", now.FamilyName == seen.FamilyName},
		{"role", deref(now.Role.Id) == deref(seen.Role.Id) && deref(now.Role.Name) == deref(seen.Role.Name)},
		{"enabled", now.Enabled == seen.Enabled},
		// An SSO user deleted and created again keeps its id (PantherSSO_<email>).
		{"createdAt", deref(now.CreatedAt) == deref(seen.CreatedAt)},
	} {
		if !f.same {
			changed = append(changed, f.name)
		}
	}
	if len(changed) > 0 {
		return &StaleError{Reason: strings.Join(changed, ", ") + " changed since the plan"}
	}
	return pace.wait(ctx)
}
