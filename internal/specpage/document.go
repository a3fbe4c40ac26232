package specpage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Operation is the one operation a document defines.
type Operation struct {
	ID     string // operationId, e.g. user#create
	Method string // upper case, e.g. POST
	Path   string // e.g. /users
}

// Key is METHOD and path, the operation's identity on the wire: "POST /users".
func (o Operation) Key() string { return o.Method + " " + o.Path }

// Document is one checked ```json block: a valid OpenAPI 3 document with
// exactly one operation, and the file it is kept in.
type Document struct {
	Source string // the page it came from (URL or file name)
	Block  int    // its block number on the page
	Line   int    // the line of the block's opening fence
	Operation
	// File is the name it is kept under, from the operationId: user-create.json.
	File string
	// Content is the file's content: the block's bytes, ending in one "\n".
	Content []byte
}

// where names the document in an error about it and another document.
func (d Document) where() string {
	return fmt.Sprintf("%s block %d (line %d, operationId %s)", d.Source, d.Block, d.Line, d.ID)
}

// Parse returns the documents of a page, one per ```json block, in page
// order. source names the page (its URL or file name) in the documents and in
// errors. It fails on the first block that breaks a rule (see Blocks and
// ParseBlock), and with ErrNoOperations when the page has no block at all.
// Documents of one page can still clash with each other: Check them.
func Parse(ctx context.Context, source string, page []byte) ([]Document, error) {
	blocks, err := Blocks(source, page)
	if err != nil {
		return nil, err
	}
	if len(blocks) == 0 {
		return nil, &Error{Source: source, Rule: ErrNoOperations, Detail: "the page has no ```json block"}
	}
	docs := make([]Document, 0, len(blocks))
	for _, b := range blocks {
		d, err := ParseBlock(ctx, source, b)
		if err != nil {
			return nil, err
		}
		docs = append(docs, d)
	}
	return docs, nil
}

// ParseBlock checks one block: its content must be JSON (ErrNotJSON), an
// OpenAPI 3 document that kin-openapi loads and validates (ErrNotOpenAPI),
// with exactly one operation (ErrOperationCount), that has an operationId
// (ErrNoOperationID) which makes a safe file name (ErrFileName, see FileName).
func ParseBlock(ctx context.Context, source string, b Block) (Document, error) {
	fail := func(id string, rule error, detail string) (Document, error) {
		return Document{}, &Error{Source: source, Block: b.Number, Line: b.Line, OperationID: id, Rule: rule, Detail: detail}
	}
	var v any
	if err := json.Unmarshal(b.Content, &v); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return fail("", ErrNotJSON, fmt.Sprintf("%v (at byte %d of the block)", se, se.Offset))
		}
		return fail("", ErrNotJSON, err.Error())
	}
	if _, ok := v.(map[string]any); !ok {
		return fail("", ErrNotOpenAPI, fmt.Sprintf("a JSON %T, not an object", v))
	}
	doc, err := openapi3.NewLoader().LoadFromData(b.Content)
	if err != nil {
		return fail("", ErrNotOpenAPI, err.Error())
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		return fail("", ErrNotOpenAPI, fmt.Sprintf("openapi is %q, want 3.x", doc.OpenAPI))
	}
	ops := Operations(doc)
	id := ""
	if len(ops) == 1 {
		id = ops[0].ID
	}
	if err := doc.Validate(ctx); err != nil {
		return fail(id, ErrNotOpenAPI, err.Error())
	}
	switch len(ops) {
	case 0:
		return fail("", ErrOperationCount, "has none")
	case 1:
	default:
		keys := make([]string, len(ops))
		for i, op := range ops {
			keys[i] = op.Key()
		}
		return fail("", ErrOperationCount, fmt.Sprintf("has %d: %s", len(ops), strings.Join(keys, ", ")))
	}
	op := ops[0]
	if op.ID == "" {
		return fail("", ErrNoOperationID, op.Key())
	}
	name, err := FileName(op.ID)
	if err != nil {
		return fail(op.ID, ErrFileName, err.Error())
	}
	return Document{
		Source: source, Block: b.Number, Line: b.Line,
		Operation: op, File: name, Content: b.Content,
	}, nil
}

// Operations lists every operation of a loaded document, sorted by path and
// method.
func Operations(doc *openapi3.T) []Operation {
	var ops []Operation
	if doc.Paths == nil {
		return nil
	}
	for path, item := range doc.Paths.Map() {
		if item == nil {
			continue
		}
		for method, op := range item.Operations() {
			ops = append(ops, Operation{ID: op.OperationID, Method: strings.ToUpper(method), Path: path})
		}
	}
	slices.SortFunc(ops, func(a, b Operation) int { return strings.Compare(a.Key(), b.Key()) })
	return ops
}

// FileName is the file an operation's document is kept in: the operationId
// with every "#" turned into "-", plus ".json" (user#create gives
// user-create.json). It fails, with an error that is not an *Error, when the
// name would hold anything but A-Z, a-z, 0-9, ".", "_" and "-" (so no "/",
// no space), or "..", or start with "." or "-".
func FileName(operationID string) (string, error) {
	stem := strings.ReplaceAll(operationID, "#", "-")
	name := stem + ".json"
	switch {
	case stem == "":
		return "", errors.New("it is empty")
	case strings.Contains(stem, ".."):
		return "", fmt.Errorf("%q would contain \"..\"", name)
	case stem[0] == '.' || stem[0] == '-':
		return "", fmt.Errorf("%q would start with %q", name, stem[:1])
	}
	for _, r := range stem {
		if !safe(r) {
			return "", fmt.Errorf("%q would contain %q; only A-Z a-z 0-9 . _ - are allowed", name, r)
		}
	}
	return name, nil
}

func safe(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-'
}
