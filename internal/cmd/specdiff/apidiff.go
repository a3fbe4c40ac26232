package main

// The Go half of spec-diff: apidiff's verdict on the exported API of a
// package at REV against the work tree.

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// parseIncompatible reads the output of `apidiff -incompatible OLD NEW`: one
// "- <name>: <what happened>" line per incompatible change and nothing else
// (apidiff exits 0 whether or not it found any). Any other line means the
// format is not the one spec-diff was written against, so it is an error
// rather than output to ignore.
func parseIncompatible(out string) ([]string, error) {
	var changes []string
	for line := range strings.Lines(out) {
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			continue
		}
		c, ok := strings.CutPrefix(line, "- ")
		if !ok {
			return nil, fmt.Errorf("unexpected line %q: not apidiff -incompatible's output", line)
		}
		changes = append(changes, c)
	}
	return changes, nil
}

// goPackage is one package spec-diff compares.
type goPackage struct {
	dir        string // relative to the module root: "api"
	importPath string // "github.com/pantherkit/panther-go/api"
}

// incompatible returns apidiff's incompatible changes to p between the module
// checked out at oldRoot and the one at newRoot. Export data of the old
// package is written with `apidiff -w` inside oldRoot, since apidiff resolves
// an import path against the module in its working directory.
func incompatible(ctx context.Context, apidiff []string, p goPackage, oldRoot, newRoot, tmp string) ([]string, error) {
	export := filepath.Join(tmp, strings.ReplaceAll(p.dir, "/", "_")+".apidiff")
	if _, err := runTool(ctx, oldRoot, apidiff, "-w", export, p.importPath); err != nil {
		return nil, fmt.Errorf("apidiff -w (at REV): %w", err)
	}
	out, err := runTool(ctx, newRoot, apidiff, "-incompatible", export, p.importPath)
	if err != nil {
		return nil, fmt.Errorf("apidiff -incompatible (work tree): %w", err)
	}
	changes, err := parseIncompatible(out)
	if err != nil {
		return nil, fmt.Errorf("apidiff -incompatible: %w", err)
	}
	return changes, nil
}

// hasGoPackage reports whether dir holds a Go package: a non-test .go file.
func hasGoPackage(dir string) bool {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, e := range entries {
		n := e.Name()
		if !e.IsDir() && strings.HasSuffix(n, ".go") && !strings.HasSuffix(n, "_test.go") {
			return true
		}
	}
	return false
}
