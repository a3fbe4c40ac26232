// This file holds retrying, all of it: the policy, the decision whether and
// when to resend (shared by the wrapper's calls, which resend by operation
// in call.go, and Raw()'s requests, which resend by method in
// retryTransport below), and the log line of a resend. Create is the one
// special case (a retried create must never make a second user): it is
// resent only after a 429, and UsersService.Create handles the ambiguous
// failures.

package panther

import (
	"context"
	"crypto/x509"
	"errors"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"
)

// RetryPolicy says how often and how long a Client waits before resending a
// request that failed in a way worth retrying:
//
//   - 429 Too Many Requests, for every operation: the request was not processed.
//   - 500, 502, 503, 504 and transport errors (reset connections, timeouts
//     while connecting), for Get, List, Update (a full replace, so resending
//     is harmless) and Delete. Create is never resent blindly: after such a
//     failure it first looks the user up by email; see [UsersService.Create].
//
// Requests sent through [Client.Raw] are retried by method instead: 429 for
// every method, 5xx and transport errors for GET, HEAD, PUT and DELETE.
type RetryPolicy struct {
	// MaxRetries is how many times a request is resent after the first
	// attempt; 0 means no retries.
	MaxRetries int
	// BaseDelay is the wait before the first retry; each later wait doubles
	// it, and a random part of up to half of it is taken off (jitter) so that
	// many clients do not retry in step.
	BaseDelay time.Duration
	// MaxDelay caps every wait, including one asked for with Retry-After
	// (and so [APIError.RetryAfter]); 0 means [DefaultMaxDelay].
	MaxDelay time.Duration
	// Budget is the size of the Client-wide retry budget, in tokens; 0 means
	// [DefaultRetryBudget] and [NoRetryBudget] turns it off. As in the AWS
	// SDK's retry quota, every retry spends [RetryCost] tokens (twice that
	// after a timeout), every call that needed no retry earns one back, and
	// a retried call that ends well returns what it spent. When the budget
	// cannot pay for a retry, the call fails at once with the error it got:
	// a sustained outage or rate limit costs about one request per call
	// instead of 1+MaxRetries. A full default budget pays for 20 retries.
	Budget int
}

// Retry budget defaults; see [RetryPolicy.Budget].
const (
	DefaultRetryBudget = 100
	RetryCost          = 5
	NoRetryBudget      = -1
)

// DefaultMaxDelay is the cap on a single wait when [RetryPolicy.MaxDelay] is 0.
const DefaultMaxDelay = 30 * time.Second

// DefaultRetryPolicy returns the policy used unless [WithRetryPolicy] sets
// another: 3 retries, starting at 500ms, each wait at most 30s, with the
// default retry budget.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{MaxRetries: 3, BaseDelay: 500 * time.Millisecond, MaxDelay: DefaultMaxDelay}
}

// WithRetryPolicy sets the retry policy; RetryPolicy{} turns retries off.
// Negative values, or a MaxDelay below BaseDelay, are an error.
//
// A wait never outlives the request's context: when the context's deadline
// would pass during a wait, the last error is returned at once, and a wait
// ends when the context is canceled. With the default HTTP client,
// [DefaultTimeout] bounds a call including its retries.
func WithRetryPolicy(p RetryPolicy) Option {
	return func(c *config) error {
		switch {
		case p.MaxRetries < 0:
			return errors.New("panther: WithRetryPolicy: MaxRetries must not be negative")
		case p.BaseDelay < 0 || p.MaxDelay < 0:
			return errors.New("panther: WithRetryPolicy: delays must not be negative")
		case p.Budget < NoRetryBudget:
			return errors.New("panther: WithRetryPolicy: Budget must be positive, 0 for the default or NoRetryBudget")
		case p.MaxDelay != 0 && p.MaxDelay < p.BaseDelay:
			return errors.New("panther: WithRetryPolicy: MaxDelay must not be below BaseDelay")
		}
		c.retry = p
		return nil
	}
}

// maxDelay is the cap on one wait.
func (p RetryPolicy) maxDelay() time.Duration {
	if p.MaxDelay > 0 {
		return p.MaxDelay
	}
	return DefaultMaxDelay
}

// backoff returns the wait before retry number attempt+1: BaseDelay doubled
// attempt times, capped, minus up to half of it at random.
func (p RetryPolicy) backoff(attempt int) time.Duration {
	d, limit := p.BaseDelay, p.maxDelay()
	for i := 0; i < attempt && d < limit; i++ {
		d *= 2
	}
	d = min(d, limit)
	if half := d / 2; half > 0 {
		d -= time.Duration(rand.Int64N(int64(half) + 1))
	}
	return d
}

// wait returns how long to wait before resending after a response that
// asked for retryAfter (0: not asked), capped.
func (p RetryPolicy) wait(attempt int, retryAfter time.Duration) time.Duration {
	if retryAfter > 0 {
		return min(retryAfter, p.maxDelay())
	}
	return p.backoff(attempt)
}

// sleep waits d or until ctx ends, whichever comes first.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// fitsDeadline reports whether waiting d leaves ctx time to make a request.
func fitsDeadline(ctx context.Context, d time.Duration) bool {
	deadline, ok := ctx.Deadline()
	return !ok || time.Until(deadline) > d
}

// retrier decides and logs resends for one Client.
type retrier struct {
	policy RetryPolicy
	logger *slog.Logger
	key    secret // only to redact it from logged errors and paths
	budget *retryBudget
}

func newRetrier(p RetryPolicy, logger *slog.Logger, key secret) *retrier {
	r := &retrier{policy: p, logger: logger, key: key}
	switch {
	case p.Budget == 0:
		r.budget = &retryBudget{tokens: DefaultRetryBudget, capacity: DefaultRetryBudget}
	case p.Budget > 0:
		r.budget = &retryBudget{tokens: p.Budget, capacity: p.Budget}
	}
	return r
}

// retryBudget is the Client-wide token bucket retries spend from; nil is
// no budget.
type retryBudget struct {
	mu               sync.Mutex
	tokens, capacity int
}

// spend takes cost tokens, or reports that there are not that many.
func (b *retryBudget) spend(cost int) bool {
	if b == nil {
		return true
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.tokens < cost {
		return false
	}
	b.tokens -= cost
	return true
}

// refill returns n tokens, up to the capacity.
func (b *retryBudget) refill(n int) {
	if b == nil {
		return
	}
	b.mu.Lock()
	b.tokens = min(b.tokens+n, b.capacity)
	b.mu.Unlock()
}

// retryCost is what a retry after err costs.
func retryCost(err error) int {
	var t interface{ Timeout() bool }
	if errors.As(err, &t) && t.Timeout() {
		return 2 * RetryCost
	}
	return RetryCost
}

// done tells the budget how a request that spent spent tokens on retries
// ended: a response that is no reason to retry (any 2xx or 4xx but 429)
// earns tokens back.
func (r *retrier) done(spent int, resp *http.Response, err error) {
	if err != nil || resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 {
		return
	}
	if spent == 0 {
		r.budget.refill(1)
		return
	}
	r.budget.refill(spent)
}

// decide says whether and after how long to resend after attempt (0-based,
// counted over every request the operation sent, earlier calls' included)
// got resp or err, and takes the retry's cost from the budget (cost is 0
// when it does not resend). resendable says whether a request that may have
// been applied (a 5xx, a transport error) may be sent again.
func (r *retrier) decide(ctx context.Context, attempt int, resendable bool, resp *http.Response, err error) (wait time.Duration, cost int, again bool) {
	wait, again = r.wants(ctx, attempt, resendable, resp, err)
	if !again {
		return 0, 0, false
	}
	cost = retryCost(err)
	if !r.budget.spend(cost) {
		return 0, 0, false // spent: fail fast with what we have
	}
	return wait, cost, true
}

// wants is decide before the budget has its say.
func (r *retrier) wants(ctx context.Context, attempt int, resendable bool, resp *http.Response, err error) (time.Duration, bool) {
	if attempt >= r.policy.MaxRetries || ctx.Err() != nil {
		return 0, false
	}
	var wait time.Duration
	switch {
	case err != nil:
		if !resendable || !retryableError(err) {
			return 0, false
		}
		wait = r.policy.wait(attempt, 0)
	case resp.StatusCode == http.StatusTooManyRequests, // never processed: always resendable
		retryableStatus(resp.StatusCode) && resendable:
		wait = r.policy.wait(attempt, parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()))
	default:
		return 0, false
	}
	// A wait that would outlive the context returns the last answer now.
	return wait, fitsDeadline(ctx, wait)
}

// log logs a resend at debug level and lets go of the response it replaces.
func (r *retrier) log(ctx context.Context, op, method, path string, attempts int, wait time.Duration, resp *http.Response, err error) {
	attrs := []slog.Attr{slog.String("op", op), slog.String("method", method), slog.String("path", path),
		slog.Int("attempt", attempts), slog.Duration("wait", wait)}
	if err != nil {
		attrs = append(attrs, slog.String("error", r.key.redact(err.Error())))
	} else {
		attrs = append(attrs, slog.Int("status", resp.StatusCode))
		discard(resp)
	}
	r.logger.LogAttrs(ctx, slog.LevelDebug, "panther retry", attrs...)
}

// methodResendable says whether a Raw() request may be resent after a 5xx or
// a transport error, which leave unknown whether it was applied: only for
// the methods HTTP calls idempotent.
func methodResendable(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}

// retryTransport resends Raw()'s failed requests as RetryPolicy says, by
// method, and logs each of them (the wrapper's calls are resent and logged
// by call instead). It sits below authTransport, so every attempt carries
// the same key and only goes to the API origin.
type retryTransport struct {
	next http.RoundTripper
	*retrier
}

// RoundTrip implements http.RoundTripper.
func (t *retryTransport) RoundTrip(req *http.Request) (resp *http.Response, err error) {
	ctx := req.Context()
	// Raw() calls have no template: they are logged with the path as sent
	// (less the token, should the base URL hold it).
	path := t.key.redact(req.URL.Path)
	start, attempts := time.Now(), 0
	defer func() {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		logRequest(ctx, t.logger, t.key, "raw", req.Method, path, status, attempts, start, err)
	}()
	replayable := req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
	spent := 0 // budget tokens this request's retries took
	for attempt := 0; ; attempt++ {
		r := req
		if attempt > 0 {
			r = req.Clone(ctx)
			if req.Body != nil && req.Body != http.NoBody {
				body, err := req.GetBody()
				if err != nil {
					return nil, err
				}
				r.Body = body
			}
		}
		resp, err = t.next.RoundTrip(r)
		attempts = attempt + 1
		if !replayable {
			return resp, err
		}
		wait, cost, again := t.decide(ctx, attempt, methodResendable(req.Method), resp, err)
		if !again {
			t.done(spent, resp, err)
			return resp, err
		}
		spent += cost
		t.log(ctx, "raw", req.Method, path, attempts, wait, resp, err)
		if err := sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

func retryableStatus(code int) bool {
	switch code {
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// retryableError reports whether a transport error may go away on its own:
// not a certificate problem, a refused redirect, or the context ending.
func retryableError(err error) bool {
	var unknownAuthority x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return false
	case errors.As(err, new(*redirectError)): // refused, not failed
		return false
	case strings.Contains(err.Error(), "server response headers exceeded"):
		// net/http's MaxResponseHeaderBytes (no typed error): the same
		// server would send the same headers again.
		return false
	case errors.As(err, &unknownAuthority), errors.As(err, &hostname), errors.As(err, &invalid):
		return false
	}
	return true
}

// CloseIdleConnections lets http.Client.CloseIdleConnections reach the base transport.
func (t *retryTransport) CloseIdleConnections() {
	closeIdleConnections(t.next)
}
