package main

import (
	"strings"
	"testing"
	"time"

	"github.com/pantherkit/panther-go/api"
	"github.com/pantherkit/panther-go/pkg/panthertest"
)

// complete runs cobra's hidden `__complete` as a shell does on Tab.
func complete(t *testing.T, vars map[string]string, args ...string) result {
	t.Helper()
	return invocation{args: append([]string{"__complete"}, args...), vars: vars}.run(t.Context())
}

// Completion of flag values and user ids, through __complete.
func TestGoldenCompletion(t *testing.T) {
	t.Parallel()
	srv := newFake(t, 3, panthertest.WithRoles(
		api.UserAPIRole{Id: ptr("r1"), Name: ptr("Admin")},
		api.UserAPIRole{Id: ptr("r2"), Name: ptr("SecurityEngineer")},
		api.UserAPIRole{Id: ptr("r3"), Name: ptr("Auditor")},
	))
	for _, u := range []api.UserAPIUser{
		{Id: ptr("PantherSSO_sec@acme.example"), Email: "sec@acme.example", GivenName: "Sec", FamilyName: "Eng", Role: api.UserAPIRole{Name: ptr("SecurityEngineer")}, Enabled: true},
		{Id: ptr("hidden\x1bid"), Email: "esc@acme.example", GivenName: "E\tsc", FamilyName: "Ape", Role: api.UserAPIRole{Name: ptr("Auditor")}, Enabled: true},
	} {
		if _, err := srv.AddUser(u); err != nil {
			t.Fatal(err)
		}
	}
	ids := remainingIDs(srv)
	s := newSession(t, fakePairs(srv, "FAKE")...)
	s.note("the formats of the one table, with their descriptions")
	s.run(invocation{args: []string{"__complete", "users", "list", "-o", ""}})
	s.note("the statuses Panther knows")
	s.run(invocation{args: []string{"__complete", "users", "list", "--status", ""}})
	s.note("roles: the defaults when no API is configured, else those the users have")
	s.run(invocation{args: []string{"__complete", "users", "create", "--role", ""}})
	s.run(invocation{args: []string{"__complete", "users", "review", "--admin-role", ""}, vars: vars(srv)})
	s.note("ids from one page of users, described; an id with a hidden character is left out")
	s.run(invocation{args: []string{"__complete", "users", "get", ""}, vars: vars(srv)})
	s.run(invocation{args: []string{"__complete", "users", "update", ids[0][:2]}, vars: vars(srv)})
	s.note("get takes one id; delete takes more, and offers those not given yet")
	s.run(invocation{args: []string{"__complete", "users", "show", ids[0], ""}, vars: vars(srv)})
	s.run(invocation{args: []string{"__complete", "users", "rm", ids[0], ids[1], ""}, vars: vars(srv)})
	golden(t, "completion.txt", s.String())
}

// Completion that cannot reach Panther offers the fallback, quietly and
// soon: a refused port, a token refused, a server that does not answer.
func TestCompletionFailsQuietly(t *testing.T) {
	t.Parallel()
	slow := newFake(t, 1, panthertest.WithLatency(10*time.Second))
	fast, refused := newFake(t, 1), newFake(t, 1)
	refusedVars := map[string]string{"PANTHER_API_URL": refused.URL, "PANTHER_API_TOKEN": refused.Token}
	refused.Close()
	for name, v := range map[string]map[string]string{
		"refused":   refusedVars,
		"bad token": {"PANTHER_API_URL": fast.URL, "PANTHER_API_TOKEN": "not-a-valid-token"},
		"slow":      vars(slow),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			start := time.Now()
			roles := complete(t, v, "users", "create", "--role", "")
			ids := complete(t, v, "users", "get", "")
			if took := time.Since(start); took > 2*completionTimeout+2*time.Second {
				t.Errorf("completion took %s", took)
			}
			if roles.stdout != "Admin\nAnalyst\nAnalystReadOnly\n:4\n" || ids.stdout != ":4\n" {
				t.Errorf("roles %q, ids %q; want the default roles and no ids", roles.stdout, ids.stdout)
			}
			for _, r := range []result{roles, ids} {
				if r.code != 0 || strings.TrimSpace(r.stderr) != "Completion ended with directive: ShellCompDirectiveNoFileComp" {
					t.Errorf("exit %d, stderr %q; want only cobra's own line", r.code, r.stderr)
				}
			}
		})
	}
}
