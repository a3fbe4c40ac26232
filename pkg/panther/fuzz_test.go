package panther_test

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/pantherkit/panther-go/pkg/panther"
)

// FuzzResponse feeds arbitrary status codes, headers and bodies to the
// client: it must not panic, must not hold more than its caps, must never
// put the token in an error, and must only report success with a usable value.
// A Content-Length header, true or not, becomes the response's declared
// length; without one the length is unknown, as with a chunked body. The cap
// is 4 KiB so that the fuzzer reaches it.
func FuzzResponse(f *testing.F) {
	f.Add(200, "Content-Type: application/json", []byte(userJSON))
	f.Add(200, "Content-Type: application/json", []byte(`{"results":[`+userJSON+`],"next":"c"}`))
	f.Add(200, "Content-Type: application/json", []byte(`{}`))
	f.Add(200, "Content-Type: text/html", []byte("<!DOCTYPE html><html></html>"))
	f.Add(404, "Content-Type: application/json", []byte(`{"message":"user not found"}`))
	f.Add(403, "Content-Type: application/json", []byte(`{"error":"forbidden"}`))
	f.Add(429, "Retry-After: 99999999999999999999", []byte(`{"message":`))
	f.Add(503, "Retry-After: Wed, 21 Oct 2015 07:28:00 GMT", []byte("\x1b[31m"+testToken))
	f.Add(299, "", []byte(`{"id":null,"role":{"id":1}}`))
	f.Add(100, "", []byte{})
	f.Fuzz(func(t *testing.T, status int, header string, body []byte) {
		if status < 100 || status > 999 {
			status = 100 + (status%900+900)%900
		}
		h := http.Header{}
		for line := range strings.SplitSeq(header, "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && k != "" {
				h.Add(k, strings.TrimSpace(v))
			}
		}
		declared := int64(-1)
		if n, err := strconv.ParseInt(h.Get("Content-Length"), 10, 64); err == nil && n >= 0 {
			declared = n
		}
		const maxSize = 4 << 10
		hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
			return &http.Response{
				StatusCode: status, Status: strconv.Itoa(status), Header: h,
				Body: io.NopCloser(bytes.NewReader(body)), ContentLength: declared, Request: r,
				Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			}, nil
		})}
		c, err := panther.NewClient("https://api.example.com", panther.WithAPIToken(testToken),
			panther.WithHTTPClient(hc), panther.WithRetryPolicy(panther.RetryPolicy{}), panther.WithMaxResponseSize(maxSize))
		if err != nil {
			t.Fatal(err)
		}
		ctx := t.Context()
		check := func(op string, err error) {
			t.Helper()
			if err == nil {
				return
			}
			if strings.Contains(err.Error(), testToken) {
				t.Fatalf("%s error contains the token: %v", op, err)
			}
			var apiErr *panther.APIError
			if errors.As(err, &apiErr) && (len(apiErr.Message) > 400 || apiErr.RetryAfter < 0) {
				t.Fatalf("%s: APIError out of bounds: %+v", op, apiErr)
			}
		}
		u, err := c.Users.Get(ctx, "u1")
		check("Get", err)
		if err == nil && (u == nil || u.Id == nil || *u.Id == "") {
			t.Fatalf("Get() = %+v with no error, want a user with an id", u)
		}
		tooLarge := len(body) > maxSize || declared > maxSize
		if ok := status >= 200 && status <= 299; ok && tooLarge != errors.Is(err, panther.ErrResponseTooLarge) {
			t.Fatalf("Get() of a %d-byte body (declared %d) = %v; want ErrResponseTooLarge exactly when over %d", len(body), declared, err, maxSize)
		}
		page, err := c.Users.ListPage(ctx, nil)
		check("ListPage", err)
		if err == nil && (page == nil || page.Users == nil) {
			t.Fatalf("ListPage() = %+v with no error, want a page", page)
		}
		check("Delete", c.Users.Delete(ctx, "u1"))
	})
}
