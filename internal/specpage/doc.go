// Package specpage turns Panther's REST API documentation pages into the
// per-operation OpenAPI documents kept under api/.
//
// Panther publishes each REST API page as Markdown; every operation on it is
// one ```json fenced block holding a whole OpenAPI 3 document with exactly one
// operation. Blocks finds those blocks, Parse checks each one (valid OpenAPI 3,
// exactly one operation, an operationId that names a safe file) and Check the
// documents of all pages together (no operationId, METHOD+path or file name
// twice). NewPlan compares the documents with a directory such as api/, and
// Plan.Apply writes only the files whose bytes change.
//
// Every rule a page breaks is reported as an *Error whose message is one line
// naming the page, the block and the rule. The functions keep no state and are
// safe for concurrent use; a Plan is not (Apply it once).
package specpage
