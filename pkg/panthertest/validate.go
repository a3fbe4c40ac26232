package panthertest

// This file holds spec validation: requests are checked against the
// embedded openapi.yaml before they reach the handlers, and every response
// the fake produces is checked before it is sent, so a bug in the fake
// shows up as a test failure rather than as behaviour Panther never has.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// errInvalidResponse wraps every error in Errors.
var errInvalidResponse = errors.New("panthertest: invalid response")

// validateRequest checks a routed request against the spec (unless
// WithSpecValidation(false)) and against the fake's own rule for bodies
// (strictBody), and returns the 400 to answer, or nil when the request may
// reach the handlers. ar is the request as the handlers will see it; its
// Body is consumed.
func (s *Server) validateRequest(r, ar *http.Request, body []byte, op *operation, params map[string]string) *httptest.ResponseRecorder {
	if s.cfg.validate {
		ar.Body = io.NopCloser(bytes.NewReader(body))
		err := openapi3filter.ValidateRequest(ar.Context(), &openapi3filter.RequestValidationInput{
			Request: ar, PathParams: params, Route: op.route, Options: requestOptions,
		})
		if err != nil {
			return s.checked(r, op, params, jsonRecorder(http.StatusBadRequest, messageBody{Message: describe(err)}))
		}
	}
	if op.body != nil {
		if err := strictBody(body, op.body); err != nil {
			return s.checked(r, op, params, jsonRecorder(http.StatusBadRequest, messageBody{Message: "request body: " + err.Error()}))
		}
	}
	return nil
}

// strictBody rejects members the schema does not declare, at any depth (e.g.
// "enabled", which the API cannot set): Panther may ignore them silently,
// but a client that sends them has a bug the fake should show. A schema
// that allows additional properties allows them.
func strictBody(body []byte, schema *openapi3.Schema) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	var v any
	if err := dec.Decode(&v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("more than one JSON value")
	}
	return undeclared(v, schema, "")
}

// undeclared finds the first member of v (in sorted order, for a stable
// message) that schema does not declare; in names the enclosing member.
func undeclared(v any, schema *openapi3.Schema, in string) error {
	if schema == nil {
		return nil
	}
	switch v := v.(type) {
	case map[string]any:
		ap := schema.AdditionalProperties
		if ap.Schema != nil || (ap.Has != nil && *ap.Has) {
			return nil
		}
		for _, k := range slices.Sorted(maps.Keys(v)) {
			p := schema.Properties[k]
			if p == nil {
				if in != "" {
					return fmt.Errorf("unknown field %q in %q", k, in)
				}
				return fmt.Errorf("unknown field %q", k)
			}
			if err := undeclared(v[k], p.Value, strings.TrimPrefix(in+"."+k, ".")); err != nil {
				return err
			}
		}
	case []any:
		if schema.Items == nil {
			return nil
		}
		for _, e := range v {
			if err := undeclared(e, schema.Items.Value, in+"[]"); err != nil {
				return err
			}
		}
	}
	return nil
}

var requestOptions = &openapi3filter.Options{
	// Auth was checked before; kin-openapi only needs to be told so.
	AuthenticationFunc: openapi3filter.NoopAuthenticationFunc,
	// Defaults would rewrite the request (limit=60) behind the handler's back.
	SkipSettingDefaults: true,
	// GET and DELETE take no body; a client sending one is confused.
	RejectWhenRequestBodyNotSpecified: true,
}

var responseOptions = &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}

// describe turns a kin-openapi error into a one-line message naming the
// parameter or field and the rule it broke.
func describe(err error) string {
	var re *openapi3filter.RequestError
	if !errors.As(err, &re) {
		return err.Error()
	}
	where := "request body"
	if p := re.Parameter; p != nil {
		where = fmt.Sprintf("%s parameter %q", p.In, p.Name)
	}
	var se *openapi3.SchemaError
	if errors.As(re.Err, &se) {
		if ptr := se.JSONPointer(); len(ptr) > 0 {
			where += fmt.Sprintf(" field %q", strings.Join(ptr, "."))
		}
		return where + ": " + se.Reason
	}
	reason := re.Reason
	if re.Err != nil {
		if reason != "" {
			reason += ": "
		}
		reason += re.Err.Error()
	}
	return where + ": " + reason
}

// checked validates a response the fake produced. An invalid one is
// reported (Errors, and tb.Errorf with WithTB) and replaced by a 500, so a
// bug in the fake cannot pass for correct behaviour.
func (s *Server) checked(r *http.Request, op *operation, params map[string]string, rec *httptest.ResponseRecorder) *httptest.ResponseRecorder {
	if !s.cfg.validate {
		return rec
	}
	err := s.validateResponse(r, op, params, rec)
	if err == nil {
		return rec
	}
	err = fmt.Errorf("%w to %s %s: status %d: %w", errInvalidResponse, r.Method, r.URL.Path, rec.Code, err)
	s.lmu.Lock()
	s.errs = append(s.errs, err)
	s.lmu.Unlock()
	if s.cfg.tb != nil {
		s.cfg.tb.Errorf("%v", err)
	}
	return jsonRecorder(http.StatusInternalServerError, messageBody{Message: err.Error()})
}

func (s *Server) validateResponse(r *http.Request, op *operation, params map[string]string, rec *httptest.ResponseRecorder) error {
	var resp *openapi3.ResponseRef
	if op != nil {
		resp = op.route.Operation.Responses.Status(rec.Code)
	}
	if resp == nil {
		return checkUndeclared(rec)
	}
	if len(resp.Value.Content) == 0 && rec.Body.Len() > 0 {
		return fmt.Errorf("the spec declares no body but got %d bytes", rec.Body.Len())
	}
	return openapi3filter.ValidateResponse(r.Context(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request: r, PathParams: params, Route: op.route, Options: requestOptions,
		},
		Status:  rec.Code,
		Header:  rec.Header(),
		Body:    io.NopCloser(bytes.NewReader(rec.Body.Bytes())),
		Options: responseOptions,
	})
}

// checkUndeclared checks a status the operation does not declare (401, 403,
// 405, 429, 5xx, list's 400, or any status without a route) has one of the
// shapes Panther uses for them: {"message": string} or {"error": string}.
func checkUndeclared(rec *httptest.ResponseRecorder) error {
	mt, _, _ := mime.ParseMediaType(rec.Header().Get("Content-Type"))
	if mt != "application/json" {
		return fmt.Errorf("undeclared status with Content-Type %q, want application/json", rec.Header().Get("Content-Type"))
	}
	var body map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		return fmt.Errorf("undeclared status with a body that is not a JSON object: %w", err)
	}
	if len(body) != 1 {
		return fmt.Errorf("undeclared status: want exactly one of \"message\" or \"error\", got %d fields", len(body))
	}
	for _, k := range []string{"message", "error"} {
		if v, ok := body[k]; ok {
			if _, ok := v.(string); !ok {
				return fmt.Errorf("undeclared status: %q is %T, want a string", k, v)
			}
			return nil
		}
	}
	return errors.New(`undeclared status: want a "message" or "error" field`)
}
