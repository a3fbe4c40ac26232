// Command specdiff is `make spec-diff`: it fails when the work tree breaks
// callers of the API as it was at a git revision, asking two tools:
//
//   - oasdiff, for HTTP and Go callers of the spec: `oasdiff changelog` of
//     openapi.yaml at REV against the work tree's. It fails on every ERR and on
//     the lower-level changes that remove or retype something the generated Go
//     code exposes (see goBreaking): a removed query parameter is only a WARN
//     to oasdiff, but UserListParams loses a field and Go callers stop
//     compiling.
//   - apidiff, for Go callers of the packages: the exported API of ./api and
//     ./pkg/panther at REV against the work tree. Any incompatible change
//     fails, but one: a method added to the generated client and server
//     interfaces of ./api, which is what a new operation does. Callers of
//     those interfaces lose nothing; a server implementing them embeds
//     api.StrictUnimplemented, which the generator keeps complete.
//
// REV is checked out into a temporary directory through a temporary index
// (git read-tree, git checkout-index), so neither the repository's index nor
// its worktree list is touched; the directory is removed when spec-diff ends.
//
// The tools' commands come in as flags, so their versions are pinned in one
// place, the Makefile. A command is split at spaces (no quoting):
//
//	go run ./internal/cmd/specdiff -rev HEAD~1 \
//		-oasdiff 'go run github.com/oasdiff/oasdiff@v1.37.0' \
//		-apidiff 'go run golang.org/x/exp/cmd/apidiff@v0.0.0-20261113113407-e3970619a1a4'
//
// Exit status: 0 when nothing breaks, 1 when something breaks (each break is
// printed, with any comparison that could not be made), 2 for a usage or tool
// failure (named) when nothing was found breaking.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Exit codes of run.
const (
	exitOK       = 0
	exitBreaking = 1
	exitFailure  = 2
)

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("specdiff", flag.ContinueOnError)
	fs.SetOutput(stderr)
	rev := fs.String("rev", "HEAD~1", "git revision to compare the work tree against")
	oasdiffCmd := fs.String("oasdiff", "", "command that runs oasdiff, split at spaces (required)")
	apidiffCmd := fs.String("apidiff", "", "command that runs apidiff, split at spaces (required)")
	root := fs.String("C", ".", "the module root: where go.mod and the spec are")
	spec := fs.String("spec", "openapi.yaml", "the spec, relative to -C")
	pkgList := fs.String("pkgs", "api,pkg/panther", "comma-separated package directories, relative to -C, whose Go API apidiff compares")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitFailure
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "spec-diff: "+format+"\n", a...)
		return exitFailure
	}
	oasdiff, apidiff := strings.Fields(*oasdiffCmd), strings.Fields(*apidiffCmd)
	switch {
	case fs.NArg() > 0:
		return fail("unexpected arguments %q", fs.Args())
	case len(oasdiff) == 0 || len(apidiff) == 0:
		return fail("-oasdiff and -apidiff are required: the commands that run the pinned tools")
	case *rev == "":
		return fail("-rev is empty")
	}
	dir, err := filepath.Abs(*root)
	if err != nil {
		return fail("%v", err)
	}
	modPath, err := modulePath(filepath.Join(dir, "go.mod"))
	if err != nil {
		return fail("%v", err)
	}
	var pkgs []goPackage
	for d := range strings.SplitSeq(*pkgList, ",") {
		if d = strings.Trim(strings.TrimSpace(d), "/"); d != "" {
			pkgs = append(pkgs, goPackage{dir: d, importPath: modPath + "/" + d})
		}
	}

	hash, err := git(ctx, dir, nil, "rev-parse", "--verify", "--quiet", "--short", *rev+"^{commit}")
	if err != nil {
		return fail("-rev %s: not a commit in %s (git rev-parse: %v)", *rev, dir, err)
	}
	top, err := git(ctx, dir, nil, "rev-parse", "--show-toplevel")
	if err != nil {
		return fail("git rev-parse --show-toplevel: %v", err)
	}
	prefix, err := git(ctx, dir, nil, "rev-parse", "--show-prefix")
	if err != nil {
		return fail("git rev-parse --show-prefix: %v", err)
	}
	tmp, err := os.MkdirTemp("", "specdiff-")
	if err != nil {
		return fail("%v", err)
	}
	defer func() {
		if err := os.RemoveAll(tmp); err != nil {
			fmt.Fprintf(stderr, "spec-diff: removing the temporary directory: %v\n", err)
		}
	}()
	revTree := filepath.Join(tmp, "rev")
	if err := checkout(ctx, top, *rev, revTree, filepath.Join(tmp, "index")); err != nil {
		return fail("checking out %s: %v", *rev, err)
	}
	oldDir := filepath.Join(revTree, filepath.FromSlash(prefix))
	oldSpec := filepath.Join(oldDir, *spec)
	if _, err := os.Stat(oldSpec); err != nil {
		return fail("%s has no %s to compare with", *rev, *spec)
	}

	since := fmt.Sprintf("%s (%s)", *rev, hash)
	names := make([]string, len(pkgs))
	for i, p := range pkgs {
		names[i] = p.importPath
	}
	fmt.Fprintf(stdout, "spec-diff: comparing %s (oasdiff) and the Go API of %s (apidiff) at %s with the work tree\n",
		*spec, strings.Join(names, ", "), since)

	specChanges, specBreaks, specErr := diffSpec(ctx, stdout, oasdiff, dir, oldSpec, *spec)
	if specErr != nil {
		fmt.Fprintf(stderr, "spec-diff: oasdiff changelog failed: %v\n", specErr)
	}
	goBreaks, goFailed := diffGo(ctx, stdout, stderr, apidiff, pkgs, oldDir, dir, tmp, since)
	breaks, failed := specBreaks+goBreaks, specErr != nil || goFailed

	switch {
	case breaks > 0:
		fmt.Fprintf(stdout, "spec-diff: %d breaking changes since %s\n", breaks, since)
		if failed {
			fmt.Fprintln(stdout, "spec-diff: and some comparisons could not be made (see above)")
		}
		return exitBreaking
	case failed:
		return fail("could not compare everything (see above); nothing found breaking so far")
	}
	specVerdict := "no spec changes"
	if specChanges > 0 {
		specVerdict = fmt.Sprintf("%d spec changes, all compatible", specChanges)
	}
	fmt.Fprintf(stdout, "spec-diff: ok: nothing breaks callers since %s: %s; Go API compatible\n", since, specVerdict)
	return exitOK
}

// diffSpec prints each change oasdiff finds from oldSpec to spec, and whether
// it breaks callers, and returns how many changes and breaks it found.
func diffSpec(ctx context.Context, stdout io.Writer, oasdiff []string, dir, oldSpec, spec string) (changes, breaks int, err error) {
	out, err := runTool(ctx, dir, oasdiff, "changelog", "--format", "json", oldSpec, spec)
	if err != nil {
		return 0, 0, err
	}
	cs, err := parseChanges([]byte(out))
	if err != nil {
		return 0, 0, err
	}
	for _, c := range cs {
		if breaksCallers(c) {
			breaks++
			fmt.Fprintf(stdout, "spec-diff: breaks callers: %s\n", describe(c))
		} else {
			fmt.Fprintf(stdout, "spec-diff: compatible: %s\n", describe(c))
		}
	}
	return len(cs), breaks, nil
}

// diffGo prints apidiff's incompatible changes to each package from oldRoot
// to newRoot (a package that only REV lacks is skipped, one that only the work
// tree lacks is removed) and returns how many it found, and whether any
// comparison failed (printed to stderr).
func diffGo(ctx context.Context, stdout, stderr io.Writer, apidiff []string, pkgs []goPackage, oldRoot, newRoot, tmp, since string) (breaks int, failed bool) {
	interfaceGrew := false
	for _, p := range pkgs {
		inOld, inNew := hasGoPackage(filepath.Join(oldRoot, p.dir)), hasGoPackage(filepath.Join(newRoot, p.dir))
		switch {
		case !inOld:
			fmt.Fprintf(stdout, "spec-diff: skipped %s: no such package at %s\n", p.importPath, since)
			continue
		case !inNew:
			breaks++
			fmt.Fprintf(stdout, "spec-diff: breaks Go callers of %s: package removed\n", p.importPath)
			continue
		}
		incompat, err := incompatible(ctx, apidiff, p, oldRoot, newRoot, tmp)
		if err != nil {
			fmt.Fprintf(stderr, "spec-diff: comparing the Go API of %s failed (does it compile at %s and in the work tree?): %v\n", p.importPath, since, err)
			failed = true
			continue
		}
		for _, c := range incompat {
			if p.dir == "api" && newOperationMethod(c) {
				fmt.Fprintf(stdout, "spec-diff: compatible: %s: %s (a new operation; servers embed api.StrictUnimplemented)\n", p.importPath, c)
				continue
			}
			breaks++
			interfaceGrew = interfaceGrew || strings.HasSuffix(c, ": added")
			fmt.Fprintf(stdout, "spec-diff: breaks Go callers of %s: %s\n", p.importPath, c)
		}
	}
	if interfaceGrew {
		fmt.Fprintln(stdout, `spec-diff: an incompatible "added" is a method added to an interface: every type implementing it stops compiling`)
	}
	return breaks, failed
}

// generatedInterfaces are the interfaces of package api that grow a method
// for each new operation.
var generatedInterfaces = []string{"ClientInterface", "ClientWithResponsesInterface", "ServerInterface", "StrictServerInterface"}

// newOperationMethod reports whether an apidiff change is a method added to
// one of generatedInterfaces.
func newOperationMethod(change string) bool {
	name, ok := strings.CutSuffix(change, ": added")
	if !ok {
		return false
	}
	iface, method, ok := strings.Cut(name, ".")
	return ok && method != "" && !strings.Contains(method, ".") && slices.Contains(generatedInterfaces, iface)
}

// modulePath reads the module path from the go.mod file at path.
func modulePath(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("reading the module path: %w", err)
	}
	for line := range strings.Lines(string(b)) {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "module "); ok {
			return strings.Trim(strings.TrimSpace(rest), `"`), nil
		}
	}
	return "", fmt.Errorf("%s has no module line", path)
}

// checkout writes the tree of rev to dest through a temporary index file, so
// that the repository's own index, worktrees and refs are left alone (other
// work may be going on in them).
func checkout(ctx context.Context, top, rev, dest, index string) error {
	env := []string{"GIT_INDEX_FILE=" + index}
	if _, err := git(ctx, top, env, "read-tree", rev); err != nil {
		return fmt.Errorf("git read-tree: %w", err)
	}
	if _, err := git(ctx, top, env, "checkout-index", "--all", "--prefix="+dest+string(filepath.Separator)); err != nil {
		return fmt.Errorf("git checkout-index: %w", err)
	}
	return nil
}

// git runs git in dir and returns its trimmed output.
func git(ctx context.Context, dir string, env []string, args ...string) (string, error) {
	out, err := runTool(ctx, dir, append(env[:len(env):len(env)], "git"), args...)
	return strings.TrimSpace(out), err
}

// runTool runs the command argv (its leading NAME=value words are set in the
// environment) with args in dir and returns its standard output. A failure
// carries the command's standard error.
func runTool(ctx context.Context, dir string, argv []string, args ...string) (string, error) {
	var env []string
	for len(argv) > 1 && strings.Contains(argv[0], "=") {
		env, argv = append(env, argv[0]), argv[1:]
	}
	cmd := exec.CommandContext(ctx, argv[0], append(argv[1:len(argv):len(argv)], args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		// go run ends its standard error with the status it exits with.
		msg := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(stderr.String()), err.Error()))
		if msg == "" {
			return "", fmt.Errorf("%s: %w", strings.Join(argv, " "), err)
		}
		return "", fmt.Errorf("%s: %s: %w", strings.Join(argv, " "), msg, err)
	}
	return stdout.String(), nil
}
