// This file holds the errors the package returns and the code that turns an
// HTTP response that is not a success into an *APIError.

package panther

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Sentinel errors. An *APIError matches the one for its status with
// [errors.Is]; client-side checks match [ErrInvalidInput].
var (
	// ErrBadRequest matches an *APIError with status 400: the server rejected the request.
	ErrBadRequest = errors.New("panther: bad request")
	// ErrUnauthorized matches status 401: the token is missing, unknown or revoked.
	ErrUnauthorized = errors.New("panther: unauthorized")
	// ErrForbidden matches status 403: the token lacks a permission ("Read User Info"
	// for reads, "Manage Users" for changes).
	ErrForbidden = errors.New("panther: forbidden")
	// ErrNotFound matches status 404, and the error of [UsersService.GetByEmail]
	// when no user has the email.
	ErrNotFound = errors.New("panther: not found")
	// ErrRateLimited matches status 429; [APIError.RetryAfter] says how long to wait
	// when the server said so.
	ErrRateLimited = errors.New("panther: rate limited")
	// ErrInvalidInput matches errors from checks made before any request is
	// sent; see [InputError] for the field and the rule.
	ErrInvalidInput = errors.New("panther: invalid input")
)

// APIError is the error for a response the client cannot use as a success:
// every non-2xx status, whether or not the API documents it, and a 2xx whose
// body is not the expected JSON (for example the Panther Console's HTML page).
// Use [errors.As] to get it and [errors.Is] to match a sentinel.
type APIError struct {
	// StatusCode is the HTTP status, kept even when the body could not be decoded.
	StatusCode int
	// Message is the server's explanation, from the body's "message" or "error"
	// field (or a short plain-text body), or the client's when the body is unusable.
	Message string
	// Method and Path name the operation, such as "GET" and "/users/{id}".
	// Path is the template relative to the base URL: ids and query values are
	// left out so that errors can be logged without personal data.
	Method, Path string
	// RetryAfter is the wait the server asked for in Retry-After (seconds or an
	// HTTP date), 0 when absent, capped by the RetryPolicy's MaxDelay.
	RetryAfter time.Duration
}

// Error returns "panther: GET /users/{id}: 404 Not Found: user not found".
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("panther: ")
	if e.Method != "" || e.Path != "" {
		b.WriteString(strings.TrimSpace(e.Method + " " + e.Path))
		b.WriteString(": ")
	}
	b.WriteString(strconv.Itoa(e.StatusCode))
	if t := http.StatusText(e.StatusCode); t != "" {
		b.WriteString(" " + t)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.RetryAfter > 0 {
		b.WriteString(" (retry after " + e.RetryAfter.String() + ")")
	}
	return b.String()
}

// Is reports whether target is the sentinel for e's status: 400 [ErrBadRequest],
// 401 [ErrUnauthorized], 403 [ErrForbidden], 404 [ErrNotFound], 429 [ErrRateLimited].
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrBadRequest:
		return e.StatusCode == http.StatusBadRequest
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	}
	return false
}

// newAPIError builds the error for a response with a non-2xx status from its
// (possibly truncated) body. It never fails: what cannot be decoded is left
// out. key is redacted from the message.
func newAPIError(op operation, resp *http.Response, body []byte, base *url.URL, now time.Time, key secret, maxDelay time.Duration) *APIError {
	e := &APIError{
		StatusCode: resp.StatusCode,
		Method:     op.method,
		Path:       op.path,
		RetryAfter: min(parseRetryAfter(resp.Header.Get("Retry-After"), now), maxDelay),
	}
	switch {
	case looksLikeHTML(resp.Header, body):
		e.Message = key.redact(htmlMessage(resp.StatusCode, base))
	default:
		e.Message = bodyMessage(body, key)
	}
	return e
}

// bodyMessage returns the "message" or "error" string of a JSON object, or a
// short plain-text body, cleaned of control characters. key is redacted
// before the text is cut to maxMessage, so that no part of it is left at the cut.
func bodyMessage(body []byte, key secret) string {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return ""
	}
	if body[0] == '{' {
		var m struct {
			Message json.RawMessage `json:"message"`
			Error   json.RawMessage `json:"error"`
		}
		if json.Unmarshal(body, &m) == nil {
			for _, raw := range []json.RawMessage{m.Message, m.Error} {
				var s string
				if json.Unmarshal(raw, &s) == nil && strings.TrimSpace(s) != "" {
					return cleanMessage(key.redact(s))
				}
			}
			return ""
		}
	}
	if body[0] == '{' || body[0] == '[' || !utf8.Valid(body) {
		return "" // broken JSON or binary: the status says enough
	}
	return cleanMessage(key.redact(string(body)))
}

// maxMessage bounds Message so that a server cannot flood logs through it.
const maxMessage = 300

// cleanMessage makes server text safe for one log line: control characters
// (including terminal escapes) become spaces, runs of space collapse, and long
// text is cut.
func cleanMessage(s string) string {
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || r == utf8.RuneError
	}), " ")
	if len(s) > maxMessage {
		cut := maxMessage
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

// looksLikeHTML reports whether a response is an HTML page rather than JSON.
func looksLikeHTML(h http.Header, body []byte) bool {
	if strings.Contains(strings.ToLower(h.Get("Content-Type")), "html") {
		return true
	}
	b := bytes.TrimSpace(body[:min(len(body), 512)])
	return hasPrefixFold(b, "<!doctype html") || hasPrefixFold(b, "<html")
}

// hasPrefixFold is bytes.HasPrefix ignoring case, without copying b.
func hasPrefixFold(b []byte, prefix string) bool {
	return len(b) >= len(prefix) && strings.EqualFold(string(b[:len(prefix)]), prefix)
}

// htmlMessage explains an HTML answer. Below 500 it is almost always the
// Panther Console (the web app) answering instead of the API host.
func htmlMessage(status int, base *url.URL) string {
	if status >= 500 {
		return "the server answered with an HTML page, not JSON (an error page of a proxy or gateway?)"
	}
	want := "https://api.<your-panther-domain>"
	if h := base.Hostname(); h != "" && !strings.HasPrefix(h, "api.") && strings.Contains(h, ".") && !isLoopback(h) {
		want = "https://api." + h
	}
	return fmt.Sprintf("the server answered with an HTML page, not JSON: %s looks like the Panther Console; use the API URL (%s) instead", base.String(), want)
}

// parseRetryAfter reads a Retry-After value in seconds or as an HTTP date
// relative to now. Missing, invalid or past values give 0.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		const maxSecs = int64(1<<63-1) / int64(time.Second)
		return time.Duration(min(secs, maxSecs)) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}
