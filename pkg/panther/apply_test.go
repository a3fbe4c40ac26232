package panther_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pantherkit/panther-go/pkg/panther"
	"github.com/pantherkit/panther-go/pkg/panthertest"
)

// smallOrgChanges asks smallOrg for a create, two updates and, with
// pruning, two deletes (linus and the deactivated old@).
var smallOrgChanges = []panther.DesiredUser{
	{Email: "ada@example.com", GivenName: "Ada", FamilyName: "Lovelace", Role: panther.RoleByName("Admin"), Source: "users.csv:2"},
	{Email: "grace@example.com", GivenName: "Grace", FamilyName: "Hopper-Murray", Role: panther.RoleByName("Admin"), Source: "users.csv:3"},
	{Email: "alan@example.com", GivenName: "Alan", FamilyName: "Turing", Role: panther.RoleByID(panthertest.RoleIDAnalyst), Source: "users.csv:4"},
	{Email: "katherine@example.com", GivenName: "Katherine", FamilyName: "Johnson", Role: panther.RoleByName("Analyst"), Source: "users.csv:5"},
}

// summary is one line per user of the fake: email, names and role.
func summary(srv *panthertest.Server) []string {
	var out []string
	for _, u := range srv.Users() {
		out = append(out, fmt.Sprintf("%s %s %s %s", u.Email, u.GivenName, u.FamilyName, deref(u.Role.Name)))
	}
	slices.Sort(out)
	return out
}

// writes counts, per operation, the requests of the log answered with a 2xx.
func writes(srv *panthertest.Server) map[string]int {
	n := map[string]int{}
	for _, r := range srv.Requests() {
		if r.Status >= 200 && r.Status <= 299 && r.Op != "user#get" && r.Op != "user#list" {
			n[r.Op]++
		}
	}
	return n
}

func TestApply(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	seedOrg(t, srv, smallOrg...)
	opts := &panther.PlanOptions{Prune: true, MaxDeletes: 2}
	plan := mustPlan(t, c, smallOrgChanges, opts)
	srv.ResetRequests()

	results, err := c.Users.Apply(t.Context(), plan, &panther.ApplyOptions{Concurrency: 3})
	if err != nil {
		t.Fatal(err)
	}
	if err := panther.SyncErrors(results); err != nil {
		t.Fatalf("SyncErrors: %v", err)
	}
	var got []string
	for _, r := range results {
		line := r.Action.String()
		if r.User != nil {
			line += fmt.Sprintf(" -> %s %s %s", r.User.Email, r.User.FamilyName, *r.User.Role.Name)
		}
		got = append(got, line)
	}
	want := []string{
		"create users.csv:5 -> katherine@example.com Johnson Analyst",
		"update users.csv:3 -> grace@example.com Hopper-Murray Admin",
		"update users.csv:4 -> alan@example.com Turing Analyst",
		`delete user "u-linus"`,
		`delete user "PantherSSO_old@example.com"`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Apply results mismatch (-want +got):\n%s", diff)
	}
	wantUsers := []string{
		"ada@example.com Ada Lovelace Admin",
		"alan@example.com Alan Turing Analyst",
		"grace@example.com Grace Hopper-Murray Admin",
		"katherine@example.com Katherine Johnson Analyst",
	}
	if diff := cmp.Diff(wantUsers, summary(srv)); diff != "" {
		t.Errorf("users after Apply mismatch (-want +got):\n%s", diff)
	}
	// One re-read and one change per action.
	if n := len(srv.Requests()); n != 2*len(results) {
		t.Errorf("Apply sent %d requests for %d actions, want two each: %v", n, len(results), ops(srv))
	}

	// Convergence: the same list plans nothing, and applying that sends nothing.
	again := mustPlan(t, c, smallOrgChanges, opts)
	if !again.Empty() || len(again.Unchanged) != 4 {
		t.Fatalf("second plan: %d changes, %d unchanged; want 0 and 4: %v", len(again.Changes()), len(again.Unchanged), again.Changes())
	}
	srv.ResetRequests()
	if results, err := c.Users.Apply(t.Context(), again, nil); err != nil || len(results) != 0 || len(srv.Requests()) != 0 {
		t.Errorf("Apply of an empty plan: %d results, %v, %d requests; want nothing", len(results), err, len(srv.Requests()))
	}
}

// TestApplySkipsStale changes Panther between Plan and Apply: the actions
// on what changed are skipped and reported, the others applied.
func TestApplySkipsStale(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	seedOrg(t, srv, smallOrg...)
	plan := mustPlan(t, c, smallOrgChanges, &panther.PlanOptions{Prune: true, MaxDeletes: 2})

	// Someone else, meanwhile: renames grace, deletes linus, creates katherine.
	ctx := t.Context()
	if _, err := c.Users.Modify(ctx, "u-grace", func(in *panther.UserInput) error { in.GivenName = "Amazing"; return nil }); err != nil {
		t.Fatal(err)
	}
	if err := c.Users.Delete(ctx, "u-linus"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Users.Create(ctx, panther.UserInput{Email: "Katherine@example.com", GivenName: "Kathy", FamilyName: "J", Role: panther.RoleByName("Admin")}); err != nil {
		t.Fatal(err)
	}
	srv.ResetRequests()

	results, err := c.Users.Apply(ctx, plan, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range results {
		switch {
		case r.Err == nil:
			got = append(got, r.Action.String()+": applied")
		case r.Skipped() && !r.Failed():
			var se *panther.StaleError
			if !errors.As(r.Err, &se) {
				t.Fatalf("%s: %v is not a *StaleError", r.Action, r.Err)
			}
			got = append(got, r.Action.String()+": skipped: "+se.Reason)
		default:
			got = append(got, r.Action.String()+": failed: "+r.Err.Error())
		}
	}
	want := []string{
		"create users.csv:5: skipped: a user with this address exists now",
		"update users.csv:3: skipped: givenName changed since the plan",
		"update users.csv:4: applied",
		`delete user "u-linus": skipped: the user was deleted since the plan`,
		`delete user "PantherSSO_old@example.com": applied`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Apply results mismatch (-want +got):\n%s", diff)
	}
	// What changed meanwhile is left as it was changed.
	wantUsers := []string{
		"Katherine@example.com Kathy J Admin",
		"ada@example.com Ada Lovelace Admin",
		"alan@example.com Alan Turing Analyst",
		"grace@example.com Amazing Hopper Analyst",
	}
	if diff := cmp.Diff(wantUsers, summary(srv)); diff != "" {
		t.Errorf("users after Apply mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]int{"user#update": 1, "user#delete": 1}, writes(srv)); diff != "" {
		t.Errorf("changes sent mismatch (-want +got):\n%s", diff)
	}
	err = panther.SyncErrors(results)
	for _, s := range []string{"create users.csv:5: ", "update users.csv:3: ", `delete user "u-linus": `} {
		if err == nil || !strings.Contains(err.Error(), s) || !errors.Is(err, panther.ErrStale) {
			t.Errorf("SyncErrors = %v, want it to name %q and match ErrStale", err, s)
		}
	}

	// A second plan sees Panther as it is now.
	again := mustPlan(t, c, smallOrgChanges, &panther.PlanOptions{Prune: true, MaxDeletes: 2})
	var changes []string
	for _, a := range again.Changes() {
		changes = append(changes, a.String())
	}
	if diff := cmp.Diff([]string{"update users.csv:3", "update users.csv:5"}, changes); diff != "" {
		t.Errorf("second plan mismatch (-want +got):\n%s", diff)
	}
}

// TestApplyFailureDoesNotStopOthers: a 503 on one update (retries off)
// fails that action only; the result says which.
func TestApplyFailureDoesNotStopOthers(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t, panthertest.WithUsers(8)) // newFake's client does not retry
	desired := desiredFrom(srv.Users())
	for i := range 5 {
		desired[i].FamilyName = "Changed"
	}
	desired = append(desired,
		panther.DesiredUser{Email: "new1@example.com", GivenName: "New", FamilyName: "One", Role: panther.RoleByName("Analyst"), Source: "new1"},
		panther.DesiredUser{Email: "new2@example.com", GivenName: "New", FamilyName: "Two", Role: panther.RoleByName("Analyst"), Source: "new2"})
	plan := mustPlan(t, c, desired, nil)
	srv.Inject(panthertest.Fault{Op: "user#update", Kind: panthertest.FaultStatus, Status: 503, Count: 1})

	results, err := c.Users.Apply(t.Context(), plan, &panther.ApplyOptions{Concurrency: 3})
	if err != nil {
		t.Fatal(err)
	}
	var failed []panther.SyncResult
	for _, r := range results {
		if r.Failed() {
			failed = append(failed, r)
		} else if r.Err != nil {
			t.Errorf("%s: %v, want applied or failed", r.Action, r.Err)
		}
	}
	if len(failed) != 1 || failed[0].Action.Kind != panther.ActionUpdate {
		t.Fatalf("failed actions: %+v, want one update", failed)
	}
	var apiErr *panther.APIError
	if !errors.As(failed[0].Err, &apiErr) || apiErr.StatusCode != 503 {
		t.Errorf("failed action's error = %v, want an *APIError with status 503", failed[0].Err)
	}
	if err := panther.SyncErrors(results); err == nil || !strings.HasPrefix(err.Error(), failed[0].Action.String()+": ") {
		t.Errorf("SyncErrors = %v, want it to name %s", err, failed[0].Action)
	}
	if diff := cmp.Diff(map[string]int{"user#update": 4, "user#create": 2}, writes(srv)); diff != "" {
		t.Errorf("changes applied mismatch (-want +got):\n%s", diff)
	}
	// The failed update is all that is left to do.
	again := mustPlan(t, c, desired, nil)
	if len(again.Changes()) != 1 || again.Changes()[0].String() != failed[0].Action.String() {
		t.Errorf("second plan: %v, want only %s", again.Changes(), failed[0].Action)
	}
}

// TestApply429Storm: the server rate-limits 15 requests of an apply; the
// client's retries and the bulk pacing carry every action through, each
// change sent with success exactly once.
func TestApply429Storm(t *testing.T) {
	t.Parallel()
	srv := panthertest.NewServer(panthertest.WithTB(t), panthertest.WithUsers(30), panthertest.WithPathPrefix("/v1"))
	c := newClient(t, srv.URL, srv.Token, panther.WithHTTPClient(srv.Client()),
		panther.WithRetryPolicy(panther.RetryPolicy{MaxRetries: 20, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond}))
	desired := desiredFrom(srv.Users()[:20])
	for i := range 10 {
		desired[i].FamilyName = "Stormed"
		desired = append(desired, panther.DesiredUser{Email: fmt.Sprintf("new%02d@example.com", i), GivenName: "New",
			FamilyName: "User", Role: panther.RoleByName("Analyst"), Source: fmt.Sprintf("new%02d", i)})
	}
	opts := &panther.PlanOptions{Prune: true, MaxDeletes: 10}
	plan := mustPlan(t, c, desired, opts)
	if n := len(plan.Changes()); n != 30 {
		t.Fatalf("plan has %d changes, want 30", n)
	}
	srv.ResetRequests()
	srv.Inject(panthertest.Fault{Kind: panthertest.FaultStatus, Status: 429, RetryAfter: "0", Count: 15})

	results, err := c.Users.Apply(t.Context(), plan, &panther.ApplyOptions{Concurrency: 4})
	if err != nil {
		t.Fatal(err)
	}
	if err := panther.SyncErrors(results); err != nil {
		t.Fatalf("actions not applied: %v", err)
	}
	rated := 0
	for _, r := range srv.Requests() {
		if r.Status == 429 {
			rated++
		}
	}
	if rated != 15 {
		t.Errorf("%d requests answered 429, want the 15 injected", rated)
	}
	if diff := cmp.Diff(map[string]int{"user#create": 10, "user#update": 10, "user#delete": 10}, writes(srv)); diff != "" {
		t.Errorf("changes applied mismatch (-want +got):\n%s", diff)
	}
	if n := len(srv.Users()); n != 30 {
		t.Errorf("%d users after Apply, want 30", n)
	}
	if again := mustPlan(t, c, desired, opts); !again.Empty() {
		t.Errorf("second plan has %d changes: %v", len(again.Changes()), again.Changes())
	}
}

// TestApplyPacing: RequestsPerSecond counts requests, two per action.
func TestApplyPacing(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t, panthertest.WithUsers(8))
	desired := desiredFrom(srv.Users())
	for i := range desired {
		desired[i].GivenName = "Paced"
	}
	plan := mustPlan(t, c, desired, nil)
	const rps = 80 // 40 actions a second: one every 25ms
	start := time.Now()
	results, err := c.Users.Apply(t.Context(), plan, &panther.ApplyOptions{Concurrency: 8, RequestsPerSecond: rps})
	elapsed := time.Since(start)
	if err != nil || panther.SyncErrors(results) != nil {
		t.Fatalf("Apply: %v, %v", err, panther.SyncErrors(results))
	}
	if floor := time.Duration(2*len(results)-1) * time.Second / rps; elapsed < floor*9/10 {
		t.Errorf("%d actions took %v, want at least %v at %d requests a second", len(results), elapsed, floor, rps)
	}
}

func TestApplyCanceled(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t, panthertest.WithUsers(3))
	plan := mustPlan(t, c, nil, &panther.PlanOptions{Prune: true, AllowNoAdmin: true, MaxDeletes: 3})
	srv.ResetRequests()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	results, err := c.Users.Apply(ctx, plan, nil)
	if err != nil || len(results) != 3 {
		t.Fatalf("Apply = %d results, %v; want 3 results", len(results), err)
	}
	for _, r := range results {
		if !errors.Is(r.Err, context.Canceled) || !r.Failed() {
			t.Errorf("%s: %v, want context.Canceled", r.Action, r.Err)
		}
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests sent after cancel", n)
	}
}

func TestApplyBadPlan(t *testing.T) {
	t.Parallel()
	_, c := newFake(t)
	if _, err := c.Users.Apply(t.Context(), nil, nil); !errors.Is(err, panther.ErrInvalidInput) {
		t.Errorf("Apply(nil) error = %v, want ErrInvalidInput", err)
	}
	// A plan put together by hand with an update of no one fails that action.
	plan := &panther.SyncPlan{Updates: []panther.SyncAction{{Kind: panther.ActionUpdate, Desired: &panther.DesiredUser{Source: "x"}}}}
	results, err := c.Users.Apply(t.Context(), plan, nil)
	if err != nil || len(results) != 1 || !errors.Is(results[0].Err, panther.ErrInvalidInput) {
		t.Errorf("Apply of an update without a user = %+v, %v; want one ErrInvalidInput result", results, err)
	}
}
