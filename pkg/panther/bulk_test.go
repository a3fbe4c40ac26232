package panther_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pantherkit/panther-go/pkg/panther"
	"github.com/pantherkit/panther-go/pkg/panthertest"
)

func TestCreateManyResultsInInputOrder(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t, panthertest.WithUsers(1))
	taken := srv.Users()[0].Email
	ins := []panther.UserInput{
		{Email: "a@example.com", GivenName: "A", FamilyName: "One", Role: panther.RoleByName("Analyst")},
		{Email: taken, GivenName: "Dup", FamilyName: "Licate", Role: panther.RoleByName("Analyst")},     // 400
		{Email: "b@example.com", GivenName: "", FamilyName: "Two", Role: panther.RoleByName("Analyst")}, // invalid input
		{Email: "c@example.com", GivenName: "C", FamilyName: "Three", Role: panther.RoleByName("Admin")},
	}
	results := c.Users.CreateMany(t.Context(), ins, &panther.BulkOptions{Concurrency: 3})
	if len(results) != len(ins) {
		t.Fatalf("%d results for %d inputs", len(results), len(ins))
	}
	for i, r := range results {
		if r.Index != i {
			t.Errorf("results[%d].Index = %d", i, r.Index)
		}
	}
	if results[0].Err != nil || results[0].User.Email != "a@example.com" || results[0].ID != *results[0].User.Id {
		t.Errorf("results[0] = %+v, want created a@example.com", results[0])
	}
	if !errors.Is(results[1].Err, panther.ErrBadRequest) {
		t.Errorf("results[1].Err = %v, want ErrBadRequest (duplicate email)", results[1].Err)
	}
	if !errors.Is(results[2].Err, panther.ErrInvalidInput) {
		t.Errorf("results[2].Err = %v, want ErrInvalidInput", results[2].Err)
	}
	if results[3].Err != nil || *results[3].User.Role.Name != "Admin" {
		t.Errorf("results[3] = %+v, want created as Admin", results[3])
	}
	if got := len(srv.Users()); got != 3 {
		t.Errorf("fake holds %d users, want 3", got)
	}
	err := panther.BulkErrors(results)
	for _, want := range []string{"item 1", "item 2"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("BulkErrors = %v, want it to name %s", err, want)
		}
	}
	if panther.BulkErrors(results[:1]) != nil {
		t.Error("BulkErrors of successes is not nil")
	}
}

func TestUpdateManyAndDeleteMany(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t, panthertest.WithUsers(25))
	var changes []panther.UserChange
	for _, u := range srv.Users() {
		in := panther.UserInputFrom(&u)
		in.FamilyName = "Changed"
		changes = append(changes, panther.UserChange{ID: *u.Id, Input: in})
	}
	changes = append(changes, panther.UserChange{ID: "no-such-user", Input: changes[0].Input})
	results := c.Users.UpdateMany(t.Context(), changes, nil)
	for i, r := range results[:25] {
		if r.Err != nil || r.ID != changes[i].ID || r.User.FamilyName != "Changed" {
			t.Errorf("update %d: %+v", i, r)
		}
	}
	if last := results[25]; !errors.Is(last.Err, panther.ErrNotFound) || last.ID != "no-such-user" {
		t.Errorf("update of unknown id: %+v, want ErrNotFound", last)
	}
	for _, u := range srv.Users() {
		if u.FamilyName != "Changed" {
			t.Errorf("user %s not changed", *u.Id)
		}
	}

	ids := make([]string, 0, 25)
	for _, u := range srv.Users() {
		ids = append(ids, *u.Id)
	}
	if err := panther.BulkErrors(c.Users.DeleteMany(t.Context(), ids, &panther.BulkOptions{Concurrency: 8})); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Users()); n != 0 {
		t.Errorf("%d users left after DeleteMany", n)
	}
}

// TestBulkConcurrencyAndPacing puts a front server before the fake that
// records how many requests are in flight at once and when each starts.
func TestBulkConcurrencyAndPacing(t *testing.T) {
	t.Parallel()
	srv := panthertest.NewServer(panthertest.WithTB(t), panthertest.WithUsers(40), panthertest.WithLatency(20*time.Millisecond))
	var inFlight, peak atomic.Int32
	var starts []time.Time
	startCh := make(chan time.Time, 100)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		startCh <- time.Now()
		n := inFlight.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		defer inFlight.Add(-1)
		srv.Handler().ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	c := newClient(t, front.URL, srv.Token)
	ids := make([]string, 0, 40)
	for _, u := range srv.Users() {
		ids = append(ids, *u.Id)
	}

	if err := panther.BulkErrors(c.Users.DeleteMany(t.Context(), ids[:20], &panther.BulkOptions{Concurrency: 3})); err != nil {
		t.Fatal(err)
	}
	if p := peak.Load(); p != 3 {
		t.Errorf("peak concurrency = %d, want 3", p)
	}

	for len(startCh) > 0 {
		<-startCh
	}
	const rps = 50 // one start every 20ms
	if err := panther.BulkErrors(c.Users.DeleteMany(t.Context(), ids[20:], &panther.BulkOptions{Concurrency: 8, RequestsPerSecond: rps})); err != nil {
		t.Fatal(err)
	}
	for len(startCh) > 0 {
		starts = append(starts, <-startCh)
	}
	if len(starts) != 20 {
		t.Fatalf("%d requests, want 20", len(starts))
	}
	// 20 starts paced at 50/s span at least 19 intervals of 20ms (less a little for timer jitter).
	if span := starts[len(starts)-1].Sub(starts[0]); span < 19*20*time.Millisecond*9/10 {
		t.Errorf("20 paced starts spanned %v, want about %v", span, 19*20*time.Millisecond)
	}
}

func TestBulkStopsOnContext(t *testing.T) {
	t.Parallel()
	srv := panthertest.NewServer(panthertest.WithTB(t), panthertest.WithUsers(30))
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var calls atomic.Int32
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 3 {
			cancel() // the caller gives up while the third item is in flight
		}
		srv.Handler().ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	c := newClient(t, front.URL, srv.Token)
	ids := make([]string, 0, 30)
	for _, u := range srv.Users() {
		ids = append(ids, *u.Id)
	}
	results := c.Users.DeleteMany(ctx, ids, &panther.BulkOptions{Concurrency: 1})
	var done, stopped int
	for _, r := range results {
		switch {
		case r.Err == nil:
			done++
		case errors.Is(r.Err, context.Canceled):
			stopped++
			if r.ID != ids[r.Index] {
				t.Errorf("item %d not started: ID = %q, want %q", r.Index, r.ID, ids[r.Index])
			}
		default:
			t.Errorf("item %d: unexpected error %v", r.Index, r.Err)
		}
	}
	// Items 0 and 1 finished; item 2 was in flight (its outcome depends on
	// whether the answer beat the cancellation); no later item was sent.
	if (done != 2 && done != 3) || done+stopped != 30 {
		t.Errorf("done %d, stopped %d; want 2 or 3 done, the rest stopped", done, stopped)
	}
	if n := calls.Load(); n != 3 {
		t.Errorf("%d requests sent, want 3", n)
	}
}

func ExampleUsersService_DeleteMany() {
	srv := fakePanther()
	defer srv.Close()
	client, err := panther.NewClient(srv.URL, panther.WithAPIToken(srv.Token))
	if err != nil {
		log.Fatal(err)
	}

	// Offboard several people at once: four requests in flight, at most ten
	// a second, one result per id in input order.
	results := client.Users.DeleteMany(context.Background(), []string{
		"5d0c1f7e-0000-4000-8000-000000000002",
		"no-such-user",
		"5d0c1f7e-0000-4000-8000-000000000003",
	}, &panther.BulkOptions{Concurrency: 4, RequestsPerSecond: 10})
	for _, r := range results {
		fmt.Println(r.ID, errors.Is(r.Err, panther.ErrNotFound))
	}

	// Output:
	// 5d0c1f7e-0000-4000-8000-000000000002 false
	// no-such-user true
	// 5d0c1f7e-0000-4000-8000-000000000003 false
}

// TestBulkReusesConnections counts the TCP connections a front server sees
// while 8 workers make 120 changes with the default HTTP client: connections
// are kept alive and reused, about one per worker, not one per request.
func TestBulkReusesConnections(t *testing.T) {
	t.Parallel()
	srv := panthertest.NewServer(panthertest.WithTB(t), panthertest.WithUsers(120))
	var conns atomic.Int32
	front := httptest.NewUnstartedServer(srv.Handler())
	front.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	front.Start()
	t.Cleanup(front.Close)
	c, err := panther.NewClient(front.URL, panther.WithAPIToken(srv.Token)) // the default HTTP client
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.CloseIdleConnections)
	ids := make([]string, 0, 120)
	for _, u := range srv.Users() {
		ids = append(ids, *u.Id)
	}
	if err := panther.BulkErrors(c.Users.DeleteMany(t.Context(), ids, &panther.BulkOptions{Concurrency: 8})); err != nil {
		t.Fatal(err)
	}
	// A worker whose request finds no idle connection starts a dial; if one
	// frees up first, net/http uses it and pools the new one. So under load
	// more than 8 can open, but not one per request: with the 2 idle
	// connections per host that http.DefaultTransport keeps, this opened 44.
	if n := conns.Load(); n > 2*8 {
		t.Errorf("120 requests from 8 workers opened %d connections, want about 8 (at most 16)", n)
	}
}

// An item whose paced start would come after ctx's deadline is not started,
// and, as BulkResult.Err says, carries ctx's error.
func TestBulkPacingPastDeadline(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t, panthertest.WithUsers(5))
	ids := make([]string, 0, 5)
	for _, u := range srv.Users() {
		ids = append(ids, *u.Id)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
	defer cancel()
	results := c.Users.DeleteMany(ctx, ids, &panther.BulkOptions{Concurrency: 1, RequestsPerSecond: 0.1})
	if results[0].Err != nil {
		t.Errorf("item 0: %v, want deleted", results[0].Err)
	}
	for _, r := range results[1:] {
		if !errors.Is(r.Err, context.DeadlineExceeded) {
			t.Errorf("item %d: error %v, want one matching context.DeadlineExceeded", r.Index, r.Err)
		}
	}
}
