package panthertest

// This file loads the embedded openapi.yaml and derives the fake's routing
// table from it, so the paths, methods and operation ids the fake answers are
// exactly those the spec declares (and user#list's page size, read in
// list.go).

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"

	panthergo "github.com/pantherkit/panther-go"
)

// operation is one method on one spec path.
type operation struct {
	id    string // operationId, e.g. "user#list"
	perm  Permission
	route *routers.Route
	body  *openapi3.Schema // the JSON request body's, if it takes one
}

// pathRoute is one spec path with the operations declared on it.
type pathRoute struct {
	segments []string // "users", "{id}"
	ops      map[string]*operation
	allow    string // for 405 answers
}

// spec is the routing table derived from the document; it is read-only once
// built and shared by every Server in the process.
type spec struct {
	routes   []*pathRoute
	ops      map[string]*operation // by operationId
	pageSize pageSize              // user#list's limit rule
}

var loadSpec = sync.OnceValues(func() (*spec, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(panthergo.OpenAPI)
	if err != nil {
		return nil, fmt.Errorf("load openapi.yaml: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("validate openapi.yaml: %w", err)
	}
	// servers: https://{api_host} would only match Panther's host; the fake
	// routes by itself and never asks kin-openapi to match servers.
	doc.Servers = nil

	sp := &spec{ops: map[string]*operation{}}
	for _, path := range doc.Paths.InMatchingOrder() {
		item := doc.Paths.Value(path)
		pr := &pathRoute{
			segments: strings.Split(strings.TrimPrefix(path, "/"), "/"),
			ops:      map[string]*operation{},
		}
		var methods []string
		for method, op := range item.Operations() {
			perm := PermUserModify
			if method == http.MethodGet {
				perm = PermUserRead
			}
			o := &operation{
				id:   op.OperationID,
				perm: perm,
				route: &routers.Route{
					Spec: doc, Path: path, PathItem: item, Method: method, Operation: op,
				},
			}
			if rb := op.RequestBody; rb != nil && rb.Value != nil {
				if mt := rb.Value.Content.Get("application/json"); mt != nil && mt.Schema != nil {
					o.body = mt.Schema.Value
				}
			}
			pr.ops[method] = o
			sp.ops[o.id] = o
			methods = append(methods, method)
		}
		slices.Sort(methods)
		pr.allow = strings.Join(methods, ", ")
		sp.routes = append(sp.routes, pr)
	}
	list := sp.ops[opList]
	if list == nil {
		return nil, fmt.Errorf("openapi.yaml has no %s operation", opList)
	}
	if sp.pageSize, err = listPageSize(list.route.Operation); err != nil {
		return nil, fmt.Errorf("openapi.yaml: %w", err)
	}
	return sp, nil
})

// routeError says why match failed: 404, or 405 with the Allow value.
type routeError struct {
	status int
	allow  string
}

// match finds the operation for an escaped path (without any prefix). Path
// parameters are unescaped exactly once. Paths that a router would clean
// (empty, "." or ".." segments) match nothing.
func (sp *spec) match(method, escapedPath string) (*operation, map[string]string, *routeError) {
	if !strings.HasPrefix(escapedPath, "/") {
		return nil, nil, &routeError{status: http.StatusNotFound}
	}
	segs := strings.Split(escapedPath[1:], "/")
	for _, s := range segs {
		if s == "" || s == "." || s == ".." {
			return nil, nil, &routeError{status: http.StatusNotFound}
		}
	}
routes:
	for _, pr := range sp.routes {
		if len(pr.segments) != len(segs) {
			continue
		}
		for i, tmpl := range pr.segments {
			if _, isParam := paramName(tmpl); !isParam && segs[i] != tmpl {
				continue routes
			}
		}
		// Only a route whose fixed segments match gets a params map.
		params := map[string]string{}
		for i, tmpl := range pr.segments {
			if name, isParam := paramName(tmpl); isParam {
				v, err := url.PathUnescape(segs[i])
				if err != nil {
					continue routes
				}
				params[name] = v
			}
		}
		op := pr.ops[method]
		if op == nil {
			return nil, nil, &routeError{status: http.StatusMethodNotAllowed, allow: pr.allow}
		}
		return op, params, nil
	}
	return nil, nil, &routeError{status: http.StatusNotFound}
}

// paramName returns the name of a "{name}" path template segment.
func paramName(tmpl string) (string, bool) {
	if strings.HasPrefix(tmpl, "{") && strings.HasSuffix(tmpl, "}") {
		return tmpl[1 : len(tmpl)-1], true
	}
	return "", false
}
