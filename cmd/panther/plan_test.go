package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pantherkit/panther-go/api"
	"github.com/pantherkit/panther-go/pkg/panthertest"
)

// The sync goldens plan the lists in testdata/sync*.csv, .yaml and .json
// against the goldens' org (newOrgFake), on fixedClock. testdata/sync.csv is the org's 38 active
// users as an HR system would list them: two leavers (tfischer, wei.rossi)
// gone, Nadia Becker promoted to Analyst, José Tanaka renamed Tanaka Silva,
// Carmen Zhang's address in another case (not a change), and two new
// people (Ada Lovelace, Alan Turing). The org's two deactivated users are on
// no list. The other sync*.csv, sync.yaml and sync.json hold the same people
// in other shapes.

// assertOnlyListed fails unless every request the fake saw was a listing:
// plan reads and sends nothing else.
func assertOnlyListed(t *testing.T, srv *panthertest.Server) {
	t.Helper()
	for _, req := range srv.Requests() {
		if req.Op != "user#list" {
			t.Errorf("plan sent %s %s (%s), want listings only", req.Method, req.Path, req.Op)
		}
	}
}

func TestPlanGolden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
	}{
		{"plan.table", []string{"users", "plan", "-f", "testdata/sync.csv", "--prune"}},
		{"plan.json", []string{"users", "plan", "-f", "testdata/sync.csv", "--prune", "-o", "json"}},
		// Without --prune, and with a role no user has and a deactivated user.
		{"plan-warnings.table", []string{"users", "plan", "-f", "testdata/sync-warnings.csv"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newOrgFake(t)
			r := runOK(t, srv, tt.args...)
			golden(t, tt.name, r.stdout)
			if r.stderr != "" {
				t.Errorf("stderr = %q, want nothing (not a terminal)", r.stderr)
			}
			assertOnlyListed(t, srv)
		})
	}
}

// planJSONOf runs `users plan --prune -o json args...` (stdin on stdin) and
// returns the plan with the entries' sources left out, which name the file.
func planJSONOf(t *testing.T, srv *panthertest.Server, stdin string, args ...string) planJSON {
	t.Helper()
	args = append([]string{"users", "plan", "--prune", "-o", "json"}, args...)
	r := invocation{args: args, vars: vars(srv), stdin: stdin}.run(t.Context())
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("panther %s: exit %d, stderr:\n%s", strings.Join(args, " "), r.code, r.stderr)
	}
	var p planJSON
	if err := json.Unmarshal([]byte(r.stdout), &p); err != nil {
		t.Fatalf("panther %s: not a plan: %v\n%s", strings.Join(args, " "), err, r.stdout)
	}
	for i := range p.Changes {
		p.Changes[i].Source = ""
	}
	for i := range p.Warnings {
		p.Warnings[i].Sources = nil
	}
	return p
}

// The same people, in an identity provider's CSV, in a CSV whose columns
// only --column can name, in YAML and JSON, and on stdin, plan the same.
func TestPlanReadsEveryShapeAlike(t *testing.T) {
	t.Parallel()
	srv := newOrgFake(t)
	want := planJSONOf(t, srv, "", "-f", "testdata/sync.csv")
	if s := want.Summary; s != (planSummary{Create: 2, Update: 2, Delete: 4, Unchanged: 34}) {
		t.Fatalf("testdata/sync.csv plans %+v, want 2 creates, 2 updates, 4 deletes, 34 unchanged", s)
	}
	csvList, err := os.ReadFile("testdata/sync.csv")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		stdin string
		args  []string
	}{
		{"identity-provider headers", "", []string{"-f", "testdata/sync-idp.csv"}},
		{"--column", "", []string{"-f", "testdata/sync-column.csv",
			"--column", "email=Work Email", "--column", "givenName=Preferred Name", "--column", "role=access"}},
		{"YAML", "", []string{"-f", "testdata/sync.yaml"}},
		{"JSON", "", []string{"-f", "testdata/sync.json"}},
		{"stdin", string(csvList), []string{"-f", "-", "--format", "csv"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := planJSONOf(t, srv, tt.stdin, tt.args...)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("plan mismatch with testdata/sync.csv's (-csv +%s):\n%s", tt.name, diff)
			}
		})
	}
}

func TestPlanExitCode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout string
		wantStderr string
	}{
		{"changes", []string{"-f", "testdata/sync.csv", "--exit-code"}, exitChanges, "Plan: 2 to create, 2 to update, 0 to delete, 34 unchanged.", ""},
		{"changes without --exit-code", []string{"-f", "testdata/sync.csv"}, exitOK, "Plan: 2 to create", ""},
		{"changes, json", []string{"-f", "testdata/sync.csv", "--exit-code", "-o", "json"}, exitChanges, `"create": 2`, ""},
		{"refused", []string{"-f", "testdata/sync.csv", "--exit-code", "--prune", "--max-deletes", "2"}, exitError, "4 to delete",
			"panther: plan refused: it would delete 4 users, more than --max-deletes 2; to allow it, add --max-deletes 4\n"},
		{"a problem in the list", []string{"-f", "testdata/sync-bad.csv", "--exit-code"}, exitUsage, "", "8 problems"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newOrgFake(t)
			r := invocation{args: append([]string{"users", "plan"}, tt.args...), vars: vars(srv)}.run(t.Context())
			if r.code != tt.wantCode || !strings.Contains(r.stdout, tt.wantStdout) {
				t.Errorf("exit %d, want %d; stdout does not say %q?\n%s", r.code, tt.wantCode, tt.wantStdout, r.stdout)
			}
			if tt.wantStderr == "" && r.stderr != "" || !strings.Contains(r.stderr, tt.wantStderr) {
				t.Errorf("stderr = %q, want %q", r.stderr, tt.wantStderr)
			}
		})
	}
	// No changes: what `users list` writes plans nothing (TestRoundTrip).
	srv := newOrgFake(t)
	file := filepath.Join(t.TempDir(), "users.csv")
	if err := os.WriteFile(file, []byte(runOK(t, srv, "users", "list", "-o", "csv").stdout), 0o600); err != nil {
		t.Fatal(err)
	}
	r := runOK(t, srv, "users", "plan", "-f", file, "--exit-code")
	if !strings.Contains(r.stdout, "No changes") || r.stderr != "" {
		t.Errorf("plan of what users list wrote: stdout\n%s\nstderr %q; want no changes", r.stdout, r.stderr)
	}
}

// Each guardrail refuses, shows the plan, and names the flag that allows it.
func TestPlanRefused(t *testing.T) {
	t.Parallel()
	srv := newOrgFake(t)
	// An empty list with --prune, as a truncated export would give.
	args := []string{"users", "plan", "-f", "testdata/sync-empty.csv", "--prune"}
	r := invocation{args: args, vars: vars(srv)}.run(t.Context())
	if r.code != exitError || !strings.HasSuffix(r.stdout, "\nPlan: 0 to create, 0 to update, 40 to delete, 0 unchanged.\n") {
		t.Errorf("exit %d, want %d, with the plan on stdout:\n%s", r.code, exitError, r.stdout)
	}
	golden(t, "plan-refused.stderr", r.stderr)

	r = invocation{args: append(args, "-o", "json"), vars: vars(srv)}.run(t.Context())
	var p planJSON
	if err := json.Unmarshal([]byte(r.stdout), &p); err != nil || r.code != exitError {
		t.Fatalf("-o json: exit %d, %v:\n%s", r.code, err, r.stdout)
	}
	want := []refusal{
		{Guardrail: "max-deletes", Problem: "it would delete 40 users, more than the default limit of 4 (the smaller of 10 users and 10% of the 40 users read)",
			Override: "--max-deletes 40"},
		{Guardrail: "admin", Problem: `it would delete or demote every enabled user with the role "Admin" (2 now), leaving none`,
			Override: "--allow-no-admin", Hint: "if your admin role has another name, name it with --admin-role NAME instead"},
	}
	if diff := cmp.Diff(want, p.Refused); diff != "" {
		t.Errorf("-o json refused mismatch (-want +got):\n%s", diff)
	}

	// Both flags given, the plan goes through.
	r = runOK(t, srv, append(args, "--max-deletes", "40", "--allow-no-admin")...)
	if !strings.Contains(r.stdout, "40 to delete") {
		t.Errorf("with --max-deletes 40 --allow-no-admin:\n%s", r.stdout)
	}
	// --admin-role names the roles that count: none of those users is an Owner.
	r = runOK(t, srv, append(args, "--max-deletes", "40", "--admin-role", "Owner")...)
	if !strings.Contains(r.stdout, `no enabled user has the role "Owner"`) {
		t.Errorf("--admin-role Owner: want the warning that the guardrail protects nothing:\n%s", r.stdout)
	}
}

// Every problem of a list is named with its line before any request, and
// without any configuration.
func TestPlanInputErrors(t *testing.T) {
	t.Parallel()
	for _, format := range []string{"csv", "yaml", "json"} {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			srv := newOrgFake(t)
			args := []string{"users", "plan", "-f", "testdata/sync-bad." + format, "--prune"}
			r := invocation{args: args, vars: vars(srv)}.run(t.Context())
			if r.code != exitUsage || r.stdout != "" {
				t.Errorf("exit %d, stdout %q; want %d and nothing", r.code, r.stdout, exitUsage)
			}
			// The problems; not the usage hint after them, which is run's.
			problems, _, _ := strings.Cut(r.stderr, "Run '")
			golden(t, "plan-bad-"+format+".stderr", problems)
			if n := len(srv.Requests()); n != 0 {
				t.Errorf("%d requests sent, want none", n)
			}
			unconfigured := invocation{args: args}.run(t.Context())
			if unconfigured.code != exitUsage || unconfigured.stderr != r.stderr {
				t.Errorf("without configuration: exit %d, stderr\n%s\nwant the same problems", unconfigured.code, unconfigured.stderr)
			}
		})
	}
}

func TestPlanUsageErrors(t *testing.T) {
	t.Parallel()
	srv := newOrgFake(t)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"-o csv", []string{"users", "plan", "-f", "testdata/sync.csv", "-o", "csv"}, "users plan writes -o table or json, not csv"},
		{"apply -o csv", []string{"users", "apply", "-f", "testdata/sync.csv", "-o", "csv", "--yes"}, "users apply writes -o table or json, not csv"},
		{"no -f", []string{"users", "plan"}, "give the list of users with -f FILE (- for stdin)"},
		{"stdin without --format", []string{"users", "plan", "-f", "-"}, "give the format of stdin with --format csv|yaml|json"},
		{"negative --max-deletes", []string{"users", "plan", "-f", "testdata/sync.csv", "--max-deletes", "-1"}, "--max-deletes -1: must not be negative"},
		{"an argument", []string{"users", "plan", "testdata/sync.csv"}, `unknown command "testdata/sync.csv"`},
		{"negative --rate", []string{"users", "apply", "-f", "testdata/sync.csv", "--rate", "-1", "--yes"}, "--rate -1: must not be negative (0: no pacing)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := invocation{args: tt.args, vars: vars(srv)}.run(t.Context())
			if r.code != exitUsage || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want %d saying %q", r.code, r.stderr, exitUsage, tt.want)
			}
		})
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests sent, want none", n)
	}
}

// What `users list -o csv` and `-o json` write reads back as the users
// listed, hostile names and cells the CSV writer neutralized included: the
// plan of it changes nothing.
func TestRoundTrip(t *testing.T) {
	t.Parallel()
	fakes := []struct {
		name string
		new  func(*testing.T) *panthertest.Server
	}{{"seeded org", newOrgFake}, {"hostile names", newHostileFake}}
	for _, fake := range fakes {
		for _, format := range []string{"csv", "json"} {
			for _, deactivated := range []bool{false, true} {
				name := fake.name + " " + format
				listArgs := []string{"users", "list", "-o", format}
				planArgs := []string{"users", "plan", "--exit-code"}
				if deactivated {
					// Listed, the deactivated users are on the list, so
					// --prune keeps them too.
					name += " --include-deactivated --prune"
					listArgs = append(listArgs, "--include-deactivated")
					planArgs = append(planArgs, "--prune")
				}
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					srv := fake.new(t)
					listed := runOK(t, srv, listArgs...).stdout
					file := filepath.Join(t.TempDir(), "users."+format)
					if err := os.WriteFile(file, []byte(listed), 0o600); err != nil {
						t.Fatal(err)
					}
					r := invocation{args: append(planArgs, "-f", file), vars: vars(srv)}.run(t.Context())
					n := strings.Count(listed, `"email"`)
					if format == "csv" {
						n = strings.Count(listed, "\n") - 1
					}
					want := "Plan: 0 to create, 0 to update, 0 to delete, " + strconv.Itoa(n) + " unchanged."
					if r.code != 0 || !strings.Contains(r.stdout, want) {
						t.Errorf("plan of the listing: exit %d, want 0 and %q:\n%s\nstderr:\n%s", r.code, want, r.stdout, r.stderr)
					}
				})
			}
		}
	}
}

// Names and addresses from the server and from the list are escaped in the
// table: a plan renaming every hostile user, and creating one.
func TestPlanTableEscapes(t *testing.T) {
	t.Parallel()
	srv := newHostileFake(t)
	var users []api.UserAPIUser
	if err := json.Unmarshal([]byte(runOK(t, srv, "users", "list", "-o", "json").stdout), &users); err != nil {
		t.Fatal(err)
	}
	for i := range users {
		users[i].GivenName = "New \u202e" + users[i].GivenName
	}
	users = append(users, api.UserAPIUser{Email: "new\u202e@example.com", GivenName: "\u2066Iso", FamilyName: "Line\nBreak", Role: api.UserAPIRole{Name: ptr("\u009bAdmin")}})
	list, err := json.Marshal(map[string]any{"users": users})
	if err != nil {
		t.Fatal(err)
	}
	r := invocation{args: []string{"users", "plan", "-f", "-", "--format", "json"}, vars: vars(srv), stdin: string(list)}.run(t.Context())
	if r.code != 0 {
		t.Fatalf("exit %d:\n%s", r.code, r.stderr)
	}
	golden(t, "plan-hostile.table", r.stdout)
	assertNoRawHidden(t, "plan-hostile.table", r.stdout)
}

// The README's section on sync shows real output: the plan golden, and
// lines of the input-error and refusal goldens, with the file named
// users.csv.
func TestREADMEShowsRealPlans(t *testing.T) {
	t.Parallel()
	readFile := func(name, from, to string) string {
		t.Helper()
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		return strings.ReplaceAll(string(b), from, to)
	}
	readme := readFile("../../README.md", "", "")
	_, section, ok := strings.Cut(readme, "\n## Keep Panther in sync with a list\n")
	if !ok {
		t.Fatal("README has no section \"Keep Panther in sync with a list\"")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	if plan := readFile("testdata/plan.table", "testdata/sync.csv", "users.csv"); !strings.Contains(section, "```text\n"+plan+"```\n") {
		t.Errorf("the README's plan is not testdata/plan.table's:\n%s", plan)
	}
	problems := readFile("testdata/plan-bad-csv.stderr", "testdata/sync-bad.csv", "users.csv")
	for _, line := range strings.Split(section, "\n") {
		if strings.HasPrefix(line, "  users.csv:") && !strings.Contains(problems, line+"\n") {
			t.Errorf("the README shows a problem testdata/plan-bad-csv.stderr does not: %q", line)
		}
	}
	words := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	refused := words(readFile("testdata/plan-refused.stderr", "", ""))
	_, example, _ := strings.Cut(section, "allows N:\n  `")
	example, _, _ = strings.Cut(example, "`")
	if example == "" || !strings.Contains(refused, words(strings.TrimPrefix(example, "panther: plan refused: "))) {
		t.Errorf("the README's refusal %q is not in testdata/plan-refused.stderr:\n%s", example, refused)
	}
}
