package main

import (
	"slices"
	"strings"
	"testing"
)

// The help, the check and the printers read one table of formats.
func TestOutputFormats(t *testing.T) {
	t.Parallel()
	srv := newFake(t, 1)
	for _, cmd := range [][]string{{"users"}, {"users", "list"}} {
		help := invocation{args: append(cmd, "--help")}.run(t.Context()).stdout
		for _, f := range outputFormats {
			if !slices.ContainsFunc(strings.Split(help, "\n"), func(line string) bool {
				return strings.HasPrefix(line, "  "+f.name+" ") && strings.HasSuffix(line, " "+f.desc)
			}) {
				t.Errorf("panther %s --help does not describe -o %s:\n%s", strings.Join(cmd, " "), f.name, help)
			}
		}
		if !strings.Contains(help, "'panther users --help' describes them") {
			t.Errorf("panther %s --help lacks the flag's pointer to the formats:\n%s", strings.Join(cmd, " "), help)
		}
	}
	for _, f := range outputFormats {
		if r := runOK(t, srv, "users", "list", "-o", f.name); r.stdout == "" {
			t.Errorf("-o %s printed nothing", f.name)
		}
	}
	for _, bad := range []string{"xml", "", "TABLE", "yaml"} {
		r := invocation{args: []string{"users", "list", "-o", bad}, vars: vars(srv)}.run(t.Context())
		if r.code != exitUsage || !strings.Contains(r.stderr, "must be table, json or csv") || r.stdout != "" {
			t.Errorf("-o %q: exit %d, stdout %q, stderr %q; want exit 2 listing the formats", bad, r.code, r.stdout, r.stderr)
		}
	}
}
