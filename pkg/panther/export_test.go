package panther

import (
	"net/url"
	"time"
)

// Internals exposed to the external tests in package panther_test.
var (
	ParseRetryAfter = parseRetryAfter
	IsLoopback      = isLoopback
	CleanMessage    = cleanMessage
)

// SameOrigin reports whether the key bound to base would be sent to target.
func SameOrigin(base, target string) bool {
	b, err := url.Parse(base)
	if err != nil {
		panic(err)
	}
	u, err := url.Parse(target)
	if err != nil {
		panic(err)
	}
	return originOf(b) == originOf(u)
}

// Backoff exposes the backoff of a policy.
func Backoff(p RetryPolicy, attempt int) time.Duration { return p.backoff(attempt) }

// ReadBody and ReadBodyInto expose readBody and readBodyInto.
var (
	ReadBody     = readBody
	ReadBodyInto = readBodyInto
)

// WithDefaultTimeout replaces DefaultTimeout for one Client, so that a test
// sees it pass in milliseconds. Like DefaultTimeout, it applies only
// without WithHTTPClient.
func WithDefaultTimeout(d time.Duration) Option {
	return func(c *config) error {
		c.timeout = d
		return nil
	}
}
