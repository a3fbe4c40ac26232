package specpage_test

// This file holds what the tests share: the published users page, the
// committed api/ files, small documents and pages, and checkErr.

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pantherkit/panther-go/internal/specpage"
)

// seedPage is Panther's users page as published, in the shared/ folder that
// sits beside the repository (CI copies it there too).
const seedPage = "../../../shared/seed/000_6ea7ff60509577be.txt"

func readSeed(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(seedPage)
	if err != nil {
		t.Fatalf("the users page should be at %s (shared/ beside the repository): %v", seedPage, err)
	}
	return b
}

// committed returns the committed api/*.json files by name.
func committed(t *testing.T) map[string][]byte {
	t.Helper()
	files, err := filepath.Glob("../../api/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no api/*.json found: %v", err)
	}
	m := map[string][]byte{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		m[filepath.Base(f)] = b
	}
	return m
}

// doc is a minimal valid document with the given operations, each "METHOD /path id".
func doc(ops ...string) string {
	paths := map[string][]string{}
	var order []string
	for _, op := range ops {
		f := strings.Fields(op)
		if _, ok := paths[f[1]]; !ok {
			order = append(order, f[1])
		}
		id := ""
		if len(f) > 2 {
			id = `"operationId":"` + f[2] + `",`
		}
		paths[f[1]] = append(paths[f[1]], `"`+strings.ToLower(f[0])+`":{`+id+`"responses":{"200":{"description":"OK"}}}`)
	}
	var ps []string
	for _, p := range order {
		ps = append(ps, `"`+p+`":{`+strings.Join(paths[p], ",")+`}`)
	}
	return `{"openapi":"3.0.3","info":{"title":"T","version":"1"},"paths":{` + strings.Join(ps, ",") + `}}`
}

// page wraps documents in ```json fences the way Panther's pages do.
func page(docs ...string) string {
	var b strings.Builder
	b.WriteString("# Page\n\n")
	for _, d := range docs {
		b.WriteString("## Op\n\n```json\n" + d + "\n```\n\n")
	}
	return b.String()
}

// checkErr checks that err is an *Error matching rule, with message want (or,
// when want ends in "...", starting with it), on one line.
func checkErr(t *testing.T, err, rule error, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("err = nil, want %q", want)
	}
	if !errors.Is(err, rule) {
		t.Errorf("err = %q, does not match %q", err, rule)
	}
	var e *specpage.Error
	if !errors.As(err, &e) {
		t.Errorf("err = %q (%T), not an *specpage.Error", err, err)
	}
	msg := err.Error()
	if strings.ContainsAny(msg, "\r\n") {
		t.Errorf("err spans lines: %q", msg)
	}
	if prefix, ok := strings.CutSuffix(want, "..."); ok {
		if !strings.HasPrefix(msg, prefix) {
			t.Errorf("err = %q, want it to start with %q", msg, prefix)
		}
	} else if msg != want {
		t.Errorf("err = %q, want %q", msg, want)
	}
}
