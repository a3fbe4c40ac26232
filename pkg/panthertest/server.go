package panthertest

// This file holds the Server type: starting, stopping, seeding and the
// accessors tests use to look inside.

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	"github.com/pantherkit/panther-go/api"
)

// Server is a fake Panther Users API listening on a local address. Create it
// with [NewServer] or [Start]; it is safe for concurrent use.
type Server struct {
	// URL is the base URL of the API, e.g. "http://127.0.0.1:41234" or, with
	// WithPathPrefix("/v1"), "http://127.0.0.1:41234/v1"; no trailing slash.
	URL string
	// Token is an API key with "Read User Info" and "Manage Users".
	Token string
	// ReadOnlyToken is an API key with "Read User Info" only.
	ReadOnlyToken string

	cfg  config
	spec *spec
	api  http.Handler // generated routes

	ctx    context.Context // canceled by Close: ends waits and slow bodies
	cancel context.CancelFunc

	mu     sync.Mutex // guards store and tokens
	store  *store
	tokens map[string]map[Permission]bool

	fmu     sync.Mutex // guards faults and limiter
	faults  []*queuedFault
	limiter *rateLimiter // nil without WithRateLimit

	lmu  sync.Mutex // guards log and errs
	log  []*Request
	errs []error

	ts     *httptest.Server
	client *http.Client // Close closes its idle connections
}

// NewServer starts a fake listening on 127.0.0.1 on a free port (or the
// address given with WithAddr). Like httptest.NewServer it panics if it
// cannot listen, and, as httptest does for misuse, if an option has a bad
// value (e.g. "panthertest: WithLatency: must not be negative, got -1s");
// use [Start] to get an error instead.
func NewServer(opts ...Option) *Server {
	s, err := Start(opts...)
	if err != nil {
		panic(err)
	}
	return s
}

// Start is like [NewServer] but returns an error when the options are invalid
// or the address cannot be listened on.
func Start(opts ...Option) (*Server, error) {
	s, err := newServer(opts)
	if err != nil {
		return nil, err
	}
	ln, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", s.cfg.addr)
	if err != nil {
		s.cancel()
		return nil, fmt.Errorf("panthertest: listen on %s: %w", s.cfg.addr, err)
	}
	s.client = &http.Client{Transport: &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		MaxIdleConns:        100,
		MaxIdleConnsPerHost: 100,
		IdleConnTimeout:     30 * time.Second,
	}}
	// A literal rather than NewUnstartedServer, which would bind a listener
	// of its own only for it to be replaced by ln (WithAddr).
	s.ts = &httptest.Server{
		Listener: ln,
		Config: &http.Server{
			Handler:           s.Handler(),
			ReadHeaderTimeout: 10 * time.Second,
			BaseContext:       func(net.Listener) context.Context { return s.ctx },
		},
	}
	s.ts.Start()
	s.URL = s.ts.URL + s.cfg.prefix
	if s.cfg.tb != nil {
		s.cfg.tb.Cleanup(s.Close)
	}
	return s, nil
}

// newServer builds everything but the listener.
func newServer(opts []Option) (*Server, error) {
	cfg := defaultConfig()
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.err != nil {
		return nil, cfg.err
	}
	sp, err := loadSpec()
	if err != nil {
		return nil, fmt.Errorf("panthertest: %w", err)
	}
	s := &Server{
		cfg:    cfg,
		spec:   sp,
		store:  newStore(cfg.roles),
		tokens: map[string]map[Permission]bool{},
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	if cfg.rps > 0 {
		s.limiter = newRateLimiter(cfg.rps)
	}
	s.api = newAPIHandler(s)
	s.Token = s.NewToken(PermUserRead, PermUserModify)
	s.ReadOnlyToken = s.NewToken(PermUserRead)
	if cfg.users > 0 {
		s.SeedUsers(cfg.users)
	}
	if cfg.org > 0 {
		s.mu.Lock()
		s.store.seedOrg(cfg.org, cfg.seed, cfg.now())
		s.mu.Unlock()
	}
	return s, nil
}

// Close stops the server: it cancels pending latency and slow bodies, closes
// the listener and every connection, waits for handlers to return and closes
// the idle connections of [Server.Client]. It is safe to call more than once.
func (s *Server) Close() {
	s.cancel()
	// Before ts.Close, which waits for active connections: a huge body
	// written to a client that stopped reading would otherwise block it.
	s.ts.CloseClientConnections()
	s.ts.Close()
	s.client.CloseIdleConnections()
}

// Client returns an HTTP client for the server, like httptest.Server.Client;
// Close closes its idle connections. It does not add the API key.
func (s *Server) Client() *http.Client {
	return s.client
}

// Handler returns the whole fake (routing, auth, validation, faults, latency,
// request log) as an http.Handler, for mounting in another server. It serves
// paths under the prefix given with WithPathPrefix.
func (s *Server) Handler() http.Handler {
	return http.HandlerFunc(s.serve)
}

// AddUser seeds one user and returns it as stored. A nil Id gets a random
// UUID (use "PantherSSO_<email>" for an SSO-style id); Role is resolved by id
// or name and comes back with both; CreatedAt defaults to now and Status to
// "CONFIRMED"; Enabled is kept as given (false is a deactivated user). A
// duplicate email (case-insensitive) or id, an unknown role or an id of "",
// "." or ".." is an error.
func (s *Server) AddUser(u api.UserAPIUser) (api.UserAPIUser, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.store.add(cloneUser(u), s.cfg.now())
}

// SeedUsers adds n deterministic users and returns them: emails
// "user00001@example.com" onwards (numbering continues across calls), varied
// given and family names, roles cycling through [Server.Roles], ids that are
// UUIDs derived from the email, all enabled and "CONFIRMED", none with a
// login time. For an org with the variety of a real one, see [WithOrg].
func (s *Server) SeedUsers(n int) []api.UserAPIUser {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.store.seed(n, s.cfg.now())
}

// Users returns a snapshot of every user, deactivated ones included, in list
// order.
func (s *Server) Users() []api.UserAPIUser {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.store.snapshot()
}

// Roles returns the roles users can be given: [DefaultRoles] unless replaced
// with WithRoles.
func (s *Server) Roles() []api.UserAPIRole {
	s.mu.Lock()
	defer s.mu.Unlock()
	return cloneRoles(s.store.roles)
}

// Errors returns the responses the fake produced that did not match the spec
// (each answered as a 500 instead), in order. It is empty unless the fake
// has a bug.
func (s *Server) Errors() []error {
	s.lmu.Lock()
	defer s.lmu.Unlock()
	return append([]error(nil), s.errs...)
}
