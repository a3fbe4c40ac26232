// Package panthergo holds Panther's Users API spec and the go:generate steps
// that keep the generated code in step with it.
//
// Import github.com/pantherkit/panther-go/pkg/panther to call the API, and
// github.com/pantherkit/panther-go/pkg/panthertest to test against a fake of it.
// Regenerate after a spec change with `make generate` (or `go generate ./...`).
package panthergo

//go:generate go run ./internal/cmd/specmerge -o openapi.yaml api
//go:generate go tool oapi-codegen -config oapi-codegen.yaml openapi.yaml
//go:generate go run ./internal/cmd/genunimplemented -spec openapi.yaml -o api/unimplemented.gen.go api/api.gen.go
//go:generate go run ./internal/cmd/gengetters -o api/getters.gen.go api/api.gen.go
