package panthergo

import _ "embed"

// OpenAPI is the merged Users API document (openapi.yaml), as generated from
// the per-operation documents under api/. The fake server validates every
// request and response against it.
//
//go:embed openapi.yaml
var OpenAPI []byte
