package panthertest

// This file is the request pipeline around the generated handlers: rate
// limit, routing errors, auth, faults, request validation and response
// validation, in that order, with the response held until the latency since
// arrival has passed.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// maxRequestBody bounds what the fake reads (and logs) of a request body.
const maxRequestBody = 1 << 20

// serve is the whole fake as an http.HandlerFunc.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	// Latency is the time from arrival to response, as a remote server's
	// would be: the fake's own work happens within it, not on top of it.
	ready := time.Now().Add(s.cfg.latency)
	body, readErr := io.ReadAll(io.LimitReader(r.Body, maxRequestBody+1))
	entry := s.record(r, body)
	status := 0
	defer func() { s.setEntry(entry, func(e *Request) { e.Status = status }) }()
	awaitReady := func() {
		if !s.wait(r.Context(), time.Until(ready)) {
			// Client gone or server closing: send nothing rather than the
			// empty 200 net/http would write for a handler that returns.
			panic(http.ErrAbortHandler)
		}
	}
	send := func(rec *httptest.ResponseRecorder) {
		awaitReady()
		writeHead(w, rec)
		_, _ = w.Write(rec.Body.Bytes())
		status = rec.Code
	}
	ctx := r.Context()

	if s.limiter != nil {
		s.fmu.Lock()
		ok := s.limiter.allow(s.cfg.now())
		s.fmu.Unlock()
		if !ok {
			rec := jsonRecorder(http.StatusTooManyRequests, messageBody{Message: "Too Many Requests: rate limit exceeded"})
			rec.Header().Set("Retry-After", "1")
			send(s.checked(r, nil, nil, rec))
			return
		}
	}

	path, ok := s.stripPrefix(r.URL.EscapedPath())
	if !ok {
		send(s.checked(r, nil, nil, notFoundRoute(r)))
		return
	}
	op, params, rerr := s.spec.match(r.Method, path)
	if rerr != nil {
		var rec *httptest.ResponseRecorder
		if rerr.status == http.StatusMethodNotAllowed {
			rec = jsonRecorder(http.StatusMethodNotAllowed, messageBody{
				Message: fmt.Sprintf("method %s not allowed on %s (allowed: %s)", r.Method, r.URL.Path, rerr.allow),
			})
			rec.Header().Set("Allow", rerr.allow)
		} else {
			rec = notFoundRoute(r)
		}
		send(s.checked(r, nil, nil, rec))
		return
	}
	s.setEntry(entry, func(e *Request) { e.Op = op.id })

	if code, msg := s.authorize(r, op); code != 0 {
		send(s.checked(r, op, params, jsonRecorder(code, msg)))
		return
	}
	if readErr != nil {
		send(s.checked(r, op, params, jsonRecorder(http.StatusBadRequest, messageBody{Message: "cannot read request body: " + readErr.Error()})))
		return
	}
	if len(body) > maxRequestBody {
		send(s.checked(r, op, params, jsonRecorder(http.StatusRequestEntityTooLarge, messageBody{
			Message: fmt.Sprintf("request body larger than %d bytes", maxRequestBody),
		})))
		return
	}

	f, faulty := s.takeFault(op.id)
	if !faulty {
		send(s.runAPI(ctx, r, path, body, op, params))
		return
	}
	switch f.Kind {
	case FaultStatus:
		code := f.Status
		if code == 0 {
			code = http.StatusInternalServerError
		}
		rec := jsonRecorder(code, messageBody{Message: fmt.Sprintf("panthertest: injected fault: %d %s", code, http.StatusText(code))})
		if f.RetryAfter != "" {
			rec.Header().Set("Retry-After", f.RetryAfter)
		}
		send(rec)
	case FaultAfterWrite:
		s.runAPI(ctx, r, path, body, op, params) // applied, answer discarded
		code := f.Status
		if code == 0 {
			code = http.StatusServiceUnavailable
		}
		send(jsonRecorder(code, messageBody{Message: fmt.Sprintf("panthertest: injected fault after write: %d %s", code, http.StatusText(code))}))
	case FaultReset:
		awaitReady()
		reset(w)
	case FaultSlowBody:
		rec := s.runAPI(ctx, r, path, body, op, params)
		status = rec.Code
		awaitReady()
		s.writeSlow(ctx, w, rec, f.Delay)
	case FaultHTML:
		status = http.StatusOK
		awaitReady()
		writeHTML(w)
	case FaultHugeBody:
		status = http.StatusOK
		awaitReady()
		s.writeHuge(ctx, w, f.Size)
	case FaultEndlessCursor:
		send(s.runAPI(context.WithValue(ctx, endlessKey{}, true), r, path, body, op, params))
	}
}

// stripPrefix removes the WithPathPrefix prefix from an escaped path.
func (s *Server) stripPrefix(escaped string) (string, bool) {
	if s.cfg.prefix == "" {
		return escaped, true
	}
	rest, ok := strings.CutPrefix(escaped, s.cfg.prefix)
	if !ok || !strings.HasPrefix(rest, "/") {
		return "", false
	}
	return rest, true
}

func notFoundRoute(r *http.Request) *httptest.ResponseRecorder {
	return jsonRecorder(http.StatusNotFound, messageBody{Message: fmt.Sprintf("no route for %s %s", r.Method, r.URL.Path)})
}

// runAPI validates the request, runs the generated handler and validates its
// response. path is the escaped path without the prefix.
func (s *Server) runAPI(ctx context.Context, r *http.Request, path string, body []byte, op *operation, params map[string]string) *httptest.ResponseRecorder {
	// One clone serves both validation and the handler: the validator reads
	// the path parameters from params, never from the URL, so the stripped
	// path is as good as the original for it.
	ar := r.Clone(ctx)
	ar.URL.RawPath = path
	ar.URL.Path = strings.TrimPrefix(r.URL.Path, s.cfg.prefix)
	ar.ContentLength = int64(len(body))
	if s.cfg.validate {
		ar.Body = io.NopCloser(bytes.NewReader(body))
		err := openapi3filter.ValidateRequest(ctx, &openapi3filter.RequestValidationInput{
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
	ar.Body = io.NopCloser(bytes.NewReader(body)) // validation read the first
	// Code stays 200 if the handler writes nothing, as net/http would send.
	rec := httptest.NewRecorder()
	s.api.ServeHTTP(rec, ar)
	return s.checked(r, op, params, rec)
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

// writeHead sends rec's status and headers, with its body's length: as API
// gateways do, no chunked encoding.
func writeHead(w http.ResponseWriter, rec *httptest.ResponseRecorder) {
	maps.Copy(w.Header(), rec.Header())
	if n := rec.Body.Len(); n > 0 {
		w.Header().Set("Content-Length", strconv.Itoa(n))
	}
	w.WriteHeader(rec.Code)
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

// wait sleeps for d unless the request or the server ends first.
func (s *Server) wait(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	deadline := time.Now().Add(d)
	// The runtime's timers can fire up to a millisecond late (Linux epoll
	// waits in whole milliseconds), which would add ~7% to a 5 ms latency;
	// sleep until a millisecond before the deadline, then yield until it.
	if sleep := d - spinWindow; sleep > 0 {
		t := time.NewTimer(sleep)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return false
		case <-s.ctx.Done():
			return false
		}
	}
	for time.Now().Before(deadline) {
		if ctx.Err() != nil || s.ctx.Err() != nil {
			return false
		}
		runtime.Gosched()
	}
	return true
}

// spinWindow is how long before a latency deadline wait stops sleeping and
// starts yielding, for a latency accurate to tens of microseconds.
const spinWindow = time.Millisecond

// jsonRecorder returns a recorded JSON response, to be validated before it
// is sent like the generated handlers' responses.
func jsonRecorder(status int, v any) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	_ = writeJSON(rec, status, v) // messageBody and errorBody always marshal
	return rec
}
