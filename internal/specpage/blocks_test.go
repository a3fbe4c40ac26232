package specpage_test

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pantherkit/panther-go/internal/specpage"
)

func TestBlocksOfSeedAreTheCommittedFiles(t *testing.T) {
	t.Parallel()
	blocks, err := specpage.Blocks("users.md", readSeed(t))
	if err != nil {
		t.Fatal(err)
	}
	files := committed(t)
	// The page's order: create, get, update, delete, list.
	want := []string{"user-create.json", "user-get.json", "user-update.json", "user-delete.json", "user-list.json"}
	if len(blocks) != len(want) {
		t.Fatalf("Blocks(seed) = %d blocks, want %d", len(blocks), len(want))
	}
	for i, b := range blocks {
		if b.Number != i+1 || b.Line != 22+8*i {
			t.Errorf("block %d: Number %d, Line %d, want %d, %d", i, b.Number, b.Line, i+1, 22+8*i)
		}
		if !bytes.Equal(b.Content, files[want[i]]) {
			t.Errorf("block %d is not byte for byte api/%s", b.Number, want[i])
		}
	}
}

func TestBlocks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		page string
		want []specpage.Block
	}{
		{
			name: "content kept byte for byte, one final newline",
			page: "text\n```json\n  {\"a\": \"é\\n\t x\"}  \n```\n",
			want: []specpage.Block{{Number: 1, Line: 2, Content: []byte("  {\"a\": \"é\\n\t x\"}  \n")}},
		},
		{
			name: "CRLF page gives the LF content",
			page: "text\r\n```json\r\n{\r\n\"a\": 1}\r\n```\r\n",
			want: []specpage.Block{{Number: 1, Line: 2, Content: []byte("{\n\"a\": 1}\n")}},
		},
		{
			name: "trailing empty lines dropped, leading kept",
			page: "```json\n\n{}\n\n\n```",
			want: []specpage.Block{{Number: 1, Line: 1, Content: []byte("\n{}\n")}},
		},
		{
			name: "other fences skipped whole, with a json fence inside them",
			page: "```\n```json\nnot a block\n```\n```sh\necho\n```\n````md\n```json\n{}\n```\n````\n```json\n{}\n```\n",
			want: []specpage.Block{{Number: 1, Line: 13, Content: []byte("{}\n")}},
		},
		{
			name: "indented fence is not a fence",
			page: "  ```json\n{}\n  ```\n",
		},
		{
			name: "numbers count json blocks only",
			page: "```json\n1\n```\n```go\nx\n```\n```json\n2\n```\n",
			want: []specpage.Block{
				{Number: 1, Line: 1, Content: []byte("1\n")},
				{Number: 2, Line: 7, Content: []byte("2\n")},
			},
		},
		{
			name: "empty block",
			page: "```json\n```\n",
			want: []specpage.Block{{Number: 1, Line: 1, Content: []byte("\n")}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := specpage.Blocks("p.md", []byte(tt.page))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Blocks(%q) mismatch (-want +got):\n%s", tt.page, diff)
			}
		})
	}
}

func TestBlocksErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		page string
		rule error
		want string
	}{
		{"unclosed", "```json\n{}\n", specpage.ErrUnclosedBlock, "p.md: block 1 (line 1): ```json block has no closing ``` line"},
		{"unclosed after a good one", "```json\n{}\n```\n\n```json\n{}\n", specpage.ErrUnclosedBlock, "p.md: block 2 (line 5): ```json block has no closing ``` line"},
		{"upper case", "```JSON\n{}\n```\n", specpage.ErrFence, "p.md: block 1 (line 1): fence is not exactly ```json: found \"```JSON\""},
		{"info after json", "```json title=\"x\"\n{}\n```\n", specpage.ErrFence, "p.md: block 1 (line 1): fence is not exactly ```json: found \"```json title=\\\"x\\\"\""},
		{"trailing space", "```json \n{}\n```\n", specpage.ErrFence, "p.md: block 1 (line 1): fence is not exactly ```json: found \"```json \""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := specpage.Blocks("p.md", []byte(tt.page))
			checkErr(t, err, tt.rule, tt.want)
		})
	}
}
