package panthergo_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/google/go-cmp/cmp"
	"github.com/oasdiff/yaml"

	panthergo "github.com/pantherkit/panther-go"
)

func TestSpecIsValid(t *testing.T) {
	t.Parallel()
	doc, err := openapi3.NewLoader().LoadFromData(panthergo.OpenAPI)
	if err != nil {
		t.Fatalf("load openapi.yaml: %v", err)
	}
	if err := doc.Validate(t.Context()); err != nil {
		t.Fatalf("openapi.yaml is not a valid OpenAPI document: %v", err)
	}
	var ops []string
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			ops = append(ops, method+" "+path+" "+op.OperationID)
		}
	}
	if len(ops) != 5 {
		t.Errorf("openapi.yaml has %d operations, want the 5 Users operations: %v", len(ops), ops)
	}
}

// TestSpecIsPlainMergeOfAPIDocuments checks that openapi.yaml carries exactly
// what the published documents say: a naive deep merge of their JSON, with no
// knowledge of OpenAPI, must equal openapi.yaml read back as data.
func TestSpecIsPlainMergeOfAPIDocuments(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("api/*.json")
	if err != nil || len(files) != 5 {
		t.Fatalf("api/*.json = %v (%v), want the 5 published documents", files, err)
	}
	plain := map[string]any{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var d map[string]any
		if err := json.Unmarshal(b, &d); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		deepMerge(plain, d)
	}
	asJSON, err := yaml.YAMLToJSON(panthergo.OpenAPI)
	if err != nil {
		t.Fatal(err)
	}
	var merged map[string]any
	if err := json.Unmarshal(asJSON, &merged); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(plain, merged); diff != "" {
		t.Errorf("openapi.yaml differs from a plain merge of api/*.json (-plain +openapi.yaml):\n%s", diff)
	}
}

// deepMerge copies src into dst, recursing into objects; for anything else
// (strings, arrays) the first document's value is kept, as every document
// repeats the same header.
func deepMerge(dst, src map[string]any) {
	for k, v := range src {
		sub, isMap := v.(map[string]any)
		existing, ok := dst[k]
		switch {
		case !ok:
			dst[k] = v
		case isMap:
			if em, ok := existing.(map[string]any); ok {
				deepMerge(em, sub)
			}
		}
	}
}
