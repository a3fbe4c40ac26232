package panthertest

// This file is the request pipeline around the generated handlers: rate
// limit, routing errors, auth, faults, request validation and response
// validation, in that order, with the response held until the latency since
// arrival has passed. Validation itself is in validate.go.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"time"
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
	if rec := s.validateRequest(r, ar, body, op, params); rec != nil {
		return rec
	}
	ar.Body = io.NopCloser(bytes.NewReader(body)) // validation read the first
	// Code stays 200 if the handler writes nothing, as net/http would send.
	rec := httptest.NewRecorder()
	s.api.ServeHTTP(rec, ar)
	return s.checked(r, op, params, rec)
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
