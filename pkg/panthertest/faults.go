package panthertest

// This file holds fault injection: the Fault queue, the switch that answers
// a request with the fault it consumed (serveFault) and how each kind of
// fault is written.

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"time"
)

// FaultKind says what an injected [Fault] does to a response.
type FaultKind int

const (
	// FaultStatus answers Fault.Status (default 500) with a JSON
	// {"message": ...} body and leaves the state untouched. Retry-After is
	// set to Fault.RetryAfter when that is non-empty (meant for 429 and 503).
	FaultStatus FaultKind = iota + 1
	// FaultAfterWrite applies the request to the state as usual, then
	// answers Fault.Status (default 503) instead of the real response: the
	// write happened but the client cannot know. (A request the fake rejects
	// changes nothing, and still gets Fault.Status.)
	FaultAfterWrite
	// FaultReset closes the connection without any response, so the client
	// sees a transport error. Go's http.Transport retries an idempotent
	// request (GET, DELETE) once by itself when this happens on a reused
	// connection; use Count 2 to make the error reach the caller then.
	FaultReset
	// FaultSlowBody sends the correct response but trickles its body in at
	// most 8 chunks with Fault.Delay (default 20ms, at most 1s) between them.
	FaultSlowBody
	// FaultHTML answers 200 with a text/html page like the Panther Console's
	// index.html, as a client pointed at the Console URL would get.
	FaultHTML
	// FaultHugeBody answers 200 application/json with a body of Fault.Size
	// bytes (default 32 MiB), streamed through a small buffer.
	FaultHugeBody
	// FaultEndlessCursor makes user#list answer a valid page whose next
	// cursor is the request's own cursor (or, on a first page, a cursor that
	// restarts the listing), so a client that trusts next never stops. It
	// applies to user#list only: Inject sets an empty Op to "user#list". Use
	// a negative Count for "forever".
	FaultEndlessCursor
)

var faultNames = map[FaultKind]string{
	FaultStatus: "FaultStatus", FaultAfterWrite: "FaultAfterWrite", FaultReset: "FaultReset",
	FaultSlowBody: "FaultSlowBody", FaultHTML: "FaultHTML", FaultHugeBody: "FaultHugeBody",
	FaultEndlessCursor: "FaultEndlessCursor",
}

// String returns the constant's name.
func (k FaultKind) String() string {
	if n, ok := faultNames[k]; ok {
		return n
	}
	return "FaultKind(" + strconv.Itoa(int(k)) + ")"
}

// Fault is one injected failure. Faults apply to requests that passed
// routing, authentication and the permission check, before the request is
// validated, so 401/403/404/405 answers never consume one.
type Fault struct {
	Kind FaultKind
	// Op is the operationId to match ("user#list", ...); "" matches any,
	// except for FaultEndlessCursor, which only user#list can match.
	Op string
	// Count is how many matching requests the fault applies to: 0 means 1,
	// a negative Count means every matching request from now on.
	Count int
	// Status is the status for FaultStatus and FaultAfterWrite.
	Status int
	// RetryAfter is the Retry-After header value for FaultStatus.
	RetryAfter string
	// Delay is the pause between body chunks for FaultSlowBody.
	Delay time.Duration
	// Size is the body size for FaultHugeBody.
	Size int64
}

type queuedFault struct {
	f    Fault
	left int // < 0: forever
}

const (
	slowChunks       = 8
	defaultSlowDelay = 20 * time.Millisecond
	maxSlowDelay     = time.Second
	defaultHugeSize  = 32 << 20
)

// Inject queues f. A request consumes one use of the first queued fault
// that matches its operation; a fault is dropped once used up. Inject panics
// on a fault that would never match: an unknown Kind or Op, or a
// FaultEndlessCursor for an operation other than user#list.
func (s *Server) Inject(f Fault) {
	if _, ok := faultNames[f.Kind]; !ok {
		panic(fmt.Sprintf("panthertest: Inject: unknown fault kind %v", f.Kind))
	}
	if f.Kind == FaultEndlessCursor {
		if f.Op != "" && f.Op != opList {
			panic(fmt.Sprintf("panthertest: Inject: FaultEndlessCursor applies only to %q, not %q", opList, f.Op))
		}
		f.Op = opList
	}
	if _, ok := s.spec.ops[f.Op]; f.Op != "" && !ok {
		panic(fmt.Sprintf("panthertest: Inject: unknown operation %q", f.Op))
	}
	left := f.Count
	if left == 0 {
		left = 1
	}
	s.fmu.Lock()
	s.faults = append(s.faults, &queuedFault{f: f, left: left})
	s.fmu.Unlock()
}

// ClearFaults drops every queued fault.
func (s *Server) ClearFaults() {
	s.fmu.Lock()
	s.faults = nil
	s.fmu.Unlock()
}

// takeFault consumes one use of the first fault matching op.
func (s *Server) takeFault(op string) (Fault, bool) {
	s.fmu.Lock()
	defer s.fmu.Unlock()
	for i, q := range s.faults {
		if q.f.Op != "" && q.f.Op != op {
			continue
		}
		if q.left > 0 {
			q.left--
			if q.left == 0 {
				s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
			}
		}
		return q.f, true
	}
	return Fault{}, false
}

// serveFault answers a request that consumed f, in place of serve's usual
// answer. api runs the request through validation and the handlers with the
// context given, as serve does for a request without a fault.
func (s *Server) serveFault(rp *reply, f Fault, api func(context.Context) *httptest.ResponseRecorder) {
	ctx := rp.ctx
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
		rp.send(rec)
	case FaultAfterWrite:
		api(ctx) // applied, answer discarded
		code := f.Status
		if code == 0 {
			code = http.StatusServiceUnavailable
		}
		rp.send(jsonRecorder(code, messageBody{Message: fmt.Sprintf("panthertest: injected fault after write: %d %s", code, http.StatusText(code))}))
	case FaultReset:
		rp.await()
		reset(rp.w)
	case FaultSlowBody:
		rec := api(ctx)
		rp.status = rec.Code
		rp.await()
		s.writeSlow(ctx, rp.w, rec, f.Delay)
	case FaultHTML:
		rp.status = http.StatusOK
		rp.await()
		writeHTML(rp.w)
	case FaultHugeBody:
		rp.status = http.StatusOK
		rp.await()
		s.writeHuge(ctx, rp.w, f.Size)
	case FaultEndlessCursor:
		rp.send(api(context.WithValue(ctx, endlessKey{}, true)))
	}
}

// endlessKey marks the context of a request that consumed a
// FaultEndlessCursor; UserList then hands its cursor back.
type endlessKey struct{}

// reset closes the connection under w with no response; the linger of 0
// makes it a TCP RST rather than an orderly close.
func reset(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler) // the server aborts the stream instead
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// writeSlow writes rec with its body split into chunks, pausing between them.
func (s *Server) writeSlow(ctx context.Context, w http.ResponseWriter, rec *httptest.ResponseRecorder, delay time.Duration) {
	if delay <= 0 {
		delay = defaultSlowDelay
	}
	delay = min(delay, maxSlowDelay)
	body := rec.Body.Bytes()
	writeHead(w, rec)
	rc := http.NewResponseController(w)
	size := (len(body) + slowChunks - 1) / slowChunks
	for len(body) > 0 {
		n := min(size, len(body))
		if _, err := w.Write(body[:n]); err != nil {
			return
		}
		_ = rc.Flush()
		body = body[n:]
		if len(body) > 0 && !s.wait(ctx, delay) {
			return
		}
	}
}

// consoleHTML is what the Panther Console serves at any path.
const consoleHTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>Panther</title>
<link rel="icon" href="/favicon.ico">
<script defer="defer" src="/static/js/main.js"></script>
</head>
<body>
<noscript>You need to enable JavaScript to run this app.</noscript>
<div id="root"></div>
</body>
</html>
`

func writeHTML(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(consoleHTML))
}

// writeHuge streams a JSON-looking body of exactly size bytes.
func (s *Server) writeHuge(ctx context.Context, w http.ResponseWriter, size int64) {
	if size <= 0 {
		size = defaultHugeSize
	}
	head, tail := []byte(`{"results":[],"padding":"`), []byte(`"}`)
	if size < int64(len(head)+len(tail)) {
		head, tail = nil, nil
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
	w.WriteHeader(http.StatusOK)
	if _, err := w.Write(head); err != nil {
		return
	}
	pad := size - int64(len(head)+len(tail))
	buf := bytes.Repeat([]byte{'x'}, 32<<10)
	for pad > 0 {
		if ctx.Err() != nil || s.ctx.Err() != nil {
			return
		}
		n := min(int64(len(buf)), pad)
		if _, err := w.Write(buf[:n]); err != nil {
			return
		}
		pad -= n
	}
	_, _ = w.Write(tail)
}
