package main

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pantherkit/panther-go/api"
	"github.com/pantherkit/panther-go/pkg/panthertest"
)

func TestGolden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
	}{
		{"list.table", []string{"users", "list", "--max", "5"}},
		{"list.json", []string{"users", "list", "--max", "5", "-o", "json"}},
		{"list.csv", []string{"users", "list", "--max", "5", "-o", "csv"}},
		{"list-empty.json", []string{"users", "list", "--contains", "nobody-matches", "-o", "json"}},
		{"list-filter.csv", []string{"users", "list", "--contains", "HOPPER", "--page-size", "2", "-o", "csv"}},
		{"get.table", []string{"users", "get", "--email", "user00002@example.com"}},
		{"get.json", []string{"users", "get", "--email", "user00002@example.com", "-o", "json"}},
		{"get.csv", []string{"users", "get", "--email", "user00002@example.com", "-o", "csv"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t, 25)
			r := runOK(t, srv, tt.args...)
			golden(t, tt.name, r.stdout)
			if r.stderr != "" {
				t.Errorf("stderr = %q, want nothing (not a terminal)", r.stderr)
			}
		})
	}
}

func TestListJSONIsTheAPIsUsers(t *testing.T) {
	t.Parallel()
	srv := newFake(t, 130)
	r := runOK(t, srv, "users", "list", "-o", "json", "--page-size", "50")
	var got []api.UserAPIUser
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("stdout is not a JSON array of users: %v\n%s", err, r.stdout)
	}
	if diff := cmp.Diff(srv.Users(), got); diff != "" {
		t.Errorf("listed users mismatch (-fake +listed):\n%s", diff)
	}
	if n := len(srv.Requests()); n != 3 {
		t.Errorf("requests = %d, want 3 pages of 50", n)
	}
}

// firstWrite records how many requests the fake had seen at the first write,
// and whether the next page was asked for while that write was in progress.
type firstWrite struct {
	srv        *panthertest.Server
	seen       int
	overlapped bool
}

func (f *firstWrite) Write(p []byte) (int, error) {
	if f.seen == 0 {
		f.seen = len(f.srv.Requests())
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
			if len(f.srv.Requests()) > 1 {
				f.overlapped = true
				break
			}
		}
	}
	return len(p), nil
}

func TestListStreamsPageByPage(t *testing.T) {
	t.Parallel()
	for _, format := range []string{"json", "csv"} {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t, 100)
			fw := &firstWrite{srv: srv}
			r := invocation{args: []string{"users", "list", "-o", format, "--page-size", "10"}, vars: vars(srv), stdout: fw}.run(t.Context())
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			// The first page, and maybe already the prefetch of the second.
			if fw.seen < 1 || fw.seen > 2 {
				t.Errorf("first output after %d requests, want after the first page (1 or 2 requests of 10)", fw.seen)
			}
			if !fw.overlapped {
				t.Error("the second page was not requested while the first was written")
			}
		})
	}
}

func TestListFiltersAndMax(t *testing.T) {
	t.Parallel()
	srv := newFake(t, 40)
	ids := []string{*srv.Users()[3].Id, *srv.Users()[7].Id}
	r := runOK(t, srv, "users", "list", "-o", "csv", "--id", ids[0], "--id", ids[1])
	if got := strings.Count(r.stdout, "\n"); got != 3 {
		t.Errorf("--id twice: %d lines, want header + 2:\n%s", got, r.stdout)
	}
	r = runOK(t, srv, "users", "list", "-o", "csv", "--max", "7", "--page-size", "3")
	if got := strings.Count(r.stdout, "\n"); got != 8 {
		t.Errorf("--max 7: %d lines, want header + 7:\n%s", got, r.stdout)
	}
	srv.ResetRequests()
	runOK(t, srv, "users", "list", "--max", "3", "--page-size", "3")
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("--max 3 --page-size 3 sent %d requests, want 1 (stop fetching once enough)", n)
	}
}

// faultOnWrite injects its fault into the fake at the command's first write
// to stdout, so that the pages after the first fail.
type faultOnWrite struct {
	srv      *panthertest.Server
	fault    panthertest.Fault
	injected bool
}

func (f *faultOnWrite) Write(p []byte) (int, error) {
	if !f.injected {
		f.injected = true
		f.srv.Inject(f.fault)
	}
	return len(p), nil
}

// A listing that fails after some pages were written still ends its JSON
// array, so what reached stdout parses.
func TestListErrorAfterAPageKeepsJSONValid(t *testing.T) {
	t.Parallel()
	srv := newFake(t, 30)
	fw := &faultOnWrite{srv: srv, fault: panthertest.Fault{Kind: panthertest.FaultStatus, Op: "user#list", Status: 400}}
	// --max turns prefetch off, so the second page is asked for only after the first is written.
	r := invocation{args: []string{"users", "list", "-o", "json", "--page-size", "10", "--max", "100"}, vars: vars(srv), stdout: fw}.run(t.Context())
	if r.code != exitError {
		t.Errorf("exit %d, want %d; stderr:\n%s", r.code, exitError, r.stderr)
	}
	var got []api.UserAPIUser
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("stdout is not a JSON array: %v\n%s", err, r.stdout)
	}
	if diff := cmp.Diff(srv.Users()[:10], got); diff != "" {
		t.Errorf("users written before the error mismatch (-want +got):\n%s", diff)
	}
}

func TestProgressOnlyOnATerminal(t *testing.T) {
	t.Parallel()
	srv := newFake(t, 30)
	args := []string{"users", "list", "--page-size", "10", "-o", "csv"}
	r := invocation{args: args, vars: vars(srv), terminal: true}.run(t.Context())
	if r.code != 0 || !strings.Contains(r.stderr, "fetched 30 users (3 pages)") {
		t.Errorf("on a terminal: exit %d, stderr %q, want progress", r.code, r.stderr)
	}
	r = invocation{args: args, vars: vars(srv)}.run(t.Context())
	if r.code != 0 || r.stderr != "" {
		t.Errorf("not a terminal: exit %d, stderr %q, want none", r.code, r.stderr)
	}
}

func TestGetByID(t *testing.T) {
	t.Parallel()
	srv := newFake(t, 3)
	sso, err := srv.AddUser(api.UserAPIUser{
		Id: ptr("PantherSSO_ann+ops@acme.example"), Email: "ann+ops@acme.example",
		GivenName: "Ann", FamilyName: "Ops", Role: api.UserAPIRole{Name: ptr("Admin")}, Enabled: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	r := runOK(t, srv, "users", "get", *sso.Id, "-o", "json")
	var got api.UserAPIUser
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(sso, got); diff != "" {
		t.Errorf("get mismatch (-want +got):\n%s", diff)
	}
}

func TestCreate(t *testing.T) {
	t.Parallel()
	srv := newFake(t, 0)
	r := runOK(t, srv, "users", "create", "--email", "new@acme.example", "--given-name", "New", "--family-name", "Person", "--role", "Analyst", "-o", "json")
	var got api.UserAPIUser
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatal(err)
	}
	users := srv.Users()
	if len(users) != 1 || users[0].Email != "new@acme.example" || *users[0].Role.Name != "Analyst" || *got.Id != *users[0].Id {
		t.Errorf("after create, fake holds %+v; printed %+v", users, got)
	}
	roleID := *srv.Roles()[0].Id
	runOK(t, srv, "users", "create", "--email", "second@acme.example", "--given-name", "S", "--family-name", "P", "--role-id", roleID)
	if users := srv.Users(); len(users) != 2 || *users[1].Role.Id != roleID {
		t.Errorf("create --role-id: fake holds %+v", users)
	}
}

func TestUpdateChangesOnlyGivenFields(t *testing.T) {
	t.Parallel()
	srv := newFake(t, 2)
	before := srv.Users()[1]
	runOK(t, srv, "users", "update", *before.Id, "--family-name", "Byron", "--role", "Admin")
	after := srv.Users()[1]
	want := before
	want.FamilyName = "Byron"
	want.Role = api.UserAPIRole{Id: srv.Roles()[0].Id, Name: ptr("Admin")}
	if diff := cmp.Diff(want, after); diff != "" {
		t.Errorf("user after update (-want +got):\n%s", diff)
	}
	runOK(t, srv, "users", "update", *before.Id, "--new-email", "renamed@acme.example")
	after2 := srv.Users()[1]
	want.Email = "renamed@acme.example"
	if diff := cmp.Diff(want, after2); diff != "" {
		t.Errorf("user after email update (-want +got):\n%s", diff)
	}
}

func TestDelete(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		args        []string
		terminal    bool
		stdin       string
		wantCode    int
		wantDeleted bool
		wantStderr  string
	}{
		{"--yes deletes", []string{"--yes"}, false, "", 0, true, "Deleted user"},
		{"refused without --yes when not a terminal", nil, false, "y\n", 2, false, "without --yes"},
		{"asks on a terminal: yes", nil, true, "y\n", 0, true, "Deleted user"},
		{"asks on a terminal: no", nil, true, "n\n", 0, false, "Not deleted."},
		{"asks on a terminal: end of input", nil, true, "", 0, false, "Not deleted."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t, 2)
			id := *srv.Users()[0].Id
			r := invocation{args: append([]string{"users", "delete", id}, tt.args...), vars: vars(srv), stdin: tt.stdin, terminal: tt.terminal}.run(t.Context())
			if r.code != tt.wantCode || !strings.Contains(r.stderr, tt.wantStderr) {
				t.Errorf("exit %d, stderr %q; want %d and %q", r.code, r.stderr, tt.wantCode, tt.wantStderr)
			}
			if deleted := len(srv.Users()) == 1; deleted != tt.wantDeleted {
				t.Errorf("deleted = %v, want %v", deleted, tt.wantDeleted)
			}
			assertNoToken(t, srv, r)
		})
	}
}

func TestExitCodesAndMessages(t *testing.T) {
	t.Parallel()
	srv := newFake(t, 1)
	id := *srv.Users()[0].Id
	readOnly := map[string]string{"PANTHER_API_HOST": srv.URL, "PANTHER_API_TOKEN": srv.ReadOnlyToken}
	tests := []struct {
		name       string
		args       []string
		vars       map[string]string
		wantCode   int
		wantStderr []string
	}{
		{"unknown command", []string{"frobnicate"}, vars(srv), 2, []string{`unknown command "frobnicate"`}},
		{"unknown users subcommand", []string{"users", "frob"}, vars(srv), 2, []string{`unknown command "frob"`}},
		{"bare users", []string{"users"}, vars(srv), 2, []string{"needs a subcommand"}},
		{"unknown flag", []string{"users", "list", "--frob"}, vars(srv), 2, []string{"unknown flag: --frob"}},
		{"bad output", []string{"users", "list", "-o", "xml"}, vars(srv), 2, []string{"must be table, json, csv or ids"}},
		// Only the users commands check -o: these fail on their own flags instead.
		{"demo ignores -o", []string{"demo", "-o", "xml", "--users", "0"}, nil, 2, []string{"--users must be at least 1"}},
		{"fake-server ignores -o", []string{"fake-server", "-o", "xml", "--users", "-1"}, nil, 2, []string{"must not be negative"}},
		{"missing argument", []string{"users", "delete"}, vars(srv), 2, []string{"give the users to delete"}},
		{"get needs id or email", []string{"users", "get"}, vars(srv), 2, []string{"give a user id or --email"}},
		{"create needs role", []string{"users", "create", "--email", "a@b.c", "--given-name", "A", "--family-name", "B"}, vars(srv), 2, []string{"--role"}},
		{"create needs email", []string{"users", "create", "--given-name", "A", "--family-name", "B", "--role", "Admin"}, vars(srv), 2, []string{"missing required flags: --email"}},
		{"role and role-id", []string{"users", "update", id, "--role", "Admin", "--role-id", "x"}, vars(srv), 2, []string{"not both"}},
		{"update with nothing", []string{"users", "update", id}, vars(srv), 2, []string{"nothing to change"}},
		{"page size", []string{"users", "list", "--page-size", "61"}, vars(srv), 2, []string{"between 1 and 60"}},
		{"id the library rejects", []string{"users", "get", ".."}, vars(srv), 2, []string{"invalid input", `must not be "." or ".."`}},
		{"empty --id", []string{"users", "list", "--id="}, vars(srv), 2, []string{`--id "": an id is empty`}},
		{"delete an id the library rejects", []string{"users", "delete", ".", "--yes"}, vars(srv), 2, []string{"invalid input"}},
		{"no URL", []string{"users", "list"}, map[string]string{"PANTHER_API_TOKEN": srv.Token}, 2, []string{"PANTHER_API_URL", "PANTHER_API_HOST"}},
		{"no token", []string{"users", "list"}, map[string]string{"PANTHER_API_URL": srv.URL}, 2, []string{"PANTHER_API_TOKEN"}},
		{"bad URL", []string{"users", "list"}, map[string]string{"PANTHER_API_URL": "ftp://x", "PANTHER_API_TOKEN": srv.Token}, 2, []string{`scheme "ftp"`}},
		{"remote plain http", []string{"users", "list", "--api-url", "http://api.example.com"}, vars(srv), 2, []string{"the API URL (--api-url) uses plain http://", "use https://"}},
		{"not found", []string{"users", "get", "no-such-user"}, vars(srv), 1, []string{"404", "check the id"}},
		{"not found by email", []string{"users", "get", "--email", "nobody@acme.example"}, vars(srv), 1, []string{"check the id or email"}},
		{"unauthorized", []string{"users", "list"}, map[string]string{"PANTHER_API_URL": srv.URL, "PANTHER_API_TOKEN": "wrong-token"}, 1, []string{"401", "check the API token"}},
		{"unauthorized json", []string{"users", "list", "-o", "json"}, map[string]string{"PANTHER_API_URL": srv.URL, "PANTHER_API_TOKEN": "wrong-token"}, 1, []string{"401", "check the API token"}},
		{"unauthorized csv", []string{"users", "list", "-o", "csv"}, map[string]string{"PANTHER_API_URL": srv.URL, "PANTHER_API_TOKEN": "wrong-token"}, 1, []string{"401", "check the API token"}},
		{"forbidden", []string{"users", "create", "--email", "a@b.c", "--given-name", "A", "--family-name", "B", "--role", "Admin"}, readOnly, 1, []string{"403", "Manage Users"}},
		{"duplicate email", []string{"users", "create", "--email", srv.Users()[0].Email, "--given-name", "A", "--family-name", "B", "--role", "Admin"}, vars(srv), 1, []string{"400", "already exists"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := invocation{args: tt.args, vars: tt.vars}.run(t.Context())
			if r.code != tt.wantCode {
				t.Errorf("exit %d, want %d; stderr:\n%s", r.code, tt.wantCode, r.stderr)
			}
			for _, want := range tt.wantStderr {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr %q does not contain %q", r.stderr, want)
				}
			}
			if r.stdout != "" {
				t.Errorf("stdout = %q, want nothing on error", r.stdout)
			}
			assertNoToken(t, srv, r)
		})
	}
}

func TestHelpHasExamples(t *testing.T) {
	t.Parallel()
	for _, cmd := range [][]string{{}, {"users"}, {"users", "list"}, {"users", "get"}, {"users", "create"}, {"users", "update"}, {"users", "delete"}, {"users", "review"}, {"fake-server"}, {"demo"}} {
		r := invocation{args: append(cmd, "--help")}.run(t.Context())
		if r.code != 0 || !strings.Contains(r.stdout, "Examples:") {
			t.Errorf("panther %s --help: exit %d, no Examples section:\n%s", strings.Join(cmd, " "), r.code, r.stdout)
		}
	}
	r := invocation{args: []string{"completion", "bash"}}.run(t.Context())
	if r.code != 0 || !strings.Contains(r.stdout, "bash completion") {
		t.Errorf("completion bash: exit %d, %.80q", r.code, r.stdout)
	}
}

func ptr[T any](v T) *T { return &v }

var _ io.Writer = (*firstWrite)(nil)

func TestErrorsAreOneLineWithOnePrefix(t *testing.T) {
	t.Parallel()
	srv := newFake(t, 1)
	for _, args := range [][]string{{"users", "get", "no-such-user"}, {"users", "frob"}, {"users", "list", "--page-size", "0x"}} {
		r := invocation{args: args, vars: vars(srv)}.run(t.Context())
		first, _, _ := strings.Cut(r.stderr, "\n")
		if !strings.HasPrefix(first, "panther: ") || strings.HasPrefix(first, "panther: panther: ") {
			t.Errorf("panther %s: first stderr line %q, want one \"panther: \" prefix", strings.Join(args, " "), first)
		}
	}
}

// With several required flags missing, create names them all in one
// message, in the order of the help, every time.
func TestCreateNamesMissingFlagsInOrder(t *testing.T) {
	t.Parallel()
	srv := newFake(t, 0)
	for range 20 {
		r := invocation{args: []string{"users", "create", "--given-name", "Ada"}, vars: vars(srv)}.run(t.Context())
		want := "panther: missing required flags: --email, --family-name, --role (or --role-id)\nRun 'panther users create --help' for usage.\n"
		if r.code != exitUsage || r.stderr != want {
			t.Fatalf("exit %d, stderr %q; want exit 2 and %q", r.code, r.stderr, want)
		}
	}
}

func TestTableAndPromptShowNoControlCharacters(t *testing.T) {
	t.Parallel()
	srv := newFake(t, 0)
	u, err := srv.AddUser(api.UserAPIUser{
		Email: "evil@example.com", GivenName: "Ev\til", FamilyName: "\x1b[2J\x1b[31mRed\nLine",
		Role: api.UserAPIRole{Name: ptr("Admin")}, Enabled: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	r := runOK(t, srv, "users", "get", *u.Id)
	if strings.ContainsAny(r.stdout, "\t\x1b") || strings.Count(r.stdout, "\n") != 2 {
		t.Errorf("table shows control characters:\n%q", r.stdout)
	}
	r = invocation{args: []string{"users", "delete", *u.Id}, vars: vars(srv), stdin: "n\n", terminal: true}.run(t.Context())
	if strings.ContainsAny(r.stderr, "\t\x1b") || !strings.Contains(r.stderr, "Not deleted.") {
		t.Errorf("delete prompt shows control characters:\n%q", r.stderr)
	}
	// JSON keeps the data exactly, escaped.
	r = runOK(t, srv, "users", "get", *u.Id, "-o", "json")
	if !strings.Contains(r.stdout, `\u001b[2J`) {
		t.Errorf("JSON lost the data:\n%s", r.stdout)
	}
}

// remainingIDs returns the ids of the users the fake holds.
func remainingIDs(srv *panthertest.Server) []string {
	var ids []string
	for _, u := range srv.Users() {
		ids = append(ids, u.GetId())
	}
	return ids
}

func TestDeleteMany(t *testing.T) {
	t.Parallel()
	// The fake holds user00001..user00004 (ids u[0]..u[3]) and an SSO user
	// whose id holds "+", "@" and "." and whose name would rewrite a
	// terminal.
	setup := func(t *testing.T) (*panthertest.Server, []string) {
		t.Helper()
		srv := newFake(t, 4)
		if _, err := srv.AddUser(api.UserAPIUser{
			Id: ptr("PantherSSO_ann+ops@acme.example"), Email: "ann+ops@acme.example",
			GivenName: "Ann\x1b[2J", FamilyName: "Ops\u202e", Role: api.UserAPIRole{Name: ptr("Admin")}, Enabled: true,
		}); err != nil {
			t.Fatal(err)
		}
		return srv, remainingIDs(srv)
	}
	file := filepath.Join(t.TempDir(), "leavers.txt")
	tests := []struct {
		name     string
		args     func(ids []string) []string
		stdin    func(ids []string) string
		terminal bool
		wantCode int
		// wantLeft are the indexes of the users still there afterwards.
		wantLeft   []int
		wantStderr []string
	}{
		{
			name:     "several ids with --yes",
			args:     func(ids []string) []string { return []string{ids[0], ids[4], ids[2], "--yes"} },
			wantLeft: []int{1, 3}, wantStderr: []string{"Deleted 3 users."},
		},
		{
			name: "--ids-from - skips blanks and comments, trims, reads CRLF and a byte order mark, deletes a repeat once",
			args: func([]string) []string { return []string{"--ids-from", "-", "--yes"} },
			stdin: func(ids []string) string {
				return "\ufeff# leavers, Q4\r\n" + ids[1] + "\r\n\r\n   " + ids[4] + "  \n\t# " + ids[0] + "\n" + ids[1] + "\n"
			},
			wantLeft: []int{0, 2, 3}, wantStderr: []string{"Deleted 2 users."},
		},
		{
			name: "--ids-from FILE and arguments together",
			args: func(ids []string) []string {
				if err := os.WriteFile(file, []byte(ids[3]+"\n"+ids[2]+"\n"), 0o600); err != nil {
					t.Fatal(err)
				}
				return []string{ids[0], "--ids-from", file, "-y"}
			},
			wantLeft: []int{1, 4}, wantStderr: []string{"Deleted 3 users."},
		},
		{
			name:     "refused without --yes when stdin is not a terminal",
			args:     func(ids []string) []string { return []string{ids[0], ids[1], ids[4]} },
			stdin:    func([]string) string { return "y\n" },
			wantCode: exitUsage, wantLeft: []int{0, 1, 2, 3, 4},
			wantStderr: []string{"refusing to delete 3 users without --yes", "not a terminal"},
		},
		{
			name:     "--ids-from - is refused without --yes even on a terminal",
			args:     func([]string) []string { return []string{"--ids-from", "-"} },
			stdin:    func(ids []string) string { return ids[0] + "\n" },
			terminal: true, wantCode: exitUsage, wantLeft: []int{0, 1, 2, 3, 4},
			wantStderr: []string{"without --yes", "--ids-from - reads the ids from stdin"},
		},
		{
			name:     "on a terminal the prompt says how many and which, escaped: yes",
			args:     func(ids []string) []string { return []string{ids[0], ids[4]} },
			stdin:    func([]string) string { return "yes\n" },
			terminal: true, wantLeft: []int{1, 2, 3},
			wantStderr: []string{
				"Delete 2 users:\n",
				"  Ada Lovelace <user00001@example.com> (",
				`  Ann\x1b[2J Ops\u202e <ann+ops@acme.example> (PantherSSO_ann+ops@acme.example)`,
				"Delete these 2 users? [y/N] ",
				"Deleted 2 users.",
			},
		},
		{
			name:     "on a terminal: no",
			args:     func(ids []string) []string { return []string{ids[0], ids[1]} },
			stdin:    func([]string) string { return "n\n" },
			terminal: true, wantLeft: []int{0, 1, 2, 3, 4}, wantStderr: []string{"Delete these 2 users? [y/N] Not deleted."},
		},
		{
			name:     "on a terminal an unknown id deletes nothing",
			args:     func(ids []string) []string { return []string{ids[0], "no-such-user"} },
			stdin:    func([]string) string { return "y\n" },
			terminal: true, wantCode: exitError, wantLeft: []int{0, 1, 2, 3, 4},
			wantStderr: []string{`no user has the id "no-such-user": nothing deleted`},
		},
		{
			name:     "with --yes a failure gets its line, the others are deleted, exit 1",
			args:     func(ids []string) []string { return []string{ids[0], "no-such-user", ".", ids[1], "--yes"} },
			wantCode: exitError, wantLeft: []int{2, 3, 4},
			wantStderr: []string{
				`panther: user "no-such-user" not deleted: DELETE /users/{id}: 404`,
				`panther: user "." not deleted: invalid input`,
				"panther: deleted 2 of 4 users; 2 failed",
			},
		},
		{
			name:     "an empty list deletes nothing and succeeds",
			args:     func([]string) []string { return []string{"--ids-from", "-", "--yes"} },
			stdin:    func([]string) string { return "# nobody this quarter\n\n" },
			wantLeft: []int{0, 1, 2, 3, 4}, wantStderr: []string{"No users to delete."},
		},
		{
			name:     "a line that is not a CSV cell is a usage error naming the line",
			args:     func([]string) []string { return []string{"--ids-from", "-", "--yes"} },
			stdin:    func(ids []string) string { return ids[0] + "\nC:\\temp\n" },
			wantCode: exitUsage, wantLeft: []int{0, 1, 2, 3, 4}, wantStderr: []string{"--ids-from -: line 2: invalid escape"},
		},
		{
			name: "a missing file is a usage error",
			args: func([]string) []string {
				return []string{"--ids-from", filepath.Join(t.TempDir(), "none.txt"), "--yes"}
			},
			wantCode: exitUsage, wantLeft: []int{0, 1, 2, 3, 4}, wantStderr: []string{"--ids-from: open ", "no such file"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Not parallel: the cases share file.
			srv, ids := setup(t)
			inv := invocation{args: append([]string{"users", "delete"}, tt.args(ids)...), vars: vars(srv), terminal: tt.terminal}
			if tt.stdin != nil {
				inv.stdin = tt.stdin(ids)
			}
			r := inv.run(t.Context())
			if r.code != tt.wantCode {
				t.Errorf("exit %d, want %d; stderr:\n%s", r.code, tt.wantCode, r.stderr)
			}
			for _, want := range tt.wantStderr {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr does not contain %q:\n%s", want, r.stderr)
				}
			}
			if strings.ContainsAny(r.stderr, "\x1b\u202e") {
				t.Errorf("stderr holds a hidden character:\n%q", r.stderr)
			}
			var wantLeft []string
			for _, i := range tt.wantLeft {
				wantLeft = append(wantLeft, ids[i])
			}
			if diff := cmp.Diff(wantLeft, remainingIDs(srv)); diff != "" {
				t.Errorf("users left in the fake (-want +got):\n%s", diff)
			}
			if r.stdout != "" {
				t.Errorf("stdout = %q, want nothing", r.stdout)
			}
			assertNoToken(t, srv, r)
		})
	}
}
