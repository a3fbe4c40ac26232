package panthertest_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/pantherkit/panther-go/api"
)

// TestUnimplementedBase: the generated base the fake embeds answers every
// operation with a JSON 501 naming it, so an operation added to the spec
// compiles and is answered, not routed to a panic or a 404. (The drill in
// internal/drill proves it end to end with a new document.)
func TestUnimplementedBase(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(api.Handler(api.NewStrictHandler(api.StrictUnimplemented{}, nil)))
	t.Cleanup(srv.Close)
	for _, tt := range []struct{ method, path, wantMsg string }{
		{"GET", "/users", "operation user#list (GET /users) is not implemented by this server"},
		{"DELETE", "/users/x", "operation user#delete (DELETE /users/{id}) is not implemented by this server"},
	} {
		req, err := http.NewRequestWithContext(t.Context(), tt.method, srv.URL+tt.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body struct{ Message string }
		err = json.NewDecoder(resp.Body).Decode(&body)
		_ = resp.Body.Close()
		if err != nil {
			t.Fatalf("%s %s: body is not JSON: %v", tt.method, tt.path, err)
		}
		if resp.StatusCode != http.StatusNotImplemented || resp.Header.Get("Content-Type") != "application/json" || body.Message != tt.wantMsg {
			t.Errorf("%s %s = %d %q %q, want 501 application/json %q", tt.method, tt.path, resp.StatusCode, resp.Header.Get("Content-Type"), body.Message, tt.wantMsg)
		}
	}
}
