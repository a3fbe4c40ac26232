package main

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pantherkit/panther-go/pkg/panther"
	"github.com/pantherkit/panther-go/pkg/panthertest"
)

// goTerms are pkg/panther's words for what the CLI calls flags and
// variables: none may reach a message.
var goTerms = regexp.MustCompile(`With[A-Z]\w+|RoleBy(Name|ID)|ListUsersOptions|base URL|NewClient|\b(givenName|familyName|pageSize|maxPages|ids\[\d+\]|role\.(id|name)):`)

// TestErrorsSpeakCLI drives each message of pkg/panther that the CLI can
// meet before or instead of a request, and the CLI's own new ones, into one
// golden transcript: every message names flags, variables and files, never
// a Go option or field, and every usage error points at its own command's
// help.
func TestErrorsSpeakCLI(t *testing.T) {
	t.Parallel()
	srv := newFake(t, 2)
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.token")
	short := filepath.Join(dir, "short.token")
	for name, body := range map[string]string{empty: "\n", short: "abc\n"} {
		if err := os.WriteFile(name, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	s := newSession(t, append(fakePairs(srv, "FAKE"), dir, "$TMP", "tok-in-url-00000005", "<token in the URL>")...)
	v := vars(srv)
	url := map[string]string{"PANTHER_API_URL": srv.URL}
	id := srv.Users()[0].GetId()
	cases := []invocation{
		// Configuration, from each place it can come from.
		{args: []string{"users", "list"}},
		{args: []string{"users", "list"}, vars: map[string]string{"PANTHER_API_TOKEN": srv.Token}},
		{args: []string{"users", "list"}, vars: url},
		{args: []string{"users", "list", "--api-token", "abc"}, vars: url},
		{args: []string{"users", "list", "--api-token", "ab cdefghij"}, vars: url},
		{args: []string{"users", "list", "--api-token-file", short}, vars: url},
		{args: []string{"users", "list", "--api-token-file", empty}, vars: url},
		{args: []string{"users", "list", "--api-token-file", filepath.Join(dir, "missing.token")}, vars: url},
		{args: []string{"users", "list"}, vars: map[string]string{"PANTHER_API_URL": srv.URL, "PANTHER_API_TOKEN_FILE": short}},
		{args: []string{"users", "list"}, vars: map[string]string{"PANTHER_API_URL": srv.URL, "PANTHER_API_TOKEN": srv.Token, "PANTHER_API_TOKEN_FILE": short}},
		{args: []string{"users", "list", "--api-token", srv.Token, "--api-token-file", short}, vars: url},
		{args: []string{"users", "list", "--api-url", "http://api.acme.example"}, vars: v},
		{args: []string{"users", "list", "--api-url", "ftp://api.acme.example"}, vars: v},
		{args: []string{"users", "list", "--api-url", "https://tok@api.acme.example"}, vars: v},
		{args: []string{"users", "list", "--api-url", "https://api.acme.example/tok-in-url-00000005", "--api-token", "tok-in-url-00000005"}},
		{args: []string{"users", "list", "--api-url", "https://api.acme.example?x=1"}, vars: v},
		{args: []string{"users", "list"}, vars: map[string]string{"PANTHER_API_HOST": "https://gw.acme.example/v1/users/", "PANTHER_API_TOKEN": srv.Token}},
		{args: []string{"users", "list", "--profile", "prod"}, vars: v},
		{args: []string{"users", "delete", "--ids-from", "-", "--api-token", "-", "--yes"}, vars: url, stdin: "x\n"},
		{args: []string{"users", "list", "--api-token", "-"}, vars: url, terminal: true},
		// Flags, checked by the CLI or by pkg/panther before any request.
		{args: []string{"users", "list", "--page-size", "61"}, vars: v},
		{args: []string{"users", "get", ".."}, vars: v},
		{args: []string{"users", "delete", "..", "--yes"}, vars: v},
		{args: []string{"users", "create"}, vars: v},
		{args: []string{"users", "create", "--email", "ada", "--given-name", "Ada", "--family-name", "L", "--role", "Admin"}, vars: v},
		{args: []string{"users", "update", id, "--email", "a@b.c", "--role", "Admin"}, vars: v},
		{args: []string{"users", "update", id}, vars: v},
		{args: []string{"users", "update", id, "--given-name", " "}, vars: v},
		{args: []string{"users", "get", "--email", " "}, vars: v},
		{args: []string{"users", "list", "--id", "a,,b"}, vars: v},
		{args: []string{"users", "frob"}, vars: v},
		{args: []string{"config", "set-profile", "bad name"}},
	}
	for _, inv := range cases {
		r := s.run(inv)
		if r.code == 0 {
			t.Errorf("panther %v: exit 0, want a failure", inv.args)
		}
		if m := goTerms.FindString(r.stderr); m != "" {
			t.Errorf("panther %v: stderr names %q, a Go term:\n%s", inv.args, m, r.stderr)
		}
		if r.code == exitUsage && !strings.Contains(r.stderr, "Run 'panther ") {
			t.Errorf("panther %v: a usage error that points at no help:\n%s", inv.args, r.stderr)
		}
	}
	s.note("the Console's HTML page, at a loopback address: no host to name")
	srv.Inject(panthertest.Fault{Kind: panthertest.FaultHTML, Op: "user#list"})
	s.run(invocation{args: []string{"users", "list"}, vars: v})
	golden(t, "messages.txt", s.String())
}

// Every usage error points at the help of the command that failed.
func TestUsageErrorsPointAtTheirCommand(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		args []string
		help string
	}{
		{[]string{"frobnicate"}, "panther"},
		{[]string{"users", "frob"}, "panther users"},
		{[]string{"users", "list", "--frob"}, "panther users list"},
		{[]string{"users", "create", "--role", "Admin"}, "panther users create"},
		{[]string{"users", "rm"}, "panther users delete"},
		{[]string{"config", "set-profile"}, "panther config set-profile"},
	} {
		r := invocation{args: tt.args}.run(t.Context())
		if want := "Run '" + tt.help + " --help' for usage.\n"; r.code != exitUsage || !strings.HasSuffix(r.stderr, want) {
			t.Errorf("panther %v: exit %d, stderr %q; want exit 2 ending %q", tt.args, r.code, r.stderr, want)
		}
	}
}

// The library's InputError fields, mapped to flags in one table; a field
// the table lacks still reads as a flag, never as a Go name.
func TestInputFieldsAreFlags(t *testing.T) {
	t.Parallel()
	for field, want := range map[string]string{
		"pageSize": "--page-size", "givenName": "--given-name", "role.id": "--role-id", "ids[2]": "id 3 of those given",
		"id": "the user id", "maxDeletes": "--max-deletes",
	} {
		if got := inputField(field); got != want {
			t.Errorf("inputField(%q) = %q, want %q", field, got, want)
		}
	}
	err := usageError{configError{err: errors.New("panther: WithAPIToken: token is empty"), token: "--api-token-file /x"}}
	if got, want := describe(err), "panther: --api-token-file /x: the token is empty"; got != want {
		t.Errorf("describe = %q, want %q", got, want)
	}
}

// pkg/panther names https://api.<host> for the Console's host when the host
// has a dot; the CLI names it for a host without one too, and never for a
// loopback address.
func TestConsoleMessageNamesTheHost(t *testing.T) {
	t.Parallel()
	msg := func(base string) string {
		return "panther: GET /users: 200 OK: the server answered with an HTML page, not JSON: " + base +
			" looks like the Panther Console; use the API URL (" + consolePlaceholder + ") instead"
	}
	for base, want := range map[string]string{
		"https://panther":         "https://api.panther",
		"https://panther:8443/v1": "https://api.panther",
		"http://127.0.0.1:8080":   consolePlaceholder,
		"http://localhost:8080":   consolePlaceholder,
		"https://api.panther":     consolePlaceholder,
	} {
		got := cliTerms(&panther.APIError{StatusCode: 200, Method: "GET", Path: "/users", Message: strings.TrimPrefix(msg(base), "panther: GET /users: 200 OK: ")})
		if !strings.Contains(got, "use the API URL ("+want+")") {
			t.Errorf("for %s: %q, want it to suggest %s", base, got, want)
		}
	}
}
