// Package panther is a client for Panther's REST Users API: create, read,
// update, delete and list the people who can sign in to a Panther deployment.
//
// It wraps the generated client in package api and adds what that client
// lacks: the API key sent only to the configured API origin (so a redirect
// cannot leak it), typed errors for every non-2xx status ([APIError], matched
// with [errors.Is] against [ErrNotFound] and friends), input checks before any
// request is sent ([ErrInvalidInput]), and lazy pagination with iterators
// ([UsersService.List], [UsersService.Pages]). Failed requests are retried as
// [RetryPolicy] describes, and a retried create never makes a second user.
//
// For many users at once: [UsersService.GetMany] fetches up to 60 ids per
// request; [UsersService.CreateMany], [UsersService.UpdateMany] and
// [UsersService.DeleteMany] work through many changes with bounded
// concurrency, optional pacing under a rate limit, and a result per item; and
// [ListUsersOptions].Prefetch overlaps the next page's request with the work a
// loop does on the current one.
//
// To make Panther match a list of users kept elsewhere (an HR export, a CSV
// in a repository): [UsersService.Plan] compares the list with Panther and
// says what would change, refusing by default a plan that would delete many
// users or the last admin ([ErrRefused]); [UsersService.Apply] carries the
// plan out, skipping what changed since it was made ([ErrStale]).
//
// Create a [Client] with [NewClient] or [NewClientFromEnv] and call the
// methods on [Client.Users]:
//
//	c, err := panther.NewClient("https://api.acme.runpanther.net",
//		panther.WithAPIToken(os.Getenv("PANTHER_API_TOKEN")))
//	if err != nil { ... }
//	u, err := c.Users.Get(ctx, id)
//	if errors.Is(err, panther.ErrNotFound) { ... }
//
// A Client is safe for concurrent use by multiple goroutines; it is not
// changed after [NewClient] returns. Its String, Format and LogValue methods
// redact the API token, and no error returned by this package contains
// it.
package panther
