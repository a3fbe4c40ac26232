package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// verdicts parses a captured `oasdiff changelog --format json` output and
// returns the line spec-diff prints for each change.
func verdicts(t *testing.T, scenario string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "oasdiff", scenario+".json"))
	if err != nil {
		t.Fatal(err)
	}
	cs, err := parseChanges(b)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, c := range cs {
		verdict := "compatible: "
		if breaksCallers(c) {
			verdict = "breaks callers: "
		}
		lines = append(lines, verdict+describe(c))
	}
	return lines
}

// TestClassify runs the classification over oasdiff's real output for each
// scenario (testdata/oasdiff, recorded by TestCapture): removals break callers
// at every level oasdiff gives them (WARN for a parameter, INFO for an
// optional response property, ERR for an operation), additions do not.
func TestClassify(t *testing.T) {
	t.Parallel()
	tests := []struct {
		scenario string
		want     []string
	}{
		{"unchanged", nil},
		{"removed-parameter", []string{
			`breaks callers: GET /users: request parameter "contains" (query) removed [request-parameter-removed]`,
		}},
		{"removed-property", []string{
			`breaks callers: GET /users: response property "results/items/lastLoggedInAt" removed (status 200) [response-optional-property-removed]`,
			`breaks callers: POST /users: response property "lastLoggedInAt" removed (status 200) [response-optional-property-removed]`,
			`breaks callers: GET /users/{id}: response property "lastLoggedInAt" removed (status 200) [response-optional-property-removed]`,
			`breaks callers: POST /users/{id}: response property "lastLoggedInAt" removed (status 200) [response-optional-property-removed]`,
		}},
		{"removed-request-property", []string{
			`breaks callers: POST /users: request property "role/name" removed [request-property-removed]`,
			`breaks callers: POST /users/{id}: request property "role/name" removed [request-property-removed]`,
			`breaks callers: GET /users: response property "results/items/role/name" removed (status 200) [response-optional-property-removed]`,
			`breaks callers: POST /users: response property "role/name" removed (status 200) [response-optional-property-removed]`,
			`breaks callers: GET /users/{id}: response property "role/name" removed (status 200) [response-optional-property-removed]`,
			`breaks callers: POST /users/{id}: response property "role/name" removed (status 200) [response-optional-property-removed]`,
		}},
		{"removed-operation", []string{
			`breaks callers: DELETE /users/{id}: operation removed [api-removed-without-deprecation]`,
		}},
		{"added-optional-property", []string{
			`compatible: GET /users: added the optional property "results/items/department" to the response with the "200" status [response-optional-property-added]`,
			`compatible: POST /users: added the optional property "department" to the response with the "200" status [response-optional-property-added]`,
			`compatible: GET /users/{id}: added the optional property "department" to the response with the "200" status [response-optional-property-added]`,
			`compatible: POST /users/{id}: added the optional property "department" to the response with the "200" status [response-optional-property-added]`,
		}},
		{"added-parameter", []string{
			`compatible: GET /users: added the new optional "query" request parameter "role" [new-optional-request-parameter]`,
		}},
		// The spec side of a new operation passes; apidiff fails it (see TestParseIncompatible).
		{"added-operation", []string{
			`compatible: GET /users/{id}/tokens: endpoint added [endpoint-added]`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.scenario, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, verdicts(t, tt.scenario)); diff != "" {
				t.Errorf("classify(%s) mismatch (-want +got):\n%s", tt.scenario, diff)
			}
		})
	}
}

// TestDescribeFallback: a change without a phrasing of its own, or whose text
// lost the arguments spec-diff expects, is printed with oasdiff's own text.
func TestDescribeFallback(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		c    change
		want string
	}{
		{"schema outside paths", change{ID: "api-schema-removed", Text: "removed the schema `UserAPI.NotFoundError`", Level: levelInfo, Section: "components"},
			`components: schema "UserAPI.NotFoundError" removed [api-schema-removed]`},
		{"text without arguments", change{ID: "request-parameter-removed", Text: "deleted a parameter", Level: levelWarn, Operation: "GET", Path: "/users"},
			`GET /users: deleted a parameter [request-parameter-removed]`},
		{"no phrasing", change{ID: "api-operation-id-removed", Text: "API operation id `user#get` removed and replaced with `user#fetch`", Level: levelInfo, Operation: "GET", Path: "/users/{id}"},
			`GET /users/{id}: API operation id "user#get" removed and replaced with "user#fetch" [api-operation-id-removed]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := describe(tt.c); got != tt.want {
				t.Errorf("describe() = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestParseChangesRejects: output that is not oasdiff v1.37.0's changelog JSON
// is an error, never an empty list of changes that would pass.
func TestParseChangesRejects(t *testing.T) {
	t.Parallel()
	for name, out := range map[string]string{
		"not JSON":      "Error: failed to load base spec",
		"object":        `{"changes":[]}`,
		"no id":         `[{"text":"x","level":3}]`,
		"unknown level": `[{"id":"x","level":7}]`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if cs, err := parseChanges([]byte(out)); err == nil {
				t.Errorf("parseChanges(%q) = %v, nil; want an error", out, cs)
			}
		})
	}
}

// TestGoBreakingAreOasdiffChecks: every id spec-diff fails on below ERR is a
// check oasdiff v1.37.0 has, at a level below ERR (an ERR would fail anyway),
// so a typo cannot silently never match.
func TestGoBreakingAreOasdiffChecks(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile(filepath.Join("testdata", "oasdiff", "checks.txt"))
	if err != nil {
		t.Fatal(err)
	}
	levels := map[string]string{}
	for line := range strings.Lines(string(b)) {
		level, id, _ := strings.Cut(strings.TrimSpace(line), " ")
		levels[id] = level
	}
	for id := range goBreaking {
		switch levels[id] {
		case "info", "warning":
		case "":
			t.Errorf("goBreaking has %q: oasdiff has no such check", id)
		default:
			t.Errorf("goBreaking has %q: oasdiff's level is %s, which fails without it", id, levels[id])
		}
	}
}

// TestGoBreakingDocumented: goBreaking's doc comment lists exactly the ids in
// the map, so the reasons a reader sees are for the ids that apply.
func TestGoBreakingDocumented(t *testing.T) {
	t.Parallel()
	f, err := parser.ParseFile(token.NewFileSet(), "oasdiff.go", nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	var doc string
	for _, d := range f.Decls {
		if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.VAR && g.Specs[0].(*ast.ValueSpec).Names[0].Name == "goBreaking" {
			doc = g.Doc.Text()
		}
	}
	_, list, ok := strings.Cut(doc, "A generated name goes away:")
	list, _, ok2 := strings.Cut(list, "Not here:")
	if !ok || !ok2 {
		t.Fatalf("goBreaking's doc comment lost its lists:\n%s", doc)
	}
	documented := regexp.MustCompile(`[a-z]+(?:-[a-z]+){2,}`).FindAllString(list, -1)
	slices.Sort(documented)
	var ids []string
	for id := range goBreaking {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	if diff := cmp.Diff(ids, documented); diff != "" {
		t.Errorf("goBreaking ids mismatch (-map +doc comment):\n%s", diff)
	}
}
