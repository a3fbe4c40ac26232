package main

// The spec half of spec-diff: read `oasdiff changelog --format json` and
// decide which changes break callers.

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Levels of oasdiff v1.37.0 (checker/rules/level.go), as its JSON carries them.
const (
	levelInfo = 1
	levelWarn = 2
	levelErr  = 3
)

// change is one entry of `oasdiff changelog --format json` (oasdiff's
// formatters.Change), the fields spec-diff reads. The JSON carries no
// structured arguments: the parameter or property a change is about is only in
// Text, in backquotes.
type change struct {
	ID        string `json:"id"`
	Text      string `json:"text"`
	Level     int    `json:"level"`
	Operation string `json:"operation"` // "GET"; empty for a change outside paths
	Path      string `json:"path"`      // "/users"
	Section   string `json:"section"`   // "paths", "components", ...
}

// goBreaking holds the oasdiff checks below ERR that spec-diff fails on,
// because the change removes or retypes something the code oapi-codegen
// generates from the spec exposes, so Go callers stop compiling even where
// HTTP callers are fine. `oasdiff breaking` shows WARN and ERR only; the INFO
// ones here are why spec-diff reads `oasdiff changelog` (every level, the same
// levels as breaking). The ids are oasdiff v1.37.0's
// (`oasdiff checks changelog`); a test keeps this comment, the map and
// testdata/oasdiff/checks.txt in step.
//
// A generated name goes away:
//   - request-parameter-removed, request-parameter-removed-with-deprecation:
//     the field of <Op>Params (UserListParams.Contains).
//   - request-property-removed, request-property-removed-with-deprecation: the
//     field of the request body's model.
//   - response-optional-property-removed,
//     response-required-property-removed-with-deprecation,
//     response-optional-write-only-property-removed,
//     response-required-write-only-property-removed: the field of the
//     response's model.
//   - api-removed-with-deprecation, api-path-removed-with-deprecation: the
//     client methods, <Op>Params, <Op>Response and the server methods.
//   - api-schema-removed: the model type of the schema.
//   - api-operation-id-removed, api-operation-id-added: method and type names
//     come from the operationId (from method and path without one), so a
//     changed, removed or added operationId renames them.
//   - response-non-success-status-removed: <Op>Response.JSON<status> and the
//     strict server's <Op><status>JSONResponse.
//   - optional-response-header-removed: the field of the strict server's
//     <Op><status>ResponseHeaders.
//   - response-media-type-name-changed, response-media-type-name-specialized:
//     response fields are named after the media type (application/json gives
//     JSON200, others a name built from the type).
//   - response-property-enum-value-removed,
//     response-mediatype-enum-value-removed,
//     request-read-only-property-enum-value-removed: the enum's constant.
//   - request-parameter-became-not-enum,
//     request-parameter-property-became-not-enum,
//     request-property-became-not-enum, request-body-became-not-enum: the enum
//     type and its constants.
//   - response-body-one-of-removed, response-property-one-of-removed,
//     response-body-any-of-removed, response-property-any-of-removed: the
//     union's As/From/Merge methods for that variant.
//
// A generated type changes:
//   - request-parameter-became-optional, request-property-became-optional,
//     response-property-became-required,
//     response-write-only-property-became-required,
//     response-write-only-property-became-optional: T becomes *T or back.
//   - response-property-became-enum, response-mediatype-became-enum: string
//     becomes a named enum type.
//   - request-body-wrapped-in-one-of-original-preserved,
//     response-body-wrapped-in-one-of-original-preserved: the model becomes a
//     union and loses its fields.
//   - request-parameter-property-type-changed, request-parameter-type-generalized,
//     request-parameter-property-type-generalized, request-body-type-compatible,
//     request-body-type-generalized, request-property-type-compatible,
//     request-property-type-generalized, response-body-type-compatible,
//     response-body-type-specialized, response-property-type-compatible,
//     response-property-type-specialized, response-header-type-compatible,
//     response-header-type-specialized: another JSON type or format is another
//     Go type (int32 to int64, integer to number, string to openapi_types.Email).
//
// Not here: constraint changes (min, max, pattern, ...), nullability (the
// generator's nullable-type option is off, so nullable changes no Go type),
// deprecation, tags and security, which change no generated Go. apidiff, the
// other half, is the last word on the Go API of the packages it compares.
var goBreaking = map[string]bool{
	"request-parameter-removed":                           true,
	"request-parameter-removed-with-deprecation":          true,
	"request-property-removed":                            true,
	"request-property-removed-with-deprecation":           true,
	"response-optional-property-removed":                  true,
	"response-required-property-removed-with-deprecation": true,
	"response-optional-write-only-property-removed":       true,
	"response-required-write-only-property-removed":       true,
	"api-removed-with-deprecation":                        true,
	"api-path-removed-with-deprecation":                   true,
	"api-schema-removed":                                  true,
	"api-operation-id-removed":                            true,
	"api-operation-id-added":                              true,
	"response-non-success-status-removed":                 true,
	"optional-response-header-removed":                    true,
	"response-media-type-name-changed":                    true,
	"response-media-type-name-specialized":                true,
	"response-property-enum-value-removed":                true,
	"response-mediatype-enum-value-removed":               true,
	"request-read-only-property-enum-value-removed":       true,
	"request-parameter-became-not-enum":                   true,
	"request-parameter-property-became-not-enum":          true,
	"request-property-became-not-enum":                    true,
	"request-body-became-not-enum":                        true,
	"response-body-one-of-removed":                        true,
	"response-property-one-of-removed":                    true,
	"response-body-any-of-removed":                        true,
	"response-property-any-of-removed":                    true,

	"request-parameter-became-optional":                  true,
	"request-property-became-optional":                   true,
	"response-property-became-required":                  true,
	"response-write-only-property-became-required":       true,
	"response-write-only-property-became-optional":       true,
	"response-property-became-enum":                      true,
	"response-mediatype-became-enum":                     true,
	"request-body-wrapped-in-one-of-original-preserved":  true,
	"response-body-wrapped-in-one-of-original-preserved": true,
	"request-parameter-property-type-changed":            true,
	"request-parameter-type-generalized":                 true,
	"request-parameter-property-type-generalized":        true,
	"request-body-type-compatible":                       true,
	"request-body-type-generalized":                      true,
	"request-property-type-compatible":                   true,
	"request-property-type-generalized":                  true,
	"response-body-type-compatible":                      true,
	"response-body-type-specialized":                     true,
	"response-property-type-compatible":                  true,
	"response-property-type-specialized":                 true,
	"response-header-type-compatible":                    true,
	"response-header-type-specialized":                   true,
}

// parseChanges reads the output of `oasdiff changelog --format json`. An entry
// without an id or a level means the format is not the one spec-diff was
// written against, so it is an error rather than a change to let through.
func parseChanges(out []byte) ([]change, error) {
	var cs []change
	if err := json.Unmarshal(out, &cs); err != nil {
		return nil, fmt.Errorf("reading its JSON: %w", err)
	}
	for i, c := range cs {
		if c.ID == "" || c.Level < levelInfo || c.Level > levelErr {
			return nil, fmt.Errorf("entry %d has no id or an unknown level (%d): not oasdiff v1.37.0's changelog JSON", i, c.Level)
		}
	}
	return cs, nil
}

// breaksCallers reports whether c fails spec-diff: every ERR, and the lower
// levels listed in goBreaking.
func breaksCallers(c change) bool {
	return c.Level >= levelErr || goBreaking[c.ID]
}

// describe is the line spec-diff prints for c, without its prefix:
//
//	GET /users: request parameter "contains" (query) removed [request-parameter-removed]
//
// Removals are phrased from the backquoted arguments of oasdiff's English
// text; any other change, or a text that no longer has the expected
// arguments, is oasdiff's text with its backquotes turned into quotes.
func describe(c change) string {
	where := c.Section
	if c.Path != "" {
		where = strings.TrimSpace(c.Operation + " " + c.Path)
	}
	args := backquoted(c.Text)
	var what string
	switch c.ID {
	case "request-parameter-removed", "request-parameter-removed-with-deprecation", "request-parameter-removed-before-sunset":
		if len(args) >= 2 {
			what = fmt.Sprintf("request parameter %q (%s) removed", args[1], args[0])
		}
	case "request-property-removed", "request-property-removed-with-deprecation", "request-property-removed-before-sunset":
		if len(args) >= 1 {
			what = fmt.Sprintf("request property %q removed", args[0])
		}
	case "response-optional-property-removed", "response-required-property-removed",
		"response-required-property-removed-with-deprecation", "response-required-property-removed-before-sunset",
		"response-optional-write-only-property-removed", "response-required-write-only-property-removed":
		if len(args) >= 2 {
			what = fmt.Sprintf("response property %q removed (status %s)", args[0], args[1])
		}
	case "api-removed-without-deprecation", "api-removed-with-deprecation", "api-removed-before-sunset",
		"api-path-removed-without-deprecation", "api-path-removed-with-deprecation", "api-path-removed-before-sunset":
		what = "operation removed"
	case "api-schema-removed":
		if len(args) >= 1 {
			what = fmt.Sprintf("schema %q removed", args[0])
		}
	}
	if what == "" {
		what = strings.ReplaceAll(c.Text, "`", `"`)
	}
	if where == "" {
		return fmt.Sprintf("%s [%s]", what, c.ID)
	}
	return fmt.Sprintf("%s: %s [%s]", where, what, c.ID)
}

// backquoted returns the `quoted` words of s in order.
func backquoted(s string) []string {
	parts := strings.Split(s, "`")
	var args []string
	for i := 1; i < len(parts)-1; i += 2 {
		args = append(args, parts[i])
	}
	return args
}
