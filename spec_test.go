package panthergo_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
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
	ops := map[string]string{} // operationId -> "METHOD /path"
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			ops[op.OperationID] = method + " " + path
		}
	}
	// One operation per published document; the five users operations the
	// wrapper and the fake are built on are among them.
	files, err := filepath.Glob("api/*.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(ops) != len(files) {
		t.Errorf("openapi.yaml has %d operations for %d documents in api/: %v", len(ops), len(files), ops)
	}
	for id, want := range map[string]string{
		"user#list":   "GET /users",
		"user#create": "POST /users",
		"user#get":    "GET /users/{id}",
		"user#update": "POST /users/{id}",
		"user#delete": "DELETE /users/{id}",
	} {
		if ops[id] != want {
			t.Errorf("operation %s is %q, want %q", id, ops[id], want)
		}
	}
}

// TestSpecIsPlainMergeOfAPIDocuments checks that openapi.yaml carries exactly
// what the published documents say: a naive deep merge of their JSON, with no
// knowledge of OpenAPI, must equal openapi.yaml read back as data.
func TestSpecIsPlainMergeOfAPIDocuments(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("api/*.json")
	if err != nil || len(files) < 5 {
		t.Fatalf("api/*.json = %v (%v), want at least the 5 published users documents", files, err)
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

// deepMerge copies src into dst, recursing into objects; arrays are unioned
// (elements dst lacks are appended, in order), which keeps the header every
// document repeats once and collects the documents' tags.
func deepMerge(dst, src map[string]any) {
	for k, v := range src {
		existing, ok := dst[k]
		if !ok {
			dst[k] = v
			continue
		}
		switch v := v.(type) {
		case map[string]any:
			if em, ok := existing.(map[string]any); ok {
				deepMerge(em, v)
			}
		case []any:
			if ea, ok := existing.([]any); ok {
				for _, e := range v {
					if !slices.ContainsFunc(ea, func(x any) bool { return reflect.DeepEqual(x, e) }) {
						ea = append(ea, e)
					}
				}
				dst[k] = ea
			}
		}
	}
}
