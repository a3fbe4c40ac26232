package panthertest

// This file is the request pipeline, read top to bottom in serve: rate
// limit, routing, auth, the body's size, then an injected fault (faults.go)
// or the API itself (request validation in validate.go, the generated
// handlers, response validation), with the response held until the latency
// since arrival has passed.

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

// serve is the whole fake as an http.HandlerFunc: each step either answers
// or passes the request on to the next.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	// Latency is the time from arrival to response, as a remote server's
	// would be: the fake's own work happens within it, not on top of it.
	rp := &reply{s: s, w: w, ctx: r.Context(), ready: time.Now().Add(s.cfg.latency)}
	body, readErr := io.ReadAll(io.LimitReader(r.Body, maxRequestBody+1))
	entry := s.record(r, body)
	defer func() { s.setEntry(entry, func(e *Request) { e.Status = rp.status }) }()

	if rec := s.rateLimit(); rec != nil {
		rp.send(s.checked(r, nil, nil, rec))
		return
	}

	path, ok := s.stripPrefix(r.URL.EscapedPath())
	if !ok {
		rp.send(s.checked(r, nil, nil, notFoundRoute(r)))
		return
	}
	op, params, rerr := s.spec.match(r.Method, path)
	if rerr != nil {
		rp.send(s.checked(r, nil, nil, routeErrorRecorder(r, rerr)))
		return
	}
	s.setEntry(entry, func(e *Request) { e.Op = op.id })

	if code, msg := s.authorize(r, op); code != 0 {
		rp.send(s.checked(r, op, params, jsonRecorder(code, msg)))
		return
	}

	if rec := bodyError(body, readErr); rec != nil {
		rp.send(s.checked(r, op, params, rec))
		return
	}

	f, faulty := s.takeFault(op.id)
	if !faulty {
		rp.send(s.runAPI(rp.ctx, r, path, body, op, params))
		return
	}
	s.serveFault(rp, f, func(ctx context.Context) *httptest.ResponseRecorder {
		return s.runAPI(ctx, r, path, body, op, params)
	})
}

// reply is where serve sends its one response: it holds the response until
// the latency since arrival has passed and remembers the status sent, for
// the request log.
type reply struct {
	s      *Server
	w      http.ResponseWriter
	ctx    context.Context // the request's
	ready  time.Time       // arrival + WithLatency
	status int             // 0 until a response is sent
}

// await blocks until the latency has passed. If the client goes away or the
// server closes first, it aborts the handler so that nothing is sent,
// rather than the empty 200 net/http would write for a handler that returns.
func (rp *reply) await() {
	if !rp.s.wait(rp.ctx, time.Until(rp.ready)) {
		panic(http.ErrAbortHandler)
	}
}

// send writes rec once the latency has passed.
func (rp *reply) send(rec *httptest.ResponseRecorder) {
	rp.await()
	writeHead(rp.w, rec)
	_, _ = rp.w.Write(rec.Body.Bytes())
	rp.status = rec.Code
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

// routeErrorRecorder is the answer to a request that matched no operation:
// 405 with Allow when the path exists, 404 otherwise.
func routeErrorRecorder(r *http.Request, rerr *routeError) *httptest.ResponseRecorder {
	if rerr.status != http.StatusMethodNotAllowed {
		return notFoundRoute(r)
	}
	rec := jsonRecorder(http.StatusMethodNotAllowed, messageBody{
		Message: fmt.Sprintf("method %s not allowed on %s (allowed: %s)", r.Method, r.URL.Path, rerr.allow),
	})
	rec.Header().Set("Allow", rerr.allow)
	return rec
}

// bodyError is the answer to a request whose body could not be read or is
// larger than maxRequestBody, or nil.
func bodyError(body []byte, readErr error) *httptest.ResponseRecorder {
	if readErr != nil {
		return jsonRecorder(http.StatusBadRequest, messageBody{Message: "cannot read request body: " + readErr.Error()})
	}
	if len(body) > maxRequestBody {
		return jsonRecorder(http.StatusRequestEntityTooLarge, messageBody{
			Message: fmt.Sprintf("request body larger than %d bytes", maxRequestBody),
		})
	}
	return nil
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
