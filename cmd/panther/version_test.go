package main

import (
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/pantherkit/panther-go/pkg/panther"
)

func TestGoldenVersion(t *testing.T) {
	t.Parallel()
	release := &debug.BuildInfo{
		GoVersion: "go1.26.8",
		Main:      debug.Module{Path: "github.com/pantherkit/panther-go", Version: "v0.2.0"},
		Settings: []debug.BuildSetting{
			{Key: "GOOS", Value: "linux"}, {Key: "GOARCH", Value: "amd64"},
			{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: "8a2baf7c0ffee0123456789abcdef0123456789a"},
			{Key: "vcs.time", Value: "2026-12-01T10:00:00Z"}, {Key: "vcs.modified", Value: "true"},
		},
	}
	devel := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/pantherkit/panther-go", Version: "(devel)"}}
	s := newSession(t, "panther-go "+panther.Version, "panther-go $LIBRARY_VERSION")
	s.note("built from a git checkout with uncommitted changes")
	a := s.run(invocation{args: []string{"version"}, buildInfo: release})
	b := s.run(invocation{args: []string{"--version"}, buildInfo: release})
	s.note("built without version control information (go run, say)")
	s.run(invocation{args: []string{"version"}, buildInfo: devel})
	golden(t, "version.txt", s.String())
	if a.stdout != b.stdout || a.code != 0 || b.code != 0 {
		t.Errorf("version and --version differ:\n%s\n%s", a.stdout, b.stdout)
	}
}

// The test binary's own build information: the parts that do not change.
func TestVersionOfThisBinary(t *testing.T) {
	t.Parallel()
	r := invocation{args: []string{"version"}}.run(t.Context())
	lines := strings.Split(r.stdout, "\n")
	if r.code != 0 || !strings.HasPrefix(lines[0], "panther ") || !strings.Contains(r.stdout, "\ngo: "+runtime.Version()) {
		t.Errorf("exit %d, version:\n%s\nwant panther's version and go: %s", r.code, r.stdout, runtime.Version())
	}
}
