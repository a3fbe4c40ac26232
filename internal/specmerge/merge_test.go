package specmerge_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pantherkit/panther-go/internal/specmerge"
)

// doc builds a minimal valid document with one operation and one schema.
func doc(path, method, opID, schemaName, schemaType string) []byte {
	return []byte(`{"openapi":"3.0.3","info":{"title":"T","version":"1"},
"components":{"schemas":{"` + schemaName + `":{"type":"` + schemaType + `"}}},
"paths":{"` + path + `":{"` + method + `":{"operationId":"` + opID + `",
"responses":{"200":{"description":"OK","content":{"application/json":{"schema":{"$ref":"#/components/schemas/` + schemaName + `"}}}}}}}}}`)
}

func seedSources(t *testing.T) []specmerge.Source {
	t.Helper()
	files, err := filepath.Glob("../../api/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no api documents found: %v", err)
	}
	srcs, err := specmerge.ReadFiles(files)
	if err != nil {
		t.Fatal(err)
	}
	return srcs
}

func TestMergeIsDeterministic(t *testing.T) {
	t.Parallel()
	srcs := seedSources(t)
	first, err := specmerge.Merge(t.Context(), srcs)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		// Every rotation of the input order must give the same bytes.
		rot := append(append([]specmerge.Source{}, srcs[i%len(srcs):]...), srcs[:i%len(srcs)]...)
		got, err := specmerge.Merge(t.Context(), rot)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(first, got) {
			t.Fatalf("merge with input rotated by %d gave different bytes", i)
		}
	}
	if !bytes.HasPrefix(first, []byte(specmerge.Header)) {
		t.Errorf("merged document does not start with the generated-code header")
	}
}

func TestMergeMatchesCommittedOpenAPI(t *testing.T) {
	t.Parallel()
	got, err := specmerge.Merge(t.Context(), seedSources(t))
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("../../openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("openapi.yaml is stale or edited by hand: run `make generate`")
	}
}

func TestMergeConflicts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		a, b    []byte
		wantErr []string // substrings, in addition to both file names
	}{
		{
			name:    "same schema name, different content",
			a:       doc("/a", "get", "a", "Thing", "object"),
			b:       doc("/b", "get", "b", "Thing", "string"),
			wantErr: []string{"schema Thing differs"},
		},
		{
			name:    "same operation twice",
			a:       doc("/a", "get", "a", "A", "object"),
			b:       doc("/a", "get", "a2", "B", "object"),
			wantErr: []string{"operation GET /a is defined by both"},
		},
		{
			name:    "different info",
			a:       doc("/a", "get", "a", "A", "object"),
			b:       bytes.Replace(doc("/b", "get", "b", "B", "object"), []byte(`"version":"1"`), []byte(`"version":"2"`), 1),
			wantErr: []string{"openapi, info, servers or security differs"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := specmerge.Merge(t.Context(), []specmerge.Source{{Name: "api/one.json", Data: tt.a}, {Name: "api/two.json", Data: tt.b}})
			if !errors.Is(err, specmerge.ErrConflict) {
				t.Fatalf("Merge() error = %v, want ErrConflict", err)
			}
			for _, want := range append(tt.wantErr, "api/one.json", "api/two.json") {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("Merge() error = %q, want it to contain %q", err, want)
				}
			}
		})
	}
}

func TestMergeUnionAndShared(t *testing.T) {
	t.Parallel()
	// Two documents sharing an identical schema merge into one document holding both operations.
	a := doc("/a", "get", "a", "Shared", "object")
	b := doc("/b", "post", "b", "Shared", "object")
	got, err := specmerge.MergeDocument(t.Context(), []specmerge.Source{{Name: "a.json", Data: a}, {Name: "b.json", Data: b}})
	if err != nil {
		t.Fatal(err)
	}
	if got.Paths.Find("/a").Get == nil || got.Paths.Find("/b").Post == nil {
		t.Errorf("merged paths = %v, want GET /a and POST /b", got.Paths.Keys())
	}
	if len(got.Components.Schemas) != 1 {
		t.Errorf("merged schemas = %d, want 1", len(got.Components.Schemas))
	}
}

func TestMergeRejectsInvalid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		srcs []specmerge.Source
		want string
	}{
		{"no documents", nil, "no documents"},
		{"not a document", []specmerge.Source{{Name: "bad.json", Data: []byte("{")}}, "bad.json"},
		{"invalid document", []specmerge.Source{{Name: "inv.json", Data: []byte(`{"openapi":"3.0.3","paths":{}}`)}}, "inv.json: invalid document"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := specmerge.Merge(t.Context(), tt.srcs)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Merge() error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}
