package main

import (
	"bytes"
	"flag"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files under testdata/")

// seedPage is Panther's users page as published, in the shared/ folder that
// sits beside the repository (CI copies it there too); repoAPI is the
// repository's api/.
const (
	seedPage = "../../../../shared/seed/000_6ea7ff60509577be.txt"
	repoAPI  = "../../../api"
	usersMD  = "/panther-developer-workflows/api/rest/users.md"
)

func readSeed(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(seedPage)
	if err != nil {
		t.Fatalf("the users page should be at %s (shared/ beside the repository): %v", seedPage, err)
	}
	return b
}

// committedAPI returns the repository's documents of the users page
// (api/user-*.json) by name: what the seed page must reproduce. Documents of
// other pages a maintainer dropped in are not the seed's business.
func committedAPI(t *testing.T) map[string]string {
	t.Helper()
	got := snapshot(t, repoAPI)
	api := map[string]string{}
	for name, f := range got {
		if strings.HasPrefix(name, "user-") && strings.HasSuffix(name, ".json") {
			api[name] = f.data
		}
	}
	if len(api) != 5 {
		t.Fatalf("%s holds %d user-*.json files, want the 5 users documents", repoAPI, len(api))
	}
	return api
}

type file struct {
	data  string
	mtime time.Time
}

// snapshot returns every file of dir with its bytes and mtime.
func snapshot(t *testing.T, dir string) map[string]file {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]file{}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		p := filepath.Join(dir, e.Name())
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		m[e.Name()] = file{string(b), st.ModTime()}
	}
	return m
}

func contents(files map[string]file) map[string]string {
	m := map[string]string{}
	for name, f := range files {
		m[name] = f.data
	}
	return m
}

// apiCopy makes a temporary directory holding the committed api/*.json, all
// with an mtime in the past, so that a rewrite shows.
func apiCopy(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	old := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for name, data := range committedAPI(t) {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, old, old); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func writeFile(t *testing.T, path, data string) string {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// runCmd runs the command and returns its exit code and output, with each
// of replace's keys shown as its value so that golden files are stable.
func runCmd(t *testing.T, replace map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(t.Context(), args, &out, &errOut)
	stdout, stderr = out.String(), errOut.String()
	for from, to := range replace {
		stdout, stderr = strings.ReplaceAll(stdout, from, to), strings.ReplaceAll(stderr, from, to)
	}
	return code, stdout, stderr
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *updateGolden {
		writeFile(t, path, got)
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("output mismatch with %s (-want +got):\n%s", path, diff)
	}
}

// serve serves the pages (path -> body) on 127.0.0.1; other paths are 404.
func serve(t *testing.T, pages map[string][]byte) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/markdown; charset=utf-8")
		_, _ = w.Write(body) // a client gone mid-body fails its own test
	}))
	t.Cleanup(srv.Close)
	return srv
}

// closedURL is a URL on 127.0.0.1 where nothing listens.
func closedURL(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	return "http://" + addr + usersMD
}

// TestSeedIntoEmptyDir: the published page reproduces the committed
// api/*.json byte for byte, and nothing else.
func TestSeedIntoEmptyDir(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	code, stdout, stderr := runCmd(t, map[string]string{dir: "DIR"}, "-dir", dir, seedPage)
	if code != 0 || stderr != "" {
		t.Fatalf("run = %d, stderr %q", code, stderr)
	}
	if diff := cmp.Diff(committedAPI(t), contents(snapshot(t, dir))); diff != "" {
		t.Errorf("files written from the seed page differ from the committed api/ (-committed +written):\n%s", diff)
	}
	golden(t, "seed-into-empty.golden", stdout)
}

// TestOneDocumentChanged: when one document on the page changes, only its
// file is rewritten; the others keep their bytes and their mtime.
func TestOneDocumentChanged(t *testing.T) {
	t.Parallel()
	seed := string(readSeed(t))
	changed := strings.Replace(seed, `"summary":"Get a user"`, `"summary":"Get one user"`, 1)
	if changed == seed {
		t.Fatal("the seed page has no \"summary\":\"Get a user\" to change")
	}
	page := writeFile(t, filepath.Join(t.TempDir(), "users.md"), changed)
	dir := apiCopy(t)
	before := snapshot(t, dir)

	code, stdout, stderr := runCmd(t, map[string]string{dir: "DIR", page: "PAGE"}, "-dir", dir, page)
	if code != 0 || stderr != "" {
		t.Fatalf("run = %d, stderr %q", code, stderr)
	}
	after := snapshot(t, dir)
	for name, b := range before {
		a := after[name]
		if name == "user-get.json" {
			if want := strings.Replace(b.data, "Get a user", "Get one user", 1); a.data != want {
				t.Errorf("user-get.json = %q, want the changed document", a.data)
			}
			continue
		}
		if a != b {
			t.Errorf("%s was rewritten: mtime %v -> %v, same bytes: %v", name, b.mtime, a.mtime, a.data == b.data)
		}
	}
	if len(after) != len(before) {
		t.Errorf("files after: %v, want the %d before", len(after), len(before))
	}
	golden(t, "one-changed.golden", stdout)

	// Run again: now nothing changes.
	_, stdout, _ = runCmd(t, nil, "-dir", dir, page)
	if !strings.HasSuffix(stdout, "update-spec: 0 created, 0 updated, 5 unchanged\n") {
		t.Errorf("second run reported:\n%s\nwant 5 unchanged", stdout)
	}
}

// TestURL: a page is fetched over HTTP like a file is read, and the same
// page served with CRLF line ends gives the same files.
func TestURL(t *testing.T) {
	t.Parallel()
	seed := readSeed(t)
	srv := serve(t, map[string][]byte{
		usersMD:    seed,
		"/crlf.md": bytes.ReplaceAll(seed, []byte("\n"), []byte("\r\n")),
	})
	for _, path := range []string{usersMD, "/crlf.md"} {
		t.Run(path, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			code, stdout, stderr := runCmd(t, map[string]string{dir: "DIR", srv.URL: "URL"}, "-dir", dir, srv.URL+path)
			if code != 0 || stderr != "" {
				t.Fatalf("run = %d, stderr %q", code, stderr)
			}
			if diff := cmp.Diff(committedAPI(t), contents(snapshot(t, dir))); diff != "" {
				t.Errorf("files written from the served page differ from the committed api/ (-committed +written):\n%s", diff)
			}
			if want := "update-spec: read URL" + path + ": 5 operations\n"; !strings.HasPrefix(stdout, want) {
				t.Errorf("stdout = %q, want it to start with %q", stdout, want)
			}
		})
	}
}

// TestDefaultList: with no PAGE the pages listed in DIR/pages.txt (or
// -pages) are read, relative file names relative to the list; a file whose
// operation is on none of them is reported and kept, or deleted with -prune.
func TestDefaultList(t *testing.T) {
	t.Parallel()
	seed := readSeed(t)
	srv := serve(t, map[string][]byte{usersMD: seed})
	extra := "## GET /roles\n\n```json\n" +
		`{"openapi":"3.0.3","info":{"title":"Panther REST API","version":"1.0"},"paths":{"/roles":{"get":{"operationId":"role#list","responses":{"200":{"description":"OK"}}}}}}` +
		"\n```\n"
	stale := `{"openapi":"3.0.3","info":{"title":"T","version":"1"},"paths":{"/gone":{"get":{"operationId":"user#gone","responses":{"200":{"description":"OK"}}}}}}` + "\n"
	tests := []struct {
		name   string
		prune  bool
		inDir  bool // the list is DIR/pages.txt, else given with -pages
		golden string
	}{
		{name: "list in dir, stale kept", inDir: true, golden: "list-keep.golden"},
		{name: "-pages list, stale pruned", prune: true, golden: "list-prune.golden"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := apiCopy(t)
			writeFile(t, filepath.Join(dir, "user-gone.json"), stale)
			listDir := dir
			if !tt.inDir {
				listDir = t.TempDir()
			}
			writeFile(t, filepath.Join(listDir, "roles.md"), extra)
			list := writeFile(t, filepath.Join(listDir, "pages.txt"),
				"# Panther's pages\n\n"+srv.URL+usersMD+"\n  roles.md  \n# "+closedURL(t)+"\n")
			args := []string{"-dir", dir}
			if !tt.inDir {
				args = append(args, "-pages", list)
			}
			if tt.prune {
				args = append(args, "-prune")
			}
			replace := map[string]string{dir: "DIR", srv.URL: "URL"}
			if listDir != dir {
				replace[listDir] = "LISTDIR"
			}
			code, stdout, stderr := runCmd(t, replace, args...)
			if code != 0 || stderr != "" {
				t.Fatalf("run = %d, stderr %q", code, stderr)
			}
			got := contents(snapshot(t, dir))
			want := committedAPI(t)
			want["role-list.json"] = strings.Split(extra, "\n")[3] + "\n"
			if tt.inDir {
				want["roles.md"], want["pages.txt"] = extra, got["pages.txt"]
			}
			if !tt.prune {
				want["user-gone.json"] = stale
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("directory mismatch (-want +got):\n%s", diff)
			}
			golden(t, tt.golden, stdout)
		})
	}
}

// TestFailuresChangeNothing: every failure is one line on stderr naming the
// page and the rule, exit code 1, and the directory as it was, even when
// other pages were fine and files would have changed.
func TestFailuresChangeNothing(t *testing.T) {
	t.Parallel()
	seed := string(readSeed(t))
	html := strings.TrimSuffix(usersMD, ".md")
	srv := serve(t, map[string][]byte{usersMD: []byte(seed), "/empty.md": nil, html: []byte("<!doctype html><html><body><pre>{}</pre></body></html>\n")})
	closed := closedURL(t)
	changed := strings.Replace(seed, `"summary":"Get a user"`, `"summary":"Get one user"`, 1)
	block := func(doc string) string { return "## Op\n\n```json\n" + doc + "\n```\n\n" }
	opDoc := func(path, method, id string) string {
		return `{"openapi":"3.0.3","info":{"title":"T","version":"1"},"paths":{"` + path + `":{"` + method + `":{"operationId":"` + id + `","responses":{"200":{"description":"OK"}}}}}}`
	}
	tests := []struct {
		name     string
		pages    map[string]string // file name -> content, passed in name order after the changed seed
		args     []string          // extra PAGE arguments
		existing map[string]string // files added to the api copy
		want     string            // stderr, with PAGES for the pages' directory
	}{
		{name: "closed port", args: []string{closed},
			want: "update-spec: fetch " + closed + ": dial tcp " + strings.TrimPrefix(strings.TrimSuffix(closed, usersMD), "http://") + ": connect: connection refused\n"},
		{name: "not found", args: []string{srv.URL + "/nope.md"},
			want: "update-spec: fetch " + srv.URL + "/nope.md: 404 Not Found, want 200 OK\n"},
		{name: "empty page over HTTP", args: []string{srv.URL + "/empty.md"},
			want: "update-spec: " + srv.URL + "/empty.md: no operations on the page: the page has no ```json block\n"},
		{name: "HTML page URL", args: []string{srv.URL + html},
			want: "update-spec: " + srv.URL + html + ": no operations on the page: the page has no ```json block (Panther serves a page's Markdown at its URL with .md appended)\n"},
		{name: "missing file", args: []string{"no-such-page.md"},
			want: "update-spec: read no-such-page.md: no such file or directory\n"},
		{name: "page with no operations", pages: map[string]string{"a.md": "# Roles\n\nNothing yet.\n"},
			want: "update-spec: PAGES/a.md: no operations on the page: the page has no ```json block\n"},
		{name: "not JSON", pages: map[string]string{"a.md": block(opDoc("/r", "get", "role#get")) + block(`{"openapi":`)},
			want: "update-spec: PAGES/a.md: block 2 (line 9): not JSON: unexpected end of JSON input (at byte 12 of the block)\n"},
		{name: "not OpenAPI", pages: map[string]string{"a.md": block(`{"openapi":"3.0.3","paths":{}}`)},
			want: "update-spec: PAGES/a.md: block 1 (line 3): not a valid OpenAPI 3 document: invalid info: must be an object\n"},
		{name: "two operations", pages: map[string]string{"a.md": block(`{"openapi":"3.0.3","info":{"title":"T","version":"1"},"paths":{"/r":{` +
			`"get":{"operationId":"role#get","responses":{"200":{"description":"OK"}}},` +
			`"put":{"operationId":"role#put","responses":{"200":{"description":"OK"}}}}}}`)},
			want: "update-spec: PAGES/a.md: block 1 (line 3): not exactly one operation: has 2: GET /r, PUT /r\n"},
		{name: "zero operations", pages: map[string]string{"a.md": block(`{"openapi":"3.0.3","info":{"title":"T","version":"1"},"paths":{}}`)},
			want: "update-spec: PAGES/a.md: block 1 (line 3): not exactly one operation: has none\n"},
		{name: "no operationId", pages: map[string]string{"a.md": block(opDoc("/r", "get", ""))},
			want: "update-spec: PAGES/a.md: block 1 (line 3): operation has no operationId: GET /r\n"},
		{name: "unsafe operationId", pages: map[string]string{"a.md": block(opDoc("/r", "get", "role/get"))},
			want: "update-spec: PAGES/a.md: block 1 (line 3, operationId role/get): operationId does not make a safe file name: \"role/get.json\" would contain '/'; only A-Z a-z 0-9 . _ - are allowed\n"},
		{name: "operationId on two pages", pages: map[string]string{"a.md": block(opDoc("/r", "get", "user#get"))},
			want: "update-spec: PAGES/a.md: block 1 (line 3, operationId user#get): defined twice: operationId user#get is also in PAGES/users.md block 2 (line 30, operationId user#get)\n"},
		{name: "METHOD+path on two pages", pages: map[string]string{"a.md": block(opDoc("/users", "post", "role#create"))},
			want: "update-spec: PAGES/a.md: block 1 (line 3, operationId role#create): defined twice: POST /users is also in PAGES/users.md block 1 (line 22, operationId user#create)\n"},
		{name: "METHOD+path in another file", existing: map[string]string{"users-get.json": opDoc("/users/{id}", "get", "users#get")},
			want: "update-spec: PAGES/users.md: block 2 (line 30, operationId user#get): operation already in another file: GET /users/{id} would be written to DIR/user-get.json, but DIR/users-get.json already has it; delete or rename one of them\n"},
		{name: "unclosed block", pages: map[string]string{"a.md": "```json\n{}\n"},
			want: "update-spec: PAGES/a.md: block 1 (line 1): ```json block has no closing ``` line\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			pagesDir := t.TempDir()
			args := []string{writeFile(t, filepath.Join(pagesDir, "users.md"), changed)}
			for _, name := range sortedKeys(tt.pages) {
				args = append(args, writeFile(t, filepath.Join(pagesDir, name), tt.pages[name]))
			}
			args = append(args, tt.args...)
			dir := apiCopy(t)
			for name, data := range tt.existing {
				writeFile(t, filepath.Join(dir, name), data)
			}
			before := snapshot(t, dir)
			code, stdout, stderr := runCmd(t, map[string]string{dir: "DIR", pagesDir: "PAGES"}, append([]string{"-dir", dir}, args...)...)
			if code != 1 {
				t.Errorf("run = %d, want 1", code)
			}
			if stdout != "" {
				t.Errorf("stdout = %q, want nothing", stdout)
			}
			if stderr != tt.want {
				t.Errorf("stderr = %q\nwant     %q", stderr, tt.want)
			}
			if diff := cmp.Diff(before, snapshot(t, dir), cmp.AllowUnexported(file{})); diff != "" {
				t.Errorf("the directory changed (-before +after):\n%s", diff)
			}
		})
	}
}

// TestListErrors: a missing or empty page list is an error naming it.
func TestListErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		list string // DIR/pages.txt content; "": no list
		want string
	}{
		{name: "no list", want: "update-spec: read the page list: open DIR/pages.txt: no such file or directory\n"},
		{name: "only comments", list: "# nothing yet\n\n", want: "update-spec: the page list DIR/pages.txt names no pages\n"},
		{name: "a listed page unreachable", list: "roles.md\n", want: "update-spec: read DIR/roles.md: no such file or directory\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			if tt.list != "" {
				writeFile(t, filepath.Join(dir, "pages.txt"), tt.list)
			}
			code, stdout, stderr := runCmd(t, map[string]string{dir: "DIR"}, "-dir", dir)
			if code != 1 || stdout != "" || stderr != tt.want {
				t.Errorf("run = %d, stdout %q, stderr %q; want 1, nothing, %q", code, stdout, stderr, tt.want)
			}
		})
	}
}

// TestUsage: flags that only make sense with the list are refused with PAGE
// arguments, before anything is read.
func TestUsage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string // a line stderr must contain
	}{
		{"-prune with PAGE", []string{"-prune", seedPage}, 2, "update-spec: -prune and -pages read the page list; they cannot be used with PAGE arguments\n"},
		{"-pages with PAGE", []string{"-pages", "x.txt", seedPage}, 2, "update-spec: -prune and -pages read the page list; they cannot be used with PAGE arguments\n"},
		{"unknown flag", []string{"-force"}, 2, "flag provided but not defined: -force\n"},
		{"help", []string{"-h"}, 0, "usage: go run ./internal/cmd/updatespec [-dir api] [-pages FILE] [-prune] [-timeout 30s] [PAGE...]\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			code, stdout, stderr := runCmd(t, nil, append([]string{"-dir", dir}, tt.args...)...)
			if code != tt.wantCode || stdout != "" || !strings.Contains(stderr, tt.wantErr) {
				t.Errorf("run(%q) = %d, stdout %q, stderr %q; want %d and %q", tt.args, code, stdout, stderr, tt.wantCode, tt.wantErr)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("run(%q) wrote %d files", tt.args, len(entries))
			}
		})
	}
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// TestTimeout: a server that never answers fails after -timeout, naming the URL.
func TestTimeout(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done() // until the client gives up
	}))
	t.Cleanup(srv.Close)
	dir := apiCopy(t)
	before := snapshot(t, dir)
	code, stdout, stderr := runCmd(t, map[string]string{srv.URL: "URL"}, "-dir", dir, "-timeout", "100ms", srv.URL+usersMD)
	want := "update-spec: fetch URL" + usersMD + ": context deadline exceeded (Client.Timeout exceeded while awaiting headers)\n"
	if code != 1 || stdout != "" || stderr != want {
		t.Errorf("run = %d, stdout %q, stderr %q; want 1, nothing, %q", code, stdout, stderr, want)
	}
	if diff := cmp.Diff(before, snapshot(t, dir), cmp.AllowUnexported(file{})); diff != "" {
		t.Errorf("the directory changed (-before +after):\n%s", diff)
	}
}
