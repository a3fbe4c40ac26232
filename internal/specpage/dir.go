package specpage

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Change is what a Plan does to one document's file.
type Change int

// The changes, in the words the command prints.
const (
	Unchanged Change = iota // the file exists with the same bytes: not rewritten
	Created                 // the file does not exist yet
	Updated                 // the file exists with other bytes
)

func (c Change) String() string {
	switch c {
	case Unchanged:
		return "unchanged"
	case Created:
		return "created"
	case Updated:
		return "updated"
	}
	return fmt.Sprintf("Change(%d)", int(c))
}

// PlannedFile is one document and what writing it does to its file.
type PlannedFile struct {
	Document
	Change Change
}

// Plan is what writing a set of documents into a directory does. It is
// computed without touching the directory; Apply carries it out.
type Plan struct {
	Dir   string
	Files []PlannedFile // one per document, in the documents' order
	// Stale names the *.json files of Dir, sorted, that no document writes:
	// operations that are on none of the pages read.
	Stale []string
}

// NewPlan compares checked documents (see Check) with the *.json files of
// dir. A document's file is Created, Updated or Unchanged by its bytes alone.
// Every other *.json file is loaded: one that is not an OpenAPI document is
// an error (ErrNotOpenAPI, naming the file), and one that already defines a
// document's METHOD+path or operationId is ErrInOtherFile, naming both files,
// since writing the document would define the operation twice. The rest are
// Stale. dir must exist.
func NewPlan(ctx context.Context, dir string, docs []Document) (*Plan, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	p := &Plan{Dir: dir}
	targets := map[string]bool{}
	byKey := map[string]Document{}
	byID := map[string]Document{}
	for _, d := range docs {
		targets[d.File] = true
		byKey[d.Key()], byID[d.ID] = d, d
		pf := PlannedFile{Document: d, Change: Created}
		old, err := os.ReadFile(filepath.Join(dir, d.File))
		switch {
		case err == nil && bytes.Equal(old, d.Content):
			pf.Change = Unchanged
		case err == nil:
			pf.Change = Updated
		case !errors.Is(err, fs.ErrNotExist):
			return nil, err
		}
		p.Files = append(p.Files, pf)
	}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".json") || e.IsDir() || targets[name] {
			continue
		}
		path := filepath.Join(dir, name)
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		doc, err := openapi3.NewLoader().LoadFromData(data)
		if err != nil {
			return nil, &Error{Source: path, Rule: ErrNotOpenAPI, Detail: err.Error()}
		}
		for _, op := range Operations(doc) {
			d, ok := byKey[op.Key()]
			what := op.Key()
			if !ok {
				d, ok = byID[op.ID]
				what = "operationId " + op.ID
			}
			if ok {
				return nil, &Error{
					Source: d.Source, Block: d.Block, Line: d.Line, OperationID: d.ID, Rule: ErrInOtherFile,
					Detail: fmt.Sprintf("%s would be written to %s, but %s already has it; delete or rename one of them",
						what, filepath.Join(dir, d.File), path),
				}
			}
		}
		p.Stale = append(p.Stale, name)
	}
	slices.Sort(p.Stale)
	return p, nil
}

// Apply writes every Created or Updated file (Unchanged ones are not
// touched), and when prune is set removes the Stale ones. Each file is
// written to a temporary file in the directory first and renamed into place
// only when all of them were written, so a full disk leaves the directory as
// it was.
func (p *Plan) Apply(prune bool) error {
	type pending struct{ tmp, dst string }
	var written []pending
	defer func() {
		for _, w := range written {
			_ = os.Remove(w.tmp) // fails once renamed: nothing left to clean
		}
	}()
	for _, f := range p.Files {
		if f.Change == Unchanged {
			continue
		}
		tmp, err := writeTemp(p.Dir, f.File, f.Content)
		if err != nil {
			return err
		}
		written = append(written, pending{tmp, filepath.Join(p.Dir, f.File)})
	}
	for _, w := range written {
		if err := os.Rename(w.tmp, w.dst); err != nil {
			return err
		}
	}
	if prune {
		for _, name := range p.Stale {
			if err := os.Remove(filepath.Join(p.Dir, name)); err != nil {
				return err
			}
		}
	}
	return nil
}

func writeTemp(dir, name string, data []byte) (string, error) {
	f, err := os.CreateTemp(dir, "."+name+".tmp-*")
	if err != nil {
		return "", err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(0o644)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(f.Name()) // the write's error is the one to report
		return "", err
	}
	return f.Name(), nil
}
