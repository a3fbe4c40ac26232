// This file holds the Client: NewClient and its options, the base URL rules,
// and how a Client prints. Requests go through call.go; the transport chain
// is in transport.go.

package panther

import (
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

// DefaultTimeout bounds each call when [WithHTTPClient] is not used: from
// its first request to the last byte of its answer, retries and the waits
// between them included. A call is one operation sent and answered: one
// page of [UsersService.List] and [UsersService.Pages], the create and each
// lookup of [UsersService.Create], one request of [Client.Raw] (until its
// body is closed). When it passes, the error
// matches [context.DeadlineExceeded], is a timeout as [net.Error] reports
// one, and says that this timeout passed. A deadline on the call's context
// that comes sooner applies instead; with WithHTTPClient, the given
// client's Timeout applies (0 for none), as net/http applies it to each
// request the client sends.
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
	cfg   *config
	base  *url.URL                 // normalized: scheme://host[/prefix], no trailing slash
	hc    *http.Client             // the wrapper's calls; Raw's shares its base transport
	retry *retrier                 // call's resends
	gen   *api.Client              // requests go through hc
	raw   *api.ClientWithResponses // Raw's, through a client that resends by method
	// timeout bounds each call (call.go) and Raw() request; nil when the
	// caller's http.Client brings its own Timeout.
	timeout *defaultTimeout
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
	if containsToken(cfg.token, baseURL) {
		// Everything prints the base URL; a token in it would be everywhere.
		return nil, errors.New("panther: the base URL contains the API token: pass the token only with WithAPIToken (or PANTHER_API_TOKEN), never in the URL")
	}
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

	var timeout *defaultTimeout // nil: the caller's http.Client has its own Timeout
	if cfg.httpClient == nil && cfg.timeout > 0 {
		timeout = &defaultTimeout{d: cfg.timeout}
	}
	r := newRetrier(cfg.retry, cfg.logger, cfg.token)
	hc, rawHC := newHTTPClients(cfg, originOf(base), r)
	gen, err := api.NewClient(base.String(), api.WithHTTPClient(scrubbingDoer{hc: hc, key: cfg.token}))
	if err != nil {
		return nil, fmt.Errorf("panther: building generated client: %w", err)
	}
	// Raw's own generated client: a caller changing it (RequestEditors, say)
	// must not change c.Users, and its requests resend by method.
	rawDoer := api.HttpRequestDoer(scrubbingDoer{hc: rawHC, key: cfg.token})
	if timeout != nil {
		rawDoer = deadlineDoer{next: rawDoer, timeout: timeout}
	}
	raw, err := api.NewClientWithResponses(base.String(), api.WithHTTPClient(rawDoer))
	if err != nil {
		return nil, fmt.Errorf("panther: building generated client: %w", err)
	}
	c := &Client{cfg: cfg, base: base, hc: hc, retry: r, gen: gen, raw: raw, timeout: timeout}
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
	return fmt.Sprintf("panther.Client{BaseURL: %q, UserAgent: %q, Token: %s}", c.base, c.cfg.userAgent, c.cfg.token)
}

// Format prints [Client.String] for every verb, so %v, %+v, %#v and %s all
// redact the token.
func (c *Client) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(c.String())) }

// LogValue makes slog print c as a group with the token redacted.
func (c *Client) LogValue() slog.Value {
	if c == nil {
		return slog.StringValue("<nil>")
	}
	return slog.GroupValue(
		slog.String("base_url", c.base.String()),
		slog.String("user_agent", c.cfg.userAgent),
		slog.Any("token", c.cfg.token),
	)
}

// containsToken reports whether raw, as given or percent-decoded, holds the
// token in any form.
func containsToken(key secret, raw string) bool {
	if key.in(raw) {
		return true
	}
	for _, unescape := range []func(string) (string, error){url.PathUnescape, url.QueryUnescape} {
		if u, err := unescape(raw); err == nil && key.in(u) {
			return true
		}
	}
	return false
}

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
	// timeout is DefaultTimeout (tests shorten it); it applies only when
	// httpClient is nil.
	timeout time.Duration

	// maxBody caps every response body, in the transport (limits.go).
	maxBody int64
}

func defaultConfig() *config {
	return &config{
		userAgent: DefaultUserAgent,
		retry:     DefaultRetryPolicy(),
		logger:    slog.New(slog.DiscardHandler),
		timeout:   DefaultTimeout,
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
// Timeout (instead of [DefaultTimeout]), Jar and Transport (proxies, TLS
// settings) apply. hc itself is never changed: the copy wraps hc's Transport
// (when nil, a clone of http.DefaultTransport made once, with more idle
// connections per host) with the layers that add the API key and retry, and
// refuses redirects to another origin before consulting hc.CheckRedirect.
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
