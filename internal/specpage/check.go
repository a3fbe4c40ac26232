package specpage

import (
	"fmt"
	"strings"
)

// Check fails with ErrDuplicate when two documents, from one page or from
// two, share an operationId, a METHOD+path, or a file name (compared without
// case, as a case-insensitive file system would: User#get and user#get would
// overwrite each other there). The error names the later document in its
// fields and the earlier one in its detail.
func Check(docs []Document) error {
	ids := map[string]Document{}
	keys := map[string]Document{}
	files := map[string]Document{}
	for _, d := range docs {
		dup := func(what string, first Document) error {
			return &Error{
				Source: d.Source, Block: d.Block, Line: d.Line, OperationID: d.ID,
				Rule: ErrDuplicate, Detail: fmt.Sprintf("%s is also in %s", what, first.where()),
			}
		}
		if first, ok := ids[d.ID]; ok {
			return dup("operationId "+d.ID, first)
		}
		if first, ok := keys[d.Key()]; ok {
			return dup(d.Key(), first)
		}
		if first, ok := files[strings.ToLower(d.File)]; ok {
			return dup("file name "+d.File, first)
		}
		ids[d.ID], keys[d.Key()], files[strings.ToLower(d.File)] = d, d, d
	}
	return nil
}
