package specpage_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pantherkit/panther-go/internal/specpage"
)

// writeDir makes a directory holding the given files.
func writeDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// readDir returns every file of dir by name.
func readDir(t *testing.T, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		m[e.Name()] = string(b)
	}
	return m
}

func TestPlanAndApply(t *testing.T) {
	t.Parallel()
	a, b, c := doc("GET /a a#get"), doc("GET /b b#get"), doc("GET /c c#get")
	docs, err := specpage.Parse(t.Context(), "p.md", []byte(page(a, b, c)))
	if err != nil {
		t.Fatal(err)
	}
	for _, prune := range []bool{false, true} {
		t.Run(map[bool]string{false: "keep", true: "prune"}[prune], func(t *testing.T) {
			t.Parallel()
			dir := writeDir(t, map[string]string{
				"a-get.json": a + "\n",                // unchanged
				"b-get.json": "not even JSON\n",       // updated: a target's old bytes are never parsed
				"old.json":   doc("GET /old old#get"), // on no page
				"pages.txt":  "not a document",        // not *.json: ignored
			})
			old := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
			if err := os.Chtimes(filepath.Join(dir, "a-get.json"), old, old); err != nil {
				t.Fatal(err)
			}
			plan, err := specpage.NewPlan(t.Context(), dir, docs)
			if err != nil {
				t.Fatal(err)
			}
			changes := map[string]specpage.Change{}
			for _, f := range plan.Files {
				changes[f.File] = f.Change
			}
			wantChanges := map[string]specpage.Change{"a-get.json": specpage.Unchanged, "b-get.json": specpage.Updated, "c-get.json": specpage.Created}
			if diff := cmp.Diff(wantChanges, changes); diff != "" {
				t.Errorf("NewPlan changes mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{"old.json"}, plan.Stale); diff != "" {
				t.Errorf("NewPlan stale mismatch (-want +got):\n%s", diff)
			}
			if err := plan.Apply(prune); err != nil {
				t.Fatal(err)
			}
			want := map[string]string{
				"a-get.json": a + "\n", "b-get.json": b + "\n", "c-get.json": c + "\n",
				"old.json": doc("GET /old old#get"), "pages.txt": "not a document",
			}
			if prune {
				delete(want, "old.json")
			}
			// No temporary file is left behind either.
			if diff := cmp.Diff(want, readDir(t, dir)); diff != "" {
				t.Errorf("directory after Apply(%v) mismatch (-want +got):\n%s", prune, diff)
			}
			st, err := os.Stat(filepath.Join(dir, "a-get.json"))
			if err != nil {
				t.Fatal(err)
			}
			if !st.ModTime().Equal(old) {
				t.Errorf("unchanged a-get.json was rewritten: mtime %v, want %v", st.ModTime(), old)
			}
			if st, err := os.Stat(filepath.Join(dir, "c-get.json")); err != nil || st.Mode().Perm() != 0o644 {
				t.Errorf("c-get.json: %v, %v; want mode 0644", st, err)
			}
		})
	}
}

func TestPlanErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		files map[string]string
		rule  error
		want  string
	}{
		{
			name:  "METHOD+path in a file of another name",
			files: map[string]string{"users-get.json": doc("GET /b users#get")},
			rule:  specpage.ErrInOtherFile,
			want:  "p.md: block 2 (line 11, operationId b#get): operation already in another file: GET /b would be written to DIR/b-get.json, but DIR/users-get.json already has it; delete or rename one of them",
		},
		{
			name:  "operationId in a file of another name",
			files: map[string]string{"hand-named.json": doc("PUT /x a#get")},
			rule:  specpage.ErrInOtherFile,
			want:  "p.md: block 1 (line 5, operationId a#get): operation already in another file: operationId a#get would be written to DIR/a-get.json, but DIR/hand-named.json already has it; delete or rename one of them",
		},
		{
			name:  "a file that is not a document",
			files: map[string]string{"broken.json": "{"},
			rule:  specpage.ErrNotOpenAPI,
			want:  "DIR/broken.json: not a valid OpenAPI 3 document: ...",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			docs, err := specpage.Parse(t.Context(), "p.md", []byte(page(doc("GET /a a#get"), doc("GET /b b#get"))))
			if err != nil {
				t.Fatal(err)
			}
			dir := writeDir(t, tt.files)
			_, err = specpage.NewPlan(t.Context(), dir, docs)
			if err != nil {
				err = &dirError{err, dir}
			}
			checkErr(t, err, tt.rule, tt.want)
		})
	}
	t.Run("no such directory", func(t *testing.T) {
		t.Parallel()
		if _, err := specpage.NewPlan(t.Context(), filepath.Join(t.TempDir(), "nope"), nil); !os.IsNotExist(err) {
			t.Errorf("NewPlan(missing dir) = %v, want a not-exist error", err)
		}
	})
}

// dirError shows a temporary directory as DIR in an error's message.
type dirError struct {
	err error
	dir string
}

func (e *dirError) Error() string {
	return strings.ReplaceAll(e.err.Error(), e.dir, "DIR")
}
func (e *dirError) Unwrap() error { return e.err }
