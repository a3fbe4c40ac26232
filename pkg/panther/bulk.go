// This file holds the bulk helpers: many creates, updates or deletes at once,
// with bounded concurrency, an optional request rate, and a result per item.

package panther

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
	"golang.org/x/time/rate"
)

// DefaultBulkConcurrency is how many requests a bulk call keeps in flight
// unless [BulkOptions.Concurrency] says otherwise.
const DefaultBulkConcurrency = 4

// BulkOptions controls [UsersService.CreateMany], [UsersService.UpdateMany]
// and [UsersService.DeleteMany]. The zero value (or nil) is usable.
type BulkOptions struct {
	// Concurrency is how many items are worked on at once; 0 means
	// DefaultBulkConcurrency. Each worker uses one HTTP connection, kept
	// alive between its requests.
	Concurrency int
	// RequestsPerSecond paces the items so that they start at most this
	// often; 0 means no pacing. Set it to the rate limit of your Panther
	// deployment to stay under it; a 429 that still happens is retried by
	// the client's RetryPolicy and is not returned as a failed item unless
	// the retries run out.
	//
	// Whatever the pacing, a bulk call slows down when the rate limit is hit:
	// after an item fails with [ErrRateLimited], no item starts before the
	// wait the server asked for (Retry-After, else the policy's backoff,
	// growing while items keep failing so), capped by the policy's MaxDelay.
	// With the client's retry budget spent, a bulk call against a server
	// that answers only 429 sends about one request per item.
	RequestsPerSecond float64
}

// BulkResult is the outcome of one item of a bulk call.
type BulkResult struct {
	// Index is the item's position in the input.
	Index int
	// ID is the user's id: the input id for updates and deletes, the new id
	// for a successful create.
	ID string
	// User is the user as stored after a successful create or update; nil
	// for deletes and failures.
	User *User
	// Err is nil on success. Items not started because ctx ended carry ctx's error.
	Err error
}

// UserChange is one item of [UsersService.UpdateMany]: the full replacement
// Input for the user with this ID.
type UserChange struct {
	ID    string
	Input UserInput
}

// CreateMany creates users concurrently and returns one result per input, in
// input order. A failed item does not stop the others; when ctx ends, items
// not yet started fail with ctx's error. Every create goes through
// [UsersService.Create], with its input checks and its protection against
// duplicates on retry.
func (s *UsersService) CreateMany(ctx context.Context, ins []UserInput, opts *BulkOptions) []BulkResult {
	return runBulk(ctx, len(ins), opts, s.client.cfg.retry, nil, func(ctx context.Context, i int) (*User, error) {
		return s.Create(ctx, ins[i])
	})
}

// UpdateMany replaces users concurrently (see [UsersService.Update]) and
// returns one result per change, in input order, as [UsersService.CreateMany] does.
func (s *UsersService) UpdateMany(ctx context.Context, changes []UserChange, opts *BulkOptions) []BulkResult {
	id := func(i int) string { return changes[i].ID }
	return runBulk(ctx, len(changes), opts, s.client.cfg.retry, id, func(ctx context.Context, i int) (*User, error) {
		return s.Update(ctx, changes[i].ID, changes[i].Input)
	})
}

// DeleteMany deletes users concurrently and returns one result per id, in
// input order, as [UsersService.CreateMany] does.
func (s *UsersService) DeleteMany(ctx context.Context, ids []string, opts *BulkOptions) []BulkResult {
	id := func(i int) string { return ids[i] }
	return runBulk(ctx, len(ids), opts, s.client.cfg.retry, id, func(ctx context.Context, i int) (*User, error) {
		return nil, s.Delete(ctx, ids[i])
	})
}

// BulkErrors joins the errors of the failed items into one error naming
// each item's index and id, or returns nil when every item succeeded.
func BulkErrors(results []BulkResult) error {
	var errs []error
	for _, r := range results {
		if r.Err != nil {
			errs = append(errs, fmt.Errorf("item %d (id %q): %w", r.Index, r.ID, r.Err))
		}
	}
	return errors.Join(errs...)
}

// runBulk runs do for items 0..n-1, at most opts.Concurrency at a time and
// started in order, paced by opts.RequestsPerSecond, and collects a result
// per item. id, when not nil, gives an item's id before it runs, so that
// items never started still say which user they were for; otherwise the id
// is the returned user's.
func runBulk(ctx context.Context, n int, opts *BulkOptions, policy RetryPolicy, id func(int) string, do func(ctx context.Context, i int) (*User, error)) []BulkResult {
	var o BulkOptions
	if opts != nil {
		o = *opts
	}
	return runPaced(ctx, n, o.Concurrency, newPacer(o.RequestsPerSecond), policy, id, do)
}

// runPaced is runBulk with the pacer given: an item that sends more than
// one request (Apply's) waits on it again before each later one.
func runPaced(ctx context.Context, n, workers int, limiter *pacer, policy RetryPolicy, id func(int) string, do func(ctx context.Context, i int) (*User, error)) []BulkResult {
	if workers <= 0 {
		workers = DefaultBulkConcurrency
	}
	th := &throttle{policy: policy}
	results := make([]BulkResult, n)
	var g errgroup.Group
	g.SetLimit(workers)
	for i := range n {
		g.Go(func() error {
			r := BulkResult{Index: i}
			if id != nil {
				r.ID = id(i)
			}
			r.Err = limiter.wait(ctx)
			if r.Err == nil {
				r.Err = th.wait(ctx)
			}
			if r.Err == nil {
				r.User, r.Err = do(ctx, i)
				th.record(r.Err)
				if id == nil && r.User != nil {
					r.ID = deref(r.User.Id)
				}
			}
			results[i] = r
			return nil
		})
	}
	_ = g.Wait() // items report their errors in results
	return results
}

// pacer spaces requests evenly, at most a given number a second; a nil
// pacer does not pace.
type pacer struct{ limiter *rate.Limiter }

func newPacer(perSecond float64) *pacer {
	if perSecond <= 0 {
		return nil
	}
	// A burst of one spreads the requests evenly instead of front-loading a
	// second's worth, which a sliding-window limit would reject.
	return &pacer{rate.NewLimiter(rate.Limit(perSecond), 1)}
}

// wait blocks until the next request's turn, or until ctx ends.
func (p *pacer) wait(ctx context.Context) error {
	if p == nil {
		return nil
	}
	err := p.limiter.Wait(ctx)
	if err != nil && ctx.Err() == nil {
		// rate says the turn comes after ctx's deadline, in an error of
		// its own: report the deadline, as for every item not started
		// because of ctx.
		return fmt.Errorf("panther: not sent: its paced turn would come after the deadline: %w", context.DeadlineExceeded)
	}
	return err
}

// throttle holds back a bulk call's starts while the server rate-limits it:
// after an item fails with ErrRateLimited, no item starts before the wait
// the server asked for, or the policy's backoff for the run of such items so
// far; any other outcome ends the run.
type throttle struct {
	policy RetryPolicy
	mu     sync.Mutex
	until  time.Time // no start before
	run    int       // items failed with ErrRateLimited in a row
}

// wait blocks until items may start again, or ctx ends.
func (t *throttle) wait(ctx context.Context) error {
	t.mu.Lock()
	d := time.Until(t.until)
	t.mu.Unlock()
	return sleep(ctx, d)
}

// record notes how an item ended.
func (t *throttle) record(err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !errors.Is(err, ErrRateLimited) {
		t.run = 0
		return
	}
	var retryAfter time.Duration
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		retryAfter = apiErr.RetryAfter
	}
	d := t.policy.wait(t.run, retryAfter)
	t.run++
	if until := time.Now().Add(d); until.After(t.until) {
		t.until = until
	}
}

// deref returns *p, or the zero value for nil.
func deref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}
