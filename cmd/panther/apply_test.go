package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pantherkit/panther-go/pkg/panther"
	"github.com/pantherkit/panther-go/pkg/panthertest"
)

// syncArgs apply testdata/sync.csv with --prune: 2 creates, 2 updates and 4
// deletes against newOrgFake (see plan_test.go).
var syncArgs = []string{"users", "apply", "-f", "testdata/sync.csv", "--prune"}

// writes counts the requests that change users, by operation.
func writes(srv *panthertest.Server) map[string]int {
	n := map[string]int{}
	for _, req := range srv.Requests() {
		if req.Method != "GET" {
			n[req.Op]++
		}
	}
	return n
}

func TestApplyNeedsYesWithoutATerminal(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		args     []string
		stdin    string
		terminal bool
		want     string
	}{
		{"stdin not a terminal", syncArgs, "y\n", false,
			"refusing to apply without --yes: stdin is not a terminal to confirm on; preview with 'panther users plan'"},
		{"-f - takes stdin, even on a terminal", []string{"users", "apply", "-f", "-", "--format", "csv"}, "email,givenName,familyName,role\n", true,
			"refusing to apply without --yes: -f - reads the list from stdin, which leaves no terminal to confirm on"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newOrgFake(t)
			before := srv.Users()
			r := invocation{args: tt.args, vars: vars(srv), stdin: tt.stdin, terminal: tt.terminal}.run(t.Context())
			if r.code != exitUsage || !strings.Contains(r.stderr, tt.want) || r.stdout != "" {
				t.Errorf("exit %d, stdout %q, stderr %q; want %d saying %q", r.code, r.stdout, r.stderr, exitUsage, tt.want)
			}
			if n := len(srv.Requests()); n != 0 {
				t.Errorf("%d requests sent, want none", n)
			}
			if diff := cmp.Diff(before, srv.Users()); diff != "" {
				t.Errorf("users changed (-before +after):\n%s", diff)
			}
		})
	}
}

func TestApplyAsksOnATerminal(t *testing.T) {
	t.Parallel()
	t.Run("no", func(t *testing.T) {
		t.Parallel()
		srv := newOrgFake(t)
		before := srv.Users()
		r := invocation{args: syncArgs, vars: vars(srv), stdin: "n\n", terminal: true}.run(t.Context())
		if r.code != 0 || !strings.HasSuffix(r.stderr, "Apply these 8 changes to Panther? [y/N] Not applied.\n") {
			t.Errorf("exit %d, stderr %q; want 0 and Not applied.", r.code, r.stderr)
		}
		if !strings.Contains(r.stdout, "Plan: 2 to create, 2 to update, 4 to delete, 34 unchanged.") {
			t.Errorf("the plan was not shown before asking:\n%s", r.stdout)
		}
		if diff := cmp.Diff(before, srv.Users()); diff != "" {
			t.Errorf("users changed (-before +after):\n%s", diff)
		}
		if w := writes(srv); len(w) != 0 {
			t.Errorf("writes %v, want none", w)
		}
	})
	t.Run("yes, with progress", func(t *testing.T) {
		t.Parallel()
		srv := newOrgFake(t)
		r := invocation{args: syncArgs, vars: vars(srv), stdin: "yes\n", terminal: true}.run(t.Context())
		for _, want := range []string{"reading the users in Panther... ", "Apply these 8 changes to Panther? [y/N] ", "applying 8 changes... ", "applied 8 changes in "} {
			if !strings.Contains(r.stderr, want) {
				t.Errorf("stderr does not show %q:\n%q", want, r.stderr)
			}
		}
		if r.code != 0 || !strings.Contains(r.stdout, "Apply: 8 applied, 0 skipped (stale), 0 failed.") {
			t.Errorf("exit %d, stdout:\n%s", r.code, r.stdout)
		}
	})
	t.Run("json: the plan to confirm on stderr, one object on stdout", func(t *testing.T) {
		t.Parallel()
		srv := newOrgFake(t)
		r := invocation{args: append(syncArgs, "-o", "json"), vars: vars(srv), stdin: "y\n", terminal: true}.run(t.Context())
		if r.code != 0 || !strings.Contains(r.stderr, "  + create ada.lovelace@example.org (testdata/sync.csv:38)") {
			t.Errorf("exit %d, stderr does not show the plan:\n%s", r.code, r.stderr)
		}
		var p planJSON
		if err := json.Unmarshal([]byte(r.stdout), &p); err != nil || len(p.Results) != 8 {
			t.Errorf("stdout is not one plan with 8 results (%v):\n%s", err, r.stdout)
		}
	})
}

// apply --yes changes Panther exactly as planned, shows the plan and a
// result per change, and the list then plans nothing.
func TestApply(t *testing.T) {
	t.Parallel()
	srv := newOrgFake(t)
	before := map[string]panther.User{}
	for _, u := range srv.Users() {
		before[strings.ToLower(u.Email)] = u
	}
	r := runOK(t, srv, append(syncArgs, "--yes")...)
	golden(t, "apply.table", r.stdout)
	if r.stderr != "" {
		t.Errorf("stderr = %q, want nothing", r.stderr)
	}
	if diff := cmp.Diff(map[string]int{"user#create": 2, "user#update": 2, "user#delete": 4}, writes(srv)); diff != "" {
		t.Errorf("writes mismatch (-want +got):\n%s", diff)
	}

	// Panther holds exactly the list's people, as listed; those who were
	// there are the same users (id, creation, status), only the listed
	// fields changed.
	list, err := readDesired(env{}, desiredInput{file: "testdata/sync.csv"})
	if err != nil {
		t.Fatal(err)
	}
	after := srv.Users()
	if len(after) != len(list.entries) {
		t.Errorf("%d users after apply, want the list's %d", len(after), len(list.entries))
	}
	byEmail := map[string]panther.User{}
	for _, u := range after {
		byEmail[strings.ToLower(u.Email)] = u
	}
	for _, d := range list.users() {
		key := strings.ToLower(d.Email)
		got, ok := byEmail[key]
		if !ok {
			t.Errorf("%s: not in Panther after apply", d.Source)
			continue
		}
		want := got
		want.GivenName, want.FamilyName, want.Role.Name = d.GivenName, d.FamilyName, d.Role.Name
		if old, existed := before[key]; existed {
			want.Id, want.CreatedAt, want.Status, want.Email, want.Enabled = old.Id, old.CreatedAt, old.Status, old.Email, old.Enabled
		} else {
			want.Status, want.Enabled = ptr(panthertest.StatusForceChangePassword), true
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: user after apply (-want +got):\n%s", d.Source, diff)
		}
	}

	// Converged: the same list plans nothing.
	r = runOK(t, srv, "users", "plan", "-f", "testdata/sync.csv", "--prune", "--exit-code")
	if !strings.Contains(r.stdout, "No changes") {
		t.Errorf("second plan:\n%s", r.stdout)
	}
	r = runOK(t, srv, append(syncArgs, "--yes")...)
	if !strings.Contains(r.stdout, "No changes") || strings.Contains(r.stdout, "ACTION") {
		t.Errorf("second apply, want nothing applied:\n%s", r.stdout)
	}
}

func TestApplyJSON(t *testing.T) {
	t.Parallel()
	// A fake on a running clock that allows 10 requests a second, and apply
	// paced under it: 16 requests, leaving room for the plan's listing.
	// Unpaced, they would meet 429s.
	srv := newFake(t, 0, panthertest.WithOrg(orgSize), panthertest.WithSeed(orgSeed),
		panthertest.WithClock(time.Now), panthertest.WithRateLimit(10))
	r := runOK(t, srv, append(syncArgs, "--yes", "-o", "json", "--rate", "9")...)
	for _, req := range srv.Requests() {
		if req.Status == 429 {
			t.Errorf("%s %s: 429 with --rate 9 against a limit of 10 a second", req.Method, req.Path)
		}
	}
	var p planJSON
	if err := json.Unmarshal([]byte(r.stdout), &p); err != nil {
		t.Fatalf("not one JSON object: %v\n%s", err, r.stdout)
	}
	var got []string
	for _, res := range p.Results {
		got = append(got, res.Action+" "+res.Email+" "+res.Outcome)
		if (res.Action == "delete") != (res.User == nil) {
			t.Errorf("%s %s: user %v; want the stored user for a create or an update only", res.Action, res.Email, res.User)
		}
	}
	want := []string{
		"create ada.lovelace@example.org applied", "create alan.turing@example.org applied",
		"update nadia.becker@example.org applied", "update jose.tanaka@example.org applied",
		"delete soren.rossi@example.org applied", "delete kwame.jensen@example.org applied",
		"delete tfischer@example.org applied", "delete wei.rossi@example.org applied",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("results mismatch (-want +got):\n%s", diff)
	}
	if p.Summary.Create != 2 || len(p.Changes) != 8 {
		t.Errorf("the plan: %+v, %d changes", p.Summary, len(p.Changes))
	}
}

// staleOnWrite deletes a user at the command's first write to stdout: after
// the plan was made and shown, before apply re-reads the user.
type staleOnWrite struct {
	t      *testing.T
	srv    *panthertest.Server
	email  string
	writes int
}

func (s *staleOnWrite) Write(p []byte) (int, error) {
	if s.writes++; s.writes == 1 {
		c, err := panther.NewClient(s.srv.URL, panther.WithAPIToken(s.srv.Token))
		if err == nil {
			var u *panther.User
			if u, err = c.Users.GetByEmail(s.t.Context(), s.email); err == nil {
				err = c.Users.Delete(s.t.Context(), deref(u.Id))
			}
		}
		if err != nil {
			s.t.Errorf("deleting %s: %v", s.email, err)
		}
	}
	return len(p), nil
}

// A change that fails, and one the plan did not see coming, leave the
// others applied; each is listed, and a failure exits 1.
func TestApplyFailedAndSkipped(t *testing.T) {
	t.Parallel()
	srv := newOrgFake(t)
	// One of the two creates, whichever comes first, fails.
	srv.Inject(panthertest.Fault{Kind: panthertest.FaultStatus, Op: "user#create", Status: 400})
	stale := &staleOnWrite{t: t, srv: srv, email: "nadia.becker@example.org"}
	r := invocation{args: append(syncArgs, "--yes"), vars: vars(srv), stdout: stale}.run(t.Context())
	if r.code != exitError {
		t.Errorf("exit %d, want %d", r.code, exitError)
	}
	const failed = "failed: POST /users: 400 Bad Request: panthertest: injected fault: 400 Bad Request"
	rows := r.stdout[strings.Index(r.stdout, "\nACTION"):]
	for _, want := range []string{
		"update  nadia.becker@example.org  testdata/sync.csv:3   skipped (stale): the user was deleted since the plan\n",
		"update  jose.tanaka@example.org   testdata/sync.csv:4   applied\n",
		"delete  wei.rossi@example.org     -                     applied\n",
		"\nApply: 6 applied, 1 skipped (stale), 1 failed.\n",
	} {
		if !strings.Contains(rows, want) {
			t.Errorf("the results do not say %q:\n%s", want, rows)
		}
	}
	if strings.Count(rows, "  "+failed+"\n") != 1 || strings.Count(rows, "  applied\n") != 6 {
		t.Errorf("want one create failed and six changes applied:\n%s", rows)
	}
	lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "panther: create testdata/sync.csv:3") || !strings.HasSuffix(lines[0], ".org) "+failed) ||
		lines[1] != "panther: update testdata/sync.csv:3 (nadia.becker@example.org) skipped, Panther changed since the plan: the user was deleted since the plan" ||
		lines[2] != "panther: 1 of 8 changes failed; the others were applied or skipped" {
		t.Errorf("stderr, want a line for the failure, one for the skip, and the count:\n%s", r.stderr)
	}
	// What is left: the failed create, and Nadia, deleted since, to create.
	r = runOK(t, srv, "users", "plan", "-f", "testdata/sync.csv", "--prune")
	if !strings.Contains(r.stdout, "Plan: 2 to create, 0 to update, 0 to delete, 36 unchanged.") {
		t.Errorf("plan after apply:\n%s", r.stdout)
	}
}

// A guardrail refuses before anything is sent.
func TestApplyRefused(t *testing.T) {
	t.Parallel()
	srv := newOrgFake(t)
	r := invocation{args: append(syncArgs, "--yes", "--max-deletes", "3"), vars: vars(srv)}.run(t.Context())
	want := "panther: plan refused: it would delete 4 users, more than --max-deletes 3; to allow it, add --max-deletes 4\n"
	if r.code != exitError || r.stderr != want || !strings.Contains(r.stdout, "4 to delete") {
		t.Errorf("exit %d, stderr %q; want %d, %q, and the plan on stdout:\n%s", r.code, r.stderr, exitError, want, r.stdout)
	}
	if w := writes(srv); len(w) != 0 {
		t.Errorf("writes %v, want none", w)
	}
}

func TestSyncHelp(t *testing.T) {
	t.Parallel()
	for _, cmd := range []string{"plan", "apply"} {
		r := invocation{args: []string{"users", cmd, "--help"}}.run(t.Context())
		for _, want := range []string{"Examples:", "Exit codes:", "first_name", "--column FIELD=NAME", "Guardrails", "--max-deletes N", "--allow-no-admin"} {
			if r.code != 0 || !strings.Contains(r.stdout, want) {
				t.Errorf("users %s --help: exit %d, does not say %q", cmd, r.code, want)
			}
		}
	}
}

// Interrupted once the plan is shown, apply starts no change and says so.
func TestApplyInterrupted(t *testing.T) {
	t.Parallel()
	srv := newOrgFake(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	r := invocation{args: append(syncArgs, "--yes"), vars: vars(srv), stdout: cancelOnWrite{cancel}}.run(ctx)
	want := "panther: interrupted: applied 0 of 8 changes before stopping ('panther users plan' shows what is left)\n"
	if r.code != exitInterrupted || r.stderr != want {
		t.Errorf("exit %d, stderr %q; want %d, %q", r.code, r.stderr, exitInterrupted, want)
	}
	if !strings.Contains(r.stdout, "Apply: 0 applied, 0 skipped (stale), 8 failed.") {
		t.Errorf("the results do not show that nothing was applied:\n%s", r.stdout)
	}
	if w := writes(srv); len(w) != 0 {
		t.Errorf("writes %v, want none", w)
	}
}
