package specpage_test

import (
	"testing"

	"github.com/pantherkit/panther-go/internal/specpage"
)

func TestCheck(t *testing.T) {
	t.Parallel()
	parse := func(t *testing.T, source string, docs ...string) []specpage.Document {
		t.Helper()
		got, err := specpage.Parse(t.Context(), source, []byte(page(docs...)))
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	tests := []struct {
		name  string
		pages [][]string // documents of users.md, then roles.md
		want  string     // "" for no error
	}{
		{name: "distinct", pages: [][]string{{doc("GET /a a#get"), doc("POST /a a#post")}, {doc("GET /b b#get")}}},
		{name: "same operationId on one page", pages: [][]string{{doc("GET /a a#get"), doc("GET /b a#get")}},
			want: "users.md: block 2 (line 11, operationId a#get): defined twice: operationId a#get is also in users.md block 1 (line 5, operationId a#get)"},
		{name: "same operationId on two pages", pages: [][]string{{doc("GET /a a#get")}, {doc("GET /b a#get")}},
			want: "roles.md: block 1 (line 5, operationId a#get): defined twice: operationId a#get is also in users.md block 1 (line 5, operationId a#get)"},
		{name: "same METHOD+path on two pages", pages: [][]string{{doc("GET /a a#get")}, {doc("POST /b b#post"), doc("GET /a b#get")}},
			want: "roles.md: block 2 (line 11, operationId b#get): defined twice: GET /a is also in users.md block 1 (line 5, operationId a#get)"},
		{name: "same file name", pages: [][]string{{doc("GET /a a#get")}, {doc("GET /b a-get")}},
			want: "roles.md: block 1 (line 5, operationId a-get): defined twice: file name a-get.json is also in users.md block 1 (line 5, operationId a#get)"},
		{name: "file names differing in case", pages: [][]string{{doc("GET /a a#get")}, {doc("GET /b A#get")}},
			want: "roles.md: block 1 (line 5, operationId A#get): defined twice: file name A-get.json is also in users.md block 1 (line 5, operationId a#get)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var docs []specpage.Document
			for i, p := range tt.pages {
				docs = append(docs, parse(t, []string{"users.md", "roles.md"}[i], p...)...)
			}
			err := specpage.Check(docs)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Check = %v, want nil", err)
				}
				return
			}
			checkErr(t, err, specpage.ErrDuplicate, tt.want)
		})
	}
}
