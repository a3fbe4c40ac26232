package main

import (
	"strings"
	"testing"
)

// Commands that never talk to Panther, or print no users, do not list the
// global flags they ignore; those that do, list them.
func TestHelpListsOnlyFlagsUsed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		cmd        []string
		want, hide []string
	}{
		{[]string{"demo"}, nil, []string{"--api-url", "--api-token", "--profile", "--output", "--no-headers", "--verbose"}},
		{[]string{"fake-server"}, nil, []string{"--api-url", "--api-token", "--profile", "--output", "--verbose"}},
		{[]string{"completion"}, nil, []string{"--api-url", "--api-token", "--output"}},
		{[]string{"completion", "bash"}, nil, []string{"--api-url", "--api-token", "--output"}},
		{[]string{"version"}, nil, []string{"--api-url", "--output"}},
		{[]string{"config", "list"}, nil, []string{"--api-url", "--profile", "--output"}},
		{[]string{"config", "set-profile"}, []string{"--api-url", "--api-token-file", "--store-token-in-clear"}, []string{"--profile", "--output", "--verbose"}},
		{[]string{"users", "list"}, []string{"--api-url", "--api-token-file", "--profile", "--output", "--no-headers", "--verbose", "--status-raw"}, nil},
		{[]string{"users", "delete"}, []string{"--api-url", "--dry-run", "--email", "rm"}, nil},
	}
	for _, tt := range tests {
		help := invocation{args: append(tt.cmd, "--help")}.run(t.Context()).stdout
		for _, f := range tt.want {
			if !strings.Contains(help, f) {
				t.Errorf("panther %s --help lacks %s:\n%s", strings.Join(tt.cmd, " "), f, help)
			}
		}
		for _, f := range tt.hide {
			if strings.Contains(help, f+" ") {
				t.Errorf("panther %s --help lists %s, which it ignores:\n%s", strings.Join(tt.cmd, " "), f, help)
			}
		}
	}
	// Hidden from the help, not refused: a script that passes them still runs.
	if r := (invocation{args: []string{"version", "-o", "json"}}).run(t.Context()); r.code != 0 {
		t.Errorf("version -o json: exit %d: %s", r.code, r.stderr)
	}
}

// ls, rm and show are list, delete and get.
func TestAliases(t *testing.T) {
	t.Parallel()
	srv := newFake(t, 3)
	ids := remainingIDs(srv)
	if r := runOK(t, srv, "users", "ls", "-o", "ids"); r.stdout != strings.Join(ids, "\n")+"\n" {
		t.Errorf("users ls -o ids = %q", r.stdout)
	}
	if r := runOK(t, srv, "users", "show", ids[1], "-o", "ids"); r.stdout != ids[1]+"\n" {
		t.Errorf("users show = %q", r.stdout)
	}
	runOK(t, srv, "users", "rm", ids[0], "--yes")
	if got := remainingIDs(srv); len(got) != 2 || got[0] != ids[1] {
		t.Errorf("after users rm: %v", got)
	}
}
