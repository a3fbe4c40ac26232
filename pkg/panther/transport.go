// This file builds the HTTP layers every request goes through, outermost
// first:
//
//	limitTransport  caps every response body (limits.go)
//	authTransport   adds X-API-Key (and a default User-Agent) for the API
//	                origin, strips the key elsewhere (auth.go)
//	retryTransport  Raw() only: resends by method (retry.go); the wrapper's
//	                calls are resent by operation in call (call.go)
//	base            the caller's transport, or a shared clone of
//	                http.DefaultTransport (defaultTransport)
//
// and the *http.Client around them, which refuses redirects to another
// origin; and the default timeout, which is a context deadline set where a
// request is made (by call for the wrapper's calls, by deadlineDoer for
// Raw()'s), not http.Client.Timeout: with a transport that is not an
// *http.Transport, a client Timeout sends every request down net/http's
// legacy cancellation path (a goroutine, a timer and channels per request).

package panther

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/pantherkit/panther-go/api"
)

// newHTTPClients returns the *http.Client of the wrapper's calls and the one
// of Raw(): copies of the caller's client (or a default one) over one base
// transport, so they share its connections, Raw()'s with a retry layer.
func newHTTPClients(cfg *config, apiOrigin origin, r *retrier) (calls, raw *http.Client) {
	base := http.RoundTripper(nil)
	if cfg.httpClient != nil {
		base = cfg.httpClient.Transport
	}
	if base == nil {
		base = defaultTransport()
	}
	return newHTTPClient(cfg, apiOrigin, newTransport(cfg, apiOrigin, base)),
		newHTTPClient(cfg, apiOrigin, newTransport(cfg, apiOrigin, &retryTransport{next: base, retrier: r}))
}

// newTransport is the chain above base.
func newTransport(cfg *config, apiOrigin origin, base http.RoundTripper) http.RoundTripper {
	auth := &authTransport{
		next:      base,
		origin:    apiOrigin,
		key:       cfg.token,
		keyHeader: []string{cfg.token.reveal()},
		uaHeader:  []string{cfg.userAgent},
	}
	return &limitTransport{next: auth, limit: cfg.maxBody}
}

// newHTTPClient returns a copy of the caller's client (or a default one)
// sending through transport, whose CheckRedirect refuses to leave the API
// origin before consulting the caller's.
func newHTTPClient(cfg *config, apiOrigin origin, transport http.RoundTripper) *http.Client {
	var hc http.Client
	if cfg.httpClient != nil {
		hc = *cfg.httpClient // a copy: the caller's client is never changed
	}
	hc.Transport = transport
	callerCheck := hc.CheckRedirect
	hc.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if to := originOf(req.URL); to != apiOrigin {
			return &redirectError{fmt.Errorf("%w: the API at %s redirected to %s", ErrCrossOriginRedirect, apiOrigin, to)}
		}
		if callerCheck != nil {
			if err := callerCheck(req, via); err != nil {
				if err == http.ErrUseLastResponse { //nolint:errorlint // net/http compares it with ==
					return err
				}
				return &redirectError{err}
			}
			return nil
		}
		if len(via) >= 10 {
			return &redirectError{errors.New("panther: stopped after 10 redirects")}
		}
		return nil
	}
	return &hc
}

// redirectError is a redirect refused by CheckRedirect: a decision, not a
// failure that resending would cure.
type redirectError struct{ err error }

func (e *redirectError) Error() string { return e.err.Error() }
func (e *redirectError) Unwrap() error { return e.err }

// defaultTransport is http.DefaultTransport with room for more idle
// connections per host: its 2 would make bulk calls with more workers close
// and reopen a connection for most requests. Shared by every Client that
// brings no transport of its own, as http.DefaultTransport would be.
var defaultTransport = sync.OnceValue(func() http.RoundTripper {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = maxIdleConnsPerHost
	t.MaxResponseHeaderBytes = MaxResponseHeaderBytes
	return t
})

// MaxResponseHeaderBytes bounds a response's headers on the default
// transport (net/http's own default is 10 MiB); a larger set fails the call
// and is not retried. A transport passed with [WithHTTPClient] keeps its own
// limit.
const MaxResponseHeaderBytes = 64 << 10

// maxIdleConnsPerHost bounds the idle connections kept to the API: enough for
// DefaultBulkConcurrency several times over.
const maxIdleConnsPerHost = 32

// closeIdleConnections passes CloseIdleConnections down a transport chain,
// so that http.Client.CloseIdleConnections reaches the base transport.
func closeIdleConnections(rt http.RoundTripper) {
	if c, ok := rt.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

// defaultTimeout is the cause of the deadline the default timeout sets, so
// that the error can say which timeout passed and how to change it. Like
// net/http's own timeout errors, it matches context.DeadlineExceeded and
// is a timeout, as net.Error reports one.
type defaultTimeout struct{ d time.Duration }

func (e *defaultTimeout) Error() string {
	return fmt.Sprintf("the default timeout (%s, panther.DefaultTimeout) passed before the answer was complete: "+
		"shorten it with a deadline on the call's context, or replace it with WithHTTPClient and an http.Client whose Timeout is yours", e.d)
}

// Is makes the error match context.DeadlineExceeded.
func (e *defaultTimeout) Is(target error) bool { return target == context.DeadlineExceeded }

// Timeout reports true, as net.Error.
func (e *defaultTimeout) Timeout() bool { return true }

// Temporary is Timeout, as net.Error asks.
func (e *defaultTimeout) Temporary() bool { return true }

// bound returns ctx ended by the default timeout e, or ctx itself (and a
// no-op) when e is nil (a Client given WithHTTPClient has none) or when ctx
// has a deadline of its own no later than e's: that one applies, and a
// deadline that could never pass first would only cost a timer.
func (e *defaultTimeout) bound(ctx context.Context) (context.Context, context.CancelFunc) {
	if e == nil {
		return ctx, func() {}
	}
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) <= e.d {
		return ctx, func() {}
	}
	return context.WithTimeoutCause(ctx, e.d, e)
}

// deadlineDoer sends Raw()'s requests through next within the default
// timeout, which runs until the response body is closed (or the request
// fails), the retries of retryTransport and their waits included.
type deadlineDoer struct {
	next    api.HttpRequestDoer
	timeout *defaultTimeout
}

// Do implements api.HttpRequestDoer.
func (d deadlineDoer) Do(req *http.Request) (*http.Response, error) {
	ctx, cancel := d.timeout.bound(req.Context())
	resp, err := d.next.Do(req.WithContext(ctx))
	if err != nil {
		cancel()
		return resp, err
	}
	resp.Body = &cancelingBody{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

// cancelingBody ends its request's deadline when it is closed.
type cancelingBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelingBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}
