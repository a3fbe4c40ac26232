package main

// The spec edits the tests make to a copy of this module, as a maintainer
// would make them to the published documents under api/, the helpers that
// copy, edit and regenerate that module, and TestCapture, which records what
// the pinned oasdiff and apidiff say about each edit into testdata/.

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var capture = flag.Bool("capture", false, "re-record testdata/oasdiff and testdata/apidiff by running the tools pinned in the Makefile on each scenario")

// scenario is one edit of the documents under <module>/api.
type scenario struct {
	name string
	edit func(t *testing.T, module string)
}

// Exact fragments of the published documents (single-line JSON, kept as
// published: edits are text replacements, not a re-encoding).
const (
	containsParam  = `{"name":"contains","in":"query","description":"Search name and email fields in a case-insensitive fashion","allowEmptyValue":true,"schema":{"type":"string","description":"Search name and email fields in a case-insensitive fashion"}},`
	statusParam    = `{"name":"status","in":"query"`
	roleParam      = `{"name":"role","in":"query","description":"Only users with this role name","allowEmptyValue":true,"schema":{"type":"string","description":"Only users with this role name"}},`
	lastLoggedIn   = `,"lastLoggedInAt":{"type":"string"}`
	userStatusProp = `"status":{"type":"string","description":"The Cognito auth-related status of this User"}`
	department     = `,"department":{"type":"string","description":"The department of the user"}`
	roleNameProp   = `,"name":{"type":"string","description":"The name of the role. Note: name should be excluded if id is provided during a modify operation"}`
)

var scenarios = []scenario{
	{"unchanged", func(*testing.T, string) {}},
	{"removed-parameter", func(t *testing.T, module string) {
		t.Helper()
		editDocs(t, module, `"operationId":"user#list"`, containsParam, "")
	}},
	{"removed-property", func(t *testing.T, module string) {
		t.Helper()
		editDocs(t, module, `"UserAPI.User":{`, lastLoggedIn, "")
	}},
	{"removed-request-property", func(t *testing.T, module string) {
		t.Helper()
		editDocs(t, module, `"UserAPI.Role":{`, roleNameProp, "")
	}},
	{"removed-operation", func(t *testing.T, module string) {
		t.Helper()
		if err := os.Remove(filepath.Join(module, "api", "user-delete.json")); err != nil {
			t.Fatal(err)
		}
	}},
	{"added-optional-property", func(t *testing.T, module string) {
		t.Helper()
		editDocs(t, module, `"UserAPI.User":{`, userStatusProp, userStatusProp+department)
	}},
	{"added-parameter", func(t *testing.T, module string) {
		t.Helper()
		editDocs(t, module, `"operationId":"user#list"`, statusParam, roleParam+statusParam)
	}},
	{"added-operation", func(t *testing.T, module string) {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(module, "api", "user-get.json"))
		if err != nil {
			t.Fatal(err)
		}
		doc := strings.NewReplacer(`"/users/{id}"`, `"/users/{id}/tokens"`, `"user#get"`, `"user#tokens"`).Replace(string(b))
		writeDoc(t, filepath.Join(module, "api", "user-tokens.json"), doc)
	}},
}

func scenarioNamed(t *testing.T, name string) scenario {
	t.Helper()
	i := slices.IndexFunc(scenarios, func(s scenario) bool { return s.name == name })
	if i < 0 {
		t.Fatalf("no scenario %q", name)
	}
	return scenarios[i]
}

// editDocs replaces old with new, exactly once, in every api/*.json of module
// containing marker (the schema or operation the edit is about), and fails
// unless at least one document was edited.
func editDocs(t *testing.T, module, marker, old, new string) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(module, "api", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	edited := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		doc := string(b)
		if !strings.Contains(doc, marker) {
			continue
		}
		if n := strings.Count(doc, old); n != 1 {
			t.Fatalf("%s: %q appears %d times, want once", f, old, n)
		}
		writeDoc(t, f, strings.Replace(doc, old, new, 1))
		edited++
	}
	if edited == 0 {
		t.Fatalf("no document under %s/api has %q", module, marker)
	}
}

func writeDoc(t *testing.T, path, doc string) {
	t.Helper()
	if !json.Valid([]byte(doc)) {
		t.Fatalf("%s: the edit made invalid JSON", path)
	}
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
}

// repoRoot is the root of this module, three directories up.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", "..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// copyModule copies this module into a new git repository with one commit and
// returns its directory. The copy is the module as committed (HEAD), with the
// work tree's versions of the files under test laid over it: this package and
// the Makefile. Other edits in the work tree are left out: in a shared work
// tree someone else's change in progress need not compile, and it is not what
// these tests are about (in CI the two are the same).
func copyModule(t *testing.T) string {
	t.Helper()
	root := repoRoot(t)
	tmp := t.TempDir()
	dst := filepath.Join(tmp, "module")
	if err := checkout(t.Context(), root, "HEAD", dst, filepath.Join(tmp, "index")); err != nil {
		t.Fatal(err)
	}
	mine := command(t, ".", "git", "ls-files", "-z", "--full-name", "--cached", "--others", "--exclude-standard", ".")
	for _, name := range append(strings.Split(mine, "\x00"), "Makefile") {
		if name == "" {
			continue
		}
		src, to := filepath.Join(root, filepath.FromSlash(name)), filepath.Join(dst, filepath.FromSlash(name))
		b, err := os.ReadFile(src)
		if os.IsNotExist(err) {
			if err := os.Remove(to); err != nil && !os.IsNotExist(err) {
				t.Fatal(err) // deleted in the work tree: delete it in the copy too
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(to, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	command(t, dst, "git", "init", "-q")
	command(t, dst, "git", "add", "-A")
	command(t, dst, "git", "-c", "user.name=specdiff test", "-c", "user.email=specdiff@example.com", "-c", "commit.gpgsign=false",
		"commit", "-q", "-m", "base")
	return dst
}

// resetModule puts a module made by copyModule back to its commit.
func resetModule(t *testing.T, module string) {
	t.Helper()
	command(t, module, "git", "checkout", "-q", "--", ".")
	command(t, module, "git", "clean", "-q", "-f", "-d")
}

// command runs name with args in dir and returns its standard output; it
// fails the test if the command fails.
func command(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), name, args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.Bytes())
	}
	return string(out)
}

// makeVar is the value of a variable of the Makefile in dir: the pinned tool
// commands live there and only there.
func makeVar(t *testing.T, dir, name string) string {
	t.Helper()
	rule := fmt.Sprintf("specdiff-test-print-var: ; @echo $(%s)", name)
	v := strings.TrimSpace(command(t, dir, "make", "-s", "--no-print-directory", "--eval", rule, "specdiff-test-print-var"))
	if v == "" {
		t.Fatalf("the Makefile in %s sets no %s", dir, name)
	}
	return v
}

func needTools(t *testing.T, names ...string) {
	t.Helper()
	for _, n := range names {
		if _, err := exec.LookPath(n); err != nil {
			t.Skipf("needs %s: %v", n, err)
		}
	}
}

// TestCapture re-records testdata/ from the pinned tools, when run with
// -capture:
//
//	go test ./internal/cmd/specdiff -run TestCapture -capture
//
// For each scenario it edits a copy of this module, regenerates it, and saves
// `oasdiff changelog --format json old.yaml new.yaml` to
// testdata/oasdiff/<scenario>.json and `apidiff -incompatible` of package api
// to testdata/apidiff/<scenario>.txt; and it saves the id and level of every
// oasdiff check to testdata/oasdiff/checks.txt.
func TestCapture(t *testing.T) {
	if !*capture {
		t.Skip("run with -capture to re-record testdata from the pinned tools")
	}
	needTools(t, "git", "make", "go")
	module := copyModule(t)
	oasdiff, apidiff := strings.Fields(makeVar(t, module, "OASDIFF")), strings.Fields(makeVar(t, module, "APIDIFF"))
	work := t.TempDir()
	old, err := os.ReadFile(filepath.Join(module, "openapi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(work, "old.yaml"), old, 0o644); err != nil {
		t.Fatal(err)
	}
	const apiPkg = "github.com/pantherkit/panther-go/api"
	export := filepath.Join(work, "api.apidiff")
	command(t, module, apidiff[0], append(apidiff[1:], "-w", export, apiPkg)...)

	for _, sc := range scenarios {
		resetModule(t, module)
		sc.edit(t, module)
		command(t, module, "go", "generate", "./...")
		b, err := os.ReadFile(filepath.Join(module, "openapi.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(work, "new.yaml"), b, 0o644); err != nil {
			t.Fatal(err)
		}
		changes := command(t, work, oasdiff[0], append(oasdiff[1:], "changelog", "--format", "json", "old.yaml", "new.yaml")...)
		writeTestdata(t, filepath.Join("oasdiff", sc.name+".json"), changes)
		incompat := command(t, module, apidiff[0], append(apidiff[1:], "-incompatible", export, apiPkg)...)
		writeTestdata(t, filepath.Join("apidiff", sc.name+".txt"), incompat)
	}

	var checks []struct{ ID, Level string }
	out := command(t, work, oasdiff[0], append(oasdiff[1:], "checks", "changelog", "--format", "json")...)
	if err := json.Unmarshal([]byte(out), &checks); err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, c := range checks {
		lines = append(lines, c.Level+" "+c.ID+"\n")
	}
	slices.Sort(lines)
	writeTestdata(t, filepath.Join("oasdiff", "checks.txt"), strings.Join(lines, ""))
}

func writeTestdata(t *testing.T, name, content string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s", path)
}
