package main

import (
	"bytes"
	"context"
	"flag"
	"io"
	"os"
	"path/filepath"
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
