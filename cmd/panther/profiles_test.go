package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pantherkit/panther-go/pkg/panthertest"
)

// writeToken writes tok into dir/name for a token file, and returns its path.
func writeToken(t *testing.T, dir, name, tok string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(tok+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// Profiles are saved and listed without their tokens, and config show
// says where each setting comes from: flags, then variables, then the
// profile (--profile, else PANTHER_PROFILE, else "default").
func TestGoldenProfiles(t *testing.T) {
	t.Parallel()
	config, tmp := t.TempDir(), t.TempDir()
	prodFile := writeToken(t, tmp, "prod.token", testTokens[0])
	defaultFile := writeToken(t, tmp, "default.token", testTokens[1])
	envFile := writeToken(t, tmp, "env.token", testTokens[2])
	flagFile := writeToken(t, tmp, "flag.token", testTokens[3])
	const stdinToken = "tok-stdin-ci-00000006"
	s := newSession(t, config, "$CONFIG", tmp, "$TMP", stdinToken, "<ci token>")
	run := func(stdin string, vars map[string]string, args ...string) result {
		t.Helper()
		return s.run(invocation{args: args, vars: vars, stdin: stdin, configDir: config})
	}
	run("", nil, "config", "list")
	run("", nil, "config", "set-profile", "prod", "--api-url", "https://api.prod.acme.example", "--api-token-file", prodFile)
	s.note("the GraphQL URL people paste is saved as the API URL")
	run("", nil, "config", "set-profile", "default", "--api-url", "https://api.dev.acme.example/public/graphql", "--api-token-file", defaultFile)
	run("", nil, "config", "set-profile", "ci", "--api-url", "https://api.ci.acme.example", "--api-token", stdinToken)
	run(stdinToken+"\n", nil, "config", "set-profile", "ci", "--api-url", "https://api.ci.acme.example", "--api-token", "-", "--store-token-in-clear")
	run("", nil, "config", "set-profile", "prod", "--api-url", "https://api.prod.acme.example/users")
	run("", nil, "config", "set-profile", "stage")
	run("", nil, "config", "list")

	s.note("precedence: flags, then variables, then the profile")
	run("", nil, "config", "show")
	run("", map[string]string{"PANTHER_PROFILE": "prod"}, "config", "show")
	run("", map[string]string{"PANTHER_PROFILE": "prod"}, "--profile", "ci", "config", "show")
	run("", map[string]string{"PANTHER_API_TOKEN_FILE": envFile}, "config", "show")
	run("", map[string]string{"PANTHER_API_TOKEN_FILE": envFile}, "--api-token-file", flagFile, "config", "show")
	run("", map[string]string{"PANTHER_API_URL": "https://api.other.example", "PANTHER_API_TOKEN_FILE": envFile}, "--profile", "prod", "config", "show")
	run("", nil, "--profile", "prod", "--api-url", "api.prod.acme.example", "config", "show")
	s.note("a profile's token goes to its own API only")
	run("", nil, "--profile", "prod", "--api-url", "https://api.other.example", "config", "show")
	run("", map[string]string{"PANTHER_API_URL": "https://api.other.example"}, "config", "show")
	run("", nil, "--profile", "nope", "users", "list")
	golden(t, "profiles.txt", s.String())

	path := filepath.Join(config, "panther", "config.json")
	info, err := os.Stat(path)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("config file: %v, mode %v; want 0600", err, info.Mode().Perm())
	}
	b, _ := os.ReadFile(path)
	var cfg configFile
	if err := json.Unmarshal(b, &cfg); err != nil {
		t.Fatal(err)
	}
	want := map[string]*profile{
		"prod":    {APIURL: "https://api.prod.acme.example", APITokenFile: prodFile},
		"default": {APIURL: "https://api.dev.acme.example", APITokenFile: defaultFile},
		"ci":      {APIURL: "https://api.ci.acme.example", APIToken: stdinToken}, // asked for
	}
	if diff := cmp.Diff(want, cfg.Profiles); diff != "" {
		t.Errorf("config file (-want +got):\n%s", diff)
	}
	for _, tok := range testTokens[:4] {
		if strings.Contains(string(b), tok) {
			t.Errorf("the config file holds the token of a token file:\n%s", b)
		}
	}
}

// The same precedence, seen by the API: the request goes to the URL and
// carries the token of the place that wins.
func TestProfilePrecedenceReachesTheAPI(t *testing.T) {
	t.Parallel()
	a, b, c := newFake(t, 1), newFake(t, 1), newFake(t, 1)
	config, tmp := t.TempDir(), t.TempDir()
	aFile, bFile, cFile := writeToken(t, tmp, "a", a.Token), writeToken(t, tmp, "b", b.Token), writeToken(t, tmp, "c", c.Token)
	for _, inv := range []invocation{
		{args: []string{"config", "set-profile", "default", "--api-url", a.URL, "--api-token-file", aFile}},
		{args: []string{"config", "set-profile", "b", "--api-url", b.URL, "--api-token", "-", "--store-token-in-clear"}, stdin: b.Token},
	} {
		inv.configDir = config
		if r := inv.run(t.Context()); r.code != 0 {
			t.Fatalf("%v: exit %d: %s", inv.args, r.code, r.stderr)
		}
	}
	fakes := map[*panthertest.Server]string{a: "a", b: "b", c: "c"}
	tests := []struct {
		name      string
		inv       invocation
		want      *panthertest.Server // nil: no request at all
		wantToken string
		wantCode  int
		stderr    string
	}{
		{"the default profile", invocation{}, a, a.Token, 0, ""},
		{"PANTHER_PROFILE", invocation{vars: map[string]string{"PANTHER_PROFILE": "b"}}, b, b.Token, 0, ""},
		{"--profile over PANTHER_PROFILE", invocation{args: []string{"--profile", "b"}, vars: map[string]string{"PANTHER_PROFILE": "default"}}, b, b.Token, 0, ""},
		{"variables over the profile", invocation{vars: vars(c)}, c, c.Token, 0, ""},
		{"PANTHER_API_TOKEN_FILE", invocation{vars: map[string]string{"PANTHER_API_URL": c.URL, "PANTHER_API_TOKEN_FILE": cFile}}, c, c.Token, 0, ""},
		{"flags over variables", invocation{args: []string{"--api-url", b.URL, "--api-token-file", bFile}, vars: vars(c)}, b, b.Token, 0, ""},
		{"--api-token - reads stdin", invocation{args: []string{"--api-url", c.URL, "--api-token", "-"}, stdin: c.Token + "\n"}, c, c.Token, 0, ""},
		{"a variable over a chosen profile's token, noted", invocation{args: []string{"--profile", "b"}, vars: map[string]string{"PANTHER_API_TOKEN": b.ReadOnlyToken}},
			b, b.ReadOnlyToken, 0, "panther: note: PANTHER_API_TOKEN overrides the token of profile b\n"},
		{"a profile's token never goes to another URL", invocation{vars: map[string]string{"PANTHER_API_URL": c.URL}}, nil, "", exitUsage, "the token of profile default is for"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Not parallel: the cases share the fakes' request logs.
			for srv := range fakes {
				srv.ResetRequests()
			}
			inv := tt.inv
			inv.args = append(inv.args, "users", "list", "-o", "ids")
			inv.configDir = config
			r := inv.run(t.Context())
			if r.code != tt.wantCode || !strings.Contains(r.stderr, tt.stderr) || (tt.stderr == "" && r.stderr != "") {
				t.Errorf("exit %d, stderr %q; want %d and %q", r.code, r.stderr, tt.wantCode, tt.stderr)
			}
			for srv, name := range fakes {
				reqs := srv.Requests()
				switch {
				case srv != tt.want && len(reqs) > 0:
					t.Errorf("fake %s got %d requests, want none", name, len(reqs))
				case srv == tt.want && (len(reqs) != 1 || reqs[0].Header.Get("X-API-Key") != tt.wantToken):
					t.Errorf("fake %s got %d requests, or the wrong token; want one with the token of %s", name, len(reqs), tt.name)
				}
			}
			for srv := range fakes {
				assertNoToken(t, srv, r)
			}
		})
	}
}

// A config file that does not parse is an error naming it, when a profile
// is needed; a command given everything never reads it.
func TestBrokenConfigFile(t *testing.T) {
	t.Parallel()
	srv := newFake(t, 1)
	config := t.TempDir()
	if err := os.MkdirAll(filepath.Join(config, "panther"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(config, "panther", "config.json"), []byte("{profiles: nope"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := invocation{args: []string{"users", "list"}, vars: map[string]string{"PANTHER_API_URL": srv.URL}, configDir: config}.run(t.Context())
	if r.code != exitError || !strings.Contains(r.stderr, "config.json is not a panther config file") {
		t.Errorf("exit %d, stderr %q; want exit 1 naming the file", r.code, r.stderr)
	}
	if r := (invocation{args: []string{"users", "list", "-o", "ids"}, vars: vars(srv), configDir: config}).run(t.Context()); r.code != 0 {
		t.Errorf("with the URL and token given: exit %d, stderr %q; want the config file left alone", r.code, r.stderr)
	}
}
