package panthertest_test

import (
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/pantherkit/panther-go/pkg/panthertest"
)

func TestLatency(t *testing.T) {
	t.Parallel()
	const d = 40 * time.Millisecond
	srv := newFake(t, panthertest.WithLatency(d))
	for _, c := range []call{{method: "GET", path: "/users", token: srv.Token}, {method: "GET", path: "/nope"}} {
		start := time.Now()
		do(t, srv, c)
		if got := time.Since(start); got < d {
			t.Errorf("%s took %v, want at least %v", c.path, got, d)
		}
	}
	// A client deadline shorter than the latency ends the wait.
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Millisecond)
	defer cancel()
	slow := newFake(t, panthertest.WithLatency(time.Hour))
	req, _ := http.NewRequestWithContext(ctx, "GET", slow.URL+"/users", nil)
	if resp, err := slow.Client().Do(req); err == nil {
		resp.Body.Close()
		t.Error("request outlived its deadline")
	}
}

// TestResponsesDeclareTheirLength: answers carry Content-Length, as Panther's
// gateway sends it, not chunked encoding, even above net/http's 2 KiB
// threshold for chunking.
func TestResponsesDeclareTheirLength(t *testing.T) {
	t.Parallel()
	srv := panthertest.NewServer(panthertest.WithTB(t), panthertest.WithUsers(60))
	for _, c := range []call{
		{method: http.MethodGet, path: "/users", token: srv.Token},
		{method: http.MethodGet, path: "/nowhere", token: srv.Token},
		{method: http.MethodGet, path: "/users"},
	} {
		req, err := http.NewRequestWithContext(t.Context(), c.method, srv.URL+c.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		if c.token != "" {
			req.Header.Set("X-API-Key", c.token)
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if resp.ContentLength != int64(len(body)) || len(resp.TransferEncoding) != 0 {
			t.Errorf("%s %s: Content-Length %d, Transfer-Encoding %q for a %d-byte body; want the length, no chunking",
				c.method, c.path, resp.ContentLength, resp.TransferEncoding, len(body))
		}
	}
}
