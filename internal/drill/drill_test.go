// Package drill_test rehearses what a maintainer does when Panther changes
// the API, on a temporary copy of this tree: change the documents under
// api/, regenerate, and see what builds and what the tooling reports. It
// proves on every `make check` that the README's "When Panther changes the
// API" steps hold, without touching the real tree. Build caches are shared
// with the rest of the run, so a drill costs a regeneration and the
// recompilation of what depends on package api.
package drill_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// repoRoot is this tree's top, from internal/drill.
const repoRoot = "../.."

// copyTree copies the files git would commit (tracked, and untracked ones
// not ignored) as they are in the work tree into a temporary directory, with
// shared/ (the seed pages some tests read) linked beside it as it is beside
// this tree.
func copyTree(t *testing.T) string {
	t.Helper()
	out := run(t, repoRoot, "git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	top := t.TempDir()
	if shared, err := filepath.Abs(filepath.Join(repoRoot, "..", "shared")); err == nil {
		if _, err := os.Stat(shared); err == nil {
			if err := os.Symlink(shared, filepath.Join(top, "shared")); err != nil {
				t.Fatal(err)
			}
		}
	}
	dst := filepath.Join(top, "main")
	for _, name := range strings.Split(strings.TrimRight(out, "\x00"), "\x00") {
		b, err := os.ReadFile(filepath.Join(repoRoot, name))
		if os.IsNotExist(err) {
			continue // deleted in the work tree, not yet in the index
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Join(dst, filepath.Dir(name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

// run runs a command in dir and returns its combined output, failing the
// test when it fails.
func run(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	out, err := tryRun(t, dir, name, args...)
	if err != nil {
		t.Fatalf("%s %s in %s: %v\n%s", name, strings.Join(args, " "), dir, err, out)
	}
	return out
}

// tryRun runs a command in dir and returns its combined output and error.
func tryRun(t *testing.T, dir, name string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	err := cmd.Run()
	return buf.String(), err
}

// editDocuments rewrites every api/*.json of tree with edit, which gets
// each document as data and reports whether it changed it.
func editDocuments(t *testing.T, tree string, edit func(doc map[string]any) bool) int {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(tree, "api", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("api/*.json in the copy: %v %v", files, err)
	}
	changed := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if !edit(doc) {
			continue
		}
		changed++
		b, err = json.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(f, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return changed
}

// obj walks doc down keys, each an object.
func obj(doc map[string]any, keys ...string) map[string]any {
	m := doc
	for _, k := range keys {
		next, _ := m[k].(map[string]any)
		if next == nil {
			return nil
		}
		m = next
	}
	return m
}

// TestDrillAdditiveChange: Panther adds an optional property to the user and
// a filter to the list. Every document carrying UserAPI.User gets the
// property; after `go generate` the tree builds and panther.User and
// api.UserListParams carry the new fields with no hand edit.
func TestDrillAdditiveChange(t *testing.T) {
	t.Parallel()
	tree := copyTree(t)
	var users, lists int
	editDocuments(t, tree, func(doc map[string]any) bool {
		changed := false
		if props := obj(doc, "components", "schemas", "UserAPI.User", "properties"); props != nil {
			props["department"] = map[string]any{"type": "string", "description": "The user's department"}
			users++
			changed = true
		}
		if list := obj(doc, "paths", "/users", "get"); list != nil {
			params, _ := list["parameters"].([]any)
			list["parameters"] = append(params, map[string]any{
				"name": "department", "in": "query", "allowEmptyValue": true,
				"description": "Only users in this department", "schema": map[string]any{"type": "string"},
			})
			lists++
			changed = true
		}
		return changed
	})
	// Every document but delete's carries the user schema (each repeats
	// the schemas it uses); list's carries the parameters.
	if users != 4 || lists != 1 {
		t.Fatalf("edited the user schema in %d documents and the list in %d, want 4 and 1", users, lists)
	}
	run(t, tree, "go", "generate", "./...")
	// A caller's program using the new fields compiles against the wrapper's
	// types: they are the generated ones.
	writeFile(t, filepath.Join(tree, "cmd", "drillcheck", "main.go"), `package main

import (
	"fmt"

	"github.com/pantherkit/panther-go/api"
	"github.com/pantherkit/panther-go/pkg/panther"
)

func main() {
	var u panther.User
	var p api.UserListParams
	p.Department = u.Department
	fmt.Println(p.Department == u.Department)
}
`)
	run(t, tree, "go", "build", "./...")
	run(t, tree, "go", "vet", "./...")
}

// roleList is a made-up document for an operation the hand-written code
// does not know: GET /roles with RoleAPI.* schemas, as Panther publishes its
// roles page.
const roleList = "testdata/role-list.json"

// TestDrillNewOperation: Panther publishes a new operation. Dropped into
// api/ and regenerated, the tree builds, vets and passes every existing
// test; the generated client has the method (through Raw); and the fake
// answers it 501 with a JSON body naming it, after validating the request.
func TestDrillNewOperation(t *testing.T) {
	t.Parallel()
	tree := copyTree(t)
	doc, err := os.ReadFile(roleList)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(tree, "api", "role-list.json"), string(doc))
	run(t, tree, "go", "generate", "./...")
	writeFile(t, filepath.Join(tree, "pkg", "panthertest", "drill_new_operation_test.go"), `package panthertest_test

import (
	"testing"

	"github.com/pantherkit/panther-go/api"
	"github.com/pantherkit/panther-go/pkg/panther"
	"github.com/pantherkit/panther-go/pkg/panthertest"
)

func TestDrillRoleList(t *testing.T) {
	srv := panthertest.NewServer(panthertest.WithTB(t))
	c, err := panther.NewClient(srv.URL, panther.WithAPIToken(srv.Token))
	if err != nil {
		t.Fatal(err)
	}
	limit := int64(10)
	resp, err := c.Raw().RoleListWithResponse(t.Context(), &api.RoleListParams{Limit: &limit})
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode() != 501 || resp.HTTPResponse.Header.Get("Content-Type") != "application/json" ||
		string(resp.Body) != "{\"message\":\"operation role#list (GET /roles) is not implemented by this server\"}\n" {
		t.Errorf("GET /roles = %d %q %q, want a JSON 501 naming role#list", resp.StatusCode(), resp.HTTPResponse.Header.Get("Content-Type"), resp.Body)
	}
	bad := int64(61)
	resp, err = c.Raw().RoleListWithResponse(t.Context(), &api.RoleListParams{Limit: &bad})
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode() != 400 {
		t.Errorf("GET /roles?limit=61 = %d %s, want 400: the request is still validated", resp.StatusCode(), resp.Body)
	}
	if errs := srv.Errors(); len(errs) != 0 {
		t.Errorf("the fake's own validation: %v", errs)
	}
}
`)
	run(t, tree, "go", "build", "./...")
	run(t, tree, "go", "vet", "./...")
	// Every package's tests but the drills' own (this one would copy the
	// copy; spec-diff's rehearses on a git repository, which the copy is
	// not): they run on the real tree.
	var pkgs []string
	for _, p := range strings.Fields(run(t, tree, "go", "list", "./...")) {
		if !strings.HasSuffix(p, "/internal/drill") && !strings.HasSuffix(p, "/internal/cmd/specdiff") {
			pkgs = append(pkgs, p)
		}
	}
	out := run(t, tree, "go", append([]string{"test", "-count=1"}, pkgs...)...)
	if !strings.Contains(out, "ok  \tgithub.com/pantherkit/panther-go/pkg/panthertest") {
		t.Errorf("go test ./... in the copy did not run pkg/panthertest:\n%s", out)
	}

	// From outside, as a conformance suite sees it: the CLI's fake server.
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	bin := filepath.Join(t.TempDir(), "panther")
	run(t, tree, "go", "build", "-o", bin, "./cmd/panther")
	cmd := exec.CommandContext(ctx, bin, "fake-server", "--addr", "127.0.0.1:0", "--users", "3")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	var url, token string
	sc := bufio.NewScanner(stdout)
	for sc.Scan() && (url == "" || token == "") {
		if v, ok := strings.CutPrefix(sc.Text(), "export PANTHER_API_URL="); ok {
			url = v
		}
		if v, ok := strings.CutPrefix(sc.Text(), "export PANTHER_API_TOKEN="); ok {
			token = v
		}
	}
	if url == "" || token == "" {
		t.Fatalf("fake-server printed no URL and token")
	}
	status, ctype, body := get(t, url+"/roles", token)
	if status != 501 || ctype != "application/json" || !strings.Contains(body, "role#list") {
		t.Errorf("fake-server GET /roles = %d %q %q, want a JSON 501 naming role#list", status, ctype, body)
	}
}

func writeFile(t *testing.T, name, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// get sends GET url with the API key and returns status, content type and body.
func get(t *testing.T, url, token string) (int, string, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-API-Key", token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(b)
}
