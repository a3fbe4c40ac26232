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
type secret struct{ p *string }

func newSecret(s string) secret { return secret{p: &s} }

func (s secret) empty() bool    { return s.p == nil || *s.p == "" }
func (s secret) reveal() string { return *s.p }

// String reports whether a token is set, never the token.
func (s secret) String() string {
	if s.empty() {
		return "[unset]"
	}
	return "[redacted]"
}

func (s secret) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(s.String())) }
func (s secret) LogValue() slog.Value       { return slog.StringValue(s.String()) }

// redact replaces the token in text, in case a server echoes it in a
// message or a caller pastes it where a URL goes. It ignores case, since a
// host name, for one, is lowercased before it is printed.
func (s secret) redact(text string) string {
	if !s.in(text) {
		return text
	}
	tok := *s.p
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
	return b.String()
}

// in reports whether text contains the token, ignoring case.
func (s secret) in(text string) bool {
	if s.empty() || len(text) < len(*s.p) {
		return false
	}
	return strings.Contains(strings.ToLower(text), strings.ToLower(*s.p))
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
// with: hc, with the token cut from the URL that net/http quotes in its
// errors, which for a refused redirect is the redirect's target.
type scrubbingDoer struct {
	hc  *http.Client
	key secret
}

func (d scrubbingDoer) Do(req *http.Request) (*http.Response, error) {
	resp, err := d.hc.Do(req)
	if err == nil || !d.key.in(err.Error()) {
		return resp, err
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return resp, &url.Error{Op: ue.Op, URL: d.key.redact(ue.URL), Err: d.key.scrub(ue.Err)}
	}
	return resp, d.key.scrub(err)
}

// scrub returns err unchanged unless its text contains the token; then it
// returns an error with the token redacted from the text that still unwraps
// to err for errors.Is (context.Canceled and the like).
func (s secret) scrub(err error) error {
	if err == nil || !s.in(err.Error()) {
		return err
	}
	return &redactedError{msg: s.redact(err.Error()), err: err}
}

type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }
