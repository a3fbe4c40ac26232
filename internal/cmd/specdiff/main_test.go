package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeRepo is a git repository holding a module example.com/m with packages
// a and b and an openapi.yaml, committed; in the work tree the spec is edited,
// b is deleted and a new package c exists.
func fakeRepo(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	write := func(name, content string) {
		t.Helper()
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module example.com/m\n\ngo 1.25\n")
	write("openapi.yaml", "openapi: 3.0.3 # at REV\n")
	write("a/a.go", "package a // at REV\n")
	write("b/b.go", "package b\n")
	command(t, dir, "git", "init", "-q")
	command(t, dir, "git", "add", "-A")
	command(t, dir, "git", "-c", "user.name=specdiff test", "-c", "user.email=specdiff@example.com", "-c", "commit.gpgsign=false",
		"commit", "-q", "-m", "base")
	write("openapi.yaml", "openapi: 3.0.3 # work tree\n")
	write("a/a.go", "package a // work tree\n")
	write("c/c.go", "package c\n")
	if err := os.RemoveAll(filepath.Join(dir, "b")); err != nil {
		t.Fatal(err)
	}
	return dir
}

// fakeTool writes a shell script standing in for oasdiff or apidiff and
// returns its path.
func fakeTool(t *testing.T, dir, name, script string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestRun drives run against a small repository with stand-ins for the two
// tools that print recorded output: exit codes, what is printed, that the
// tools see the tree at REV, and what happens to packages only one side has.
func TestRun(t *testing.T) {
	t.Parallel()
	needTools(t, "git", "sh")
	repo := fakeRepo(t)
	spec := func(scenario string) string { return filepath.Join(wd(t), "testdata", "oasdiff", scenario+".json") }
	api := func(scenario string) string { return filepath.Join(wd(t), "testdata", "apidiff", scenario+".txt") }
	tests := []struct {
		name       string
		oasdiffOut string // file the oasdiff stand-in prints; "" fails it
		apidiffOut string // file the apidiff stand-in prints for -incompatible; "" fails it
		args       []string
		wantCode   int
		wantOut    []string
		wantErr    []string
	}{
		{name: "additive passes", oasdiffOut: spec("added-parameter"), apidiffOut: api("added-parameter"),
			wantCode: exitOK, wantOut: []string{
				"spec-diff: comparing openapi.yaml (oasdiff) and the Go API of example.com/m/a (apidiff) at HEAD (",
				`spec-diff: compatible: GET /users: added the new optional "query" request parameter "role" [new-optional-request-parameter]`,
				"spec-diff: ok: nothing breaks callers since HEAD (",
				"1 spec changes, all compatible; Go API compatible",
			}},
		{name: "unchanged passes", oasdiffOut: spec("unchanged"), apidiffOut: api("unchanged"),
			wantCode: exitOK, wantOut: []string{"spec-diff: ok: nothing breaks callers since HEAD (", "no spec changes; Go API compatible"}},
		{name: "spec removal fails", oasdiffOut: spec("removed-parameter"), apidiffOut: api("unchanged"),
			wantCode: exitBreaking, wantOut: []string{
				`spec-diff: breaks callers: GET /users: request parameter "contains" (query) removed [request-parameter-removed]`,
				"spec-diff: 1 breaking changes since HEAD (",
			}},
		{name: "Go removal fails", oasdiffOut: spec("unchanged"), apidiffOut: api("removed-parameter"),
			wantCode: exitBreaking, wantOut: []string{"spec-diff: breaks Go callers of example.com/m/a: UserListParams.Contains: removed"}},
		{name: "interface growth fails with a note", oasdiffOut: spec("added-operation"), apidiffOut: api("added-operation"),
			wantCode: exitBreaking, wantOut: []string{
				"spec-diff: compatible: GET /users/{id}/tokens: endpoint added [endpoint-added]",
				"spec-diff: breaks Go callers of example.com/m/a: StrictServerInterface.UserTokens: added",
				`spec-diff: an incompatible "added" is a method added to an interface`,
				"spec-diff: 4 breaking changes since HEAD (",
			}},
		{name: "package new since REV is skipped, removed one breaks", oasdiffOut: spec("unchanged"), apidiffOut: api("unchanged"),
			args: []string{"-pkgs", "a,b,c"}, wantCode: exitBreaking, wantOut: []string{
				"spec-diff: breaks Go callers of example.com/m/b: package removed",
				"spec-diff: skipped example.com/m/c: no such package at HEAD (",
			}},
		{name: "oasdiff failure is named", oasdiffOut: "", apidiffOut: api("unchanged"),
			wantCode: exitFailure, wantErr: []string{"spec-diff: oasdiff changelog failed: ", "oasdiff stand-in failed", "spec-diff: could not compare everything"}},
		{name: "apidiff failure is named, breaks still reported", oasdiffOut: spec("removed-operation"), apidiffOut: "",
			wantCode: exitBreaking,
			wantOut:  []string{"spec-diff: breaks callers: DELETE /users/{id}: operation removed [api-removed-without-deprecation]", "some comparisons could not be made"},
			wantErr:  []string{"spec-diff: comparing the Go API of example.com/m/a failed", "apidiff -incompatible (work tree)", "apidiff stand-in failed"}},
		{name: "bad REV", oasdiffOut: spec("unchanged"), apidiffOut: api("unchanged"),
			args: []string{"-rev", "no-such-rev"}, wantCode: exitFailure, wantErr: []string{"spec-diff: -rev no-such-rev: not a commit in "}},
		{name: "missing tool commands", args: []string{"-oasdiff", ""},
			wantCode: exitFailure, wantErr: []string{"spec-diff: -oasdiff and -apidiff are required"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			bin := t.TempDir()
			oasdiff := fakeTool(t, bin, "oasdiff", `echo oasdiff stand-in failed >&2; exit 3`)
			if tt.oasdiffOut != "" {
				// Keep what it was given as the old spec: it must be the one at REV.
				oasdiff = fakeTool(t, bin, "oasdiff", fmt.Sprintf(`cp "$4" %q/old-spec && cat %q`, bin, tt.oasdiffOut))
			}
			script := `echo apidiff stand-in failed >&2; exit 3`
			if tt.apidiffOut != "" {
				script = fmt.Sprintf("cat %q", tt.apidiffOut)
			}
			// -w runs in the tree at REV: keep its a/a.go to check that.
			apidiff := fakeTool(t, bin, "apidiff", fmt.Sprintf(`if [ "$1" = -w ]; then cp a/a.go %q/old-a.go && echo export >"$2"; exit; fi; %s`, bin, script))
			args := append([]string{"-C", repo, "-rev", "HEAD", "-oasdiff", oasdiff, "-apidiff", apidiff, "-pkgs", "a"}, tt.args...)
			var stdout, stderr bytes.Buffer
			code := run(t.Context(), args, &stdout, &stderr)
			if code != tt.wantCode {
				t.Errorf("run() = %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.wantCode, &stdout, &stderr)
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(stdout.String(), w) {
					t.Errorf("stdout lacks %q:\n%s", w, &stdout)
				}
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(stderr.String(), w) {
					t.Errorf("stderr lacks %q:\n%s", w, &stderr)
				}
			}
			if tt.wantCode != exitOK || tt.oasdiffOut == "" {
				return
			}
			for file, want := range map[string]string{"old-spec": "openapi: 3.0.3 # at REV\n", "old-a.go": "package a // at REV\n"} {
				got, err := os.ReadFile(filepath.Join(bin, file))
				if err != nil || string(got) != want {
					t.Errorf("the tool saw %s = %q (%v), want %q", file, got, err, want)
				}
			}
		})
	}
}

func wd(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return dir
}
