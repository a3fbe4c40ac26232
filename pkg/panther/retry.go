// This file holds the retry policy. Retrying itself is issue #5: until then
// the policy is checked and stored, and every request is sent once.

package panther

import (
	"errors"
	"time"
)

// RetryPolicy says how often and how long a Client waits before resending a
// request that failed in a way worth retrying.
type RetryPolicy struct {
	// MaxRetries is how many times a request is resent after the first
	// attempt; 0 means no retries.
	MaxRetries int
	// BaseDelay is the wait before the first retry; later waits grow
	// exponentially from it.
	BaseDelay time.Duration
	// MaxDelay caps every wait, including one asked for with Retry-After.
	MaxDelay time.Duration
}

// DefaultRetryPolicy returns the policy used unless [WithRetryPolicy] sets
// another: 3 retries, starting at 500ms, each wait at most 30s.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{MaxRetries: 3, BaseDelay: 500 * time.Millisecond, MaxDelay: 30 * time.Second}
}

// WithRetryPolicy sets the retry policy; RetryPolicy{} turns retries off.
// Negative values, or a MaxDelay below BaseDelay, are an error.
//
// The policy is validated and stored now; the retrying transport layer
// arrives with issue #5, and until then each request is sent once.
func WithRetryPolicy(p RetryPolicy) Option {
	return func(c *config) error {
		switch {
		case p.MaxRetries < 0:
			return errors.New("panther: WithRetryPolicy: MaxRetries must not be negative")
		case p.BaseDelay < 0 || p.MaxDelay < 0:
			return errors.New("panther: WithRetryPolicy: delays must not be negative")
		case p.MaxDelay != 0 && p.MaxDelay < p.BaseDelay:
			return errors.New("panther: WithRetryPolicy: MaxDelay must not be below BaseDelay")
		}
		c.retry = p
		return nil
	}
}
