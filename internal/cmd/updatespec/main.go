// Command updatespec refreshes api/*.json from Panther's REST API
// documentation pages. It is run by make update-spec, which then runs go
// generate:
//
//	go run ./internal/cmd/updatespec [-dir api] [-pages FILE] [-prune] [PAGE...]
//
// A PAGE is an http(s) URL or a local file holding a page's Markdown. With no
// PAGE, the pages listed in api/pages.txt (-pages) are read: one per line,
// blank lines and lines starting with # skipped, so adding a page is adding a
// line. Every ```json block of every page must be a valid OpenAPI 3 document
// with exactly one operation (see internal/specpage); it is kept in DIR under
// its operationId with "#" turned into "-": user#create is user-create.json.
//
// Everything is fetched and checked before anything is written: on any error
// the command prints one line naming the page and what is wrong, exits 1 and
// leaves the directory as it was. Files whose bytes would not change are not
// rewritten. When the pages came from the list, a *.json file of the
// directory whose operation is on none of them is reported and kept, or
// deleted with -prune.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/pantherkit/panther-go/internal/specpage"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

const usage = `usage: go run ./internal/cmd/updatespec [-dir api] [-pages FILE] [-prune] [-timeout 30s] [PAGE...]

Reads Panther's REST API documentation pages (PAGE: an http(s) URL or a local
Markdown file; default: the pages listed in DIR/pages.txt) and writes each
operation's OpenAPI document to DIR/<operationId>.json. Checks everything
before writing anything; files that would not change are not rewritten.

`

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("updatespec", flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.Usage = func() {
		fmt.Fprint(stderr, usage)
		flags.PrintDefaults()
	}
	dir := flags.String("dir", "api", "the `directory` of per-operation documents")
	list := flags.String("pages", "", "the `file` listing the pages to read when no PAGE is given (default DIR/pages.txt)")
	prune := flags.Bool("prune", false, "delete files whose operation is on none of the listed pages (only without PAGE)")
	timeout := flags.Duration("timeout", 30*time.Second, "the time allowed for fetching each page")
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	pages := flags.Args()
	fromList := len(pages) == 0
	if !fromList && (*prune || *list != "") {
		fmt.Fprintln(stderr, "update-spec: -prune and -pages read the page list; they cannot be used with PAGE arguments")
		return 2
	}
	if err := update(ctx, options{dir: *dir, list: *list, pages: pages, prune: *prune, timeout: *timeout}, stdout); err != nil {
		fmt.Fprintln(stderr, "update-spec:", specpage.OneLine(err.Error()))
		return 1
	}
	return 0
}

type options struct {
	dir     string
	list    string   // the page list file; "" is dir/pages.txt
	pages   []string // empty: read the list
	prune   bool
	timeout time.Duration
}

// update reads and checks every page, plans against the directory, and only
// then writes.
func update(ctx context.Context, o options, stdout io.Writer) error {
	fromList := len(o.pages) == 0
	if fromList {
		if o.list == "" {
			o.list = filepath.Join(o.dir, "pages.txt")
		}
		var err error
		if o.pages, err = readList(o.list); err != nil {
			return err
		}
	}
	fetch := fetcher{timeout: o.timeout}
	var docs []specpage.Document
	for _, page := range o.pages {
		data, err := fetch.page(ctx, page)
		if err != nil {
			return err
		}
		got, err := specpage.Parse(ctx, display(page), data)
		if err != nil {
			return withHint(err, page)
		}
		docs = append(docs, got...)
	}
	if err := specpage.Check(docs); err != nil {
		return err
	}
	plan, err := specpage.NewPlan(ctx, o.dir, docs)
	if err != nil {
		return err
	}
	if !fromList {
		plan.Stale = nil // the pages given need not be all of them
	}
	if err := plan.Apply(o.prune); err != nil {
		return fmt.Errorf("write %s: %w", o.dir, err)
	}
	report(stdout, o, plan)
	return nil
}

// report prints a line per page, per file and per stale file, and a summary.
func report(w io.Writer, o options, plan *specpage.Plan) {
	perPage := map[string]int{}
	for _, f := range plan.Files {
		perPage[f.Source]++
	}
	for _, page := range o.pages {
		n := perPage[display(page)]
		fmt.Fprintf(w, "update-spec: read %s: %d %s\n", display(page), n, plural(n, "operation"))
	}
	count := map[specpage.Change]int{}
	for _, f := range plan.Files {
		count[f.Change]++
		fmt.Fprintf(w, "%s: %s (%s)\n", filepath.Join(o.dir, f.File), f.Change, f.Key())
	}
	fate := "kept; delete it to drop the operation"
	if o.prune {
		fate = "deleted (-prune)"
	}
	for _, name := range plan.Stale {
		fmt.Fprintf(w, "%s: not on any page: removed upstream? %s\n", filepath.Join(o.dir, name), fate)
	}
	fmt.Fprintf(w, "update-spec: %d created, %d updated, %d unchanged",
		count[specpage.Created], count[specpage.Updated], count[specpage.Unchanged])
	if len(plan.Stale) > 0 {
		verb := "kept"
		if o.prune {
			verb = "deleted"
		}
		fmt.Fprintf(w, ", %d not on any page (%s)", len(plan.Stale), verb)
	}
	fmt.Fprintln(w)
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
