package specpage_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pantherkit/panther-go/internal/specpage"
)

func TestParseSeed(t *testing.T) {
	t.Parallel()
	docs, err := specpage.Parse(t.Context(), "users.md", readSeed(t))
	if err != nil {
		t.Fatal(err)
	}
	type op struct{ ID, Key, File string }
	var got []op
	for _, d := range docs {
		got = append(got, op{d.ID, d.Key(), d.File})
		if d.Source != "users.md" {
			t.Errorf("%s: Source %q, want users.md", d.ID, d.Source)
		}
	}
	want := []op{
		{"user#create", "POST /users", "user-create.json"},
		{"user#get", "GET /users/{id}", "user-get.json"},
		{"user#update", "POST /users/{id}", "user-update.json"},
		{"user#delete", "DELETE /users/{id}", "user-delete.json"},
		{"user#list", "GET /users", "user-list.json"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Parse(seed) mismatch (-want +got):\n%s", diff)
	}
	if err := specpage.Check(docs); err != nil {
		t.Errorf("Check(seed) = %v", err)
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	good := doc("GET /a a#get")
	tests := []struct {
		name string
		page string
		rule error
		want string
	}{
		{"no blocks", "# Users\n\n```sh\ncurl\n```\n", specpage.ErrNoOperations,
			"p.md: no operations on the page: the page has no ```json block"},
		{"not JSON", page(good, `{"openapi": "3.0.3",}`), specpage.ErrNotJSON,
			"p.md: block 2 (line 11): not JSON: invalid character '}' looking for beginning of object key string (at byte 21 of the block)"},
		{"empty block", "```json\n```\n", specpage.ErrNotJSON,
			"p.md: block 1 (line 1): not JSON: unexpected end of JSON input (at byte 1 of the block)"},
		{"JSON but not an object", page(`[1]`), specpage.ErrNotOpenAPI,
			"p.md: block 1 (line 5): not a valid OpenAPI 3 document: a JSON []interface {}, not an object"},
		{"swagger 2", page(`{"swagger":"2.0","info":{"title":"T","version":"1"},"paths":{}}`), specpage.ErrNotOpenAPI,
			`p.md: block 1 (line 5): not a valid OpenAPI 3 document: openapi is "", want 3.x`},
		{"fails validation", page(`{"openapi":"3.0.3","paths":{"/a":{"get":{"operationId":"a#get","responses":{"200":{"description":"OK"}}}}}}`), specpage.ErrNotOpenAPI,
			"p.md: block 1 (line 5, operationId a#get): not a valid OpenAPI 3 document: ..."},
		{"zero operations", page(`{"openapi":"3.0.3","info":{"title":"T","version":"1"},"paths":{}}`), specpage.ErrOperationCount,
			"p.md: block 1 (line 5): not exactly one operation: has none"},
		{"two methods", page(good, doc("GET /b b#get", "POST /b b#post")), specpage.ErrOperationCount,
			"p.md: block 2 (line 11): not exactly one operation: has 2: GET /b, POST /b"},
		{"two paths", page(doc("GET /b b#get", "GET /c c#get")), specpage.ErrOperationCount,
			"p.md: block 1 (line 5): not exactly one operation: has 2: GET /b, GET /c"},
		{"no operationId", page(doc("DELETE /a")), specpage.ErrNoOperationID,
			"p.md: block 1 (line 5): operation has no operationId: DELETE /a"},
		{"operationId with a slash", page(doc("GET /a ../etc#passwd")), specpage.ErrFileName,
			`p.md: block 1 (line 5, operationId ../etc#passwd): operationId does not make a safe file name: "../etc-passwd.json" would contain ".."`},
		{"operationId with a space", page(`{"openapi":"3.0.3","info":{"title":"T","version":"1"},"paths":{"/a":{"get":{"operationId":"user get","responses":{"200":{"description":"OK"}}}}}}`), specpage.ErrFileName,
			`p.md: block 1 (line 5, operationId user get): operationId does not make a safe file name: "user get.json" would contain ' '; only A-Z a-z 0-9 . _ - are allowed`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			docs, err := specpage.Parse(t.Context(), "p.md", []byte(tt.page))
			checkErr(t, err, tt.rule, tt.want)
			if docs != nil {
				t.Errorf("Parse returned %d documents with the error", len(docs))
			}
		})
	}
}

func TestFileName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		id      string
		want    string
		wantErr string
	}{
		{id: "user#create", want: "user-create.json"},
		{id: "role#list", want: "role-list.json"},
		{id: "a.b_C-9#x#y", want: "a.b_C-9-x-y.json"},
		{id: "", wantErr: "it is empty"},
		{id: "a/b", wantErr: `"a/b.json" would contain '/'; only A-Z a-z 0-9 . _ - are allowed`},
		{id: `a\b`, wantErr: `"a\\b.json" would contain '\\'; only A-Z a-z 0-9 . _ - are allowed`},
		{id: "a..b", wantErr: `"a..b.json" would contain ".."`},
		{id: "..", wantErr: `"...json" would contain ".."`},
		{id: ".hidden", wantErr: `".hidden.json" would start with "."`},
		{id: "#get", wantErr: `"-get.json" would start with "-"`},
		{id: "user #get", wantErr: `"user -get.json" would contain ' '; only A-Z a-z 0-9 . _ - are allowed`},
		{id: "usér", wantErr: `"usér.json" would contain 'é'; only A-Z a-z 0-9 . _ - are allowed`},
		{id: "a:b", wantErr: `"a:b.json" would contain ':'; only A-Z a-z 0-9 . _ - are allowed`},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			t.Parallel()
			got, err := specpage.FileName(tt.id)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("FileName(%q) = %q, %v; want error %q", tt.id, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("FileName(%q) = %q, %v; want %q", tt.id, got, err, tt.want)
			}
		})
	}
}
