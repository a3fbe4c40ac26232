// Command specmerge merges the per-operation OpenAPI documents under api/ into
// openapi.yaml. It is run by go generate (see gen.go):
//
//	go run ./internal/cmd/specmerge -o openapi.yaml api
//
// Each argument is a document, or a directory whose *.json files are all
// documents: Panther publishes JSON, and the merged file's header and make
// spec-verify name api/*.json. A new upstream page is added by dropping its
// JSON document into api/ and running go generate.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/pantherkit/panther-go/internal/specmerge"
)

func main() {
	out := flag.String("o", "openapi.yaml", "where to write the merged document")
	flag.Parse()
	if err := run(context.Background(), *out, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "specmerge:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out string, inputs []string) error {
	var files []string
	for _, in := range inputs {
		st, err := os.Stat(in)
		if err != nil {
			return err
		}
		if !st.IsDir() {
			files = append(files, in)
			continue
		}
		m, err := filepath.Glob(filepath.Join(in, "*.json"))
		if err != nil {
			return err
		}
		files = append(files, m...)
	}
	srcs, err := specmerge.ReadFiles(files)
	if err != nil {
		return err
	}
	merged, err := specmerge.Merge(ctx, srcs)
	if err != nil {
		return err
	}
	return os.WriteFile(out, merged, 0o644)
}
