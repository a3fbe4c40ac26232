// This file holds what keeps the API key safe: the key is stored in a type
// that never prints, added only to requests for the configured API origin
// (authTransport), removed from every other request, and cut from errors.
// Redirects to another origin are refused (transport.go). Every simpler
// approach (a RequestEditorFn, securityprovider, a RoundTripper that always
// sets the header) forwards the key to whatever host a 302/307 names.

package panther

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// headerAPIKey is the header Panther reads the token from, in canonical form
// (as Header.Set would store "X-API-Key"), so that a caller's transport finds
// it with Header.Get and removes it with Header.Del.
var headerAPIKey = http.CanonicalHeaderKey("X-API-Key")

// ErrCrossOriginRedirect is returned (wrapped in a *url.Error) when the server
// answers with a redirect to another scheme, host or port. Such redirects are
// never followed: the request would reach a server that is not the API.
var ErrCrossOriginRedirect = errors.New("panther: redirect to another origin refused")

// secret holds the API token. It prints as [redacted] however it is
// formatted, and holds the value behind a pointer so that printing a struct
// containing it (fmt cannot call methods of unexported fields) shows an
// address rather than the token.
type secret struct{ p *secretForms }

// secretForms is the token as given and as it may appear in a URL (path- or
// query-escaped, when escaping changes it), each of which redact cuts.
type secretForms struct {
	token string
	forms []string
}

func newSecret(s string) secret {
	f := &secretForms{token: s, forms: []string{s}}
	for _, e := range []string{url.PathEscape(s), url.QueryEscape(s)} {
		if !slices.Contains(f.forms, e) {
			f.forms = append(f.forms, e)
		}
	}
	return secret{p: f}
}

func (s secret) empty() bool    { return s.p == nil || s.p.token == "" }
func (s secret) reveal() string { return s.p.token }

// String reports whether a token is set, never the token.
func (s secret) String() string {
	if s.empty() {
		return "[unset]"
	}
	return "[redacted]"
}

func (s secret) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(s.String())) }
func (s secret) LogValue() slog.Value       { return slog.StringValue(s.String()) }

// redact replaces the token, raw or URL-escaped, in text, in case a server
// echoes it in a message or puts it in a redirect. It ignores case, since a
// host name, for one, is lowercased before it is printed.
func (s secret) redact(text string) string {
	if !s.in(text) {
		return text
	}
	for _, tok := range s.p.forms {
		var b strings.Builder
		for i := 0; i < len(text); {
			if i+len(tok) <= len(text) && strings.EqualFold(text[i:i+len(tok)], tok) {
				b.WriteString("[redacted]")
				i += len(tok)
				continue
			}
			b.WriteByte(text[i])
			i++
		}
		text = b.String()
	}
	return text
}

// in reports whether text contains the token, raw or URL-escaped, ignoring
// case.
func (s secret) in(text string) bool {
	if s.empty() || len(text) < len(s.p.token) {
		return false
	}
	lower := strings.ToLower(text)
	for _, tok := range s.p.forms {
		if strings.Contains(lower, strings.ToLower(tok)) {
			return true
		}
	}
	return false
}

// origin is what the key is bound to: scheme, host and port, normalized so
// that https://API.example.com and https://api.example.com:443 are equal.
type origin struct{ scheme, host, port string }

func originOf(u *url.URL) origin {
	o := origin{scheme: strings.ToLower(u.Scheme), host: strings.ToLower(u.Hostname()), port: u.Port()}
	if o.port == "" {
		switch o.scheme {
		case "https":
			o.port = "443"
		case "http":
			o.port = "80"
		}
	}
	return o
}

func (o origin) String() string { return o.scheme + "://" + o.host + ":" + o.port }

// authTransport adds the API key to requests for the configured origin and
// removes any API key header from requests for every other origin. It also
// sets the User-Agent on the API's requests that have none.
type authTransport struct {
	next   http.RoundTripper
	origin origin
	key    secret
	// Header values built once: net/http never changes a header's values,
	// so every request can share them.
	keyHeader, uaHeader []string
}

// RoundTrip implements http.RoundTripper. It never changes req: it sends a
// shallow copy with its own header map when a header has to be added or
// removed (the values are shared, and never written).
func (t *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL != nil && originOf(req.URL) == t.origin {
		r := withHeaderCopy(req, 2)
		deleteAPIKey(r.Header)
		r.Header[headerAPIKey] = t.keyHeader
		if len(r.Header["User-Agent"]) == 0 {
			r.Header["User-Agent"] = t.uaHeader
		}
		return t.next.RoundTrip(r)
	}
	if hasAPIKey(req.Header) {
		r := withHeaderCopy(req, 0)
		deleteAPIKey(r.Header)
		return t.next.RoundTrip(r)
	}
	return t.next.RoundTrip(req)
}

// withHeaderCopy returns a shallow copy of req with its own header map, sized
// for extra more entries: cheaper than req.Clone, which also copies every
// header value and the URL.
func withHeaderCopy(req *http.Request, extra int) *http.Request {
	r := new(http.Request)
	*r = *req
	r.Header = make(http.Header, len(req.Header)+extra)
	for k, v := range req.Header {
		r.Header[k] = v
	}
	return r
}

// CloseIdleConnections lets http.Client.CloseIdleConnections reach the base transport.
func (t *authTransport) CloseIdleConnections() {
	closeIdleConnections(t.next)
}

// Format keeps the key out of any printout of the transport.
func (t *authTransport) Format(f fmt.State, _ rune) {
	_, _ = fmt.Fprintf(f, "panther.authTransport{origin: %s, key: %s}", t.origin, t.key)
}

// hasAPIKey and deleteAPIKey match the header name case-insensitively: a
// caller may have written the map directly with a non-canonical key.
func hasAPIKey(h http.Header) bool {
	for k := range h {
		if strings.EqualFold(k, headerAPIKey) {
			return true
		}
	}
	return false
}

func deleteAPIKey(h http.Header) {
	for k := range h {
		if strings.EqualFold(k, headerAPIKey) {
			delete(h, k)
		}
	}
}

// scrubbingDoer is what the generated client (Raw()'s too) sends requests
// with: hc, with the token cut from the errors net/http returns (their URL,
// for a refused redirect, is the redirect's target).
type scrubbingDoer struct {
	hc  *http.Client
	key secret
}

func (d scrubbingDoer) Do(req *http.Request) (*http.Response, error) {
	resp, err := d.hc.Do(req)
	return resp, d.key.scrub(err)
}

// scrub returns err unchanged unless the token, in any form, is somewhere in
// its chain (in the text of any error it wraps, or in a *url.Error's URL).
// Then it returns a copy of the chain in which no error holds the token:
// each *url.Error is copied with its URL redacted, and every other error
// that holds it is replaced by one with its text redacted that still
// matches, with errors.Is, whatever the original matched (context.Canceled
// and the like) and still reports its Timeout.
func (s secret) scrub(err error) error {
	if err == nil || !s.taints(err) {
		return err
	}
	if ue, ok := err.(*url.Error); ok { //nolint:errorlint // this node, not the chain
		return &url.Error{Op: ue.Op, URL: s.redact(ue.URL), Err: s.scrub(ue.Err)}
	}
	r := &redactedError{msg: s.redact(err.Error()), orig: err}
	switch u := err.(type) { //nolint:errorlint // this node's own wrapping
	case interface{ Unwrap() error }:
		if next := u.Unwrap(); next != nil {
			r.next = []error{s.scrub(next)}
		}
	case interface{ Unwrap() []error }:
		for _, next := range u.Unwrap() {
			r.next = append(r.next, s.scrub(next))
		}
	}
	return r
}

// taints reports whether err or anything it wraps holds the token.
func (s secret) taints(err error) bool {
	if err == nil {
		return false
	}
	if s.in(err.Error()) {
		return true
	}
	switch u := err.(type) { //nolint:errorlint // walking the chain by hand
	case *url.Error:
		return s.in(u.URL) || s.taints(u.Err)
	case interface{ Unwrap() error }:
		return s.taints(u.Unwrap())
	case interface{ Unwrap() []error }:
		return slices.ContainsFunc(u.Unwrap(), s.taints)
	}
	return false
}

// redactedError stands in for an error that held the token.
type redactedError struct {
	msg  string
	orig error   // for Is and Timeout only: never returned
	next []error // the scrubbed errors orig wrapped
}

func (e *redactedError) Error() string   { return e.msg }
func (e *redactedError) Unwrap() []error { return e.next }

// Is matches what the original error matched.
func (e *redactedError) Is(target error) bool { return errors.Is(e.orig, target) }

// Timeout reports whether the original error was a timeout, as net.Error.
func (e *redactedError) Timeout() bool {
	var t interface{ Timeout() bool }
	return errors.As(e.orig, &t) && t.Timeout()
}

// Temporary is Timeout, as net.Error asks.
func (e *redactedError) Temporary() bool { return e.Timeout() }
