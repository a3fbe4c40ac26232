package panthertest_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pantherkit/panther-go/pkg/panthertest"
)

// FuzzHandler feeds arbitrary requests (method, target with path and query,
// headers, body) to the fake's Handler, parsed by net/http as a real server
// would parse them. mode picks the key sent, the path prefix, spec
// validation and an injected fault. The fake must not panic, must answer
// every non-2xx with a JSON {"message"} or {"error"} body, must keep its
// answer and its request log bounded, and must never produce a response that
// breaks the spec.
func FuzzHandler(f *testing.F) {
	user := `{"email":"a@example.com","givenName":"A","familyName":"B","role":{"name":"Admin"}}`
	f.Add(byte(1), "GET", "/users", "", []byte(nil))
	f.Add(byte(1), "GET", "/users?limit=2&cursor=abc&include-deactivated=true&email=a%40b.c", "", []byte(nil))
	f.Add(byte(1), "GET", "/users?id=a&id=b,c&ids=x,y&role=Admin&limit=61", "", []byte(nil))
	f.Add(byte(1), "POST", "/users", "Content-Type: application/json", []byte(user))
	f.Add(byte(1), "POST", "/users/u1", "Content-Type: application/json; charset=utf-8", []byte(user))
	f.Add(byte(1), "DELETE", "/users/PantherSSO_a%40b.c", "", []byte(nil))
	f.Add(byte(2), "DELETE", "/users/u1", "", []byte(nil))
	f.Add(byte(0), "GET", "/users/u1", "", []byte(nil))
	f.Add(byte(3), "GET", "/users/%2e%2e", "", []byte(nil))
	f.Add(byte(1), "PATCH", "/users/x", "Content-Type: text/plain", []byte("email=a"))
	f.Add(byte(1), "POST", "/users", "Content-Type: application/json", []byte(`{"email":1e999,"role":{"name":null}}`))
	f.Add(byte(1), "POST", "/users", "Content-Type: application/json", []byte(strings.Repeat("[", 20000)))
	f.Add(byte(1), "GET", "//users/../users?limit=%zz", "X-Api-Key: a\nx-api-key: b", []byte(nil))
	f.Add(byte(0x15), "POST", "/v1/users", "Content-Type: application/json", []byte(user)) // prefix, fault after write
	f.Add(byte(0x35), "GET", "/v1/users", "", []byte(nil))                                 // prefix, endless cursor
	f.Add(byte(0x99), "GET", "/users?limit=1", "", []byte(nil))                            // no validation, huge body
	f.Add(byte(0x41), "GET", "/users/u1", "", []byte(nil))                                 // 429 fault
	f.Add(byte(1), "OPTIONS", "*", "", []byte(nil))
	f.Fuzz(func(t *testing.T, mode byte, method, target, header string, body []byte) {
		req := parseRequest(method, target, header, body)
		if req == nil {
			return // net/http would have answered 400 without calling the handler
		}
		opts := []panthertest.Option{panthertest.WithUsers(3)}
		if mode&0x04 != 0 {
			opts = append(opts, panthertest.WithPathPrefix("/v1"))
		}
		if mode&0x08 != 0 {
			opts = append(opts, panthertest.WithSpecValidation(false))
		}
		srv := panthertest.NewServer(opts...)
		defer srv.Close()
		switch mode & 0x03 {
		case 1:
			req.Header.Set("X-API-Key", srv.Token)
		case 2:
			req.Header.Set("X-API-Key", srv.ReadOnlyToken)
		case 3:
			req.Header.Set("X-API-Key", "pt_not-a-token")
		}
		fault, faulty := fuzzFault(mode >> 4)
		if faulty {
			srv.Inject(fault)
		}

		rec := httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, req)

		res := rec.Result()
		got := rec.Body.Bytes()
		// Bounded: the largest honest answer is a page of 60 users (~30 KiB);
		// the rest is an error message, which may quote the input.
		if limit := 128<<10 + 4*(len(target)+len(header)+len(body)); len(got) > limit {
			t.Fatalf("%s %q: %d-byte answer, want at most %d", method, target, len(got), limit)
		}
		if res.StatusCode < 200 || res.StatusCode > 299 {
			if err := checkErrorBody(res.Header, got); err != nil {
				t.Fatalf("%s %q: %d answer: %v\n%s", method, target, res.StatusCode, err, got)
			}
		} else if mt, _, _ := mime.ParseMediaType(res.Header.Get("Content-Type")); mt == "application/json" && !json.Valid(got) {
			t.Fatalf("%s %q: %d answer is not JSON: %.200q", method, target, res.StatusCode, got)
		}
		if errs := srv.Errors(); len(errs) > 0 {
			t.Fatalf("%s %q: the fake produced a response that breaks the spec: %v", method, target, errs)
		}
		log := srv.Requests()
		if len(log) != 1 || log[0].Status != res.StatusCode || len(log[0].Body) > 1<<20+1 {
			t.Fatalf("%s %q: request log %d entries, status %d (sent %d)", method, target, len(log), log[0].Status, res.StatusCode)
		}
	})
}

// parseRequest builds the request a server would hand its handler, or nil
// when net/http would reject the request before that.
func parseRequest(method, target, header string, body []byte) *http.Request {
	if strings.ContainsAny(method+target, " \r\n") || len(body) > 2<<20 {
		return nil
	}
	var raw bytes.Buffer
	fmt.Fprintf(&raw, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n", method, target)
	for line := range strings.SplitSeq(header, "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && !strings.EqualFold(strings.TrimSpace(k), "Content-Length") &&
			!strings.EqualFold(strings.TrimSpace(k), "Transfer-Encoding") && !strings.EqualFold(strings.TrimSpace(k), "Host") {
			fmt.Fprintf(&raw, "%s:%s\r\n", k, strings.TrimRight(v, "\r"))
		}
	}
	fmt.Fprintf(&raw, "Content-Length: %d\r\n\r\n", len(body))
	raw.Write(body)
	req, err := http.ReadRequest(bufio.NewReader(&raw))
	if err != nil {
		return nil
	}
	req.RemoteAddr = "127.0.0.1:1234"
	return req
}

// fuzzFault maps 4 bits of the fuzzer's mode to a fault, or none. Resets
// need a real connection and slow bodies only cost time, so they are left out.
func fuzzFault(n byte) (panthertest.Fault, bool) {
	switch n {
	case 1:
		return panthertest.Fault{Kind: panthertest.FaultAfterWrite, Status: 503}, true
	case 2:
		return panthertest.Fault{Kind: panthertest.FaultStatus, Status: 500}, true
	case 3:
		return panthertest.Fault{Kind: panthertest.FaultEndlessCursor}, true
	case 4:
		return panthertest.Fault{Kind: panthertest.FaultStatus, Status: 429, RetryAfter: "1"}, true
	case 5:
		return panthertest.Fault{Kind: panthertest.FaultHTML}, true
	case 9:
		return panthertest.Fault{Kind: panthertest.FaultHugeBody, Size: 64 << 10}, true
	}
	return panthertest.Fault{}, false
}

// checkErrorBody checks the shape of a non-2xx answer: application/json
// holding exactly one string field, "message" or "error".
func checkErrorBody(h http.Header, body []byte) error {
	if mt, _, _ := mime.ParseMediaType(h.Get("Content-Type")); mt != "application/json" {
		return fmt.Errorf("Content-Type %q, want application/json", h.Get("Content-Type"))
	}
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		return fmt.Errorf("body is not a JSON object: %w", err)
	}
	if len(m) != 1 {
		return fmt.Errorf("body has %d fields, want one", len(m))
	}
	for _, k := range []string{"message", "error"} {
		if s, ok := m[k].(string); ok && s != "" {
			return nil
		}
	}
	return fmt.Errorf(`body %v has no non-empty "message" or "error" string`, m)
}
