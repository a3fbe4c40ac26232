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
// changed after [NewClient] returns. Its String, GoString, Format and LogValue
// methods redact the API token, and no error returned by this package contains
// it.
package panther

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/pantherkit/panther-go/api"
)

// Version is the version of this module, sent in the default User-Agent.
const Version = "0.1.0"

// DefaultUserAgent is the User-Agent header sent unless [WithUserAgent] sets another.
const DefaultUserAgent = "panther-go/" + Version

// DefaultTimeout bounds each request (connect, headers and body, the
// transport's retries and their waits included) when [WithHTTPClient] is not
// used; Create's lookups and resends after an ambiguous failure are requests
// of their own. Pass a context with a deadline to bound a whole call.
const DefaultTimeout = 60 * time.Second

// Environment variables read by [NewClientFromEnv]. The names match Panther's
// own tools: panther_analysis_tool reads PANTHER_API_HOST and PANTHER_API_TOKEN,
// the Terraform provider reads PANTHER_API_URL.
const (
	EnvAPIURL   = "PANTHER_API_URL"
	EnvAPIHost  = "PANTHER_API_HOST"
	EnvAPIToken = "PANTHER_API_TOKEN"
)

// Client talks to one Panther API deployment with one API token.
// Create it with [NewClient] or [NewClientFromEnv]; the zero value is not usable.
// It is safe for concurrent use.
type Client struct {
	// Users calls the /users endpoints.
	Users *UsersService

	// Everything below is behind a pointer, so that even printing a
	// dereferenced Client with %+v shows addresses, never the token.
	cfg  *config
	base *url.URL // normalized: scheme://host[/prefix], no trailing slash
	hc   *http.Client
	gen  *api.Client              // requests go through hc
	raw  *api.ClientWithResponses // the same gen, for Raw
}

// NewClient returns a Client for the Panther API at baseURL.
//
// baseURL is the API URL of the deployment, https://api.<your-panther-domain>.
// A bare host ("api.acme.runpanther.net") gets https://; the GraphQL URL
// people often paste (".../public/graphql") is cut back to the API root; a
// path prefix of a gateway ("https://gw.example.com/v1") is kept. Plain http://
// is accepted only for loopback hosts unless [WithInsecureHTTP](true).
// [WithAPIToken] is required.
func NewClient(baseURL string, opts ...Option) (*Client, error) {
	return newClient(baseURL, false, opts)
}

// NewClientFromEnv is [NewClient] configured from the environment: the base URL
// from PANTHER_API_URL, or PANTHER_API_HOST when PANTHER_API_URL is unset, and
// the token from PANTHER_API_TOKEN. [WithAPIToken] in opts overrides
// PANTHER_API_TOKEN, which is then ignored.
func NewClientFromEnv(opts ...Option) (*Client, error) {
	base := strings.TrimSpace(os.Getenv(EnvAPIURL))
	if base == "" {
		base = strings.TrimSpace(os.Getenv(EnvAPIHost))
	}
	if base == "" {
		return nil, fmt.Errorf("panther: no API URL: set %s (or %s) to https://api.<your-panther-domain>", EnvAPIURL, EnvAPIHost)
	}
	all := append(make([]Option, 0, len(opts)+1), opts...)
	if tok := os.Getenv(EnvAPIToken); tok != "" {
		// Last, and only when no option set a token: WithAPIToken overrides
		// the variable even when the variable would be refused.
		all = append(all, func(c *config) error {
			if !c.token.empty() {
				return nil
			}
			return WithAPIToken(tok)(c)
		})
	}
	return newClient(base, true, all)
}

func newClient(baseURL string, fromEnv bool, opts []Option) (*Client, error) {
	cfg := defaultConfig()
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(cfg); err != nil {
			return nil, err
		}
	}
	// Errors about the base URL quote parts of it: cut the token from them,
	// in case it was pasted there too.
	base, err := parseBaseURL(baseURL)
	if err != nil {
		return nil, cfg.token.scrub(err)
	}
	if base.Scheme == "http" && !cfg.insecureHTTP && !isLoopback(base.Hostname()) {
		return nil, cfg.token.scrub(fmt.Errorf("panther: base URL uses plain http:// for non-loopback host %q: the token would travel unencrypted; use https:// or WithInsecureHTTP(true)", base.Hostname()))
	}
	if cfg.token.empty() {
		if fromEnv {
			return nil, fmt.Errorf("panther: no API token: set %s or pass WithAPIToken", EnvAPIToken)
		}
		return nil, errors.New("panther: no API token: pass WithAPIToken (or use NewClientFromEnv with " + EnvAPIToken + ")")
	}

	hc := newHTTPClient(cfg, originOf(base))
	gen, err := api.NewClient(base.String(), api.WithHTTPClient(scrubbingDoer{hc: hc, key: cfg.token}))
	if err != nil {
		return nil, fmt.Errorf("panther: building generated client: %w", err)
	}
	raw := *gen // Raw's own copy: a caller changing it must not change c.Users
	c := &Client{cfg: cfg, base: base, hc: hc, gen: gen, raw: &api.ClientWithResponses{ClientInterface: &raw}}
	c.Users = &UsersService{client: c}
	return c, nil
}

// Raw returns the generated client for calls this package does not wrap. It
// sends requests through the same *http.Client as c: the API key is added only
// for the configured origin, cross-origin redirects are refused, the
// User-Agent is set, failures are retried by method (see [RetryPolicy]), and
// bodies are capped as [WithMaxResponseSize] says (a longer body makes the
// call fail with an error matching [ErrResponseTooLarge]). Its responses are
// not otherwise checked: undeclared statuses come back with a nil error and
// nil JSON fields, so check StatusCode yourself. The returned client is c's
// own copy: changing it (RequestEditors, say) does not change c's other calls.
func (c *Client) Raw() *api.ClientWithResponses { return c.raw }

// BaseURL returns the normalized base URL requests are sent to, without a
// trailing slash, for example "https://api.acme.runpanther.net".
func (c *Client) BaseURL() string { return c.base.String() }

// CloseIdleConnections closes idle keep-alive connections of the underlying
// transport. Call it when done with a Client that should not keep sockets open.
func (c *Client) CloseIdleConnections() { c.hc.CloseIdleConnections() }

// String describes c without its token.
func (c *Client) String() string {
	if c == nil {
		return "panther.Client(nil)"
	}
	return fmt.Sprintf("panther.Client{BaseURL: %q, UserAgent: %q, Token: %s}", c.printableBase(), c.cfg.userAgent, c.cfg.token)
}

// GoString is String, so %#v does not print the token either.
func (c *Client) GoString() string { return c.String() }

// Format prints [Client.String] for every verb, so %v, %+v, %#v and %s all
// redact the token.
func (c *Client) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(c.String())) }

// LogValue makes slog print c as a group with the token redacted.
func (c *Client) LogValue() slog.Value {
	if c == nil {
		return slog.StringValue("<nil>")
	}
	return slog.GroupValue(
		slog.String("base_url", c.printableBase()),
		slog.String("user_agent", c.cfg.userAgent),
		slog.Any("token", c.cfg.token),
	)
}

// printableBase is the base URL for printing: without the token, in case a
// caller pasted it there.
func (c *Client) printableBase() string { return c.cfg.token.redact(c.base.String()) }

// Option configures a Client in [NewClient]. Options that get an invalid
// value make NewClient fail with an error naming the option.
type Option func(*config) error

// config is everything the options set. Its zero value is not used; see defaultConfig.
type config struct {
	token        secret
	httpClient   *http.Client // the caller's; copied, never changed
	userAgent    string
	retry        RetryPolicy
	insecureHTTP bool
	logger       *slog.Logger

	// maxBody caps every response body, in the transport (limits.go).
	maxBody int64
}

func defaultConfig() *config {
	return &config{
		userAgent: DefaultUserAgent,
		retry:     DefaultRetryPolicy(),
		logger:    slog.New(slog.DiscardHandler),
		maxBody:   DefaultMaxResponseSize,
	}
}

// minTokenLength is the shortest token WithAPIToken accepts.
const minTokenLength = 8

// WithAPIToken sets the Panther API token sent as X-API-Key. It is required.
// Surrounding white space (a newline read from a file) is dropped; a token
// shorter than 8 characters is refused as truncated or a placeholder. The
// token is never sent to another origin, printed, logged or put in an error.
func WithAPIToken(token string) Option {
	return func(c *config) error {
		// A local: an Option may be applied by many NewClient calls at once.
		token := strings.TrimSpace(token)
		if token == "" {
			return errors.New("panther: WithAPIToken: token is empty")
		}
		for _, r := range token {
			if r < 0x21 || r > 0x7e {
				// Never echo the token: say what is wrong, not where.
				return errors.New("panther: WithAPIToken: token contains white space or a non-printable character")
			}
		}
		if len(token) < minTokenLength {
			// Likely truncated or a placeholder; and a secret this short would
			// be "found" in every error message it was redacted from.
			return fmt.Errorf("panther: WithAPIToken: token is too short to be a Panther API token (%d characters, want at least %d)", len(token), minTokenLength)
		}
		c.token = newSecret(token)
		return nil
	}
}

// WithHTTPClient makes the Client send requests with a copy of hc, so its
// Timeout, Jar and Transport (proxies, TLS settings) apply. hc itself is never
// changed: the copy wraps hc's Transport (when nil, a clone of
// http.DefaultTransport made once, with more idle connections per host) with
// the layers that add the API key and retry, and refuses redirects to another
// origin before consulting hc.CheckRedirect.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return errors.New("panther: WithHTTPClient: client is nil")
		}
		c.httpClient = hc
		return nil
	}
}

// WithUserAgent sets the User-Agent header, replacing [DefaultUserAgent].
// Consider keeping the default as a suffix: "my-tool/1.2 " + panther.DefaultUserAgent.
func WithUserAgent(ua string) Option {
	return func(c *config) error {
		if strings.TrimSpace(ua) == "" {
			return errors.New("panther: WithUserAgent: user agent is empty")
		}
		if strings.ContainsAny(ua, "\r\n\x00") {
			return errors.New("panther: WithUserAgent: user agent contains a line break or NUL")
		}
		c.userAgent = ua
		return nil
	}
}

// WithInsecureHTTP accepts, when allow is true, a plain http:// base URL for a
// host that is not loopback. The token then crosses the network unencrypted; use it only for a
// trusted local proxy. Loopback hosts (127.0.0.0/8, ::1, localhost) never need it.
func WithInsecureHTTP(allow bool) Option {
	return func(c *config) error {
		c.insecureHTTP = allow
		return nil
	}
}

// WithLogger sets where the Client logs at debug level: each call (operation,
// method, path template, status, attempts, duration) and each retry (attempt,
// status or error, wait). [Client.Raw] calls are logged with the path as
// sent, since they have no template. Headers, bodies and query values are
// never logged, so neither is the key, and the key is cut from any error text
// that is. A nil logger turns logging off, which is the default.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		c.logger = l
		if l == nil {
			c.logger = slog.New(slog.DiscardHandler)
		}
		return nil
	}
}

// parseBaseURL turns what a user passes as the API URL into
// scheme://host[/prefix] without a trailing slash, or says what is wrong.
func parseBaseURL(raw string) (*url.URL, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return nil, errors.New("panther: base URL is empty: use https://api.<your-panther-domain>")
	}
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		// url.Parse quotes the whole input, which may hold credentials: keep only the reason.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("panther: base URL does not parse: %w", err)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	switch {
	case u.Scheme != "https" && u.Scheme != "http":
		return nil, fmt.Errorf("panther: base URL scheme %q is not supported: use https://", u.Scheme)
	case u.User != nil:
		return nil, errors.New("panther: base URL must not contain user info: pass the token with WithAPIToken")
	case u.Host == "" || u.Hostname() == "":
		return nil, errors.New("panther: base URL has no host: use https://api.<your-panther-domain>")
	case u.RawQuery != "" || u.ForceQuery:
		return nil, errors.New("panther: base URL must not have a query (?...)")
	case u.Fragment != "" || strings.Contains(s, "#"):
		return nil, errors.New("panther: base URL must not have a fragment (#...)")
	case u.Opaque != "":
		return nil, errors.New("panther: base URL does not parse: missing // after the scheme")
	}
	u.Host = strings.ToLower(u.Host)
	p := strings.TrimRight(u.Path, "/")
	const graphql = "/public/graphql"
	if len(p) >= len(graphql) && strings.EqualFold(p[len(p)-len(graphql):], graphql) {
		p = strings.TrimRight(p[:len(p)-len(graphql)], "/")
	}
	u.Path, u.RawPath = p, ""
	return u, nil
}

// isLoopback reports whether host (no port, no brackets) is 127.0.0.0/8, ::1 or localhost.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.Unmap().IsLoopback()
}

// call is the one place where a request is sent and its response read: a 2xx
// JSON body is decoded into out (left alone when out is nil), and every other
// outcome becomes an error: *APIError for any answer that is not a usable
// success, a wrapped transport error otherwise (context errors stay visible
// to errors.Is). The body is always read up to its cap and closed.
//
// st names the operation and records what happened on the wire (last
// status, attempts, whether an attempt may have been applied).
func (c *Client) call(ctx context.Context, st *callState, send func(context.Context) (*http.Response, error), out any) (err error) {
	start := time.Now()
	op := st.op
	ctx = withCallState(ctx, st)
	defer func() { c.logCall(ctx, st, start, err) }()

	resp, err := send(ctx)
	if err != nil {
		// net/http names the URL sent, with ids and query values (an email):
		// name the template instead, as APIError does, keeping the *url.Error.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = &url.Error{Op: ue.Op, URL: c.base.String() + op.path, Err: ue.Err}
		}
		return fmt.Errorf("panther: %s %s: %w", op.method, op.path, c.cfg.token.scrub(err))
	}
	defer func() { _ = resp.Body.Close() }()
	st.status = resp.StatusCode

	success := resp.StatusCode >= 200 && resp.StatusCode <= 299
	limit := c.cfg.maxBody // which limitTransport enforces on the body already
	if !success {
		limit = min(maxErrorBody, c.cfg.maxBody) // error bodies are cut shorter
	}
	body, _, rerr := readBody(resp.Body, resp.ContentLength, limit)
	if !success {
		// A broken or oversized error body still yields the status.
		return newAPIError(op, resp, body, c.base, time.Now(), c.cfg.token)
	}
	if tl := (*tooLargeError)(nil); errors.As(rerr, &tl) {
		e := *tl // limitTransport's, naming the call
		e.where = fmt.Sprintf("%s %s: %d", op.method, op.path, resp.StatusCode)
		return &e
	}
	if rerr != nil {
		return fmt.Errorf("panther: %s %s: %d: reading response body: %w", op.method, op.path, resp.StatusCode, c.cfg.token.scrub(rerr))
	}
	if looksLikeHTML(resp.Header, body) {
		return &APIError{StatusCode: resp.StatusCode, Method: op.method, Path: op.path,
			Message: c.cfg.token.redact(htmlMessage(resp.StatusCode, c.base))}
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		if errors.Is(err, ErrPageTooLarge) || errors.Is(err, ErrCursorTooLarge) {
			return err // a page refused on purpose, not broken JSON
		}
		return &APIError{StatusCode: resp.StatusCode, Method: op.method, Path: op.path,
			Message: "response is not the expected JSON: " + cleanMessage(c.cfg.token.redact(err.Error()))}
	}
	return nil
}

// logCall logs one call at debug level: never headers, bodies or query values.
func (c *Client) logCall(ctx context.Context, st *callState, start time.Time, err error) {
	attrs := []slog.Attr{
		slog.String("op", st.op.name),
		slog.String("method", st.op.method),
		slog.String("path", st.op.path),
		slog.Int("status", st.status),
		slog.Int("attempts", st.attempts),
		slog.Duration("duration", time.Since(start)),
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	c.cfg.logger.LogAttrs(ctx, slog.LevelDebug, "panther request", attrs...)
}
