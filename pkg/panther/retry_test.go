package panther_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pantherkit/panther-go/pkg/panther"
	"github.com/pantherkit/panther-go/pkg/panthertest"
)

// fastRetries retries like the default policy, without the waits.
var fastRetries = panther.WithRetryPolicy(panther.RetryPolicy{MaxRetries: 3, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond})

// TestFaultMatrix drives one call per fault the fake can inject and checks
// the outcome and how many requests of each operation the fake saw.
func TestFaultMatrix(t *testing.T) {
	t.Parallel()
	const email = "new.hire@example.com"
	create := func(ctx context.Context, c *panther.Client, _ string) error {
		_, err := c.Users.Create(ctx, newInput(email))
		return err
	}
	get := func(ctx context.Context, c *panther.Client, id string) error {
		_, err := c.Users.Get(ctx, id)
		return err
	}
	update := func(ctx context.Context, c *panther.Client, id string) error {
		_, err := c.Users.Update(ctx, id, newInput("renamed@example.com"))
		return err
	}
	del := func(ctx context.Context, c *panther.Client, id string) error { return c.Users.Delete(ctx, id) }
	list := func(ctx context.Context, c *panther.Client, _ string) error {
		_, err := collect(c.Users.List(ctx, &panther.ListUsersOptions{PageSize: 2}))
		return err
	}
	is := func(target error) func(error) bool { return func(err error) bool { return errors.Is(err, target) } }
	status := func(code int) func(error) bool {
		return func(err error) bool {
			var e *panther.APIError
			return errors.As(err, &e) && e.StatusCode == code
		}
	}
	apiErr := func(code int, msg string) func(error) bool {
		return func(err error) bool {
			var e *panther.APIError
			return errors.As(err, &e) && e.StatusCode == code && strings.Contains(e.Message, msg)
		}
	}
	transportErr := func(err error) bool {
		var e *panther.APIError
		return err != nil && !errors.As(err, &e) && strings.HasPrefix(err.Error(), "panther: GET /users/{id}: ")
	}
	tests := []struct {
		name    string
		fault   panthertest.Fault
		call    func(context.Context, *panther.Client, string) error
		wantErr func(error) bool // nil: success
		wantOps map[string]int
	}{
		{name: "429 without Retry-After, get", fault: panthertest.Fault{Op: "user#get", Kind: panthertest.FaultStatus, Status: 429},
			call: get, wantOps: map[string]int{"user#get": 2}},
		{name: "429 with Retry-After, create", fault: panthertest.Fault{Op: "user#create", Kind: panthertest.FaultStatus, Status: 429, RetryAfter: "1"},
			call: create, wantOps: map[string]int{"user#create": 2}},
		{name: "429 that never ends", fault: panthertest.Fault{Op: "user#get", Kind: panthertest.FaultStatus, Status: 429, Count: -1},
			call: get, wantErr: is(panther.ErrRateLimited), wantOps: map[string]int{"user#get": 4}},
		{name: "429 that never ends, create", fault: panthertest.Fault{Op: "user#create", Kind: panthertest.FaultStatus, Status: 429, Count: -1},
			call: create, wantErr: apiErr(429, "injected fault"), wantOps: map[string]int{"user#create": 4}},
		{name: "500, get", fault: panthertest.Fault{Op: "user#get", Kind: panthertest.FaultStatus, Status: 500},
			call: get, wantOps: map[string]int{"user#get": 2}},
		{name: "502, list", fault: panthertest.Fault{Op: "user#list", Kind: panthertest.FaultStatus, Status: 502},
			call: list, wantOps: map[string]int{"user#list": 3}},
		{name: "503, update", fault: panthertest.Fault{Op: "user#update", Kind: panthertest.FaultStatus, Status: 503},
			call: update, wantOps: map[string]int{"user#update": 2}},
		{name: "504, delete", fault: panthertest.Fault{Op: "user#delete", Kind: panthertest.FaultStatus, Status: 504},
			call: del, wantOps: map[string]int{"user#delete": 2}},
		{name: "503 on create, not applied", fault: panthertest.Fault{Op: "user#create", Kind: panthertest.FaultStatus, Status: 503},
			call: create, wantOps: map[string]int{"user#create": 2, "user#list": 1}},
		{name: "503 that never ends", fault: panthertest.Fault{Op: "user#get", Kind: panthertest.FaultStatus, Status: 503, Count: -1},
			call: get, wantErr: status(503), wantOps: map[string]int{"user#get": 4}},
		{name: "503 that never ends, create", fault: panthertest.Fault{Op: "user#create", Kind: panthertest.FaultStatus, Status: 503, Count: -1},
			call: create, wantErr: status(503), wantOps: map[string]int{"user#create": 4, "user#list": 3}},
		{name: "501 is not retried", fault: panthertest.Fault{Op: "user#get", Kind: panthertest.FaultStatus, Status: 501},
			call: get, wantErr: status(501), wantOps: map[string]int{"user#get": 1}},
		{name: "reset, get", fault: panthertest.Fault{Op: "user#get", Kind: panthertest.FaultReset},
			call: get, wantOps: map[string]int{"user#get": 2}},
		{name: "reset that never ends", fault: panthertest.Fault{Op: "user#get", Kind: panthertest.FaultReset, Count: -1},
			call: get, wantErr: transportErr, wantOps: map[string]int{"user#get": 4}},
		{name: "reset, create", fault: panthertest.Fault{Op: "user#create", Kind: panthertest.FaultReset},
			call: create, wantOps: map[string]int{"user#create": 2, "user#list": 1}},
		{name: "503 after write, create", fault: panthertest.Fault{Op: "user#create", Kind: panthertest.FaultAfterWrite, Status: 503},
			call: create, wantOps: map[string]int{"user#create": 1, "user#list": 1}},
		{name: "503 after write, update", fault: panthertest.Fault{Op: "user#update", Kind: panthertest.FaultAfterWrite, Status: 503},
			call: update, wantOps: map[string]int{"user#update": 2}},
		{name: "503 after write, delete", fault: panthertest.Fault{Op: "user#delete", Kind: panthertest.FaultAfterWrite, Status: 503},
			call: del, wantOps: map[string]int{"user#delete": 2}},
		{name: "slow body", fault: panthertest.Fault{Op: "user#get", Kind: panthertest.FaultSlowBody, Delay: 10 * time.Millisecond},
			call: get, wantOps: map[string]int{"user#get": 1}},
		{name: "HTML page", fault: panthertest.Fault{Op: "user#get", Kind: panthertest.FaultHTML},
			call: get, wantErr: apiErr(200, "looks like the Panther Console"), wantOps: map[string]int{"user#get": 1}},
		{name: "huge body", fault: panthertest.Fault{Kind: panthertest.FaultHugeBody, Op: "user#list", Size: 256 << 20},
			call: list, wantErr: is(panther.ErrResponseTooLarge), wantOps: map[string]int{"user#list": 1}},
		{name: "endless cursor", fault: panthertest.Fault{Kind: panthertest.FaultEndlessCursor, Count: -1},
			call: list, wantErr: is(panther.ErrRepeatedCursor), wantOps: map[string]int{"user#list": 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, _ := newFake(t, panthertest.WithUsers(3))
			c := newClient(t, srv.URL, srv.Token, panther.WithHTTPClient(srv.Client()), fastRetries)
			id := *srv.Users()[0].Id
			srv.Inject(tt.fault)
			err := tt.call(t.Context(), c, id)
			switch {
			case tt.wantErr == nil && err != nil:
				t.Errorf("error: %v", err)
			case tt.wantErr != nil && !tt.wantErr(err):
				t.Errorf("error = %v, not the one expected", err)
			}
			got := map[string]int{}
			for _, r := range srv.Requests() {
				got[r.Op]++
			}
			if diff := cmp.Diff(tt.wantOps, got); diff != "" {
				t.Errorf("requests per operation mismatch (-want +got):\n%s", diff)
			}
			n := 0
			for _, u := range srv.Users() {
				if u.Email == email {
					n++
				}
			}
			if n > 1 {
				t.Errorf("the fake holds %d users with email %s, want at most 1", n, email)
			}
		})
	}
}

func TestCreateAfterWriteMakesOneUser(t *testing.T) {
	t.Parallel()
	srv, _ := newFake(t)
	c := newClient(t, srv.URL, srv.Token, panther.WithHTTPClient(srv.Client()), fastRetries)
	srv.Inject(panthertest.Fault{Kind: panthertest.FaultAfterWrite, Op: "user#create", Status: 503})
	u, err := c.Users.Create(t.Context(), newInput("once@example.com"))
	if err != nil {
		t.Fatalf("Create() error: %v", err)
	}
	users := srv.Users()
	if len(users) != 1 || *users[0].Id != *u.Id {
		t.Errorf("fake holds %d users %v, want exactly the one returned (%s)", len(users), emails(users), *u.Id)
	}
}

func TestCreateAmbiguityFindsOtherUser(t *testing.T) {
	t.Parallel()
	srv, _ := newFake(t)
	// Someone else's user with the same email but other names: the 503
	// must come back rather than someone else's user.
	if _, err := srv.AddUser(panther.User{Email: "taken@example.com", GivenName: "Other", FamilyName: "Person", Enabled: true, Role: panther.RoleByName("Admin")}); err != nil {
		t.Fatal(err)
	}
	c := newClient(t, srv.URL, srv.Token, panther.WithHTTPClient(srv.Client()), fastRetries)
	srv.Inject(panthertest.Fault{Kind: panthertest.FaultStatus, Op: "user#create", Status: 503})
	_, err := c.Users.Create(t.Context(), newInput("taken@example.com"))
	var apiErr *panther.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 503 {
		t.Errorf("Create() error = %v, want the 503", err)
	}
}

func TestRetryWaitRespectsContext(t *testing.T) {
	t.Parallel()
	policy := panther.WithRetryPolicy(panther.RetryPolicy{MaxRetries: 3, BaseDelay: time.Second, MaxDelay: 30 * time.Second})
	t.Run("wait past the deadline returns at once", func(t *testing.T) {
		t.Parallel()
		srv, _ := newFake(t, panthertest.WithUsers(1))
		c := newClient(t, srv.URL, srv.Token, panther.WithHTTPClient(srv.Client()), policy)
		srv.Inject(panthertest.Fault{Kind: panthertest.FaultStatus, Status: 429, RetryAfter: "10", Count: -1})
		ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := c.Users.Get(ctx, *srv.Users()[0].Id)
		deadline, _ := ctx.Deadline()
		if !errors.Is(err, panther.ErrRateLimited) {
			t.Errorf("Get() error = %v, want the 429", err)
		}
		var apiErr *panther.APIError
		if errors.As(err, &apiErr) && apiErr.RetryAfter != 10*time.Second {
			t.Errorf("RetryAfter = %v, want 10s", apiErr.RetryAfter)
		}
		if late := time.Since(deadline); late > 100*time.Millisecond {
			t.Errorf("Get() returned %v after the deadline (took %v), want within 100ms", late, time.Since(start))
		}
		if n := len(srv.Requests()); n != 1 {
			t.Errorf("fake saw %d requests, want 1", n)
		}
	})
	t.Run("deadline during the Retry-After waits", func(t *testing.T) {
		t.Parallel()
		// Every answer is a 429 asking for 1s. The first wait fits the
		// 1.09s deadline; the second would pass it, so the call returns the
		// second 429 at once, about 1s in: within 100ms of the deadline.
		srv, _ := newFake(t, panthertest.WithUsers(1))
		c := newClient(t, srv.URL, srv.Token, panther.WithHTTPClient(srv.Client()), policy)
		srv.Inject(panthertest.Fault{Kind: panthertest.FaultStatus, Status: 429, RetryAfter: "1", Count: -1})
		ctx, cancel := context.WithTimeout(t.Context(), 1090*time.Millisecond)
		defer cancel()
		_, err := c.Users.Get(ctx, *srv.Users()[0].Id)
		returned := time.Now()
		deadline, _ := ctx.Deadline()
		if !errors.Is(err, panther.ErrRateLimited) {
			t.Errorf("Get() error = %v, want the last 429 (ErrRateLimited)", err)
		}
		if d := returned.Sub(deadline).Abs(); d > 100*time.Millisecond {
			t.Errorf("Get() returned %v from the deadline (%v), want within 100ms", d, returned.Sub(deadline))
		}
		if n := len(srv.Requests()); n != 2 {
			t.Errorf("fake saw %d requests, want 2", n)
		}
	})
	t.Run("cancel ends the wait", func(t *testing.T) {
		t.Parallel()
		srv, _ := newFake(t, panthertest.WithUsers(1))
		c := newClient(t, srv.URL, srv.Token, panther.WithHTTPClient(srv.Client()), policy)
		srv.Inject(panthertest.Fault{Kind: panthertest.FaultStatus, Status: 503, RetryAfter: "5", Count: -1})
		ctx, cancel := context.WithCancel(t.Context())
		timer := time.AfterFunc(100*time.Millisecond, cancel)
		defer timer.Stop()
		start := time.Now()
		_, err := c.Users.Get(ctx, *srv.Users()[0].Id)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Get() error = %v, want context.Canceled", err)
		}
		if took := time.Since(start); took > 600*time.Millisecond {
			t.Errorf("Get() took %v after a cancel at 100ms", took)
		}
	})
}

// TestRetryAfterIsHonoured checks that the wait asked for is the wait made,
// in both forms, and that MaxDelay caps it.
func TestRetryAfterIsHonoured(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		retryAfter func() string
		maxDelay   time.Duration
		min, max   time.Duration
	}{
		{name: "seconds", retryAfter: func() string { return "1" }, maxDelay: 30 * time.Second, min: time.Second, max: 1900 * time.Millisecond},
		// An HTTP date has whole seconds: 2s from now is 1 to 2s away, less
		// the time the request took.
		{name: "HTTP date", retryAfter: func() string { return time.Now().Add(2 * time.Second).UTC().Format(http.TimeFormat) },
			maxDelay: 30 * time.Second, min: 900 * time.Millisecond, max: 2900 * time.Millisecond},
		{name: "capped by MaxDelay", retryAfter: func() string { return "3600" }, maxDelay: 50 * time.Millisecond, min: 50 * time.Millisecond, max: 900 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, _ := newFake(t, panthertest.WithUsers(1))
			c := newClient(t, srv.URL, srv.Token, panther.WithHTTPClient(srv.Client()),
				panther.WithRetryPolicy(panther.RetryPolicy{MaxRetries: 1, BaseDelay: time.Millisecond, MaxDelay: tt.maxDelay}))
			srv.Inject(panthertest.Fault{Kind: panthertest.FaultStatus, Status: 429, RetryAfter: tt.retryAfter()})
			start := time.Now()
			if _, err := c.Users.Get(t.Context(), *srv.Users()[0].Id); err != nil {
				t.Fatalf("Get() after one 429: %v", err)
			}
			if took := time.Since(start); took < tt.min || took > tt.max {
				t.Errorf("Get() took %v, want between %v and %v", took, tt.min, tt.max)
			}
			if n := len(srv.Requests()); n != 2 {
				t.Errorf("fake saw %d requests, want 2", n)
			}
		})
	}
}

func TestRawRetriesByMethod(t *testing.T) {
	t.Parallel()
	srv, _ := newFake(t, panthertest.WithUsers(1))
	c := newClient(t, srv.URL, srv.Token, panther.WithHTTPClient(srv.Client()), fastRetries)
	srv.Inject(panthertest.Fault{Kind: panthertest.FaultStatus, Op: "user#get", Status: 503})
	resp, err := c.Raw().UserGetWithResponse(t.Context(), *srv.Users()[0].Id)
	if err != nil || resp.StatusCode() != http.StatusOK {
		t.Errorf("Raw GET after one 503: %v, %v; want 200", resp.StatusCode(), err)
	}
	srv.Inject(panthertest.Fault{Kind: panthertest.FaultStatus, Op: "user#create", Status: 503})
	cr, err := c.Raw().UserCreateWithResponse(t.Context(), newInput("raw@example.com"))
	if err != nil || cr.StatusCode() != http.StatusServiceUnavailable {
		t.Errorf("Raw POST after a 503: %v, %v; want the 503, not resent", cr.StatusCode(), err)
	}
	if diff := cmp.Diff([]string{"user#get", "user#get", "user#create"}, ops(srv)); diff != "" {
		t.Errorf("requests mismatch (-want +got):\n%s", diff)
	}
}

func TestRetriesAreLoggedWithoutKey(t *testing.T) {
	t.Parallel()
	srv, _ := newFake(t, panthertest.WithUsers(1))
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := newClient(t, srv.URL, srv.Token, panther.WithHTTPClient(srv.Client()), fastRetries, panther.WithLogger(logger))
	srv.Inject(panthertest.Fault{Kind: panthertest.FaultStatus, Status: 502})
	if _, err := c.Users.Get(t.Context(), *srv.Users()[0].Id); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if strings.Contains(out, srv.Token) {
		t.Errorf("log contains the token:\n%s", out)
	}
	for _, want := range []string{`"msg":"panther retry"`, `"status":502`, `"attempts":2`} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s:\n%s", want, out)
		}
	}
}

func TestBackoff(t *testing.T) {
	t.Parallel()
	p := panther.RetryPolicy{MaxRetries: 10, BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second}
	for attempt, full := range []time.Duration{100, 200, 400, 800, 1000, 1000, 1000} {
		full *= time.Millisecond
		for range 50 {
			if got := panther.Backoff(p, attempt); got < full/2 || got > full {
				t.Fatalf("backoff(%d) = %v, want within [%v, %v]", attempt, got, full/2, full)
			}
		}
	}
	if got := panther.Backoff(panther.RetryPolicy{}, 5); got != 0 {
		t.Errorf("backoff with zero BaseDelay = %v, want 0", got)
	}
	if got := panther.Backoff(panther.RetryPolicy{BaseDelay: time.Hour}, 100); got > panther.DefaultMaxDelay {
		t.Errorf("backoff with zero MaxDelay = %v, want at most DefaultMaxDelay", got)
	}
}

// TestCreateRetriesShareOneBudget: the transport's 429 resends and Create's
// resends after a 5xx draw on the same RetryPolicy.MaxRetries, so a mix of
// both never sends more than MaxRetries+1 creates.
func TestCreateRetriesShareOneBudget(t *testing.T) {
	t.Parallel()
	srv, _ := newFake(t)
	c := newClient(t, srv.URL, srv.Token, panther.WithHTTPClient(srv.Client()), fastRetries)
	for range 4 { // each call: three 429s the transport resends, then a 503 for Create
		srv.Inject(panthertest.Fault{Kind: panthertest.FaultStatus, Op: "user#create", Status: 429, Count: 3})
		srv.Inject(panthertest.Fault{Kind: panthertest.FaultStatus, Op: "user#create", Status: 503})
	}
	_, err := c.Users.Create(t.Context(), newInput("budget@example.com"))
	if err == nil {
		t.Fatal("Create() succeeded, want the last error")
	}
	creates := 0
	for _, r := range srv.Requests() {
		if r.Op == "user#create" {
			creates++
		}
	}
	if want := 4; creates != want { // fastRetries: MaxRetries 3
		t.Errorf("Create sent %d requests, want %d (one first attempt, MaxRetries resends in all)", creates, want)
	}
}
