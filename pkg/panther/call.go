// This file holds call, the one place where the wrapper's requests are sent,
// retried and their responses read, and the request log shared with Raw()'s
// requests. What is retried, and after how long, is retry.go's.

package panther

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"time"
)

// operation names one API call for errors, logs and retries.
type operation struct {
	name   string // as the fake server and logs name it: "user#get"
	method string
	path   string // template relative to the base URL
	// resendable says whether a request that may have been applied (a 5xx
	// or a transport error) may be sent again. Only create may not: a
	// second one would make a second user.
	resendable bool
}

// callState is what one call saw on the wire. The caller makes it, call
// fills it, and the caller reads it afterwards (Create and Delete decide by
// it); it never travels in a context.
type callState struct {
	op       operation
	status   int // of the last response, 0 when the last attempt got none
	attempts int // requests sent, retries included
	// prior counts the requests earlier calls sent for the same operation
	// (Create's resends): they use up the same RetryPolicy.MaxRetries.
	prior     int
	ambiguous bool // an attempt failed in a way that may have been applied (5xx, transport error)
}

// call sends a request with send, resending it as the RetryPolicy says, and
// reads the final response: a 2xx JSON body is decoded into out (left alone
// when out is nil), and every other outcome becomes an error: *APIError for
// any answer that is not a usable success, a wrapped transport error
// otherwise (context errors stay visible to errors.Is). Every body is read
// up to its cap and closed.
//
// The default timeout is one deadline over the whole call (every attempt,
// the waits between them, reading the body), not one per attempt: a caller
// waits at most DefaultTimeout for an answer, and a retry whose wait would
// pass it returns the last answer at once (retrier.decide).
func (c *Client) call(ctx context.Context, st *callState, send func(context.Context) (*http.Response, error), out any) (err error) {
	start := time.Now()
	defer func() {
		logRequest(ctx, c.cfg.logger, c.cfg.token, st.op.name, st.op.method, st.op.path, st.status, st.attempts, start, err)
	}()
	callCtx, cancel := c.timeout.bound(ctx)
	defer cancel()
	spent := 0 // budget tokens this call's retries took
	for {
		resp, serr := send(callCtx) //nolint:bodyclose // closed by result, or by retry.log when resent
		st.attempts++
		st.status = 0
		if serr == nil {
			st.status = resp.StatusCode
		}
		wait, cost, again := c.retry.decide(callCtx, st.prior+st.attempts-1, st.op.resendable, resp, serr)
		if !again {
			c.retry.done(spent, resp, serr)
			return c.result(st.op, resp, serr, out)
		}
		spent += cost
		if serr != nil || resp.StatusCode >= 500 {
			st.ambiguous = true
		}
		c.retry.log(ctx, st.op.name, st.op.method, st.op.path, st.attempts, wait, resp, serr)
		if sleep(callCtx, wait) != nil {
			// The cause says which deadline passed: the caller's or ours.
			return c.result(st.op, nil, context.Cause(callCtx), nil)
		}
	}
}

// result turns the final response of a call, or its error, into call's
// result.
func (c *Client) result(op operation, resp *http.Response, err error, out any) error {
	if err != nil {
		// net/http names the URL sent, with ids and query values (an email):
		// name the template instead, as APIError does, keeping the *url.Error.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = &url.Error{Op: ue.Op, URL: c.base.String() + op.path, Err: ue.Err}
		}
		return fmt.Errorf("panther: %s %s: %w", op.method, op.path, c.cfg.token.scrub(err))
	}
	defer func() { _ = resp.Body.Close() }()

	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		// A broken, oversized or trickling error body still yields the
		// status; error bodies are cut shorter than the cap.
		body, _ := readErrorBody(resp, min(maxErrorBody, c.cfg.maxBody))
		return newAPIError(op, resp, body, c.base, time.Now(), c.cfg.token, c.cfg.retry.maxDelay())
	}
	buf := bodyBuffers.Get().(*[]byte)
	defer bodyBuffers.Put(buf) // body may be *buf: done with it by then
	// limitTransport enforces the cap on the body already.
	body, rerr := readBodyInto(*buf, resp.Body, resp.ContentLength, c.cfg.maxBody)
	if rerr != nil {
		return c.bodyError(op, resp.StatusCode, rerr)
	}
	if looksLikeHTML(resp.Header, body) {
		return &APIError{StatusCode: resp.StatusCode, Method: op.method, Path: op.path,
			Message: c.cfg.token.redact(htmlMessage(resp.StatusCode, c.base))}
	}
	if out == nil {
		return nil
	}
	if err := decode(body, out); err != nil {
		if errors.Is(err, ErrPageTooLarge) || errors.Is(err, ErrCursorTooLarge) {
			return err // a page refused on purpose, not broken JSON
		}
		return &APIError{StatusCode: resp.StatusCode, Method: op.method, Path: op.path,
			Message: "response is not the expected JSON: " + cleanMessage(c.cfg.token.redact(err.Error()))}
	}
	return nil
}

// bodyDecoder is an out that decodes the whole body itself (a list page,
// item by item), rather than through json.Unmarshal.
type bodyDecoder interface{ decodeBody(data []byte) error }

// decode decodes a success body into out.
func decode(body []byte, out any) error {
	if d, ok := out.(bodyDecoder); ok {
		return d.decodeBody(body)
	}
	return json.Unmarshal(body, out)
}

// bodyError is the error for a success body that could not be read. (Apart
// from result, so that the target errors.As needs is not moved to the heap
// on every call that succeeds.)
func (c *Client) bodyError(op operation, status int, err error) error {
	if tl := (*tooLargeError)(nil); errors.As(err, &tl) {
		e := *tl // limitTransport's, naming the call
		e.where = fmt.Sprintf("%s %s: %d", op.method, op.path, status)
		return &e
	}
	return fmt.Errorf("panther: %s %s: %d: reading response body: %w", op.method, op.path, status, c.cfg.token.scrub(err))
}

// ErrorBodyTimeout bounds how long reading an error (non-2xx) body, or
// draining the body of a response that is retried, may take. Past it the
// body is closed: the call returns the status it got, with whatever of the
// message had arrived, or goes on to its retry.
const ErrorBodyTimeout = time.Second

// readErrorBody reads at most limit bytes of resp's body within
// ErrorBodyTimeout.
func readErrorBody(resp *http.Response, limit int64) ([]byte, error) {
	// Closing the body unblocks a Read in progress: the one bound that
	// works whatever the transport.
	t := time.AfterFunc(ErrorBodyTimeout, func() { _ = resp.Body.Close() })
	defer t.Stop()
	return readBody(resp.Body, resp.ContentLength, limit)
}

// discard drains a little of a response that will not be used, within
// ErrorBodyTimeout, so that its connection can be reused, and closes it.
func discard(resp *http.Response) {
	if resp == nil {
		return
	}
	t := time.AfterFunc(ErrorBodyTimeout, func() { _ = resp.Body.Close() })
	_, _ = io.CopyN(io.Discard, resp.Body, 4<<10)
	t.Stop()
	_ = resp.Body.Close()
}

// logRequest logs one request at debug level: a wrapper call (with the path
// template) or a Raw() request (op "raw", with the path as sent). Never
// headers, bodies or query values, and key is cut from any error text.
func logRequest(ctx context.Context, logger *slog.Logger, key secret, op, method, path string, status, attempts int, start time.Time, err error) {
	if !logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("op", op),
		slog.String("method", method),
		slog.String("path", path),
		slog.Int("status", status),
		slog.Int("attempts", attempts),
		slog.Duration("duration", time.Since(start)),
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", key.redact(err.Error())))
	}
	logger.LogAttrs(ctx, slog.LevelDebug, "panther request", attrs...)
}
