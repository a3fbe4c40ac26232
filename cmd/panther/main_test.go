package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/goleak"

	"github.com/pantherkit/panther-go/pkg/panthertest"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// fixedClock makes createdAt, and so the golden files, deterministic.
func fixedClock() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }

// newFake starts a fake Panther with n seeded users, closed when the test ends.
func newFake(t *testing.T, n int, opts ...panthertest.Option) *panthertest.Server {
	t.Helper()
	return panthertest.NewServer(append([]panthertest.Option{
		panthertest.WithTB(t), panthertest.WithUsers(n), panthertest.WithClock(fixedClock),
	}, opts...)...)
}

// syncBuffer is a bytes.Buffer safe for the command and the test to share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// invocation is one run of the command, in-process.
type invocation struct {
	args     []string
	vars     map[string]string
	stdin    string
	terminal bool // stdin and stderr are terminals
	stdout   io.Writer
	// configDir is the user config directory; "" is none, as for a
	// process without $HOME, so that no test reads the real one.
	configDir string
	// buildInfo is what version reports; nil: the test binary's own.
	buildInfo *debug.BuildInfo
}

type result struct {
	code           int
	stdout, stderr string
}

func (inv invocation) run(ctx context.Context) result {
	var stdout, stderr syncBuffer
	var out io.Writer = &stdout
	if inv.stdout != nil {
		out = io.MultiWriter(&stdout, inv.stdout)
	}
	e := env{
		stdin:      strings.NewReader(inv.stdin),
		stdout:     out,
		stderr:     &stderr,
		getenv:     func(k string) string { return inv.vars[k] },
		isTerminal: func(any) bool { return inv.terminal },
		now:        fixedClock, // the fake's clock too (newFake)
		configDir: func() (string, error) {
			if inv.configDir == "" {
				return "", errors.New("neither $XDG_CONFIG_HOME nor $HOME are defined")
			}
			return inv.configDir, nil
		},
		buildInfo: debug.ReadBuildInfo,
	}
	if inv.buildInfo != nil {
		e.buildInfo = func() (*debug.BuildInfo, bool) { return inv.buildInfo, true }
	}
	code := run(ctx, inv.args, e)
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// vars points the command at srv with its full-access token.
func vars(srv *panthertest.Server) map[string]string {
	return map[string]string{"PANTHER_API_URL": srv.URL, "PANTHER_API_TOKEN": srv.Token}
}

// runOK runs the command and fails the test unless it exits 0; the token must
// never appear in what it prints.
func runOK(t *testing.T, srv *panthertest.Server, args ...string) result {
	t.Helper()
	r := invocation{args: args, vars: vars(srv)}.run(t.Context())
	if r.code != 0 {
		t.Fatalf("panther %s: exit %d, stderr:\n%s", strings.Join(args, " "), r.code, r.stderr)
	}
	assertNoToken(t, srv, r)
	return r
}

func assertNoToken(t *testing.T, srv *panthertest.Server, r result) {
	t.Helper()
	for _, tok := range []string{srv.Token, srv.ReadOnlyToken} {
		if strings.Contains(r.stdout, tok) || strings.Contains(r.stderr, tok) {
			t.Errorf("the API token was printed:\nstdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
		}
	}
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/panther -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", name, diff)
	}
}

// session records runs of the command as a reader of a terminal would see
// them, for a golden file: the command line (with its variables and stdin),
// then stdout, stderr and the exit code. Whatever changes from run to run
// (a fake's URL, a temporary folder) is replaced by a name, and so is every
// token, so that no golden file ever holds one.
type session struct {
	t    *testing.T
	repl *strings.Replacer
	b    strings.Builder
}

// newSession replaces each old of the old, new pairs by its new.
func newSession(t *testing.T, pairs ...string) *session {
	t.Helper()
	return &session{t: t, repl: strings.NewReplacer(pairs...)}
}

// fakePairs are the replacements for srv, named name: its URL and tokens.
func fakePairs(srv *panthertest.Server, name string) []string {
	return []string{srv.URL, "$" + name, srv.Token, "<" + name + " token>", srv.ReadOnlyToken, "<" + name + " read-only token>"}
}

// note adds a line of explanation to the transcript.
func (s *session) note(text string) { fmt.Fprintf(&s.b, "# %s\n", text) }

func (s *session) run(inv invocation) result {
	s.t.Helper()
	r := inv.run(s.t.Context())
	line := "$ "
	if inv.stdin != "" {
		line += "echo " + shellQuote(strings.TrimSuffix(inv.stdin, "\n")) + " | "
	}
	for _, k := range slices.Sorted(maps.Keys(inv.vars)) {
		line += k + "=" + shellQuote(inv.vars[k]) + " "
	}
	quoted := make([]string, len(inv.args))
	for i, a := range inv.args {
		quoted[i] = shellQuote(a)
	}
	line += "panther " + strings.Join(quoted, " ")
	fmt.Fprintln(&s.b, line)
	for _, out := range []struct{ name, text string }{{"stdout", r.stdout}, {"stderr", r.stderr}} {
		if out.text != "" {
			fmt.Fprintf(&s.b, "%s:\n%s", out.name, out.text)
			if !strings.HasSuffix(out.text, "\n") {
				fmt.Fprintf(&s.b, "\n(no newline at the end of %s)\n", out.name)
			}
		}
	}
	fmt.Fprintf(&s.b, "exit %d\n\n", r.code)
	return r
}

// String is the transcript so far, with the replacements made.
func (s *session) String() string { return s.repl.Replace(s.b.String()) }

// shellQuote quotes a for a shell when it needs it.
func shellQuote(a string) string {
	if a != "" && strings.Trim(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./:=@,+-$<>") == "" {
		return a
	}
	return "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
}

// testTokens are the tokens tests write into token files and profiles: no
// golden may hold them, nor one of the fake's (pt_ and 40 hex digits).
var testTokens = []string{"tok-profile-prod-0001", "tok-profile-default-0002", "tok-env-file-0003", "tok-flag-file-0004", "tok-in-url-00000005", "tok-stdin-ci-00000006"}

var fakeToken = regexp.MustCompile(`pt_[0-9a-f]{40}`)

func TestGoldensHoldNoToken(t *testing.T) {
	t.Parallel()
	n := 0
	err := filepath.WalkDir("testdata", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		n++
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if m := fakeToken.Find(b); m != nil {
			t.Errorf("%s holds a token of the fake: %s", path, m)
		}
		for _, tok := range testTokens {
			if bytes.Contains(b, []byte(tok)) {
				t.Errorf("%s holds the test token %s", path, tok)
			}
		}
		return nil
	})
	if err != nil || n == 0 {
		t.Fatalf("reading the golden files: %v (%d files)", err, n)
	}
}

// The realistic org the review and sync goldens read: panthertest.WithOrg of
// orgSize users from orgSeed.
const (
	orgSize = 40
	orgSeed = 7
)

// newOrgFake starts a fake serving that org.
func newOrgFake(t *testing.T) *panthertest.Server {
	t.Helper()
	return newFake(t, 0, panthertest.WithOrg(orgSize), panthertest.WithSeed(orgSeed))
}
