// Command genunimplemented writes api/unimplemented.gen.go: a base type that
// answers every operation of the generated StrictServerInterface with
// 501 Not Implemented. It is run by go generate (see gen.go), after
// oapi-codegen:
//
//	go run ./internal/cmd/genunimplemented -spec openapi.yaml -o api/unimplemented.gen.go api/api.gen.go
//
// oapi-codegen's strict server has no such base, so without it a document
// for a new operation dropped into api/ makes the interface grow a method and
// every server implementing it (the fake in pkg/panthertest) stops compiling.
// The fake embeds the base: the users operations are its own methods, checked
// against the generated interface at compile time, and anything new is
// answered 501 (after request validation) until someone implements it.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"io"
	"os"
	"regexp"
	"strings"
	"text/template"

	"github.com/getkin/kin-openapi/openapi3"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stderr))
}

func run(ctx context.Context, args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("genunimplemented", flag.ContinueOnError)
	fs.SetOutput(stderr)
	specPath := fs.String("spec", "openapi.yaml", "the merged OpenAPI document the generated code came from")
	out := fs.String("o", "api/unimplemented.gen.go", "where to write the base")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "usage: genunimplemented [-spec openapi.yaml] [-o FILE] api/api.gen.go")
		return 2
	}
	src, err := generate(ctx, fs.Arg(0), *specPath)
	if err == nil {
		err = os.WriteFile(*out, src, 0o644)
	}
	if err != nil {
		fmt.Fprintln(stderr, "genunimplemented:", err)
		return 1
	}
	return 0
}

// method is one operation of the strict server interface.
type method struct {
	Name        string // UserList
	Result      string // UserListResponseObject
	Request     string // UserListRequestObject
	Visit       string // VisitUserListResponse
	OperationID string // user#list
	Method      string // GET
	Path        string // /users
}

// routeComment is the line oapi-codegen writes above each interface method.
var routeComment = regexp.MustCompile(`^\(([A-Z]+) (/\S*)\)$`)

// generate reads the strict server interface from genFile and the operation
// ids from specFile, and returns the formatted source of the base.
func generate(ctx context.Context, genFile, specFile string) ([]byte, error) {
	doc, err := openapi3.NewLoader().LoadFromFile(specFile)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", specFile, err)
	}
	if err := doc.Validate(ctx); err != nil {
		return nil, fmt.Errorf("validate %s: %w", specFile, err)
	}
	f, err := parser.ParseFile(token.NewFileSet(), genFile, nil, parser.ParseComments)
	if err != nil {
		return nil, err
	}
	visits := visitMethods(f)
	iface := findInterface(f, "StrictServerInterface")
	if iface == nil {
		return nil, fmt.Errorf("%s: no StrictServerInterface (is strict-server on in oapi-codegen.yaml?)", genFile)
	}
	var methods []method
	for _, field := range iface.Methods.List {
		m, err := describe(field, visits, doc)
		if err != nil {
			return nil, fmt.Errorf("%s: StrictServerInterface: %w", genFile, err)
		}
		methods = append(methods, m)
	}
	if len(methods) == 0 {
		return nil, fmt.Errorf("%s: StrictServerInterface has no methods", genFile)
	}
	var buf bytes.Buffer
	if err := baseTemplate.Execute(&buf, methods); err != nil {
		return nil, err
	}
	return format.Source(buf.Bytes())
}

// findInterface returns the interface type declared as name in f.
func findInterface(f *ast.File, name string) *ast.InterfaceType {
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.TYPE {
			continue
		}
		for _, s := range gd.Specs {
			ts := s.(*ast.TypeSpec)
			if it, ok := ts.Type.(*ast.InterfaceType); ok && ts.Name.Name == name {
				return it
			}
		}
	}
	return nil
}

// visitMethods maps each XResponseObject interface in f to its one method's
// name (VisitXResponse).
func visitMethods(f *ast.File) map[string]string {
	m := map[string]string{}
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.TYPE {
			continue
		}
		for _, s := range gd.Specs {
			ts := s.(*ast.TypeSpec)
			it, ok := ts.Type.(*ast.InterfaceType)
			if !ok || !strings.HasSuffix(ts.Name.Name, "ResponseObject") || len(it.Methods.List) != 1 || len(it.Methods.List[0].Names) != 1 {
				continue
			}
			m[ts.Name.Name] = it.Methods.List[0].Names[0].Name
		}
	}
	return m
}

// describe reads one interface method: its name, request and response types
// and the "(METHOD /path)" comment, which names the operation in doc.
func describe(field *ast.Field, visits map[string]string, doc *openapi3.T) (method, error) {
	if len(field.Names) != 1 {
		return method{}, errors.New("an embedded interface or an unnamed method")
	}
	m := method{Name: field.Names[0].Name}
	ft, ok := field.Type.(*ast.FuncType)
	if !ok || len(ft.Params.List) != 2 || len(ft.Results.List) != 2 {
		return method{}, fmt.Errorf("%s: want func(context.Context, XRequestObject) (XResponseObject, error)", m.Name)
	}
	req, ok1 := ft.Params.List[1].Type.(*ast.Ident)
	res, ok2 := ft.Results.List[0].Type.(*ast.Ident)
	if !ok1 || !ok2 {
		return method{}, fmt.Errorf("%s: request and response types are not plain names", m.Name)
	}
	m.Request, m.Result = req.Name, res.Name
	if m.Visit = visits[m.Result]; m.Visit == "" {
		return method{}, fmt.Errorf("%s: no interface %s with one Visit method", m.Name, m.Result)
	}
	if field.Doc != nil {
		for _, c := range field.Doc.List {
			if sm := routeComment.FindStringSubmatch(strings.TrimSpace(strings.TrimPrefix(c.Text, "//"))); sm != nil {
				m.Method, m.Path = sm[1], sm[2]
			}
		}
	}
	if m.Method == "" {
		return method{}, fmt.Errorf("%s: no (METHOD /path) comment to name its operation", m.Name)
	}
	var op *openapi3.Operation
	if item := doc.Paths.Value(m.Path); item != nil {
		op = item.GetOperation(m.Method)
	}
	if op == nil || op.OperationID == "" {
		return method{}, fmt.Errorf("%s: %s %s has no operation with an operationId in the spec", m.Name, m.Method, m.Path)
	}
	m.OperationID = op.OperationID
	return m, nil
}

var baseTemplate = template.Must(template.New("base").Parse(`// Code generated by internal/cmd/genunimplemented from api.gen.go and openapi.yaml. DO NOT EDIT.

package api

import (
	"context"
	"encoding/json"
	"net/http"
)

// StrictUnimplemented answers every operation of [StrictServerInterface]
// with 501 Not Implemented. Embed it in a server: the operations the server
// defines itself take precedence, and an operation added to the spec
// compiles and is answered 501 until it is implemented.
type StrictUnimplemented struct{}

var _ StrictServerInterface = StrictUnimplemented{}

// NotImplementedResponse is the answer of [StrictUnimplemented]: status 501
// with a JSON body {"message": "..."} naming the operation.
type NotImplementedResponse struct {
	OperationID string // "user#list"
	Method      string // "GET"
	Path        string // "/users"
}

// Message is the body's message.
func (r NotImplementedResponse) Message() string {
	return "operation " + r.OperationID + " (" + r.Method + " " + r.Path + ") is not implemented by this server"
}

func (r NotImplementedResponse) write(w http.ResponseWriter) error {
	b, err := json.Marshal(struct {
		Message string ` + "`json:\"message\"`" + `
	}{r.Message()})
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusNotImplemented)
	_, err = w.Write(append(b, '\n'))
	return err
}
{{range .}}
// {{.Name}} answers {{.Method}} {{.Path}} ({{.OperationID}}) with 501.
func (StrictUnimplemented) {{.Name}}(context.Context, {{.Request}}) ({{.Result}}, error) {
	return NotImplementedResponse{OperationID: "{{.OperationID}}", Method: "{{.Method}}", Path: "{{.Path}}"}, nil
}

// {{.Visit}} writes the 501.
func (r NotImplementedResponse) {{.Visit}}(w http.ResponseWriter) error { return r.write(w) }
{{end}}`))
