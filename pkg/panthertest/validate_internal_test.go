package panthertest

// Internal test: the fake's own bugs must not hide. It swaps the generated
// handlers for broken ones and checks the response validation catches them.

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// recordingTB captures Errorf instead of failing the test.
type recordingTB struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (r *recordingTB) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func (r *recordingTB) Helper() {}

func (r *recordingTB) errors() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.errs...)
}

func TestInvalidResponseIsCaught(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		method  string
		path    string
		handler http.HandlerFunc
		wantErr string
	}{
		{
			name: "results null", method: "GET", path: "/users",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				_ = writeJSON(w, 200, map[string]any{"results": nil})
			},
			wantErr: "response body doesn't match schema",
		},
		{
			name: "user missing email", method: "GET", path: "/users/x",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				_ = writeJSON(w, 200, map[string]any{"givenName": "A", "familyName": "B", "role": map[string]any{}, "enabled": true})
			},
			wantErr: "email",
		},
		{
			name: "wrong content type", method: "GET", path: "/users/x",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "text/plain")
				_, _ = io.WriteString(w, "oops")
			},
			wantErr: "Content-Type",
		},
		{
			name: "delete with a body", method: "DELETE", path: "/users/x",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				_ = writeJSON(w, 200, map[string]any{"ok": true})
			},
			wantErr: "declares no body",
		},
		{
			name: "undeclared status with an odd body", method: "GET", path: "/users",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				_ = writeJSON(w, http.StatusTeapot, map[string]any{"msg": 1})
			},
			wantErr: `"message" or "error"`,
		},
		{
			name: "text/plain error", method: "POST", path: "/users",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				http.Error(w, "bad", http.StatusBadRequest)
			},
			wantErr: "Content-Type",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for _, withTB := range []bool{true, false} {
				tb := &recordingTB{TB: t}
				opts := []Option{}
				if withTB {
					opts = append(opts, WithTB(tb))
				}
				srv := NewServer(opts...)
				srv.api = tt.handler
				var body io.Reader
				if tt.method == "POST" {
					body = strings.NewReader(`{"email":"a@example.com","givenName":"A","familyName":"B","role":{"name":"Admin"}}`)
				}
				req, _ := http.NewRequestWithContext(t.Context(), tt.method, srv.URL+tt.path, body)
				req.Header.Set("X-API-Key", srv.Token)
				req.Header.Set("Content-Type", "application/json")
				resp, err := srv.Client().Do(req)
				if err != nil {
					t.Fatal(err)
				}
				got, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				srv.Close()
				if resp.StatusCode != 500 || !strings.Contains(string(got), `"message":"panthertest: invalid response`) {
					t.Errorf("withTB=%v: answer = %d %s, want 500 panthertest: invalid response", withTB, resp.StatusCode, got)
				}
				if errs := srv.Errors(); len(errs) != 1 || !strings.Contains(errs[0].Error(), tt.wantErr) {
					t.Errorf("withTB=%v: Errors() = %v, want one containing %q", withTB, errs, tt.wantErr)
				}
				if n := len(tb.errors()); (n == 1) != withTB {
					t.Errorf("withTB=%v: tb.Errorf called %d times", withTB, n)
				}
			}
		})
	}
}
