package specpage

import (
	"errors"
	"fmt"
	"strings"
)

// The rules a page, a document or a directory can break. Every *Error
// matches (errors.Is) exactly one of them.
var (
	// ErrUnclosedBlock: a ```json block with no closing ``` line.
	ErrUnclosedBlock = errors.New("```json block has no closing ``` line")
	// ErrFence: a fence that looks like a JSON block ("```JSON", "```json x")
	// but is not exactly ```json, so it would otherwise be skipped silently.
	ErrFence = errors.New("fence is not exactly ```json")
	// ErrNotJSON: a block whose content is not JSON.
	ErrNotJSON = errors.New("not JSON")
	// ErrNotOpenAPI: JSON that kin-openapi cannot load as, or validate as, an
	// OpenAPI 3 document.
	ErrNotOpenAPI = errors.New("not a valid OpenAPI 3 document")
	// ErrOperationCount: a document with zero operations or more than one.
	ErrOperationCount = errors.New("not exactly one operation")
	// ErrNoOperationID: the document's operation has no operationId.
	ErrNoOperationID = errors.New("operation has no operationId")
	// ErrFileName: the operationId does not make a safe file name.
	ErrFileName = errors.New("operationId does not make a safe file name")
	// ErrNoOperations: a page with no ```json block at all.
	ErrNoOperations = errors.New("no operations on the page")
	// ErrDuplicate: two documents (on one page or on two) with the same
	// operationId, the same METHOD+path, or the same file name.
	ErrDuplicate = errors.New("defined twice")
	// ErrInOtherFile: a document whose operation (METHOD+path or operationId)
	// is already in a file of the directory other than the one it would be
	// written to.
	ErrInOtherFile = errors.New("operation already in another file")
)

// Error is a rule broken by a page, by one of its blocks, or by a file already
// in the directory. Its message is one line:
//
//	users.md: block 2 (line 30, operationId user#get): not exactly one operation: has 2: GET /users, POST /users
type Error struct {
	// Source is the page's URL or file name, or the path of a file in the directory.
	Source string
	// Block is the 1-based number of the ```json block on the page, 0 when
	// the error is about the page or file as a whole.
	Block int
	// Line is the 1-based line of the block's opening fence (with Block).
	Line int
	// OperationID is the document's operationId, when it is known.
	OperationID string
	// Rule is the Err variable the error matches.
	Rule error
	// Detail says what exactly was found, in one line; may be empty.
	Detail string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Source)
	if e.Block > 0 {
		fmt.Fprintf(&b, ": block %d (line %d", e.Block, e.Line)
		if e.OperationID != "" {
			fmt.Fprintf(&b, ", operationId %s", e.OperationID)
		}
		b.WriteString(")")
	}
	b.WriteString(": ")
	b.WriteString(e.Rule.Error())
	if e.Detail != "" {
		b.WriteString(": ")
		b.WriteString(OneLine(e.Detail))
	}
	return b.String()
}

// Unwrap returns the rule, so that errors.Is(err, ErrNotJSON) and the like work.
func (e *Error) Unwrap() error { return e.Rule }

// maxDetail caps a detail taken from another library's message: kin-openapi
// can quote whole schemas in its errors.
const maxDetail = 1000

// OneLine folds a message onto one line: each line is trimmed and the
// non-empty ones are joined with a space, and the result is cut at a
// thousand bytes. Messages from kin-openapi can span lines.
func OneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n") && len(s) <= maxDetail {
		return s
	}
	var parts []string
	for line := range strings.Lines(s) {
		if line = strings.TrimSpace(line); line != "" {
			parts = append(parts, line)
		}
	}
	s = strings.Join(parts, " ")
	if len(s) > maxDetail {
		s = strings.ToValidUTF8(s[:maxDetail], "") + "..."
	}
	return s
}
