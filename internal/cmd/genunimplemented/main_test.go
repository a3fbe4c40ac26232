package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGenerateFromTheRealFiles: the base has one method and one Visit
// method per operation of the committed spec, each naming its operation.
func TestGenerateFromTheRealFiles(t *testing.T) {
	t.Parallel()
	out, err := generate(t.Context(), "../../../api/api.gen.go", "../../../openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`func (StrictUnimplemented) UserList(context.Context, UserListRequestObject) (UserListResponseObject, error) {`,
		`return NotImplementedResponse{OperationID: "user#list", Method: "GET", Path: "/users"}, nil`,
		`func (r NotImplementedResponse) VisitUserDeleteResponse(w http.ResponseWriter) error`,
		`var _ StrictServerInterface = StrictUnimplemented{}`,
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("generated base lacks %q", want)
		}
	}
}

func TestGenerateErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, src string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	spec := "../../../openapi.yaml"
	for name, tc := range map[string]struct{ src, want string }{
		"no interface": {"package api\n", "no StrictServerInterface"},
		"no route comment": {`package api
type XResponseObject interface{ VisitXResponse() error }
type StrictServerInterface interface {
	X(ctx context.Context, request XRequestObject) (XResponseObject, error)
}
`, "no (METHOD /path) comment"},
		"operation not in the spec": {`package api
type XResponseObject interface{ VisitXResponse() error }
type StrictServerInterface interface {
	// (GET /nowhere)
	X(ctx context.Context, request XRequestObject) (XResponseObject, error)
}
`, "GET /nowhere has no operation"},
	} {
		_, err := generate(t.Context(), write(strings.ReplaceAll(name, " ", "_")+".go", tc.src), spec)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: generate() = %v, want an error containing %q", name, err, tc.want)
		}
	}
}
